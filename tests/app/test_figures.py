"""Static images: the same input gives the same PNG, whichever thread draws it.

Streamlit builds download files (the patrol pack) on worker threads, several
sessions at once, so the drawing code must not share state between threads.
"""

import hashlib
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from app.figures import hotspot_map_png, ward_map_png
from tests.conftest import ORIGIN


def _hotspots(shift: float) -> gpd.GeoDataFrame:
    ox, oy = ORIGIN
    return gpd.GeoDataFrame(
        {"rank": [1, 2]},
        geometry=[
            box(ox + shift, oy, ox + shift + 40, oy + 40),
            box(ox + 120, oy + 50, ox + 160, oy + 90),
        ],
        crs=27700,
    )


def _digest(png: bytes) -> str:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return hashlib.sha256(png).hexdigest()


def test_images_are_identical_when_drawn_on_many_threads(wards):
    shifts = [0.0, 20.0, 40.0, 60.0]
    values = pd.DataFrame(
        {
            "ward_code": ["A", "B"],
            "ward_name": ["Ward A", "Ward B"],
            "rate": [1.5, -2.0],
        }
    )

    def draw(shift: float) -> tuple[str, str]:
        hot = hotspot_map_png(_hotspots(shift), wards=wards, top=2)
        choro = ward_map_png(
            wards, values.assign(rate=values["rate"] * (1 + shift)), column="rate",
            title="rate", diverging=True,
        )  # fmt: skip
        return _digest(hot), _digest(choro)

    serial = [draw(s) for s in shifts]
    # different inputs give different pictures, so a mix-up would show
    assert len({h for h, _ in serial}) == len(shifts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            assert list(pool.map(draw, shifts * 3)) == serial * 3


def test_heat_points_merge_only_when_there_are_too_many():
    from app.maps import MAX_HEAT_POINTS, _heat_points

    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 5000, 30_000), rng.uniform(0, 5000, 30_000)
    counts = rng.integers(1, 5, 30_000).astype(float)
    mx, my, mc = _heat_points(x, y, counts)
    assert mx.size <= MAX_HEAT_POINTS
    assert mc.sum() == counts.sum()  # every incident still weighs in
    # each merged point is its cell's incident-weighted centre: the overall
    # weighted centre is unchanged
    assert np.average(mx, weights=mc) == pytest.approx(np.average(x, weights=counts))
    assert np.average(my, weights=mc) == pytest.approx(np.average(y, weights=counts))
    few = _heat_points(x[:500], y[:500], counts[:500])
    assert few[0].tolist() == x[:500].tolist()  # small inputs untouched


def test_month_table_shows_no_none_or_nan_for_months_not_compared():
    """police.uk has no June 2020: that pair reads blank, the rest as counts."""
    import pandas as pd

    from app import tables
    from geo.change import ward_change
    from geo.periods import parse_period

    rows = [("A", m) for m in ("2020-05", "2020-07", "2021-05", "2021-06", "2021-07")
            for _ in range(3)]  # fmt: skip
    inc = pd.DataFrame(rows, columns=["ward_code", "month"]).assign(
        crime_type="Anti-social behaviour"
    )
    import geopandas as gpd
    from shapely.geometry import box

    wards = gpd.GeoDataFrame({"ward_code": ["A"], "ward_name": ["Ward A"]},
                             geometry=[box(0, 0, 1, 1)], crs="EPSG:27700")  # fmt: skip
    r = ward_change(
        inc, wards, before=parse_period("2020-05:2020-07"),
        after=parse_period("2021-05:2021-07"),
        months_with_data=["2020-05", "2020-07", "2021-05", "2021-06", "2021-07"],
    )  # fmt: skip
    shown = tables.months_table(r).astype(str)
    text = " ".join(shown.to_numpy().ravel())
    assert "None" not in text and "nan" not in text.lower()
    june = shown.iloc[1]
    assert june.iloc[-1] == "no: no data" and june.iloc[2] == ""
    assert shown.iloc[0, 2] == "3" and shown.iloc[0, -2] == "+0.0"
    assert tables.p_text(float("nan")) == ""
