import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geo.displacement import (
    displacement,
    match_hotspots,
    new_location_share,
    resnapped_months,
    wdq,
)
from geo.errors import GeoInputError
from geo.load import load_incidents
from geo.periods import parse_period
from geo.settings import WORKING_CRS
from geo.synthetic import generate_demo, write_demo
from geo.wards import read_wards

AREA = box(-50, -50, 200, 60)
TARGET = box(0, 0, 10, 10)


def _pts(n_target, n_buffer, n_control, month="2022-01"):
    """Target points at x 5, buffer (10 m ring) at x 15, control at x 100."""
    xs = [5.0] * n_target + [15.0] * n_buffer + [100.0] * n_control
    return gpd.GeoDataFrame(
        {"month": [month] * len(xs)},
        geometry=gpd.points_from_xy(xs, [5.0] * len(xs)),
        crs=WORKING_CRS,
    )


def test_wdq_displacement_equal_to_gain_is_minus_one():
    r = wdq(_pts(100, 100, 1000), _pts(50, 150, 1000), TARGET, area=AREA, buffer_m=10)
    assert (r.target_before, r.target_after) == (100, 50)
    assert (r.buffer_before, r.buffer_after) == (100, 150)
    assert r.wdq == -1.0
    assert r.total_net_effect == 0.0
    assert r.interpretable
    # the displacement cancels the gain: no net gain (it had said "a net gain")
    assert "no net gain (total net effect 0)" in r.interpretation
    assert "a net gain" not in r.interpretation


def test_wdq_diffusion_of_benefit_is_positive():
    r = wdq(_pts(100, 100, 1000), _pts(50, 50, 1000), TARGET, area=AREA, buffer_m=10)
    # (0.05 - 0.1) / (0.05 - 0.1) = 1; net effect (100 - 50) + (100 - 50) = 100
    assert r.wdq == 1.0
    assert r.total_net_effect == 100.0
    assert "diffusion of benefit" in r.interpretation


def test_wdq_displacement_outweighs_gain():
    r = wdq(_pts(100, 100, 1000), _pts(80, 160, 1000), TARGET, area=AREA, buffer_m=10)
    # (0.16 - 0.1) / (0.08 - 0.1) = -3
    assert r.wdq == pytest.approx(-3.0)
    assert "below -1" in r.interpretation


def test_wdq_control_trend_is_used():
    # control doubles: the target's 100 -> 100 is a relative fall
    r = wdq(_pts(100, 100, 1000), _pts(100, 200, 2000), TARGET, area=AREA, buffer_m=10)
    # (200/2000 - 0.1) / (100/2000 - 0.1) = 0
    assert r.wdq == 0.0
    assert r.total_net_effect == pytest.approx((100 * 2 - 100) + (100 * 2 - 200))


def test_wdq_refuses_to_interpret():
    rose = wdq(
        _pts(100, 100, 1000), _pts(150, 100, 1000), TARGET, area=AREA, buffer_m=10
    )
    assert not rose.interpretable
    assert "did not fall" in rose.interpretation
    small = wdq(_pts(10, 100, 1000), _pts(5, 100, 1000), TARGET, area=AREA, buffer_m=10)
    assert not small.interpretable
    assert "too few incidents before in the target" in small.interpretation
    assert "at least 20" in small.interpretation


def test_wdq_bad_inputs():
    b, a = _pts(100, 100, 1000), _pts(50, 150, 1000)
    with pytest.raises(GeoInputError, match="target area is empty"):
        wdq(b, a, shapely.Polygon(), area=AREA)
    with pytest.raises(GeoInputError, match="outside the boundaries"):
        wdq(b, a, box(5000, 5000, 5010, 5010), area=AREA)
    with pytest.raises(GeoInputError, match="leaves no control area"):
        wdq(b, a, TARGET, area=AREA, buffer_m=1000)
    with pytest.raises(GeoInputError, match="buffer_m"):
        wdq(b, a, TARGET, area=AREA, buffer_m=-5)


def _table(polys, counts):
    return gpd.GeoDataFrame(
        {"hotspot_id": list(range(1, len(polys) + 1)), "incidents": counts},
        geometry=polys,
        crs=WORKING_CRS,
    )


def test_matching_statuses_by_hand():
    before = _table(
        [box(0, 0, 100, 100), box(1000, 0, 1100, 100), box(3000, 0, 3100, 100)],
        [50, 40, 30],
    )
    # persistent: overlaps #1 by half; shifted: #2 moved 300 m east; emerging far away
    after = _table(
        [box(50, 0, 150, 100), box(1300, 0, 1400, 100), box(9000, 0, 9100, 100)],
        [50, 40, 30],
    )
    inc_b = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([50, 1050, 3050], [50] * 3), crs=WORKING_CRS
    )
    inc_a = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([100, 1350, 9050], [50] * 3), crs=WORKING_CRS
    )
    m = match_hotspots(before, after, before_incidents=inc_b, after_incidents=inc_a)
    keys = zip(m["period"], m["hotspot_id"], strict=True)
    status = dict(zip(keys, m["status"], strict=True))
    assert status == {
        ("before", 1): "persistent", ("before", 2): "shifted", ("before", 3): "ceased",
        ("after", 1): "persistent", ("after", 2): "shifted", ("after", 3): "emerging",
    }  # fmt: skip
    shifted = m[(m["period"] == "before") & (m["hotspot_id"] == 2)].iloc[0]
    assert shifted["matched_id"] == 2
    assert shifted["shift_m"] == 300.0  # mean positions of their incidents
    assert shifted["shift_bearing"] == 90.0  # due east
    assert m["before_incidents"].tolist() == [1, 1, 1, 1, 0, 0]


def test_touching_edges_are_not_persistent():
    before = _table([box(0, 0, 100, 100)], [10])
    after = _table([box(99, 0, 199, 100)], [10])  # 1% overlap
    none = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WORKING_CRS))
    m = match_hotspots(before, after, before_incidents=none, after_incidents=none)
    assert set(m["status"]) == {"shifted"}


def test_new_locations_and_resnap():
    def pts(xs, months):
        return gpd.GeoDataFrame(
            {"month": months},
            geometry=gpd.points_from_xy(xs, [0] * len(xs)),
            crs=WORKING_CRS,
        )

    assert (
        new_location_share(pts([1, 2], ["a"] * 2), pts([1, 1, 1, 9], ["b"] * 4)) == 0.25
    )
    months = ["2022-01"] * 4 + ["2022-02"] * 4 + ["2022-03"] * 4
    xs = [1, 2, 3, 4, 1, 2, 3, 4, 7, 8, 9, 3]  # March: 3 of 4 on new points
    assert resnapped_months(pts(xs, months)) == ["2022-03"]


@pytest.fixture(scope="module")
def demo_loaded(tmp_path_factory):
    paths = write_demo(tmp_path_factory.mktemp("demo"))
    wards = read_wards(paths["wards_after"])
    b, a = parse_period("2022"), parse_period("2023")
    inc = load_incidents(paths["incidents"], wards=wards, periods=[b, a]).incidents
    return inc, wards, b, a


def test_planted_displacement_is_found(demo_loaded):
    inc, wards, b, a = demo_loaded
    asb = inc[inc["crime_type"] == "Anti-social behaviour"]
    result = displacement(
        asb[b.contains(asb["month"])],
        asb[a.contains(asb["month"])],
        area_m2=wards.union_all().area,
    )
    demo = generate_demo()
    m = result.matched
    truth = demo.displacement
    moved = m[(m["period"] == "before") & m.contains(shapely.Point(truth["from_xy"]))]
    assert moved["status"].tolist() == ["shifted"]
    shift = moved["shift_m"].iloc[0]
    assert abs(shift - truth["shift_m"]) <= 0.2 * truth["shift_m"]
    assert abs(moved["shift_bearing"].iloc[0] - truth["bearing_deg"]) < 20
    partner = m[(m["period"] == "after") & m.contains(shapely.Point(truth["to_xy"]))]
    assert partner["status"].tolist() == ["shifted"]
    for h in demo.hotspots:
        if h.hotspot_id in ("H1", "H2", "H4", "H5"):
            here = m[(m["period"] == "before") & m.contains(shapely.Point(h.centre))]
            assert here["status"].tolist() == ["persistent"], h.hotspot_id
    assert result.new_location_share < 0.2
    assert result.resnapped == []


@pytest.mark.real_data
def test_real_blackpool_resnap_in_july_2022(real_data):
    from geo.incidents import read_incidents

    inc = read_incidents(real_data / "police_uk" / "blackpool").incidents
    assert resnapped_months(inc) == ["2022-07"]
    jul = inc[inc["month"] == "2022-07"]
    earlier = inc[inc["month"] < "2022-07"]
    assert new_location_share(earlier, jul) > 0.9


def test_twelve_against_three_months_at_equal_rates_keep_every_hotspot():
    """Five places with the same rate in both periods (3 incidents a month at
    each of 4 map points), 12 months before and 3 after: the before period's
    floor is scaled to the after period's length, so none 'ceases'."""
    import geopandas as gpd

    from geo.displacement import displacement
    from geo.settings import WORKING_CRS

    rng = np.random.default_rng(3)
    centres = [(1000.0 * k, 1000.0) for k in range(1, 6)]
    offsets = [(0, 0), (20, 0), (0, 20), (20, 20)]

    def period(months):
        xs, ys, ms = [], [], []
        for m in months:
            for cx, cy in centres:
                for dx, dy in offsets:
                    xs += [cx + dx] * 3
                    ys += [cy + dy] * 3
                    ms += [m] * 3
            n = 100  # scattered background
            xs += list(rng.uniform(0, 6000, n))
            ys += list(rng.uniform(0, 5000, n))
            ms += [m] * n
        return gpd.GeoDataFrame(
            {"month": ms, "crime_type": "Burglary", "location": "On or near X"},
            geometry=gpd.points_from_xy(xs, ys),
            crs=WORKING_CRS,
        )

    before = period([f"2022-{m:02d}" for m in range(1, 13)])
    after = period(["2023-01", "2023-02", "2023-03"])
    r = displacement(before, after, eps=100, min_samples=60)
    statuses = r.matched.groupby("period")["status"].apply(set).to_dict()
    assert len(r.before_hotspots) == len(r.after_hotspots) == 5
    assert statuses == {"before": {"persistent"}, "after": {"persistent"}}
    assert "its floor scaled to 15" in r.notes[0]


def test_wdq_points_on_a_zone_edge_count_once():
    """60 points exactly on the target's edge (x = 10): once each, in the target."""
    before = pd.concat([_pts(100, 100, 1000), _pts(0, 0, 0)])
    on_edge = gpd.GeoDataFrame(
        {"month": ["2022-01"] * 60},
        geometry=gpd.points_from_xy([10.0] * 60, [5.0] * 60),
        crs=WORKING_CRS,
    )
    r = wdq(pd.concat([before, on_edge]), _pts(50, 150, 1000), TARGET, area=AREA,
            buffer_m=10)  # fmt: skip
    given = 100 + 100 + 1000 + 60
    counted = r.target_before + r.buffer_before + r.control_before
    assert counted == given  # not 1,320
    assert (r.target_before, r.buffer_before) == (160, 100)
