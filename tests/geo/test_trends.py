import numpy as np
import pytest
import shapely

from geo.errors import GeoInputError
from geo.load import load_incidents
from geo.periods import parse_period
from geo.synthetic import generate_demo, write_demo
from geo.trends import _category, emerging_hotspots
from geo.wards import read_wards

H, C, N = True, "cold", False


def _hist(pattern):
    hot = np.array([p is True for p in pattern])
    cold = np.array([p == "cold" for p in pattern])
    return hot, cold


@pytest.mark.parametrize(
    ("pattern", "tau", "p", "expected"),
    [
        ([N] * 9 + [H], 0.5, 0.01, "new"),
        ([N] * 6 + [H] * 4, 0.5, 0.01, "consecutive"),
        ([H] * 10, 0.6, 0.01, "intensifying"),
        ([H] * 10, 0.1, 0.60, "persistent"),
        ([H] * 10, -0.6, 0.01, "diminishing"),
        ([N, H] * 5, 0.0, 0.90, "sporadic"),
        ([C, N, H, N, N, H, N, N, N, H], 0.2, 0.30, "oscillating"),
        ([H] * 9 + [N], -0.2, 0.20, "historical"),
        ([H, N, N, N, N, N, N, N, N, N], -0.2, 0.20, "sporadic"),
        ([H, C, N, N, N, N, N, N, N, N], -0.2, 0.20, "no pattern"),
    ],
)
def test_categories_by_hand(pattern, tau, p, expected):
    hot, cold = _hist(pattern)
    assert _category(hot, cold, tau, p, 0.05) == expected


def test_too_few_months(wards):
    import geopandas as gpd

    pts = gpd.GeoDataFrame(
        {"month": ["2022-01", "2022-02"]},
        geometry=gpd.points_from_xy([1, 2], [1, 2]),
        crs="EPSG:27700",
    )
    with pytest.raises(GeoInputError, match="at least 6 months"):
        emerging_hotspots(pts)


def test_planted_trends_recovered(tmp_path):
    paths = write_demo(tmp_path)
    wards = read_wards(paths["wards_after"])
    inc = load_incidents(
        paths["incidents"], wards=wards, periods=[parse_period("2022-01:2023-12")]
    ).incidents
    cells = emerging_hotspots(inc, area=wards.union_all())
    expected = {
        "H1": "persistent",
        "H3b": "consecutive",  # appeared in 2023-01 and stayed
        "H4": "persistent",
        "H5": "persistent",
    }
    for h in generate_demo().hotspots:
        here = cells[cells.contains(shapely.Point(h.centre))]
        if h.hotspot_id in expected:
            assert here["category"].tolist() == [expected[h.hotspot_id]], h.hotspot_id
        if h.hotspot_id == "H2":
            # new cameras from 2022-10 cut it by 40%: a significant fall. On the
            # study area's cells alone it is hot in 18 of 24 months, under the
            # 90% ArcGIS's "diminishing" needs (the bounding box's empty sea had
            # made it hot more often)
            assert len(here) == 1
            assert here["trend_tau"].iloc[0] < 0 and here["trend_p"].iloc[0] < 0.05
