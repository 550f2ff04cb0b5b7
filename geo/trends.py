"""Hot spot trends over many months, in the manner of ArcGIS's emerging hot spots.

Incidents are counted per month on a regular grid over the study area. Each
month, every cell gets a Getis-Ord Gi* z-score (the cell and its eight
neighbours, PySAL esda), and is a hot (cold) spot when significant after a
false-discovery-rate correction across that month's cells. The trend of each
cell's z-scores over the months is a Mann-Kendall test (Kendall's tau against
time). Each cell gets one category, following Esri's definitions ("How
Emerging Hot Spot Analysis works", ArcGIS Pro Space Time Pattern Mining
toolbox); "90%" means at least 90% of months, and every cold pattern mirrors
its hot one:

- ``new hot spot``: hot in the final month and never before;
- ``consecutive hot spot``: a single run of at least two hot months ending with
  the final one, never hot before it, under 90% of months;
- ``intensifying`` / ``persistent`` / ``diminishing hot spot``: hot in 90% of
  months including the final, with a significantly rising / no / falling trend
  in the clustering of high counts (z rising / none / falling);
- ``sporadic hot spot``: hot in the final month, on and off before, under 90%
  of months, never cold;
- ``oscillating hot spot``: hot in the final month, cold in some earlier month,
  under 90% of months hot;
- ``historical hot spot``: not hot in the final month, but hot in 90% of months;
- the same eight for cold spots (``new cold spot`` ...; an intensifying cold
  spot's z falls, a diminishing one's rises);
- ``no pattern``: hot or cold in some month, but none of the above.

Cells never hot or cold are not listed. Unlike ArcGIS, neighbours are spatial
only (no time-lagged neighbours).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._validate import require_positive, require_projected
from geo.errors import GeoInputError
from geo.gistar import grid_cells, grid_index, queen_weights, study_cells

__all__ = ["CATEGORIES", "emerging_hotspots"]

PATTERNS = (
    "new",
    "consecutive",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "oscillating",
    "historical",
)

CATEGORIES = (
    *(f"{p} hot spot" for p in PATTERNS),
    *(f"{p} cold spot" for p in PATTERNS),
    "no pattern",
)


def emerging_hotspots(
    incidents: gpd.GeoDataFrame,
    *,
    cell_m: float = 200.0,
    area: shapely.Geometry | None = None,
    alpha: float = 0.05,
    min_months: int = 6,
) -> gpd.GeoDataFrame:
    """Trend category of each grid cell over the months of ``incidents``.

    Parameters
    ----------
    incidents : GeoDataFrame
        Incidents with ``month`` over at least ``min_months`` months, metres.
    cell_m : float
        Side of a grid cell in metres.
    area : shapely geometry, optional
        Study area: only cells in it are cells of the analysis.
    alpha : float
        False discovery rate for each month's hot and cold spots, and the
        significance level of the trend.
    min_months : int
        Fewest months for a trend.

    Returns
    -------
    GeoDataFrame
        Cells that were ever a hot or a cold spot: ``category`` (one of
        :data:`CATEGORIES`), ``hot_months``, ``cold_months``, ``months``,
        ``trend_tau``, ``trend_p``, ``total``; polygons.
    """
    from scipy.stats import kendalltau

    require_projected(incidents, name="incidents")
    require_positive(cell_m, name="cell_m", unit=" metres")
    months = sorted(incidents["month"].unique())
    if len(months) < min_months:
        msg = (
            f"trends need at least {min_months} months of data; these incidents "
            f"cover {len(months)}. Choose a longer period."
        )
        raise GeoInputError(msg)
    bounds = area.bounds if area is not None else tuple(incidents.total_bounds)
    nrow, ncol, cell = grid_index(incidents, bounds, cell_m)
    month_pos = pd.Index(months).get_indexer(incidents["month"])
    ok = cell >= 0
    counts = np.zeros((nrow * ncol, len(months)))
    np.add.at(counts, (cell[ok], month_pos[ok]), 1)
    cells = grid_cells(bounds, cell_m, nrow, ncol)
    inside = study_cells(cells, area)
    counts, cells = counts[inside], cells[inside]
    z, hot, cold = _monthly_gi(counts, queen_weights(nrow, ncol, inside), alpha)
    keep = hot.any(axis=1) | cold.any(axis=1)
    rows = []
    for i in np.flatnonzero(keep):
        tau, p = kendalltau(np.arange(len(months)), z[i])
        rows.append(
            {
                "category": _category(hot[i], cold[i], tau, p, alpha),
                "hot_months": int(hot[i].sum()),
                "cold_months": int(cold[i].sum()),
                "months": len(months),
                "trend_tau": round(float(np.nan_to_num(tau)), 3),
                "trend_p": float(np.nan_to_num(p, nan=1.0)),
                "total": int(counts[i].sum()),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "category",
            "hot_months",
            "cold_months",
            "months",
            "trend_tau",
            "trend_p",
            "total",
        ],
    )
    return gpd.GeoDataFrame(
        frame, geometry=cells[np.flatnonzero(keep)], crs=incidents.crs
    )


def _monthly_gi(counts: np.ndarray, w, alpha: float):
    import esda
    from scipy.stats import norm

    z = np.zeros_like(counts)
    hot = np.zeros(counts.shape, bool)
    cold = np.zeros(counts.shape, bool)
    for t in range(counts.shape[1]):
        y = counts[:, t]
        if y.std() == 0:
            continue
        g = esda.G_Local(y, w, transform="B", star=True, permutations=0)
        zt = np.nan_to_num(np.asarray(g.Zs, dtype=float))
        p = 2 * norm.sf(np.abs(zt))
        cut = esda.fdr(p, alpha)
        z[:, t] = zt
        hot[:, t] = (p <= cut) & (zt > 0)
        cold[:, t] = (p <= cut) & (zt < 0)
    return z, hot, cold


def _category(
    hot: np.ndarray, cold: np.ndarray, tau: float, p: float, alpha: float
) -> str:
    """Esri's emerging hot spot category from one cell's monthly history."""
    trend = 0 if np.isnan(p) or p >= alpha else int(np.sign(tau))
    pattern = _pattern(hot, cold, trend)
    if pattern is not None:
        return f"{pattern} hot spot"
    pattern = _pattern(cold, hot, -trend)  # a cold spot intensifies as z falls
    if pattern is not None:
        return f"{pattern} cold spot"
    return "no pattern"


def _pattern(on: np.ndarray, other: np.ndarray, trend: int) -> str | None:
    """Name the pattern of months ``on`` (hot or cold); ``other`` is the opposite.

    ``trend`` is +1 when the clustering of this kind significantly intensifies
    over the months, -1 when it significantly weakens, else 0.
    """
    n = on.size
    share = on.sum() / n
    if not on[-1]:
        return "historical" if share >= 0.9 else None
    if share >= 0.9:
        return {1: "intensifying", 0: "persistent", -1: "diminishing"}[trend]
    if on.sum() == 1:
        return "new"
    run = n - np.flatnonzero(~on)[-1] - 1  # months on at the end
    if run == on.sum():
        return "consecutive"
    return "oscillating" if other[:-1].any() else "sporadic"
