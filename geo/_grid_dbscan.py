"""Private: exact weighted DBSCAN on a grid, in linear memory (numba).

The plane is cut into square cells of side ``eps / sqrt(2)``, so any two points in
one cell are within ``eps`` of each other. Then:

1. a cell holding at least ``min_samples`` weight makes all its points core; the
   points of lighter cells count their neighbours in the 5 x 5 block of cells
   around them (the only cells that can hold a point within ``eps``);
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

import numba
import numpy as np

__all__ = ["grid_dbscan"]


def grid_dbscan(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray, eps: float, min_samples: float
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels (-1 noise, 0..k-1 by first core point) and the core mask."""
    n = x.size
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, bool)
    side = eps / np.sqrt(2.0)
    cx = np.floor((x - x.min()) / side).astype(np.int64)
    cy = np.floor((y - y.min()) / side).astype(np.int64)
    ny = int(cy.max()) + 5
    key = (cx + 2) * ny + (cy + 2)
    order = np.argsort(key, kind="stable")
    skey = key[order]
    cells, start = np.unique(skey, return_index=True)
    end = np.append(start[1:], n)
    xs = np.ascontiguousarray(x[order], dtype=np.float64)
    ys = np.ascontiguousarray(y[order], dtype=np.float64)
    ws = np.ascontiguousarray(weight[order], dtype=np.float64)
    labels_sorted, core_sorted = _cluster(
        xs, ys, ws, cells, start, end, ny, float(eps) ** 2, float(min_samples)
    )
    labels = np.empty(n, np.int64)
    core = np.empty(n, bool)
    labels[order] = labels_sorted
    core[order] = core_sorted
    return _renumber(labels, core), core


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
def _find_cell(cells, key):
    i = np.searchsorted(cells, key)
    if i < cells.size and cells[i] == key:
        return i
    return -1


@numba.njit(cache=True)
def _root(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@numba.njit(cache=True)
def _cluster(xs, ys, ws, cells, start, end, ny, eps2, min_samples):
    n = xs.size
    m = cells.size
    core = np.zeros(n, np.bool_)
    cell_weight = np.zeros(m)
    for c in range(m):
        cell_weight[c] = ws[start[c] : end[c]].sum()
    # Neighbour cells of every cell (5 x 5 block), -1 where empty.
    nbr = np.full((m, 25), -1, np.int64)
    for c in range(m):
        k = 0
        for dx in range(-2, 3):
            for dy in range(-2, 3):
                nbr[c, k] = _find_cell(cells, cells[c] + dx * ny + dy)
                k += 1
    # 1. core points
    for c in range(m):
        if cell_weight[c] >= min_samples:
            core[start[c] : end[c]] = True
            continue
        for p in range(start[c], end[c]):
            total = 0.0
            for k in range(25):
                d = nbr[c, k]
                if d < 0:
                    continue
                for q in range(start[d], end[d]):
                    ddx = xs[p] - xs[q]
                    ddy = ys[p] - ys[q]
                    if ddx * ddx + ddy * ddy <= eps2:
                        total += ws[q]
                if total >= min_samples:
                    break
            core[p] = total >= min_samples
    # 2. connect cells through their core points
    has_core = np.zeros(m, np.bool_)
    for c in range(m):
        for p in range(start[c], end[c]):
            if core[p]:
                has_core[c] = True
                break
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
            joined = False
            for p in range(start[c], end[c]):
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
                    break
            if joined:
                parent[rd] = rc
    # 3. labels: core by their cell's root; border by their nearest core point
    labels = np.full(n, -1, np.int64)
    for c in range(m):
        if has_core[c]:
            r = _root(parent, c)
            for p in range(start[c], end[c]):
                if core[p]:
                    labels[p] = r
    for c in range(m):
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
    return labels, core
