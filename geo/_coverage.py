"""Private: camera coverage of incidents and hotspots, and new sites."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._camera_list import (
    covered_by,
)
from geo._points import point_xy
from geo._validate import require_min_int, require_positive
from geo.settings import DEFAULT_CAMERA_RANGE_M

UNDER_COVERED = 0.5
"""A hotspot is under-covered when less than this share of its incidents are
in camera view."""


COVERAGE_COLUMNS = [
    "hotspot_id",
    "incidents",
    "covered_incidents",
    "covered_share",
    "cameras",
]
"""The contract's coverage columns."""


@dataclass(frozen=True, kw_only=True)
class Coverage:
    """Camera coverage of a period's incidents and hotspots."""

    table: pd.DataFrame
    uncovered: pd.DataFrame
    covered: np.ndarray
    notes: list[str] = field(default_factory=list)


def coverage(
    incidents: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    hotspot_labels: pd.Series,
) -> Coverage:
    """Share of each hotspot's incidents inside camera coverage, and overall.

    Parameters
    ----------
    incidents : GeoDataFrame
        One period's incidents.
    cameras : GeoDataFrame
        From :func:`read_cameras`.
    hotspot_labels : Series
        Hotspot number of each incident (:func:`geo.hotspots.find_hotspots`).

    Returns
    -------
    Coverage
        ``table``: :data:`COVERAGE_COLUMNS`, one row per hotspot then a row
        ``all`` counting every incident of the period; ``uncovered``: hotspots
        with under :data:`UNDER_COVERED` of their incidents covered, ranked by
        incidents;
        ``covered``: a boolean per incident.
    """
    pt, cam = covered_by(incidents, cameras)
    covered = np.zeros(len(incidents), bool)
    covered[pt] = True
    labels = hotspot_labels.to_numpy()
    ids = cameras["camera_id"].astype(str).to_numpy()
    rows = []
    for h in sorted(set(labels[labels > 0])):
        inside = labels == h
        seen = np.flatnonzero(inside)
        cams = sorted(set(ids[cam[np.isin(pt, seen)]]))
        n, c = int(inside.sum()), int(covered[inside].sum())
        rows.append(
            {
                "hotspot_id": str(h),
                "incidents": n,
                "covered_incidents": c,
                "covered_share": round(c / n, 3),
                "cameras": "; ".join(cams),
            }
        )
    total = len(incidents)
    rows.append(
        {
            "hotspot_id": "all",
            "incidents": total,
            "covered_incidents": int(covered.sum()),
            "covered_share": round(covered.sum() / total, 3) if total else float("nan"),
            "cameras": f"{len(cameras)} cameras",
        }
    )
    table = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    spots = table[table["hotspot_id"] != "all"]
    uncovered = spots[spots["covered_share"] < UNDER_COVERED].sort_values(
        "incidents", ascending=False, kind="stable"
    )
    return Coverage(table=table, uncovered=uncovered, covered=covered)


def suggest_sites(
    incidents: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    hotspot_labels: pd.Series,
    *,
    k: int = 3,
    range_m: float = DEFAULT_CAMERA_RANGE_M,
) -> gpd.GeoDataFrame:
    """Pick K new camera sites that cover the most incidents not yet covered.

    Greedy maximal covering: candidate sites are the distinct locations of the
    hotspots' incidents; each new camera sees a full circle of ``range_m``; at
    each step the site covering the most still-uncovered incidents is taken
    (ties: the lower candidate position). The existing cameras stay fixed.

    Returns
    -------
    GeoDataFrame
        ``order`` (1 = first pick), ``gain`` (incidents newly covered),
        ``cumulative_share`` of the period's incidents covered after the pick,
        and the circle of each new camera.
    """
    require_min_int(k, 1, name="k")
    require_positive(range_m, name="range_m", unit=" metres")
    pt, _ = covered_by(incidents, cameras)
    uncovered = np.ones(len(incidents), bool)
    uncovered[pt] = False
    labels = hotspot_labels.to_numpy()
    xs, ys = point_xy(incidents)
    cand = pd.DataFrame({"x": xs[labels > 0], "y": ys[labels > 0]}).drop_duplicates()
    if cand.empty:
        return gpd.GeoDataFrame(
            {"order": [], "gain": [], "cumulative_share": []},
            geometry=gpd.GeoSeries([], crs=incidents.crs),
        )
    sites = shapely.points(cand["x"].to_numpy(), cand["y"].to_numpy())
    tree = shapely.STRtree(sites)
    ip, ic = tree.query(  # a hair further: GEOS may round exactly range_m up
        incidents.geometry.to_numpy(),
        predicate="dwithin",
        distance=range_m * (1 + 1e-9),
    )
    seen = np.hypot(
        xs[ip] - cand["x"].to_numpy()[ic], ys[ip] - cand["y"].to_numpy()[ic]
    )
    ip, ic = ip[seen <= range_m * (1 + 1e-12)], ic[seen <= range_m * (1 + 1e-12)]
    picks, gains = [], []
    total = len(incidents)
    for _ in range(k):
        live = uncovered[ip]
        gain = np.bincount(ic[live], minlength=len(sites))
        best = int(np.argmax(gain))
        if gain[best] == 0:
            break
        picks.append(best)
        gains.append(int(gain[best]))
        uncovered[ip[ic == best]] = False
    covered_start = total - int(uncovered.sum()) - int(np.sum(gains))
    cum = (covered_start + np.cumsum(gains)) / total if total else np.array([])
    return gpd.GeoDataFrame(
        {
            "order": np.arange(1, len(picks) + 1),
            "gain": gains,
            "cumulative_share": np.round(cum, 3),
        },
        geometry=shapely.buffer(sites[picks], range_m, quad_segs=12) if picks else [],
        crs=incidents.crs,
    )
