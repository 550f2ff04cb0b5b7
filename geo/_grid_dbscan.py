"""Private: exact weighted DBSCAN on a grid, in linear memory (numba).

The plane is cut into square cells of side ``eps / sqrt(2)``, so any two points in
one cell are within ``eps`` of each other. Then:

1. a cell holding at least ``min_samples`` weight makes all its points core; the
   points of lighter cells count their neighbours in the 5 x 5 block of cells
   around them (the only cells that can hold a point within ``eps``).
   ``min_samples`` may differ from point to point (generalised DBSCAN, Sander
   et al. 1998: any core predicate on the neighbourhood's weight);
2. the core points of a cell are all connected; two cells' core sets are joined
   (union-find) when some pair of their core points is within ``eps``;
3. a non-core point within ``eps`` of a core point joins the cluster of its
   nearest core point (DBSCAN lets a border point go to any cluster that reaches
   it; nearest is deterministic).

Distances compare squared values, ``dx*dx + dy*dy <= eps*eps``: a neighbour at
exactly ``eps`` counts, as in scikit-learn. The core points and their partition
are exactly those of :class:`sklearn.cluster.DBSCAN` with the same weights.
"""

from __future__ import annotations

from geo._numba_cache import ensure_cache_dir

ensure_cache_dir()  # before numba reads its configuration

import numba  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["grid_dbscan", "neighbour_sums", "warm_up"]


def grid_dbscan(
    x: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    eps: float,
    min_samples: float | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels (-1 noise, 0..k-1 by first core point) and the core mask.

    ``min_samples`` is one weight for every point, or one per point.
    """
    n = x.size
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, bool)
    order, start, end, nbr, xs, ys = _layout(x, y, eps)
    ws = np.ascontiguousarray(weight[order], dtype=np.float64)
    need = np.broadcast_to(np.asarray(min_samples, dtype=np.float64), (n,))
    need = np.ascontiguousarray(need[order])
    labels_sorted, core_sorted = _cluster(
        xs, ys, ws, start, end, nbr, float(eps) ** 2, need
    )
    labels = np.empty(n, np.int64)
    core = np.empty(n, bool)
    labels[order] = labels_sorted
    core[order] = core_sorted
    return _renumber(labels, core), core


def neighbour_sums(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray, eps: float
) -> np.ndarray:
    """Total ``weight`` within ``eps`` of each point, itself included.

    A neighbour at exactly ``eps`` counts (squared distances compared, as in
    :func:`grid_dbscan`). In linear memory: no list of pairs is made (a
    national set of map points has tens of millions).
    """
    n = x.size
    if n == 0:
        return np.empty(0)
    order, start, end, nbr, xs, ys = _layout(x, y, eps)
    ws = np.ascontiguousarray(weight[order], dtype=np.float64)
    out = np.empty(n)
    out[order] = _sums(xs, ys, ws, start, end, nbr, float(eps) ** 2)
    return out


def _layout(x: np.ndarray, y: np.ndarray, eps: float):
    """Sort points by grid cell (side ``eps / sqrt(2)``).

    Returns the order, each cell's run of sorted points, each cell's 25
    neighbouring cells, and the sorted x and y.
    """
    n = x.size
    side = eps / np.sqrt(2.0)
    cx = np.floor((x - x.min()) / side).astype(np.int64)
    cy = np.floor((y - y.min()) / side).astype(np.int64)
    ny = int(cy.max()) + 5
    nx = int(cx.max()) + 5
    key = (cx + 2) * ny + (cy + 2)
    if nx * ny <= _dense_limit(n):
        order, offsets = _counting_sort(key, nx * ny)
        cells = np.flatnonzero(offsets[1:] != offsets[:-1])
        start, end = offsets[cells], offsets[cells + 1]
    else:
        order = np.argsort(key)
        cells, start = np.unique(key[order], return_index=True)
        end = np.append(start[1:], n)
    xs = np.ascontiguousarray(x[order], dtype=np.float64)
    ys = np.ascontiguousarray(y[order], dtype=np.float64)
    return order, start, end, _neighbour_table(cells, ny, nx), xs, ys


@numba.njit(cache=True, parallel=True)
def _sums(xs, ys, ws, start, end, nbr, eps2):
    out = np.zeros(xs.size)
    for c in numba.prange(start.size):
        for p in range(start[c], end[c]):
            total = 0.0
            for k in range(25):
                d = nbr[c, k]
                if d < 0:
                    continue
                for q in range(start[d], end[d]):
                    dx = xs[p] - xs[q]
                    dy = ys[p] - ys[q]
                    if dx * dx + dy * dy <= eps2:
                        total += ws[q]
            out[p] = total
    return out


def warm_up() -> None:
    """Load the compiled functions (numba's disk cache) with a three-point run.

    The first call in a process costs ~0.3 s of loading, whatever its size.
    """
    x = np.array([0.0, 1.0, 2.0])
    grid_dbscan(x, x, np.ones(3), 1.0, np.full(3, 2.0))
    neighbour_sums(x, x, np.ones(3), 1.0)


_OFFSETS = np.array([(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3)])
# Nearest cells first, so that counting reaches min_samples sooner.
_OFFSETS = _OFFSETS[
    np.argsort(
        np.abs(_OFFSETS).max(axis=1) * 10 + np.abs(_OFFSETS).sum(axis=1), kind="stable"
    )
]


def _dense_limit(n: int) -> int:
    """Largest grid (cells) for which dense lookup arrays are worth their memory."""
    return max(8 * n, 4_000_000)


@numba.njit(cache=True)
def _counting_sort(key, size):
    offsets = np.zeros(size + 1, np.int64)
    for k in key:
        offsets[k + 1] += 1
    for i in range(size):
        offsets[i + 1] += offsets[i]
    pos = offsets[:-1].copy()
    order = np.empty(key.size, np.int64)
    for i in range(key.size):
        order[pos[key[i]]] = i
        pos[key[i]] += 1
    return order, offsets


def _neighbour_table(cells: np.ndarray, ny: int, nx: int) -> np.ndarray:
    """Positions of each cell's 25 neighbours in ``cells`` (-1: empty), own first."""
    shift = _OFFSETS[:, 0] * ny + _OFFSETS[:, 1]
    wanted = cells[:, None] + shift[None, :]
    if nx * ny <= _dense_limit(cells.size):
        lookup = np.full(nx * ny, -1, np.int64)
        lookup[cells] = np.arange(cells.size)
        return lookup[wanted]
    pos = np.searchsorted(cells, wanted)
    pos = np.minimum(pos, cells.size - 1)
    return np.where(cells[pos] == wanted, pos, -1)


def _renumber(labels: np.ndarray, core: np.ndarray) -> np.ndarray:
    """Renumber clusters 0..k-1 by their first core point (as scikit-learn)."""
    out = np.full(labels.size, -1, np.int64)
    if not core.any():
        return out
    core_idx = np.flatnonzero(core)
    ids, first = np.unique(labels[core_idx], return_index=True)
    new = np.empty(ids.size, np.int64)
    new[np.argsort(first)] = np.arange(ids.size)
    clustered = labels >= 0
    out[clustered] = new[np.searchsorted(ids, labels[clustered])]
    return out


@numba.njit(cache=True)
def _box_gap2(box, c, d):
    """Squared smallest distance between the bounding boxes of cells c and d."""
    gx = max(0.0, max(box[c, 0], box[d, 0]) - min(box[c, 2], box[d, 2]))
    gy = max(0.0, max(box[c, 1], box[d, 1]) - min(box[c, 3], box[d, 3]))
    return gx * gx + gy * gy


@numba.njit(cache=True)
def _box_span2(box, c, d):
    """Squared largest distance between the bounding boxes of cells c and d."""
    sx = max(box[c, 2], box[d, 2]) - min(box[c, 0], box[d, 0])
    sy = max(box[c, 3], box[d, 3]) - min(box[c, 1], box[d, 1])
    return sx * sx + sy * sy


@numba.njit(cache=True)
def _root(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@numba.njit(cache=True, parallel=True)
def _boxes(xs, ys, start, end):
    m = start.size
    box = np.empty((m, 4))
    for c in numba.prange(m):
        seg_x = xs[start[c] : end[c]]
        seg_y = ys[start[c] : end[c]]
        box[c, 0] = seg_x.min()
        box[c, 1] = seg_y.min()
        box[c, 2] = seg_x.max()
        box[c, 3] = seg_y.max()
    return box


@numba.njit(cache=True, parallel=True)
def _core_points(xs, ys, ws, start, end, nbr, cell_weight, box, eps2, need):
    """Whether each point has at least its ``need`` of weight within ``eps``.

    Cheap bounds settle most points without measuring a distance: a cell whose
    points' box is wholly within ``eps`` of a point counts whole (the lower
    bound), one whose box comes within ``eps`` may count (the upper bound).
    Only the cells in between are walked point by point, and only until the
    answer is certain either way. (Weights are whole counts here, so the sums
    are exact whatever their order.)
    """
    n = xs.size
    m = start.size
    core = np.zeros(n, np.bool_)
    bx0, by0, bx1, by1 = box[:, 0], box[:, 1], box[:, 2], box[:, 3]
    for c in numba.prange(m):
        most = need[start[c] : end[c]].max()
        if cell_weight[c] >= most:
            core[start[c] : end[c]] = True
            continue
        block = 0.0
        for k in range(25):
            d = nbr[c, k]
            if d >= 0 and _box_gap2(box, c, d) <= eps2:
                block += cell_weight[d]
        if block < need[start[c] : end[c]].min():
            continue  # even every cell in reach is too light
        partial = np.empty(25, np.int64)
        for p in range(start[c], end[c]):
            upper = 0.0
            lower = 0.0
            n_partial = 0
            for k in range(25):
                d = nbr[c, k]
                if d < 0:
                    continue
                gx = max(0.0, bx0[d] - xs[p], xs[p] - bx1[d])
                gy = max(0.0, by0[d] - ys[p], ys[p] - by1[d])
                if gx * gx + gy * gy > eps2:
                    continue  # no point of the cell is within eps
                upper += cell_weight[d]
                fx = max(abs(xs[p] - bx0[d]), abs(xs[p] - bx1[d]))
                fy = max(abs(ys[p] - by0[d]), abs(ys[p] - by1[d]))
                if fx * fx + fy * fy <= eps2:
                    lower += cell_weight[d]  # every point of the cell is
                else:
                    partial[n_partial] = d
                    n_partial += 1
            total = lower
            rest = upper - lower
            for i in range(n_partial):
                if total >= need[p] or total + rest < need[p]:
                    break
                d = partial[i]
                rest -= cell_weight[d]
                for q in range(start[d], end[d]):
                    ddx = xs[p] - xs[q]
                    ddy = ys[p] - ys[q]
                    if ddx * ddx + ddy * ddy <= eps2:
                        total += ws[q]
            core[p] = total >= need[p]
    return core


@numba.njit(cache=True, parallel=True)
def _border_points(xs, ys, start, end, nbr, core, has_core, labels, eps2):
    m = start.size
    for c in numba.prange(m):
        for p in range(start[c], end[c]):
            if core[p]:
                continue
            best = eps2
            found = -1
            for k in range(25):
                d = nbr[c, k]
                if d < 0 or not has_core[d]:
                    continue
                for q in range(start[d], end[d]):
                    if not core[q]:
                        continue
                    ddx = xs[p] - xs[q]
                    ddy = ys[p] - ys[q]
                    dist = ddx * ddx + ddy * ddy
                    if dist <= best and (dist < best or found < 0 or q < found):
                        best = dist
                        found = q
            if found >= 0:
                labels[p] = labels[found]
    return labels


@numba.njit(cache=True)
def _cluster(xs, ys, ws, start, end, nbr, eps2, need):
    m = start.size
    cell_weight = np.zeros(m)
    for c in range(m):
        cell_weight[c] = ws[start[c] : end[c]].sum()
    box = _boxes(xs, ys, start, end)
    # 1. core points
    core = _core_points(xs, ys, ws, start, end, nbr, cell_weight, box, eps2, need)
    # 2. connect cells through their core points
    has_core = np.zeros(m, np.bool_)
    full_core = np.zeros(m, np.bool_)  # every point of the cell is core
    for c in range(m):
        n_core = 0
        for p in range(start[c], end[c]):
            if core[p]:
                n_core += 1
        has_core[c] = n_core > 0
        full_core[c] = n_core == end[c] - start[c]
    parent = np.arange(m)
    for c in range(m):
        if not has_core[c]:
            continue
        for k in range(25):
            d = nbr[c, k]
            if d <= c or not has_core[d]:
                continue
            rc = _root(parent, c)
            rd = _root(parent, d)
            if rc == rd:
                continue
            gap = _box_gap2(box, c, d)
            if gap > eps2:
                continue  # no pair of points of these cells is within eps
            joined = _box_span2(box, c, d) <= eps2 and full_core[c] and full_core[d]
            for p in range(start[c], end[c]):
                if joined:
                    break
                if not core[p]:
                    continue
                for q in range(start[d], end[d]):
                    if not core[q]:
                        continue
                    ddx = xs[p] - xs[q]
                    ddy = ys[p] - ys[q]
                    if ddx * ddx + ddy * ddy <= eps2:
                        joined = True
                        break
            if joined:
                parent[rd] = rc
    # 3. labels: core by their cell's root; border by their nearest core point
    labels = np.full(xs.size, -1, np.int64)
    for c in range(m):
        if has_core[c]:
            r = _root(parent, c)
            for p in range(start[c], end[c]):
                if core[p]:
                    labels[p] = r
    labels = _border_points(xs, ys, start, end, nbr, core, has_core, labels, eps2)
    return labels, core
