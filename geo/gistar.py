"""Getis-Ord Gi* hot spot analysis on a regular grid, as ArcGIS's tool does it.

Incidents are counted in square cells over the study area; each cell's Gi* (the
cell and its eight neighbours, binary weights; PySAL esda ``G_Local`` with
``star=True``) gives a z-score. Two-sided p-values are corrected for multiple
testing with the false discovery rate (esda ``fdr``). Cells are classed like
ArcGIS: ``Hot spot 99%``, ``95%``, ``90%``, ``Cold spot ...``, ``Not significant``.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely

from geo._points import point_xy
from geo._validate import require_positive, require_projected
from geo.errors import GeoInputError

__all__ = ["gi_star_grid", "grid_cells", "grid_index"]

_LEVELS = ((0.01, "99%"), (0.05, "95%"), (0.10, "90%"))


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
        Study area (e.g. the union of the wards); cells that neither touch it nor
        hold an incident are left out. Without it, the incidents' bounding box.
    fdr : bool
        Correct for multiple testing with the false discovery rate.

    Returns
    -------
    GeoDataFrame
        One row per cell: ``count``, ``gi_z``, ``p_value``, ``hot_cold`` (+1 hot,
        -1 cold, 0 not significant at 90%), ``category``; polygons.
    """
    require_projected(incidents, name="incidents")
    require_positive(cell_m, name="cell_m", unit=" metres")
    if incidents.empty:
        msg = "`incidents` is empty: no incidents in the chosen period and types."
        raise GeoInputError(msg)
    bounds = area.bounds if area is not None else tuple(incidents.total_bounds)
    nrow, ncol, cell = grid_index(incidents, bounds, cell_m)
    counts = np.bincount(cell[cell >= 0], minlength=nrow * ncol).astype(float)
    z, p = _gi_star(counts, nrow, ncol)
    cells = grid_cells(bounds, cell_m, nrow, ncol)
    keep = np.ones(nrow * ncol, bool)
    if area is not None:
        inside = shapely.intersects(cells, area) & ~shapely.touches(cells, area)
        keep = inside | (counts > 0)
    cutoff = _cutoffs(p[keep], fdr=fdr)
    grid = gpd.GeoDataFrame(
        {"count": counts.astype(int), "gi_z": np.round(z, 4), "p_value": p},
        geometry=cells,
        crs=incidents.crs,
    ).loc[keep]
    grid["hot_cold"], grid["category"] = _classify(
        grid["gi_z"].to_numpy(), grid["p_value"].to_numpy(), cutoff
    )
    return grid.reset_index(drop=True)


def _gi_star(counts: np.ndarray, nrow: int, ncol: int) -> tuple[np.ndarray, np.ndarray]:
    import esda  # PySAL is slow to import: only when Gi* is asked for
    from libpysal.weights import lat2W
    from scipy.stats import norm

    w = lat2W(nrow, ncol, rook=False)  # queen: the eight neighbours
    w.transform = "B"
    if counts.std() == 0:
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


def _cutoffs(p: np.ndarray, *, fdr: bool) -> dict[float, float]:
    import esda

    if not fdr or p.size == 0:
        return {level: level for level, _ in _LEVELS}
    return {level: float(esda.fdr(p, level)) for level, _ in _LEVELS}


def _classify(z: np.ndarray, p: np.ndarray, cutoff: dict[float, float]):
    hot_cold = np.zeros(z.size, int)
    category = np.full(z.size, "Not significant", dtype=object)
    for level, label in reversed(_LEVELS):  # 90% first, overwritten by stronger
        sig = p <= cutoff[level]
        hot_cold[sig] = np.sign(z[sig]).astype(int)
        category[sig & (z > 0)] = f"Hot spot {label}"
        category[sig & (z < 0)] = f"Cold spot {label}"
    return hot_cold, category
