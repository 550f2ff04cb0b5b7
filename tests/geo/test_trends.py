import numpy as np
import pytest
import shapely

from geo.errors import GeoInputError
from geo.load import load_incidents
from geo.periods import parse_period
from geo.synthetic import generate_demo, write_demo
from geo.trends import CATEGORIES, _category, emerging_hotspots
from geo.wards import read_wards

H, C, N = True, "cold", False


def _hist(pattern):
    hot = np.array([p is True for p in pattern])
    cold = np.array([p == "cold" for p in pattern])
    return hot, cold


@pytest.mark.parametrize(
    ("pattern", "tau", "p", "expected"),
    [
        ([N] * 9 + [H], 0.5, 0.01, "new hot spot"),
        ([N] * 6 + [H] * 4, 0.5, 0.01, "consecutive hot spot"),
        ([H] * 10, 0.6, 0.01, "intensifying hot spot"),
        ([H] * 10, 0.1, 0.60, "persistent hot spot"),
        ([H] * 10, -0.6, 0.01, "diminishing hot spot"),
        ([N, H] * 5, 0.0, 0.90, "sporadic hot spot"),
        ([C, N, H, N, N, H, N, N, N, H], 0.2, 0.30, "oscillating hot spot"),
        ([H] * 9 + [N], -0.2, 0.20, "historical hot spot"),
        # hot once, long ago: Esri's sporadic needs the final month hot
        ([H, N, N, N, N, N, N, N, N, N], -0.2, 0.20, "no pattern"),
        ([H, C, N, N, N, N, N, N, N, N], -0.2, 0.20, "no pattern"),
        # hot nine months in ten but not at the end: historical, not new cold
        ([H] * 9 + [C], -0.6, 0.01, "historical hot spot"),
        # the cold mirror: an intensifying cold spot's z falls
        ([N] * 9 + [C], -0.5, 0.01, "new cold spot"),
        ([N] * 7 + [C] * 3, -0.5, 0.01, "consecutive cold spot"),
        ([C] * 10, -0.6, 0.01, "intensifying cold spot"),
        ([C] * 10, 0.0, 0.90, "persistent cold spot"),
        ([C] * 10, 0.6, 0.01, "diminishing cold spot"),
        ([C, N] * 5 + [C], 0.0, 0.90, "sporadic cold spot"),
        ([H, N, C, N, C], 0.0, 0.90, "oscillating cold spot"),
        ([C] * 9 + [N], 0.2, 0.20, "historical cold spot"),
    ],
)
def test_categories_by_hand(pattern, tau, p, expected):
    hot, cold = _hist(pattern)
    assert _category(hot, cold, tau, p, 0.05) == expected
    assert expected in CATEGORIES


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
        "H1": "persistent hot spot",
        "H3b": "consecutive hot spot",  # appeared in 2023-01 and stayed
        "H4": "persistent hot spot",
        "H5": "persistent hot spot",
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


def test_uniform_points_in_an_l_shaped_area_give_no_patterns():
    """The null on a coast-like study area: 6,000 incidents spread evenly over
    an L of 64 cells of 200 m, over 12 months. Only cells inside the L are
    cells (the bounding box's empty corner had made 63 of 80 "sporadic"):
    across 5 runs, no cell gets a hot or cold pattern, and at most 5% of
    cells are ever significant in a month."""
    import geopandas as gpd

    area = shapely.union(shapely.box(0, 0, 2000, 800), shapely.box(0, 0, 800, 2000))
    rng = np.random.default_rng(3)
    for _ in range(5):
        xy = rng.uniform(0, 2000, (20_000, 2))
        xy = xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])][:6000]
        months = [f"2022-{m:02d}" for m in rng.integers(1, 13, len(xy))]
        pts = gpd.GeoDataFrame(
            {"month": months},
            geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
            crs="EPSG:27700",
        )
        cells = emerging_hotspots(pts, area=area, cell_m=200)
        assert (cells["category"] == "no pattern").all()
        assert len(cells) <= 0.05 * 64
