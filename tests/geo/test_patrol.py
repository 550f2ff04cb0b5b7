"""Patrol hotspots: the one answer for a period, and its one framing of PAI."""

import geopandas as gpd
import pytest
import shapely

from geo.errors import GeoInputError
from geo.hotspots import hotspots
from geo.patrol import patrol_hotspots, patrol_periods
from geo.periods import parse_period
from geo.settings import WORKING_CRS

AREA_M2 = 1_000_000.0
"""A 1 km square study area."""


def _incidents(spec: dict[str, list[tuple[float, float, int]]]) -> gpd.GeoDataFrame:
    """Incidents from ``{month: [(x, y, count), ...]}``: ``count`` on each point."""
    rows = [
        (month, x, y)
        for month, pts in spec.items()
        for x, y, n in pts
        for _ in range(n)
    ]
    return gpd.GeoDataFrame(
        {
            "month": [r[0] for r in rows],
            "crime_type": "Burglary",
            "location": "On or near Test Street",
        },
        geometry=gpd.points_from_xy([r[1] for r in rows], [r[2] for r in rows]),
        crs=WORKING_CRS,
    )


def _patrol(incidents, period: str, **kwargs):
    """Patrol hotspots of ``period`` at eps 50 m, min_samples 5, on AREA_M2."""
    return patrol_hotspots(
        incidents,
        period=parse_period(period),
        area_m2=AREA_M2,
        eps=50,
        min_samples=5,
        **kwargs,
    )


SCATTER = [(x, 600.0, 1) for x in (0.0, 200.0, 400.0, 600.0, 800.0)]
"""Five lone incidents 200 m apart: never a hotspot at eps 50."""


@pytest.fixture
def three_months() -> gpd.GeoDataFrame:
    """Previous month (2022-01): 10 at (100, 100), 5 scattered.
    This month (2022-02): 6 at (100, 100), 4 at (800, 800), 10 scattered (N = 20).
    Next month (2022-03): 3 at (100, 100), 7 scattered (N = 10).
    At eps 50 m and min_samples 5, the only hotspot of each month is at
    (100, 100); (800, 800) has 4 < 5."""
    return _incidents(
        {
            "2022-01": [(100.0, 100.0, 10), *SCATTER],
            "2022-02": [(100.0, 100.0, 6), (800.0, 800.0, 4), *SCATTER, *SCATTER],
            "2022-03": [(100.0, 100.0, 3), *SCATTER, (0.0, 900.0, 1), (900.0, 0.0, 1)],
        }
    )


def test_previous_period_predicts_this_one_worked_by_hand(three_months):
    r = _patrol(three_months, "2022-02")
    assert r.previous_period.label == "2022-01"
    assert r.next_period.label == "2022-03"
    assert r.total == 20 and r.unit == "offences"
    table = r.hotspots.table
    assert table["incidents"].tolist() == [6]
    # the previous month's hotspot is the same place: it holds 6 of this month's 20
    ev = r.predicted
    assert ev.hit_rate == pytest.approx(6 / 20)
    assert ev.before_total == 15 and ev.next_total == 20
    assert ev.pai == pytest.approx((6 / 20) / (ev.hotspot_area_m2 / AREA_M2))
    # the polygon is the map point buffered by eps / 2 (25 m): a circle's area
    assert ev.hotspot_area_m2 == pytest.approx(3.14159 * 25**2, rel=0.02)
    # this month's hotspot on the next: 3 of 10; RRI (3 / 6) / (10 / 20) = 1
    assert table["next_incidents"].tolist() == [3]
    assert r.next_evaluation.hit_rate == pytest.approx(0.3)
    assert table["rri_next"].tolist() == [1.0]
    said = [str(n) for n in r.notes]
    assert any("held 30.0% of this period's 20 offences" in s for s in said)


def test_predicted_equals_scoring_the_previous_periods_own_hotspots(three_months):
    """The same figure by another path: hotspots of January alone, scored by hand."""
    jan = three_months.loc[three_months["month"] == "2022-01"]
    feb = three_months.loc[three_months["month"] == "2022-02"]
    own = hotspots(jan, eps=50, min_samples=5, area_m2=AREA_M2).table
    inside = feb.geometry.within(shapely.union_all(own.geometry.to_numpy())).sum()
    r = _patrol(three_months, "2022-02")
    assert r.predicted.hit_rate == inside / len(feb)
    assert r.predicted.hotspot_area_m2 == pytest.approx(own.area.sum())


def test_no_prediction_when_the_data_starts_inside_the_previous_period(three_months):
    q = "2022-02:2022-03"  # previous: 2021-12:2022-01, cut at the start
    r = _patrol(three_months, q)
    assert r.previous_period.label == "2021-12:2022-01"
    assert r.predicted is None
    assert any("not held in whole" in str(n) for n in r.notes)
    # months held say otherwise (December held, with nothing of this type)
    held = ["2021-12", "2022-01", "2022-02", "2022-03"]
    r = _patrol(three_months, q, months_with_data=held)
    assert r.predicted is not None and r.predicted.before_total == 15


def test_no_next_period_held_leaves_no_next_columns(three_months):
    r = _patrol(three_months, "2022-03")
    assert r.next_evaluation is None
    assert "next_incidents" not in r.hotspots.table.columns
    assert r.predicted.hit_rate == pytest.approx(3 / 10)  # February's on March


def test_empty_period_says_so(three_months):
    with pytest.raises(GeoInputError, match="no incidents in 2023-01") as err:
        patrol_hotspots(three_months, period=parse_period("2023-01"), area_m2=AREA_M2)
    assert err.value.argument == "period"


def test_patrol_periods_are_the_same_length_around():
    p = parse_period("2023/24")
    spans = [(x.start, x.end) for x in patrol_periods(p)]
    assert spans == [
        ("2022-04", "2023-03"),
        ("2023-04", "2024-03"),
        ("2024-04", "2025-03"),
    ]


@pytest.mark.real_data
def test_a_period_scored_on_an_exact_copy_of_itself_has_rri_one(real_data):
    """RRI's n1 and n2 are counted the same way, inside the polygons. Real
    Blackpool ASB 2021/22: counting cluster members against everything inside
    the polygons had given 1.0165 overall and up to 1.08 a hotspot."""
    from geo.evaluate import evaluate_hotspots
    from geo.load import load_incidents
    from geo.wards import read_wards

    wards = read_wards(real_data / "boundaries" / "blackpool_wards_2023.geojson")
    inc = load_incidents(
        real_data / "police_uk" / "blackpool",
        wards=wards,
        periods=[parse_period("2021/22")],
        types=["ASB"],
    ).incidents
    area = float(wards.union_all().area)
    found = hotspots(inc, area_m2=area).table
    ev = evaluate_hotspots(
        found, inc, area_m2=area, before_total=len(inc), before_incidents=inc
    )
    assert ev.rri == 1.0
    assert ev.per_hotspot["rri"].tolist() == [1.0] * len(found)
