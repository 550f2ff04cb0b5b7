import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from sklearn.cluster import DBSCAN

from geo.errors import GeoInputError
from geo.gistar import gi_star_grid
from geo.hotspots import (
    dbscan_labels,
    find_hotspots,
    hdbscan_hotspots,
    hotspot_table,
    hotspots,
    suggest_parameters,
)
from geo.load import load_incidents
from geo.periods import parse_period
from geo.settings import WORKING_CRS
from geo.synthetic import generate_demo, write_demo
from geo.synthetic_force import generate_force
from geo.wards import read_wards


def _pts(xs, ys, **cols):
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(xs, ys), crs=WORKING_CRS)


@pytest.fixture
def two_clusters():
    """Cluster A: 5 incidents on one map point at (0, 0) plus 2 at (30, 0).
    Cluster B: 3 incidents at (1000, 0) and 1 at (1050, 0). One lone point at (5000, 0).
    With eps 40 and min_samples 4: A's points are core (7 within 40 m of each);
    B at (1000, 0) has 3 within 40 m, (1050, 0) has 1: no core, so B is noise."""
    xs = [0] * 5 + [30] * 2 + [1000] * 3 + [1050, 5000]
    return _pts(
        xs, [0] * len(xs), crime_type=["ASB"] * 12, location=["On or near A St"] * 12
    )


def test_hand_worked_labels(two_clusters):
    labels = find_hotspots(two_clusters, eps=40, min_samples=4)
    assert labels.tolist() == [1] * 7 + [-1] * 5
    assert labels.name == "hotspot"
    # eps 50 reaches (1050, 0) from (1000, 0): B's 3 + 1 = 4 makes them core
    labels = find_hotspots(two_clusters, eps=50, min_samples=4)
    assert labels.tolist() == [1] * 7 + [2] * 4 + [-1]


def test_neighbour_at_exactly_eps_counts():
    pts = _pts([0, 100], [0, 0])
    assert find_hotspots(pts, eps=100, min_samples=2).tolist() == [1, 1]
    assert find_hotspots(pts, eps=99.999, min_samples=2).tolist() == [-1, -1]
    for algorithm in ("sklearn", "grid"):
        labels, core = dbscan_labels(
            np.array([0.0, 100.0]),
            np.zeros(2),
            eps=100,
            min_samples=2,
            algorithm=algorithm,
        )
        assert labels.tolist() == [0, 0] and core.all()


def test_weighted_distinct_equals_every_row():
    rng = np.random.default_rng(4)
    snap = rng.uniform(0, 2000, (300, 2)).round(-1)  # 10 m snap grid
    rows = snap[rng.integers(0, 300, 3000)]
    pts = _pts(rows[:, 0], rows[:, 1])
    ours = find_hotspots(pts, eps=60, min_samples=25).to_numpy()
    raw = DBSCAN(eps=60, min_samples=25).fit(rows).labels_
    assert ((ours > 0) == (raw >= 0)).all()
    # the same partition: a one-to-one map between the two labellings
    pairs = set(zip(ours[ours > 0], raw[raw >= 0], strict=True))
    assert len(pairs) == len(set(ours[ours > 0])) == len(set(raw[raw >= 0]))


@pytest.mark.parametrize(("eps", "min_samples"), [(50, 6), (100, 15), (150, 40)])
def test_grid_method_equals_sklearn(eps, min_samples):
    rng = np.random.default_rng(eps)
    centres = rng.uniform(0, 5000, (25, 2))
    k = rng.integers(0, 25, 8000)
    xy = np.vstack(
        [centres[k] + rng.normal(0, 150, (8000, 2)), rng.uniform(0, 5000, (3000, 2))]
    )
    w = rng.integers(1, 4, len(xy)).astype(float)
    grid, grid_core = dbscan_labels(
        xy[:, 0], xy[:, 1], eps=eps, min_samples=min_samples, weight=w, algorithm="grid"
    )
    sk = DBSCAN(eps=eps, min_samples=min_samples).fit(xy, sample_weight=w)
    sk_core = np.zeros(len(xy), bool)
    sk_core[sk.core_sample_indices_] = True
    assert (grid_core == sk_core).all()
    # same clusters of core points, numbered alike (by first point)
    assert (grid[sk_core] == sk.labels_[sk_core]).all()
    assert ((grid >= 0) == (sk.labels_ >= 0)).all()
    assert grid.max() > 3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grid_core_points_with_own_thresholds_equal_brute_force(seed):
    """Each point core when the weight within eps (at exactly eps counted)
    reaches its own threshold: checked against every pairwise distance."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 1500, (6, 2))
    xy = np.vstack(
        [
            centres[rng.integers(0, 6, 1500)] + rng.normal(0, 60, (1500, 2)),
            rng.uniform(0, 1500, (500, 2)),
        ]
    ).round(-1)  # a 10 m snap: many pairs exactly 50 m apart
    w = rng.integers(1, 5, len(xy)).astype(float)
    need = rng.integers(20, 200, len(xy)).astype(float)
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    want = ((d2 <= 50.0**2) * w[None, :]).sum(axis=1) >= need
    assert 0 < want.sum() < len(xy) / 2
    _, core = dbscan_labels(
        xy[:, 0], xy[:, 1], eps=50, min_samples=1, weight=w, thresholds=need
    )
    assert (core == want).all()


def test_ranked_by_incidents(two_clusters):
    more = pd.concat([two_clusters, _pts([1000] * 6, [0] * 6)], ignore_index=True)
    labels = find_hotspots(more, eps=50, min_samples=4)
    table = hotspot_table(more, labels)
    assert table["rank"].tolist() == [1, 2]
    assert table["incidents"].tolist() == [10, 7]  # B now holds 3 + 1 + 6
    assert table["locations"].tolist() == [2, 2]


def test_hotspot_table_hand_worked(two_clusters):
    labels = find_hotspots(two_clusters, eps=40, min_samples=4)
    table = hotspot_table(two_clusters, labels, buffer_m=10)
    row = table.iloc[0]
    assert row["incidents"] == 7
    assert row["locations"] == 2
    # hull of (0,0)-(30,0) is a segment; buffered 10 m: 30 x 20 + a circle of r 10
    assert row["area_m2"] == pytest.approx(600 + np.pi * 100, rel=0.01)
    assert row["streets"] == "A St (7)"
    assert row["top_type"] == "ASB"
    assert table.crs == WORKING_CRS


def test_single_point_hotspot_has_an_area():
    pts = _pts([10] * 20, [10] * 20)
    table = hotspots(pts, eps=100, min_samples=5).table
    # the default margin is eps / 2: a circle of radius 50 m
    assert table["area_m2"].iloc[0] == pytest.approx(np.pi * 50**2, rel=0.01)


def test_inputs_unchanged_and_index_kept(two_clusters):
    pts = two_clusters.set_index(pd.Index(range(100, 112)))
    before = pts.copy()
    labels = find_hotspots(pts, eps=40, min_samples=4)
    assert labels.index.equals(pts.index)
    assert_geodataframe_equal(pts, before)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"eps": 0, "min_samples": 3}, "eps"),
        ({"eps": -5, "min_samples": 3}, "eps"),
        ({"eps": float("nan"), "min_samples": 3}, "eps"),
        ({"eps": 10, "min_samples": 0}, "min_samples"),
        ({"eps": 10, "min_samples": 2.5}, "min_samples"),
    ],
)
def test_bad_parameters(two_clusters, kwargs, match):
    with pytest.raises(GeoInputError, match=match):
        find_hotspots(two_clusters, **kwargs)


def test_empty_and_geographic(two_clusters):
    with pytest.raises(GeoInputError, match="empty"):
        find_hotspots(two_clusters.iloc[:0], eps=10, min_samples=2)
    with pytest.raises(GeoInputError, match="geographic CRS"):
        find_hotspots(two_clusters.to_crs("EPSG:4326"), eps=10, min_samples=2)


def test_rule_names_what_is_counted():
    """The rule's sentence says reports for ASB, offences for crime: with its own
    floor, another period's, or min_samples as given (the same 400 incidents as
    the hand-worked case below: floor 25)."""
    g = np.arange(9) * 110.0
    xs, ys = np.meshgrid(g, g)
    x = np.r_[np.repeat(xs.ravel(), 4), np.full(76, 440.0)]
    y = np.r_[np.repeat(ys.ravel(), 4), np.full(76, 440.0)]
    asb = _pts(x, y, crime_type=pd.Categorical(["Anti-social behaviour"] * 400))
    p = suggest_parameters(asb)
    assert p.unit == "reports"
    assert p.reason.startswith("400 reports: where reports typically are")
    assert "25 reports within 100 m" in p.reason
    assert "incidents" not in p.reason
    # the earlier period's floor replaces this one's in the sentence too
    earlier = suggest_parameters(pd.concat([asb, asb]))
    assert earlier.min_samples == 50  # ceil(5 * 800 / 81) = ceil(49.38)
    held = hotspots(asb, like=earlier).parameters.reason
    assert "50 reports within 100 m" in held
    assert "25 reports within" not in held
    crime = asb.assign(crime_type="Burglary")
    fixed = hotspots(crime, eps=50, min_samples=7).parameters
    assert fixed.reason.endswith("has at least 7 offences within 50 m.")


def test_local_rule_hand_worked():
    """81 map points 110 m apart (no two within 100 m) on an 880 m square, 4
    incidents each and 76 more at (440, 440). Each map point stands for its
    110 m square (the data's hull grown by half the 110 m spacing: 990 m
    across), every place's 2.1 km window holds all 400 incidents, so each
    place's 100 m circle (only itself) expects 400 / 81."""
    g = np.arange(9) * 110.0
    xs, ys = np.meshgrid(g, g)
    x = np.r_[np.repeat(xs.ravel(), 4), np.full(76, 440.0)]
    y = np.r_[np.repeat(ys.ravel(), 4), np.full(76, 440.0)]
    p = suggest_parameters(_pts(x, y))
    expected = 400 * 110**2 / 990**2  # = 400 / 81 = 4.938
    assert p.eps == 100
    assert p.expected_per_circle == pytest.approx(expected, rel=1e-9)
    assert p.min_samples == 25  # ceil(5 * 4.938) = ceil(24.69)
    # the local limit: the smallest count chance reaches with p <= 5% / 81 places
    from scipy.stats import poisson

    limit = p.local_limits[0]
    assert (
        poisson.sf(limit - 1, expected) <= 0.05 / 81 < poisson.sf(limit - 2, expected)
    )
    assert "25 incidents within 100 m" in p.reason
    assert "2.1 km square" in p.reason
    # the hot place (80) is the only core; ordinary places (4) are not, and none
    # is within 100 m of it to join as a border
    table = hotspots(_pts(x, y)).table
    assert table[["locations", "incidents"]].to_numpy().tolist() == [[1, 80]]


def test_expected_count_holds_at_the_edge_of_the_data():
    """Evenly spread map points, one incident each (a 50 m lattice over 4 km):
    every place, the corner included, is expected to hold exactly what its
    100 m circle holds. The old rule divided the corner's window (a quarter of
    it outside the data) by its full area and expected a quarter of that."""
    from geo._points import distinct_points
    from geo._rule import _local_expected

    g = np.arange(0, 4000, 50.0)
    xs, ys = np.meshgrid(g, g)
    inc = _pts(xs.ravel(), ys.ravel())
    where = distinct_points(inc)
    expected = _local_expected(where, 100.0)
    d2 = (where.x[:, None] - where.x[None, :1000]) ** 2  # first 1,000 rows:
    d2 = d2 + (where.y[:, None] - where.y[None, :1000]) ** 2  # brute force
    held = (d2 <= 100.0**2).sum(axis=0)
    np.testing.assert_allclose(expected[:1000], held, rtol=1e-9)
    corner = np.flatnonzero((where.x == 0) & (where.y == 0))[0]
    assert expected[corner] == pytest.approx(6.0)  # itself and 5 neighbours


def _uniform_noise(rng, n):
    return rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)


def _sparse_map_point_noise(rng, n):
    """300 map points 240-320 m apart over a 5 km square (a jittered 280 m
    lattice), each with 1 + Poisson(n / 300 - 1) incidents: every incident of
    a catchment on one point, as police.uk's snapping puts them."""
    g = np.arange(140, 5000, 280.0)
    gx, gy = np.meshgrid(g, g)
    px = gx.ravel() + rng.uniform(-20, 20, gx.size)
    py = gy.ravel() + rng.uniform(-20, 20, gy.size)
    pick = rng.choice(px.size, 300, replace=False)
    counts = 1 + rng.poisson(n / 300 - 1, 300)
    return np.repeat(px[pick], counts), np.repeat(py[pick], counts)


@pytest.mark.parametrize("n", [300, 1000, 5000])
@pytest.mark.parametrize("noise", [_uniform_noise, _sparse_map_point_noise])
def test_noise_gives_no_hotspots(noise, n):
    """Calibration of the default rule under its null (no place denser than
    its surroundings): in at least 95% of runs no hotspot at all. Before the
    rule measured surroundings by the map points' catchments, uniform noise
    gave hotspots in 22-37% of runs (edge windows divided by their full area)
    and sparse map points in 100% of runs (27 hotspots of 13-14 incidents)."""
    rng = np.random.default_rng(n)
    runs = 40
    found = 0
    for _ in range(runs):
        x, y = noise(rng, n)
        found += len(hotspots(_pts(x, y)).table) > 0
    assert found <= 0.05 * runs


def test_noise_with_a_planted_place_finds_the_place():
    """Power on the same noise (1,000 incidents). Extra incidents on one sparse
    map point (a pub among 300 ordinary points, ~3.3 each): 30 extra are the
    only hotspot in at least 95% of runs, 15 extra in at least 70% (88% in
    200 runs). A blob of 20 incidents (30 m spread) in uniform noise: found
    in at least 95% (100% in 100 runs)."""
    rng = np.random.default_rng(7)
    for extra, share in ((30, 0.95), (15, 0.7)):
        hits = 0
        for _ in range(40):
            x, y = _sparse_map_point_noise(rng, 1000)
            x, y = np.r_[x, np.full(extra, x[0])], np.r_[y, np.full(extra, y[0])]
            table = hotspots(_pts(x, y)).table
            hits += len(table) == 1 and table.contains(shapely.Point(x[0], y[0]))[0]
        assert hits >= share * 40, (extra, hits)
    hits = 0
    for _ in range(40):
        x, y = _uniform_noise(rng, 1000)
        centre = rng.uniform(500, 4500, 2)
        blob = rng.normal(centre, 30, (20, 2))
        table = hotspots(_pts(np.r_[x, blob[:, 0]], np.r_[y, blob[:, 1]])).table
        hits += table.contains(shapely.Point(*centre)).any()
    assert hits >= 0.95 * 40


@pytest.mark.parametrize("apart", [250.0, 400.0])
def test_two_busy_map_points_with_nothing_between_stay_two(apart):
    """Two single busy map points (60 incidents each) with an empty gap
    between them; the nearest other map points are 600 m away. Each is the
    other's nearest map point, which used to join them as one place."""
    g = np.arange(-3000, 3001, 150.0)
    gx, gy = np.meshgrid(g, g)
    far = np.hypot(gx, gy) > 600
    px = np.r_[gx[far], 0.0, apart]
    py = np.r_[gy[far], 0.0, 0.0]
    counts = np.r_[np.full(far.sum(), 2), 60, 60]
    table = hotspots(_pts(np.repeat(px, counts), np.repeat(py, counts))).table
    assert table[["locations", "incidents"]].to_numpy().tolist() == [[1, 60], [1, 60]]


def test_explicit_min_samples_is_plain_dbscan(two_clusters):
    result = hotspots(two_clusters, eps=40, min_samples=4)
    assert result.parameters.rule == "fixed"
    expected = find_hotspots(two_clusters, eps=40, min_samples=4)
    assert result.labels.tolist() == expected.tolist()
    assert "min_samples = 4 as given" in result.parameters.reason


def _sparse_place(seed: int) -> gpd.GeoDataFrame:
    """Map points on a 120 m lattice (jittered by up to 15 m) over 4 km square;
    a compact place: 360 incidents on the 7 points within 200 m of (2000, 2000);
    and 3 incidents on every other point."""
    rng = np.random.default_rng(seed)
    g = np.arange(0, 4000, 120.0)
    gx, gy = np.meshgrid(g, g)
    px = gx.ravel() + rng.uniform(-15, 15, gx.size)
    py = gy.ravel() + rng.uniform(-15, 15, gy.size)
    d = np.hypot(px - 2000, py - 2000)
    place = np.flatnonzero(d < 200)
    counts = np.full(px.size, 3)
    counts[place] = 360 // place.size
    return _pts(np.repeat(px, counts), np.repeat(py, counts)), place.size


def test_a_compact_hotspot_on_sparse_map_points_stays_one():
    inc, points = _sparse_place(seed=1)
    assert points >= 6
    # plain DBSCAN at 100 m cannot join points 105-150 m apart: it splits
    plain = find_hotspots(inc, eps=100, min_samples=40)
    assert plain.max() >= 2
    result = hotspots(inc)
    table = result.table
    assert len(table) == 1
    assert table["locations"].iloc[0] == points
    assert table["incidents"].iloc[0] >= 350


def test_joining_keeps_a_hotspot_compact():
    """Two busy places 400 m apart on sparse points are not joined into one."""
    rng = np.random.default_rng(3)
    g = np.arange(0, 3000, 130.0)
    gx, gy = np.meshgrid(g, g)
    px = gx.ravel() + rng.uniform(-10, 10, gx.size)
    py = gy.ravel() + rng.uniform(-10, 10, gy.size)
    counts = np.full(px.size, 2)
    for cx in (1200.0, 1600.0):
        counts[np.hypot(px - cx, py - 1500) < 140] = 60
    inc = _pts(np.repeat(px, counts), np.repeat(py, counts))
    assert len(hotspots(inc).table) == 2


def test_force_scale_default_gives_tens_not_thousands():
    """A 3,136 km² synthetic force, mostly countryside, six months of ASB."""
    force = generate_force(seed=7, months=6)
    rows = force.rows[force.rows["Crime type"] == "Anti-social behaviour"]
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 27700, always_xy=True).transform(
        rows["Longitude"].to_numpy(), rows["Latitude"].to_numpy()
    )
    inc = _pts(np.round(x, 2), np.round(y, 2))
    result = hotspots(inc, area_m2=force.area_m2)
    table = result.table
    assert 10 <= len(table) <= 60
    assert table["incidents"].sum() < 0.3 * len(inc)  # not every street
    # the old rule (10 x the whole area's average within 100 m) falls apart here
    area_average = len(inc) * np.pi * 100**2 / force.area_m2
    old = find_hotspots(
        inc, eps=100, min_samples=max(2, int(np.ceil(10 * area_average)))
    )
    assert old.max() > 500
    # every planted hotspot is found, each once, among the top twenty
    top = table.head(20)
    for h in force.hotspots.itertuples():
        hit = top[top.distance(shapely.Point(h.x, h.y)) < 50]
        assert len(hit) == 1, h.name


@pytest.fixture(scope="module")
def demo_paths(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("demo"), seed=20_230_501)


@pytest.mark.parametrize(("period", "planted"), [("2022", "H3"), ("2023", "H3b")])
def test_planted_hotspots_found(demo_paths, period, planted):
    demo = generate_demo(20_230_501)
    wards = read_wards(demo_paths["wards_after"])
    p = parse_period(period)
    inc = load_incidents(demo_paths["incidents"], wards=wards, periods=[p]).incidents
    table = hotspots(inc, area_m2=wards.union_all().area).table
    active = [h for h in demo.hotspots if h.start <= p.end and p.start <= h.end]
    assert planted in {h.hotspot_id for h in active}
    for h in active:
        hit = table[table.contains(shapely.Point(h.centre))]
        assert len(hit) == 1, h.hotspot_id
    assert len(table) <= len(active) + 2  # few spurious hotspots


def test_gi_star_finds_planted_hot_cells(demo_paths):
    demo = generate_demo(20_230_501)
    wards = read_wards(demo_paths["wards_after"])
    inc = load_incidents(
        demo_paths["incidents"], periods=[parse_period("2022")]
    ).incidents
    grid = gi_star_grid(inc, cell_m=150, area=wards.union_all())
    assert set(grid["category"]) <= {
        "Hot spot 99%", "Hot spot 95%", "Hot spot 90%",
        "Cold spot 99%", "Cold spot 95%", "Cold spot 90%", "Not significant",
    }  # fmt: skip
    for h in demo.hotspots:
        if h.end < "2022-01" or h.start > "2022-12":
            continue
        cell = grid[grid.contains(shapely.Point(h.centre))]
        assert cell["category"].iloc[0] == "Hot spot 99%", h.hotspot_id
    assert (grid["count"].sum()) == len(inc)


def test_gi_star_hand_check_uniform_is_not_significant():
    xs, ys = np.meshgrid(np.arange(50, 1000, 100.0), np.arange(50, 1000, 100.0))
    pts = _pts(xs.ravel(), ys.ravel())
    grid = gi_star_grid(pts, cell_m=100, area=shapely.box(0, 0, 1000, 1000))
    assert len(grid) == 100
    assert (grid["count"] == 1).all()
    assert (grid["category"] == "Not significant").all()


def test_hdbscan_cross_check(two_clusters):
    extra = pd.concat([two_clusters, _pts([1000] * 6, [0] * 6)], ignore_index=True)
    labels = hdbscan_hotspots(extra, min_cluster_size=5)
    assert labels.index.equals(extra.index)
    assert labels.iloc[0] > 0 and labels.iloc[0] == labels.iloc[6]
    assert labels.iloc[7] > 0 and labels.iloc[7] != labels.iloc[0]


@pytest.mark.real_data
def test_real_blackpool_2022_asb_hotspots(real_data):
    wards = read_wards(real_data / "boundaries" / "blackpool_wards_2023.geojson")
    inc = load_incidents(
        real_data / "police_uk" / "blackpool",
        wards=wards,
        periods=[parse_period("2022-01:2022-10")],
        types=["ASB"],
    ).incidents
    result = hotspots(inc, area_m2=wards.union_all().area)
    table = result.table
    assert 5 <= len(table) <= 25  # a readable handful, not 209
    assert result.parameters.rule == "local"
    # independent check of the counts: label sums equal the table
    counts = result.labels[result.labels > 0].value_counts().sort_index()
    assert counts.tolist() == table["incidents"].tolist()
    assert table["incidents"].is_monotonic_decreasing
    assert table["wards"].str.len().gt(0).all()


@pytest.mark.parametrize("seed", range(5))
def test_cluster_edges_keep_every_pair_across_clusters(seed):
    from geo._clustering import _cluster_edges

    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 400, (6, 2))
    lab = rng.integers(0, 6, 3000)
    xy = np.round(centres[lab] + rng.normal(0, 25, (3000, 2)), 1)  # snapped, touching
    r = 7.5
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    i, _ = np.nonzero((d <= r) & (lab[:, None] != lab[None, :]))
    assert i.size > 0  # the clusters touch: there are pairs to find
    edge = _cluster_edges(xy, lab, r)
    assert set(i) <= set(edge)  # every location of a pair across clusters is kept
    assert edge.size < 0.5 * xy.size  # and most of each cluster's inside is not


def test_place_labels_are_kept_apart_from_streets():
    """police.uk names a premises by its kind ("On or near Supermarket"): the
    table lists those under places, and streets under streets."""
    loc = (["On or near Supermarket"] * 4 + ["On or near Queen Street"] * 3
           + ["On or near Nightclub"] * 2 + ["On or near Talbot Square"])  # fmt: skip
    pts = _pts([0.0] * 10, [0.0] * 10, location=loc, crime_type=["ASB"] * 10)
    table = hotspots(pts, eps=50, min_samples=5).table
    assert table["streets"].tolist() == ["Queen Street (3); Talbot Square (1)"]
    assert table["places"].tolist() == ["Supermarket (4); Nightclub (2)"]
    streets_only = pts.assign(location="On or near Queen Street")
    table = hotspots(streets_only, eps=50, min_samples=5).table
    assert table[["streets", "places"]].to_numpy().tolist() == [
        ["Queen Street (10)", ""]
    ]
