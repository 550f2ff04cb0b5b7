"""Hotspots police can patrol: DBSCAN in metres, ranked and described.

police.uk locations are snapped to a fixed set of map points, so clustering the
distinct locations weighted by their incident counts gives exactly the result of
clustering every row, much faster. The clustering is an exact grid-based DBSCAN
(:mod:`geo._grid_dbscan`, numba) that gives the same core points and clusters as
scikit-learn's, in linear memory and without scikit-learn's second of imports.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._points import DistinctPoints, distinct_points, point_xy
from geo._validate import require_min_int, require_positive, require_projected
from geo.errors import GeoInputError
from geo.settings import DEFAULT_EPS_M, NOISE
from geo.words import count_unit

__all__ = [
    "HOTSPOT_COLUMNS",
    "HotspotParameters",
    "Hotspots",
    "dbscan_labels",
    "find_hotspots",
    "hdbscan_hotspots",
    "hotspot_table",
    "hotspots",
    "suggest_parameters",
]


Algorithm = Literal["auto", "sklearn", "grid"]

HOTSPOT_COLUMNS = [
    "hotspot_id",
    "rank",
    "incidents",
    "locations",
    "area_m2",
    "density_per_ha",
    "wards",
    "top_type",
    "top_types",
    "streets",
    "geometry",
]
"""Columns of :func:`hotspot_table`."""

LOCAL_WINDOW_M = 1000.0
"""Default rule: a place is compared with the square of this half-width around it
(2 km across: its neighbourhood of streets)."""

LOCAL_ALPHA = 0.05
"""Default rule: the chance, over all map points together (Bonferroni), of taking
a place for denser than its surroundings when it is not."""

FLOOR_MULTIPLE = 5.0
"""Default rule: a hotspot core holds at least this many times the incidents
expected within ``eps`` where incidents typically are."""

SPACING_QUANTILE = 0.75
"""Joining clusters: a cluster's map-point spacing is this quantile of the
distances from its locations to their nearest other map point ..."""

SPACING_MARGIN = 1.3
"""... and two clusters are joined when some of their locations are within
this many times the larger spacing of the two ..."""

MAX_JOINED_RADIUS_M = 300.0
"""... as long as the joined hotspot stays within this distance of its centre
(one place a patrol can cover)."""


def prepare() -> threading.Thread:
    """Start loading the clustering code in the background; returns the thread.

    The compiled grid DBSCAN and the scipy parts take ~0.6 s to load in a
    fresh process; a command calls this first, so the loading overlaps its
    reading (DuckDB, pyarrow and GEOS work without holding Python's lock).
    Nothing depends on it: clustering waits for the loading if it is not done.
    """

    def load() -> None:
        import scipy.spatial
        import scipy.special  # noqa: F401

        from geo._grid_dbscan import warm_up

        warm_up()

    thread = threading.Thread(target=load, name="load-clustering", daemon=True)
    thread.start()
    return thread


def dbscan_labels(
    x: np.ndarray,
    y: np.ndarray,
    *,
    eps: float,
    min_samples: float,
    weight: np.ndarray | None = None,
    algorithm: Algorithm = "auto",
    thresholds: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """DBSCAN of points in metres: labels (-1 noise) and a core mask.

    A point is core when the total weight within ``eps`` (itself included, a
    neighbour at exactly ``eps`` counted) is at least ``min_samples``, or with
    ``thresholds``, at least its own threshold (generalised DBSCAN; always the
    grid method).

    Examples
    --------
    >>> x = np.array([0.0, 10.0, 20.0, 500.0])
    >>> labels, core = dbscan_labels(x, np.zeros(4), eps=10, min_samples=2)
    >>> labels.tolist(), core.tolist()
    ([0, 0, 0, -1], [True, True, True, False])
    """
    require_positive(eps, name="eps", unit=" metres")
    require_positive(min_samples, name="min_samples")
    weight = np.ones(x.size) if weight is None else np.asarray(weight, dtype=float)
    if x.size == 0:
        return np.empty(0, np.int64), np.empty(0, bool)
    if algorithm != "sklearn" or thresholds is not None:
        from geo._grid_dbscan import grid_dbscan  # numba: loaded when first used

        need = float(min_samples) if thresholds is None else thresholds
        return grid_dbscan(x, y, weight, float(eps), need)
    from sklearn.cluster import DBSCAN  # ~1 s to import: only when asked for

    model = DBSCAN(eps=eps, min_samples=min_samples).fit(
        np.column_stack([x, y]), sample_weight=weight
    )
    core = np.zeros(x.size, bool)
    core[model.core_sample_indices_] = True
    return model.labels_.astype(np.int64), core


def find_hotspots(
    incidents: gpd.GeoDataFrame,
    *,
    eps: float,
    min_samples: int,
    algorithm: Algorithm = "auto",
) -> pd.Series:
    """Label the incidents that fall in dense clusters (hotspots).

    Parameters
    ----------
    incidents : GeoDataFrame
        Points in a projected CRS (metres).
    eps : float
        Neighbourhood radius in metres; a neighbour at exactly ``eps`` counts.
    min_samples : int
        Incidents within ``eps`` (the incident itself included) that make an
        incident a hotspot core.
    algorithm : {"auto", "sklearn", "grid"}
        scikit-learn's DBSCAN, or the exact grid method (same result, linear
        memory); ``"auto"`` is the grid: in a fresh process it answers in
        0.56 s where scikit-learn takes 1.0 s to import (8,000 points), and
        each call after in 3 ms where scikit-learn takes 60 ms.

    Returns
    -------
    Series
        Hotspot number aligned to ``incidents.index``, named ``"hotspot"``:
        1 = most incidents, 2 = next ...; -1 = in no hotspot.

    Raises
    ------
    GeoInputError
        For ``eps <= 0``, ``min_samples < 1``, no incidents, or a geographic CRS.

    Examples
    --------
    >>> from geo.settings import WORKING_CRS
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(
    ...     [0, 0, 0, 50, 1000, 1000, 1000, 1000, 1000, 3000], [0] * 10),
    ...     crs=WORKING_CRS)
    >>> find_hotspots(pts, eps=60, min_samples=3).tolist()
    [2, 2, 2, 2, 1, 1, 1, 1, 1, -1]
    """
    _require_incidents(incidents)
    require_min_int(min_samples, 1, name="min_samples")
    require_positive(eps, name="eps", unit=" metres")
    return _labels(
        distinct_points(incidents), incidents.index, eps, min_samples, algorithm
    )


def _require_incidents(incidents: gpd.GeoDataFrame) -> None:
    require_projected(incidents, name="incidents")
    if incidents.empty:
        msg = "`incidents` is empty: no incidents in the chosen period and types."
        raise GeoInputError(msg)


def _labels(
    where: DistinctPoints,
    index: pd.Index,
    eps: float,
    min_samples: int,
    algorithm,
    thresholds: np.ndarray | None = None,
) -> pd.Series:
    """Rank-numbered hotspot of each row, clustering its distinct locations.

    With ``thresholds`` (the local rule), clusters that neighbouring map points
    join are merged (:func:`_join_neighbours`).
    """
    labels, _ = dbscan_labels(
        where.x,
        where.y,
        eps=eps,
        min_samples=min_samples,
        weight=where.counts,
        algorithm=algorithm,
        thresholds=thresholds,
    )
    if thresholds is not None:
        labels = _join_neighbours(where, labels, eps)
    ranked = _rank_labels(labels, where.counts, where.x, where.y)
    return pd.Series(ranked[where.codes], index=index, name="hotspot")


def _join_neighbours(
    where: DistinctPoints, labels: np.ndarray, eps: float
) -> np.ndarray:
    """Join clusters that lie on neighbouring map points of one compact place.

    Where police.uk's map points are sparse, one compact hotspot spans points
    further apart than ``eps`` and DBSCAN splits it. Two clusters are joined
    when some pair of their locations is no further apart than
    :data:`SPACING_MARGIN` times the larger of the clusters' own spacing (the
    upper quartile of their locations' distances to the nearest map point),
    and the joined hotspot stays within :data:`MAX_JOINED_RADIUS_M` of its
    incident-weighted centre. Closest pairs are joined first. In dense places
    the spacing is below ``eps`` and nothing changes.
    """
    inside = np.flatnonzero(labels >= 0)
    if inside.size < 2 or labels.max() < 1:
        return labels
    from scipy.spatial import cKDTree

    xy = np.column_stack([where.x, where.y])
    # the nearest map point of a clustered location lies within the clusters'
    # reach; only the map points near a cluster are needed to find it
    lab = labels[inside]
    k = labels.max() + 1
    order = np.argsort(lab, kind="stable")
    bounds = np.searchsorted(lab[order], np.arange(k + 1))
    members = [inside[order[bounds[c] : bounds[c + 1]]] for c in range(k)]
    # a cluster's spacing, from up to 200 of its locations (evenly chosen)
    probes = [m[:: max(1, m.size // 200)] for m in members]
    # built for at most 200 queries a cluster: unbalanced, with larger leaves
    # and nodes not compacted, it builds ~2.5x faster than a default tree and
    # answers those queries as fast (the nearest points are the same)
    tree = cKDTree(
        xy[_near_clusters(xy, members)],
        leafsize=64,
        balanced_tree=False,
        compact_nodes=False,
    )
    spacing = np.array(
        [np.quantile(tree.query(xy[p], k=2)[0][:, 1], SPACING_QUANTILE)
         for p in probes]
    )  # fmt: skip
    reach = SPACING_MARGIN * spacing
    near = xy[inside]
    edge = _cluster_edges(near, lab, float(reach.max()))
    pairs = edge[
        cKDTree(near[edge], balanced_tree=False).query_pairs(
            float(reach.max()), output_type="ndarray"
        )
    ]
    if pairs.size == 0:
        return labels
    a, b = lab[pairs[:, 0]], lab[pairs[:, 1]]
    d = np.hypot(*(near[pairs[:, 0]] - near[pairs[:, 1]]).T)
    link = (a != b) & (d <= np.maximum(reach[a], reach[b]))
    a, b, d, pairs = a[link], b[link], d[link], pairs[link]
    root = np.arange(k)
    for i in np.lexsort((pairs[:, 1], pairs[:, 0], d)):  # closest first
        ra, rb = _find(root, a[i]), _find(root, b[i])
        if ra == rb:
            continue
        joined = np.concatenate([members[ra], members[rb]])
        w = where.counts[joined]
        cx, cy = (
            np.average(where.x[joined], weights=w),
            np.average(where.y[joined], weights=w),
        )
        if (
            np.hypot(where.x[joined] - cx, where.y[joined] - cy).max()
            <= MAX_JOINED_RADIUS_M
        ):
            root[rb] = ra
            members[ra] = joined
    roots = np.array([_find(root, c) for c in range(k)])
    _, renumbered = np.unique(roots, return_inverse=True)  # 0..k'-1, no gaps
    out = labels.copy()
    out[inside] = renumbered[lab]
    return out


def _near_clusters(xy: np.ndarray, members: list[np.ndarray]):
    """Map points in any cluster's bounding box grown by the join radius.

    ``members`` holds each cluster's locations. The boxes are marked on a grid
    of join-radius cells (a point's cell is marked when a grown box touches
    it), so this is one vectorised pass.
    """
    cell = MAX_JOINED_RADIUS_M
    x, y = xy[:, 0], xy[:, 1]
    g = np.column_stack(
        [
            ((x - x.min()) // cell).astype(np.int64),
            ((y - y.min()) // cell).astype(np.int64),
        ]
    )
    marked = np.zeros((g[:, 0].max() + 1, g[:, 1].max() + 1), bool)
    for m in members:
        pts = g[m]
        lo = np.maximum(pts.min(axis=0) - 1, 0)
        hi = pts.max(axis=0) + 2
        marked[lo[0] : hi[0], lo[1] : hi[1]] = True
    return np.flatnonzero(marked[g[:, 0], g[:, 1]])


def _cluster_edges(xy: np.ndarray, lab: np.ndarray, r: float) -> np.ndarray:
    """Locations that may lie within ``r`` of a location of another cluster.

    On a grid of ``r`` cells, such a neighbour lies in the location's cell or
    one of the eight around it; locations are kept where those nine cells hold
    more than one cluster. Pairs across clusters are found among these alone
    (the many pairs inside one cluster are never formed).
    """
    side = r * (1 + 1e-9)  # a neighbour within r is never two cells away
    cell = ((xy - xy.min(axis=0)) // side).astype(np.int64) + 1
    rows = int(cell[:, 1].max()) + 2
    key = cell[:, 0] * rows + cell[:, 1]
    order = np.argsort(key, kind="stable")
    keys, starts, where = np.unique(key[order], return_index=True, return_inverse=True)
    lo = np.minimum.reduceat(lab[order], starts)
    hi = np.maximum.reduceat(lab[order], starts)
    block_lo, block_hi = lo.copy(), hi.copy()
    for step in (-rows - 1, -rows, -rows + 1, -1, 1, rows - 1, rows, rows + 1):
        at = np.minimum(np.searchsorted(keys, keys + step), keys.size - 1)
        found = keys[at] == keys + step
        block_lo[found] = np.minimum(block_lo[found], lo[at[found]])
        block_hi[found] = np.maximum(block_hi[found], hi[at[found]])
    mixed = np.empty(key.size, bool)
    mixed[order] = (block_lo != block_hi)[where]
    return np.flatnonzero(mixed)


def _find(root: np.ndarray, c: int) -> int:
    while root[c] != c:
        root[c] = root[root[c]]
        c = root[c]
    return int(c)


def _rank_labels(
    labels: np.ndarray, counts: np.ndarray, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """Renumber clusters 1..k by incidents (most first); ties by position."""
    if labels.size == 0 or labels.max() < 0:
        return np.full(labels.size, NOISE, np.int64)
    k = labels.max() + 1
    inside = labels >= 0
    total = np.bincount(labels[inside], weights=counts[inside], minlength=k)
    n = np.bincount(labels[inside], minlength=k)
    mx = np.bincount(labels[inside], weights=x[inside], minlength=k) / n
    my = np.bincount(labels[inside], weights=y[inside], minlength=k) / n
    order = np.lexsort((mx, my, -total))
    rank = np.empty(k, np.int64)
    rank[order] = np.arange(1, k + 1)
    return np.where(inside, rank[np.maximum(labels, 0)], NOISE)


@dataclass(frozen=True)
class HotspotParameters:
    """Parameters chosen from the data, and why.

    Attributes
    ----------
    eps : float
        Neighbourhood radius in metres.
    min_samples : int
        Incidents within ``eps`` that make a hotspot core: the floor of the
        default rule, or the number given.
    area_m2 : float
        Area of the boundaries (m²), for the record.
    expected_per_circle : float
        Incidents expected within ``eps`` of a place at the density where
        incidents typically are (incident-weighted median over map points).
    reason : str
        The rule in a sentence, with the figures.
    rule : str
        ``"local"`` (the default: each place also tested against its
        surroundings) or ``"fixed"`` (``min_samples`` as given, plain DBSCAN).
    unit : str
        What the reason calls the counts: "reports" (ASB only), "offences" or
        "incidents" (:func:`geo.change.count_unit`).
    local_limits : ndarray or None
        With the local rule, the count each distinct location (in the order of
        :func:`geo._points.distinct_points`) needs to beat its surroundings.
    """

    eps: float
    min_samples: int
    area_m2: float
    expected_per_circle: float
    reason: str
    rule: str = "local"
    unit: str = "incidents"
    local_limits: np.ndarray | None = field(default=None, repr=False, compare=False)

    def thresholds(self) -> np.ndarray | None:
        """Each location's core threshold: the floor or its local limit."""
        if self.local_limits is None:
            return None
        return np.maximum(float(self.min_samples), self.local_limits)


def suggest_parameters(
    incidents: gpd.GeoDataFrame,
    *,
    area_m2: float | None = None,
    eps: float | None = None,
) -> HotspotParameters:
    """Choose ``eps`` and the core rule from the data: places dense for their area.

    **eps** is 100 m: a street block either way, what an officer on foot
    covers. (Where police.uk's map points are sparser than that, the clusters
    of one compact place are joined afterwards: see :func:`hotspots`.)

    **Core** (generalised DBSCAN, Sander et al. 1998): a map point is a hotspot
    core when the incidents within ``eps`` of it are (a) at least a floor, 5
    times what is expected within ``eps`` at the density where incidents
    typically are (the incident-weighted median over map points of the density
    in the 2 km square around each) and (b) more than its own 2 km
    surroundings would give by chance: a one-sided Poisson test at 5%,
    Bonferroni-corrected over all map points. The floor is set by where
    incidents are, not by the whole area's average (empty countryside does not
    lower it), and it grows with the period and the volume, so a month or
    three years, a town or a whole force, give a ranked handful.

    Parameters
    ----------
    incidents : GeoDataFrame
        The incidents to cluster (one period, chosen types), metres.
    area_m2 : float, optional
        Area of the boundaries in m² (recorded; the rule does not need it).
    eps : float, optional
        Use this radius in metres instead of choosing one.

    Returns
    -------
    HotspotParameters
    """
    _require_incidents(incidents)
    return _suggest(
        distinct_points(incidents), area_m2=area_m2, eps=eps, unit=_unit(incidents)
    )


def _unit(incidents: pd.DataFrame) -> str:
    """Name what the counts of ``incidents`` are ("incidents" without types)."""
    return count_unit(incidents) if "crime_type" in incidents else "incidents"


def _suggest(
    where: DistinctPoints,
    *,
    area_m2: float | None,
    eps: float | None,
    unit: str = "incidents",
) -> HotspotParameters:
    """Apply the local rule to distinct locations."""
    eps = DEFAULT_EPS_M if eps is None else eps
    require_positive(eps, name="eps", unit=" metres")
    at_cell, cell = _local_expected(where, eps)
    # incidents per grid cell share their cell's expectation: weigh cells
    weight = np.bincount(cell, weights=where.counts, minlength=at_cell.size)
    cells = np.flatnonzero(weight)
    typical = _weighted_median(at_cell[cells], weight[cells])
    limits = np.zeros(at_cell.size)  # each cell's Poisson limit
    limits[cells] = _poisson_thresholds(at_cell[cells], where.x.size)
    floor = max(2, math.ceil(FLOOR_MULTIPLE * typical))
    n = int(where.counts.sum())
    reason = (
        f"{n:,} {unit}: where {unit} typically are, {typical:.1f} are "
        f"expected within {eps:g} m of a place; a hotspot core needs "
        f"{FLOOR_MULTIPLE:g} times that, {floor} {unit} within {eps:g} m, and "
        f"more than its own {2 * LOCAL_WINDOW_M / 1000:g} km square of "
        "surroundings would give by chance (Poisson, 5% over all "
        f"{where.x.size:,} map points). Where map points are sparse, clusters "
        f"of one compact place (within {MAX_JOINED_RADIUS_M:g} m of its centre) "
        "are joined."
    )
    return HotspotParameters(
        eps=eps,
        min_samples=floor,
        area_m2=float(area_m2) if area_m2 is not None else float("nan"),
        expected_per_circle=typical,
        reason=reason,
        rule="local",
        unit=unit,
        local_limits=limits[cell],
    )


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    return _weighted_quantile(values, weights, 0.5)


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    if values.size == 0:
        return 0.0
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order], dtype=float)
    return float(values[order][np.searchsorted(cum, q * cum[-1])])


def _local_expected(where: DistinctPoints, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Work out the incidents expected within ``eps`` of each grid cell's places.

    At the density of the square of half-width :data:`LOCAL_WINDOW_M` around
    the cell (a box sum on a grid of ``eps``-sized cells, from a summed-area
    table: exact counts; the location's own incidents included). Returns the
    expectation of every cell of the grid (flat, 0 where no location is) and
    each location's cell.
    """
    cell = eps
    half = math.ceil(LOCAL_WINDOW_M / cell)
    k = 2 * half + 1
    ix = ((where.x - where.x.min()) // cell).astype(np.int64)
    iy = ((where.y - where.y.min()) // cell).astype(np.int64)
    shape = (ix.max() + 1, iy.max() + 1)
    flat = ix * shape[1] + iy
    grid = np.bincount(flat, weights=where.counts, minlength=shape[0] * shape[1])
    table = np.zeros((shape[0] + 1, shape[1] + 1))
    table[1:, 1:] = grid.reshape(shape).cumsum(axis=0).cumsum(axis=1)
    cx, cy = np.divmod(np.flatnonzero(grid), shape[1])  # cells with locations
    x0, x1 = np.maximum(cx - half, 0), np.minimum(cx + half + 1, shape[0])
    y0, y1 = np.maximum(cy - half, 0), np.minimum(cy + half + 1, shape[1])
    window = table[x1, y1] - table[x0, y1] - table[x1, y0] + table[x0, y0]
    expected = np.zeros(grid.size)
    expected[cx * shape[1] + cy] = window / (k * cell) ** 2 * math.pi * eps**2
    return expected, flat


def _poisson_thresholds(expected: np.ndarray, tests: int) -> np.ndarray:
    """Find the smallest count at each place that chance reaches rarely enough.

    The smallest t with P(X >= t) <= 5% / ``tests`` for X ~ Poisson(expected)
    (one-sided, Bonferroni), from the incomplete gamma function (scipy.special;
    scipy.stats takes a second to import) and checked exactly.
    """
    from scipy.special import pdtrc, pdtrik

    q = LOCAL_ALPHA / max(tests, 1)
    values, inverse = np.unique(np.round(expected, 6), return_inverse=True)
    mu = np.maximum(values, 1e-9)
    t = np.ceil(pdtrik(1 - q, mu)) + 1
    for _ in range(3):  # pdtrc(k, mu) = P(X > k): nudge to the exact integer
        t = np.where(pdtrc(t - 1, mu) > q, t + 1, t)
        t = np.where((t > 1) & (pdtrc(t - 2, mu) <= q), t - 1, t)
    return t[inverse]


def hotspot_table(
    incidents: gpd.GeoDataFrame,
    labels: pd.Series,
    *,
    buffer_m: float = 25.0,
) -> gpd.GeoDataFrame:
    """One row per hotspot: counts, area, wards, types, streets and a polygon.

    Parameters
    ----------
    incidents : GeoDataFrame
        The clustered incidents (``crime_type``, ``location`` and, if tagged,
        ``ward_name`` are used).
    labels : Series
        From :func:`find_hotspots`, aligned to ``incidents``.
    buffer_m : float
        Metres around the hull of a hotspot's locations, so that a single busy
        map point still has an area.

    Returns
    -------
    GeoDataFrame
        :data:`HOTSPOT_COLUMNS`, sorted by rank, in the incidents' CRS. Empty
        (same columns) when there are no hotspots.
    """
    require_projected(incidents, name="incidents")
    if not labels.index.equals(incidents.index):
        msg = "`labels` must be aligned to `incidents` (use find_hotspots' output)."
        raise GeoInputError(msg)
    inside = np.flatnonzero(labels.to_numpy() != NOISE)
    lab = labels.to_numpy()[inside]
    if inside.size == 0:
        return gpd.GeoDataFrame(
            {c: [] for c in HOTSPOT_COLUMNS[:-1]},
            geometry=gpd.GeoSeries([], crs=incidents.crs),
        )
    ids = np.unique(lab)
    x, y = (v[inside] for v in point_xy(incidents))
    # the hull of the distinct locations is the hull of all
    xy = pd.DataFrame({"x": x, "y": y, "h": lab}).drop_duplicates()
    polygons = _hotspot_polygons(xy, ids, buffer_m)
    counts = pd.Series(lab).value_counts().reindex(ids)
    locations = xy.groupby("h").size().reindex(ids)
    area = shapely.area(polygons)

    def top(column: str, k: int, *, share: bool = False) -> list[str]:
        if column not in incidents.columns:
            return [""] * len(ids)
        return _top_values(incidents[column].take(inside), lab, ids, k=k, share=share)

    table = gpd.GeoDataFrame(
        {
            "hotspot_id": ids,
            "rank": ids,
            "incidents": counts.to_numpy(),
            "locations": locations.to_numpy(),
            "area_m2": np.round(area, 1),
            "density_per_ha": np.round(counts.to_numpy() / (area / 10_000), 2),
            "wards": top("ward_name", 5),
            "top_type": top("crime_type", 1),
            "top_types": top("crime_type", 3, share=True),
            "streets": top("location", 3),
        },
        geometry=polygons,
        crs=incidents.crs,
    )
    return table.reset_index(drop=True)


def _hotspot_polygons(xy: pd.DataFrame, ids: np.ndarray, buffer_m: float) -> np.ndarray:
    """Buffer the convex hull of each hotspot's locations.

    Locations strictly inside the quadrilateral of their hotspot's westmost,
    southmost, eastmost and northmost locations cannot be corners of its hull
    (Akl and Toussaint 1978), so they are left out before the Points are made:
    the hull is the same, made from a few locations instead of thousands.
    """
    xy = xy.sort_values("h", kind="stable")
    pos = np.searchsorted(ids, xy["h"].to_numpy())
    x, y = xy["x"].to_numpy(), xy["y"].to_numpy()
    keep = ~_inside_extremes(x, y, pos, len(ids))
    points = shapely.multipoints(np.column_stack([x, y])[keep], indices=pos[keep])
    return shapely.buffer(shapely.convex_hull(points), buffer_m, quad_segs=8)


def _inside_extremes(x: np.ndarray, y: np.ndarray, group: np.ndarray, n: int):
    """Mark points strictly inside their group's W-S-E-N quadrilateral.

    ``group`` is sorted (0..n-1). The quadrilateral's corners, taken
    anticlockwise, are the group's points of least x, least y, greatest x and
    greatest y; a point is strictly inside when it is strictly left of all
    four edges (a repeated corner gives an edge no point is strictly left of).
    """
    start = np.searchsorted(group, np.arange(n))
    corners = [
        _argext(v, group, start, fn)
        for v, fn in (
            (x, np.minimum),
            (y, np.minimum),
            (x, np.maximum),
            (y, np.maximum),
        )
    ]
    cx = [x[c][group] for c in corners]
    cy = [y[c][group] for c in corners]
    inside = np.ones(x.size, bool)
    for i in range(4):
        j = (i + 1) % 4
        cross = (cx[j] - cx[i]) * (y - cy[i]) - (cy[j] - cy[i]) * (x - cx[i])
        inside &= cross > 0
    return inside


def _argext(v: np.ndarray, group: np.ndarray, start: np.ndarray, fn) -> np.ndarray:
    """Index of each group's first least (``np.minimum``) or greatest value."""
    hit = np.flatnonzero(v == fn.reduceat(v, start)[group])
    return hit[np.searchsorted(group[hit], np.arange(start.size))]


def _top_values(
    column: pd.Series,
    lab: np.ndarray,
    ids: np.ndarray,
    *,
    k: int,
    share: bool,
) -> list[str]:
    """List the k commonest values of ``column`` per hotspot: "a (n); b (n)".

    Values are counted as text (missing ones as "nan"), empty text left out.
    """
    if isinstance(column.dtype, pd.CategoricalDtype) and (column.cat.codes >= 0).all():
        codes = column.cat.codes.to_numpy()
        values = pd.Series(column.cat.categories.astype(str))
    else:
        codes, uniq = pd.factorize(column.astype(str))
        values = pd.Series(uniq)
    if column.name == "location":  # strip police.uk's prefix once per value
        values = values.str.replace(r"^On or near\s*", "", regex=True).str.strip()
    # count by number: one number per distinct (stripped) text
    text_codes, texts = pd.factorize(values)
    pairs = pd.DataFrame({"h": lab, "v": text_codes[codes]})
    empty = np.flatnonzero(np.asarray(texts) == "")
    if empty.size:
        pairs = pairs.loc[pairs["v"] != empty[0]]
    counts = pairs.value_counts().rename("n").reset_index()
    counts["v"] = np.asarray(texts, dtype=object)[counts["v"].to_numpy()]
    counts = counts.sort_values(
        ["h", "n", "v"], ascending=[True, False, True], kind="stable"
    )
    top = counts.groupby("h", sort=False).head(k).copy()
    if share:
        totals = pd.Series(lab).value_counts()
        top["t"] = (
            top["v"]
            + " "
            + (top["n"] / top["h"].map(totals) * 100).round().astype(int).astype(str)
            + "%"
        )
    elif k > 1:
        top["t"] = top["v"] + " (" + top["n"].astype(str) + ")"
    else:
        top["t"] = top["v"]
    top["i"] = top.groupby("h", sort=False).cumcount()
    wide = top.pivot_table(index="h", columns="i", values="t", aggfunc="first")
    wide = wide.reindex(ids)
    text = wide[0].fillna("") if 0 in wide.columns else pd.Series("", index=wide.index)
    for i in range(1, k):
        if i in wide.columns:
            text = text.where(wide[i].isna(), text + "; " + wide[i].fillna(""))
    return text.tolist()


@dataclass(frozen=True)
class Hotspots:
    """Hotspots of one set of incidents: parameters, per-incident labels, table."""

    parameters: HotspotParameters
    labels: pd.Series
    table: gpd.GeoDataFrame


def hotspots(
    incidents: gpd.GeoDataFrame,
    *,
    eps: float | None = None,
    min_samples: int | None = None,
    area_m2: float | None = None,
    algorithm: Algorithm = "auto",
    buffer_m: float | None = None,
    like: HotspotParameters | None = None,
) -> Hotspots:
    """Find, rank and describe hotspots; parameters not given are chosen from data.

    Without ``min_samples``, the local rule of :func:`suggest_parameters`
    applies (with ``eps`` if given); with it, plain DBSCAN. ``like`` holds this
    set to the standard of another's parameters (e.g. the period before): the
    same ``eps`` and floor, each place tested against its own surroundings.
    See :func:`find_hotspots` and :func:`hotspot_table` for the rest;
    ``buffer_m`` defaults to half of ``eps``: the hotspot's shape reaches that
    far beyond its outermost locations.
    """
    _require_incidents(incidents)
    where = distinct_points(incidents)  # once, for the rule and the clustering
    unit = _unit(incidents)
    if like is not None:
        eps = like.eps
        min_samples = like.min_samples if like.rule == "fixed" else None
    if min_samples is None:
        params = _suggest(where, area_m2=area_m2, eps=eps, unit=unit)
        if like is not None and like.rule == "local":
            params = _with_floor(params, like.min_samples)
    else:
        require_min_int(min_samples, 1, name="min_samples")
        params = _fixed(
            where, eps=eps, min_samples=min_samples, area_m2=area_m2, unit=unit
        )
    labels = _labels(
        where,
        incidents.index,
        params.eps,
        params.min_samples,
        algorithm,
        params.thresholds(),
    )
    margin = params.eps / 2 if buffer_m is None else buffer_m
    table = hotspot_table(incidents, labels, buffer_m=margin)
    return Hotspots(parameters=params, labels=labels, table=table)


def _fixed(
    where: DistinctPoints,
    *,
    eps: float | None,
    min_samples: int,
    area_m2,
    unit: str = "incidents",
) -> HotspotParameters:
    """Plain DBSCAN with ``min_samples`` as given (``eps`` 100 m unless given)."""
    eps = DEFAULT_EPS_M if eps is None else eps
    require_positive(eps, name="eps", unit=" metres")
    return HotspotParameters(
        eps=eps,
        min_samples=min_samples,
        area_m2=float(area_m2) if area_m2 is not None else float("nan"),
        expected_per_circle=float("nan"),
        reason=(
            f"min_samples = {min_samples} as given: plain DBSCAN, a hotspot core "
            f"has at least {min_samples} {unit} within {eps:g} m."
        ),
        rule="fixed",
        unit=unit,
    )


def _with_floor(params: HotspotParameters, floor: int) -> HotspotParameters:
    """Apply another period's floor to the local rule (one standard for both)."""
    return replace(
        params,
        min_samples=floor,
        reason=params.reason.replace(
            f"{params.min_samples} {params.unit} within",
            f"{floor} {params.unit} within",
            1,
        )
        + " The floor is the earlier period's: both held to one standard.",
    )


def hdbscan_hotspots(
    incidents: gpd.GeoDataFrame,
    *,
    min_cluster_size: int,
    min_samples: int | None = None,
) -> pd.Series:
    """Hotspots by HDBSCAN (scikit-learn), a self-adjusting cross-check to DBSCAN.

    HDBSCAN finds clusters of varying density without an ``eps``. Every incident is
    clustered (HDBSCAN takes no weights), so shared map points count fully.

    Returns
    -------
    Series
        Hotspot number aligned to ``incidents.index``, named ``"hotspot"``,
        ranked as in :func:`find_hotspots`; -1 = in no hotspot.
    """
    from sklearn.cluster import HDBSCAN

    require_projected(incidents, name="incidents")
    require_min_int(min_cluster_size, 2, name="min_cluster_size")
    if len(incidents) < min_cluster_size:
        return pd.Series(NOISE, index=incidents.index, name="hotspot", dtype=np.int64)
    xy = np.column_stack(point_xy(incidents))
    model = HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        allow_single_cluster=False,
        copy=True,
    ).fit(xy)
    labels = model.labels_.astype(np.int64)
    ranked = _rank_labels(labels, np.ones(labels.size), xy[:, 0], xy[:, 1])
    return pd.Series(ranked, index=incidents.index, name="hotspot")
