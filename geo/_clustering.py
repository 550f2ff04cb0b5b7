"""Private: DBSCAN in metres over distinct map points, and the compact-place join.

The clustering of :mod:`geo.hotspots`: exact grid DBSCAN (or scikit-learn's),
weighted by the incidents at each map point; neighbouring compact places
joined; clusters ranked by incidents.
"""

from __future__ import annotations

import threading
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._points import DistinctPoints, distinct_points, point_xy
from geo._validate import require_min_int, require_positive, require_projected
from geo.errors import GeoInputError
from geo.settings import NOISE

Algorithm = Literal["auto", "sklearn", "grid"]


SPACING_QUANTILE = 0.75
"""Joining clusters: a cluster's map-point spacing is this quantile of the
distances from its locations to their nearest other map point ..."""


SPACING_MARGIN = 1.3
"""... and two clusters are joined when some of their locations are within
this many times the larger spacing of the two (never more than ``2 * eps``) ..."""


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
    and never more than ``2 * eps``: a hotspot is drawn ``eps / 2`` beyond its
    map points, so two places with more than ``eps`` of empty ground between
    their drawn shapes stay two. The joined hotspot must also stay within
    :data:`MAX_JOINED_RADIUS_M` of its incident-weighted centre. Closest pairs
    are joined first. In dense places the spacing is below ``eps`` and nothing
    changes.
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
    # a hotspot is drawn eps/2 beyond its map points: locations 2 eps apart
    # leave eps of empty ground between two drawn places, and no more is joined
    reach = np.minimum(SPACING_MARGIN * spacing, 2 * eps)
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
