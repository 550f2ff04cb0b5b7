"""Getis-Ord Gi* hot spot analysis on a regular grid, as ArcGIS's tool does it.

Incidents are counted in square cells over the study area; each cell's Gi* (the
cell and its eight neighbours, binary weights; PySAL esda ``G_Local`` with
``star=True``) gives a z-score. Two-sided p-values are corrected for multiple
testing with the false discovery rate (Benjamini-Hochberg). Cells are classed like
ArcGIS: ``Hot spot 99%``, ``95%``, ``90%``, ``Cold spot ...``, ``Not significant``.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely

from geo._points import point_xy
from geo._stats import benjamini_hochberg
from geo._validate import require_positive, require_projected
from geo.errors import GeoInputError

__all__ = [
    "gi_bin",
    "gi_star_grid",
    "grid_cells",
    "grid_index",
    "queen_weights",
    "study_cells",
]


def gi_star_grid(
    incidents: gpd.GeoDataFrame,
    *,
    cell_m: float = 150.0,
    area: shapely.Geometry | None = None,
    fdr: bool = True,
) -> gpd.GeoDataFrame:
    """Gi* z-score, p-value and hot/cold class of each grid cell.

    Parameters
    ----------
    incidents : GeoDataFrame
        Points in a projected CRS (metres).
    cell_m : float
        Side of a grid cell in metres.
    area : shapely geometry, optional
        Study area (e.g. the union of the wards): only cells in it are cells of
        the analysis (weights, mean and variance). Without it, the incidents'
        bounding box.
    fdr : bool
        Correct for multiple testing with the false discovery rate.

    Returns
    -------
    GeoDataFrame
        One row per cell: ``count``, ``gi_z``, ``p_value``, ``hot_cold`` (+1 hot,
        -1 cold, 0 not significant at 90%), ``category``, ``p_fdr``
        (Benjamini-Hochberg adjusted, or ``p_value`` without ``fdr``) and
        ``gi_bin`` (ArcGIS's -3..3); polygons.
    """
    require_projected(incidents, name="incidents")
    require_positive(cell_m, name="cell_m", unit=" metres")
    if incidents.empty:
        msg = "`incidents` is empty: no incidents in the chosen period and types."
        raise GeoInputError(msg)
    bounds = area.bounds if area is not None else tuple(incidents.total_bounds)
    nrow, ncol, cell = grid_index(incidents, bounds, cell_m)
    counts = np.bincount(cell[cell >= 0], minlength=nrow * ncol).astype(float)
    cells = grid_cells(bounds, cell_m, nrow, ncol)
    keep = study_cells(cells, area)
    z, p = _gi_star(counts[keep], queen_weights(nrow, ncol, keep))
    grid = gpd.GeoDataFrame(
        {"count": counts[keep].astype(int), "gi_z": np.round(z, 4), "p_value": p},
        geometry=cells[keep],
        crs=incidents.crs,
    )
    # one classification: the app's classes, the command's Gi_Bin and the maps
    # all read the same Benjamini-Hochberg adjusted p-values
    grid["p_fdr"] = benjamini_hochberg(p) if fdr and p.size else p
    grid["gi_bin"] = gi_bin(grid["gi_z"].to_numpy(), grid["p_fdr"].to_numpy())
    grid["hot_cold"] = np.sign(grid["gi_bin"]).astype(int)
    grid["category"] = [_category(b) for b in grid["gi_bin"]]
    return grid.reset_index(drop=True)


def _category(b: int) -> str:
    """ArcGIS's class of a Gi_Bin: Hot spot 99% ... Cold spot 90%."""
    if b == 0:
        return "Not significant"
    level = {3: "99%", 2: "95%", 1: "90%"}[abs(b)]
    return f"{'Hot' if b > 0 else 'Cold'} spot {level}"


def gi_bin(z: np.ndarray, p: np.ndarray) -> np.ndarray:
    """ArcGIS's Gi_Bin: +-3, +-2, +-1 for 99%, 95%, 90% confidence, else 0.

    Examples
    --------
    >>> gi_bin(np.array([3.0, -2.0, 1.7, 0.5]), np.array([0.004, 0.04, 0.09, 0.6]))
    array([ 3, -2,  1,  0])
    """
    level = np.select([p <= 0.01, p <= 0.05, p <= 0.10], [3, 2, 1], default=0)
    return (np.sign(z) * level).astype(int)


def study_cells(cells: np.ndarray, area: shapely.Geometry | None) -> np.ndarray:
    """Mark the grid cells in the study area: those sharing more than an edge.

    Every cell without an area. Cells outside are not cells of the analysis: no
    weights, no share of the mean or variance (Gi* on the bounding box counted
    the sea round a coast as a cold, empty neighbourhood).
    """
    if area is None:
        return np.ones(len(cells), bool)
    return shapely.intersects(cells, area) & ~shapely.touches(cells, area)


def queen_weights(nrow: int, ncol: int, keep: np.ndarray):
    """Binary queen-contiguity weights among the kept cells of the grid (PySAL W).

    Each kept cell's neighbours are the kept cells of its eight around it; a
    kept cell with none is an island (its Gi* is its own count against the rest).
    """
    from libpysal.weights import W

    ids = np.flatnonzero(keep)
    position = np.full(nrow * ncol, -1)
    position[ids] = np.arange(ids.size)
    r, c = np.divmod(ids, ncol)
    neighbours: dict[int, list[int]] = {i: [] for i in range(ids.size)}
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == dc == 0:
                continue
            rr, cc = r + dr, c + dc
            inside = (rr >= 0) & (rr < nrow) & (cc >= 0) & (cc < ncol)
            other = np.full(ids.size, -1)
            other[inside] = position[rr[inside] * ncol + cc[inside]]
            for i in np.flatnonzero(other >= 0):
                neighbours[int(i)].append(int(other[i]))
    w = W(neighbours, silence_warnings=True)
    w.transform = "B"
    return w


def _gi_star(counts: np.ndarray, w) -> tuple[np.ndarray, np.ndarray]:
    import esda  # PySAL is slow to import: only when Gi* is asked for
    from scipy.stats import norm

    if counts.size == 0 or counts.std() == 0:
        return np.zeros_like(counts), np.ones_like(counts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = esda.G_Local(counts, w, transform="B", star=True, permutations=0)
    z = np.nan_to_num(np.asarray(g.Zs, dtype=float))
    return z, 2 * norm.sf(np.abs(z))


def grid_index(
    incidents: gpd.GeoDataFrame, bounds: tuple, cell_m: float
) -> tuple[int, int, np.ndarray]:
    """Grid rows and columns over ``bounds``; each incident's cell (-1 outside)."""
    minx, miny, maxx, maxy = bounds
    ncol = max(int(np.ceil((maxx - minx) / cell_m)), 1)
    nrow = max(int(np.ceil((maxy - miny) / cell_m)), 1)
    if nrow * ncol > 400_000:
        msg = (
            f"`cell_m` of {cell_m:g} m gives {nrow * ncol:,} cells; use larger cells "
            "(at most 400,000)."
        )
        raise GeoInputError(msg)
    x, y = point_xy(incidents)
    ok = (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
    col = np.minimum(np.floor((x - minx) / cell_m).astype(int), ncol - 1)
    row = np.minimum(np.floor((y - miny) / cell_m).astype(int), nrow - 1)
    return nrow, ncol, np.where(ok, row * ncol + col, -1)


def grid_cells(bounds: tuple, side: float, nrow: int, ncol: int) -> np.ndarray:
    """Square cell polygons of the grid, row by row from the bottom left."""
    r, c = np.divmod(np.arange(nrow * ncol), ncol)
    x0 = bounds[0] + c * side
    y0 = bounds[1] + r * side
    return shapely.box(x0, y0, x0 + side, y0 + side)
