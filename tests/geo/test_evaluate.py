import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from geo.errors import GeoInputError
from geo.evaluate import evaluate_hotspots
from geo.settings import WORKING_CRS


@pytest.fixture
def table():
    """Two 10 m squares: id 1 at x 0-10 (12 incidents), id 2 at x 100-110 (8)."""
    return gpd.GeoDataFrame(
        {"hotspot_id": [1, 2], "incidents": [12, 8]},
        geometry=[box(0, 0, 10, 10), box(100, 0, 110, 10)],
        crs=WORKING_CRS,
    )


def _pts(xs):
    return gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(xs, [5] * len(xs)), crs=WORKING_CRS
    )


def test_hand_worked_pai_rri_hit_rate(table):
    nxt = _pts([1, 2, 3, 105, 500, 600, 700, 800, 900, 950])  # 3 in #1, 1 in #2
    e = evaluate_hotspots(table, nxt, area_m2=20_000, before_total=50)
    # hit = 4/10; a/A = 200/20000 = 0.01; PAI = 40
    assert e.hit_rate == pytest.approx(0.4)
    assert e.pai == pytest.approx(40.0)
    # RRI = (n2/n1) / (N2/N1) = (4/20) / (10/50) = 1.0
    assert e.rri == pytest.approx(1.0)
    per = e.per_hotspot
    assert per["next_incidents"].tolist() == [3, 1]
    # hotspot 1: (3/10) / (100/20000) = 60; RRI (3/12)/(10/50) = 1.25
    assert per.loc[1, "pai"] == pytest.approx(60.0)
    assert per.loc[1, "rri"] == pytest.approx(1.25)


def test_a_coastal_hotspot_counts_only_its_land(table):
    """The study area is land below y = 5 (x 0-1000): half of each 10 m
    square is sea. a = 2 x 50 = 100 m², A = 5,000 m²: PAI = (4/10) / (100/5000)
    = 20 (10 with the sea counted as hotspot area: half what the hotspots
    achieve on land). Incidents are counted in the hotspots as drawn."""
    land = box(0, 0, 1000, 5)
    nxt = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([1, 2, 3, 105, 500, 600, 700, 800, 900, 950],
                                    [2] * 10),
        crs=WORKING_CRS,
    )  # fmt: skip
    e = evaluate_hotspots(
        table, nxt, area_m2=land.area, before_total=50, study_area=land
    )
    assert e.hotspot_area_m2 == pytest.approx(100.0)
    assert e.pai == pytest.approx(20.0)
    assert e.per_hotspot.loc[1, "pai"] == pytest.approx((3 / 10) / (50 / 5000))
    unclipped = evaluate_hotspots(table, nxt, area_m2=land.area, before_total=50)
    assert unclipped.pai == pytest.approx(10.0)  # (4/10) / (200/5000)


def test_no_next_incidents_gives_nan(table):
    e = evaluate_hotspots(table, _pts([]), area_m2=20_000, before_total=50)
    assert np.isnan(e.hit_rate) and np.isnan(e.pai)


def test_bad_area_and_crs(table):
    with pytest.raises(GeoInputError, match="area_m2"):
        evaluate_hotspots(table, _pts([1]), area_m2=0, before_total=1)
    with pytest.raises(GeoInputError, match="geographic"):
        evaluate_hotspots(
            table, _pts([1]).to_crs("EPSG:4326"), area_m2=1, before_total=1
        )
