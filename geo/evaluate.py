"""How well one period's hotspots predict the next: hit rate, PAI and RRI.

- hit rate = n / N: share of the next period's incidents inside the hotspots;
- PAI (predictive accuracy index, Chainey et al. 2008) = (n / N) / (a / A), with
  ``a`` the hotspots' area within the study area (a coastal hotspot's sea is no
  part of it) and ``A`` the area of the boundaries;
- RRI (recapture rate index, Levine 2008) = (n2 / n1) / (N2 / N1): the change
  inside the hotspots relative to the change everywhere (1 = same trend).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._validate import require_positive, require_projected
from geo.errors import GeoInputError

__all__ = ["Evaluation", "evaluate_hotspots"]


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """Next-period performance of a set of hotspots.

    Attributes
    ----------
    per_hotspot : DataFrame
        One row per hotspot (index ``hotspot_id``): ``next_incidents``,
        ``hit_rate``, ``pai``, ``rri``.
    hit_rate, pai, rri : float
        The same for all hotspots together (an incident in two overlapping
        hotspots counts once); NaN where undefined (e.g. RRI with n1 = 0).
    next_total, before_total : int
        N2 (incidents of the next period) and N1 (of the hotspots' own period).
    hotspot_area_m2, area_m2 : float
        ``a`` (union of the hotspot polygons, within the study area when one
        is given) and ``A`` (the boundaries).
    """

    per_hotspot: pd.DataFrame
    hit_rate: float
    pai: float
    rri: float
    next_total: int
    before_total: int
    hotspot_area_m2: float
    area_m2: float


def evaluate_hotspots(
    table: gpd.GeoDataFrame,
    next_incidents: gpd.GeoDataFrame,
    *,
    area_m2: float,
    before_total: int,
    before_incidents: gpd.GeoDataFrame | None = None,
    study_area: shapely.Geometry | None = None,
) -> Evaluation:
    """Score hotspot polygons on the incidents of a later period.

    Parameters
    ----------
    table : GeoDataFrame
        Hotspots from :func:`geo.hotspots.hotspot_table` (``hotspot_id``,
        ``incidents`` = n1, polygons).
    next_incidents : GeoDataFrame
        The later period's incidents (same types), same CRS.
    area_m2 : float
        Area ``A`` of the boundaries in m².
    before_total : int
        N1, all incidents of the period the hotspots were found in.
    before_incidents : GeoDataFrame, optional
        That period's incidents: RRI's n1 is then counted inside the polygons,
        as n2 is (a period scored on itself gives RRI 1). Without them, n1 is
        each hotspot's ``incidents`` (its cluster's members).
    study_area : shapely geometry, optional
        The boundaries themselves: the hotspots' area ``a`` is then only the
        part inside them, as ``A`` is (the incidents are inside them too).

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> from shapely.geometry import box
    >>> from geo.settings import WORKING_CRS
    >>> hs = gpd.GeoDataFrame({"hotspot_id": [1], "incidents": [10]},
    ...     geometry=[box(0, 0, 10, 10)], crs=WORKING_CRS)
    >>> nxt = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5, 5, 50, 60], [5] * 4),
    ...     crs=WORKING_CRS)
    >>> e = evaluate_hotspots(hs, nxt, area_m2=10_000, before_total=40)
    >>> (e.hit_rate, e.pai, e.rri)
    (0.5, 50.0, 2.0)
    """
    require_projected(table, name="table")
    require_projected(next_incidents, name="next_incidents")
    require_positive(area_m2, name="area_m2", unit=" m²")
    if table.crs != next_incidents.crs:
        msg = "`table` and `next_incidents` must share a CRS."
        raise GeoInputError(msg)
    polygons = table.geometry.to_numpy()
    n_next = len(next_incidents)
    hs_idx, pt_idx = _points_in(polygons, next_incidents)  # as drawn
    per_n = np.bincount(hs_idx, minlength=len(table))
    n1_each = table["incidents"].to_numpy()
    n1_all = float(n1_each.sum())
    if before_incidents is not None:
        b_hs, b_pt = _points_in(polygons, before_incidents)
        n1_each = np.bincount(b_hs, minlength=len(table))
        n1_all = float(np.unique(b_pt).size)
    if study_area is not None and len(polygons):
        polygons = shapely.intersection(polygons, study_area)
    a = shapely.area(polygons)
    per = pd.DataFrame(
        {
            "next_incidents": per_n,
            "hit_rate": _div(per_n, n_next),
            "pai": _div(_div(per_n, n_next), a / area_m2),
            "rri": _div(_div(per_n, n1_each), _div(n_next, before_total)),
        },
        index=pd.Index(table["hotspot_id"].to_numpy(), name="hotspot_id"),
    )
    n_all = np.unique(pt_idx).size
    union_area = float(shapely.union_all(polygons).area) if len(table) else 0.0

    hit = _div(n_all, n_next)
    return Evaluation(
        per_hotspot=per,
        hit_rate=float(hit),
        pai=float(_div(hit, union_area / area_m2)),
        rri=float(_div(_div(n_all, n1_all), _div(n_next, before_total))),
        next_total=n_next,
        before_total=int(before_total),
        hotspot_area_m2=union_area,
        area_m2=float(area_m2),
    )


def _points_in(
    polygons: np.ndarray, points: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    if len(polygons) == 0 or points.empty:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    tree = shapely.STRtree(polygons)
    pt, hs = tree.query(points.geometry.to_numpy(), predicate="intersects")
    return hs, pt


def _div(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)
    return out if out.ndim else float(out)
