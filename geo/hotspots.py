"""Hotspots police can patrol: DBSCAN in metres, ranked and described.

police.uk locations are snapped to a fixed set of map points, so clustering the
distinct locations weighted by their incident counts gives exactly the result of
clustering every row, much faster. Small inputs use scikit-learn's DBSCAN; large
ones an exact grid-based DBSCAN (:mod:`geo._grid_dbscan`) that gives the same core
points and clusters in linear memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sklearn.cluster import DBSCAN

from geo._points import DistinctPoints, distinct_points
from geo._validate import require_min_int, require_positive, require_projected
from geo.errors import GeoInputError
from geo.settings import DEFAULT_EPS_M, NOISE

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

_GRID_ABOVE = 20_000
"""``algorithm="auto"`` uses the grid method above this many distinct locations."""

DENSITY_MULTIPLE = 10.0
"""Default rule: a hotspot core holds at least this many times the area's average
number of incidents within ``eps``."""


def dbscan_labels(
    x: np.ndarray,
    y: np.ndarray,
    *,
    eps: float,
    min_samples: float,
    weight: np.ndarray | None = None,
    algorithm: Algorithm = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """DBSCAN of points in metres: labels (-1 noise) and a core mask.

    A point is core when the total weight within ``eps`` (itself included, a
    neighbour at exactly ``eps`` counted) is at least ``min_samples``.

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
    use_grid = algorithm == "grid" or (algorithm == "auto" and x.size > _GRID_ABOVE)
    if use_grid:
        from geo._grid_dbscan import grid_dbscan  # numba: only for large inputs

        return grid_dbscan(x, y, weight, float(eps), float(min_samples))
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
        memory); ``"auto"`` picks the grid above 20,000 distinct locations.

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
    where: DistinctPoints, index: pd.Index, eps: float, min_samples: int, algorithm
) -> pd.Series:
    """Rank-numbered hotspot of each row, clustering its distinct locations."""
    labels, _ = dbscan_labels(
        where.x,
        where.y,
        eps=eps,
        min_samples=min_samples,
        weight=where.counts,
        algorithm=algorithm,
    )
    ranked = _rank_labels(labels, where.counts, where.x, where.y)
    return pd.Series(ranked[where.codes], index=index, name="hotspot")


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
        Incidents within ``eps`` that make a hotspot core.
    area_m2 : float
        Area the average density is taken over (m²).
    expected_per_circle : float
        Average incidents within ``eps`` of a point, were they spread evenly.
    spacing_m : float
        Median distance from a location to the nearest other location.
    reason : str
        The rule in a sentence, with the figures.
    """

    eps: float
    min_samples: int
    area_m2: float
    expected_per_circle: float
    spacing_m: float
    reason: str


def suggest_parameters(
    incidents: gpd.GeoDataFrame,
    *,
    area_m2: float | None = None,
    eps: float | None = None,
    density_multiple: float = DENSITY_MULTIPLE,
) -> HotspotParameters:
    """Choose ``eps`` and ``min_samples`` from the data and the period's volume.

    ``eps`` defaults to 100 m (a street block either way: what an officer on
    foot covers), raised to the median spacing of distinct locations where they
    are sparser than that (rural areas), so that a core can reach its
    neighbours. ``min_samples`` makes a hotspot core hold at least
    ``density_multiple`` times the area's average number of incidents within
    ``eps``: it grows with the period length and the volume of incidents, so a
    month and three years both give a ranked handful rather than hundreds of
    tiny clusters (three years of Blackpool ASB with a fixed min_samples of 15
    gives 209).

    Parameters
    ----------
    incidents : GeoDataFrame
        The incidents to cluster (one period, chosen types), metres.
    area_m2 : float, optional
        Area of the boundaries in m²; the convex hull of the incidents if omitted.
    eps : float, optional
        Use this radius in metres instead of choosing one.
    density_multiple : float
        How many times the average density a hotspot core must reach.

    Returns
    -------
    HotspotParameters
    """
    _require_incidents(incidents)
    require_positive(density_multiple, name="density_multiple")
    return _suggest(
        distinct_points(incidents),
        len(incidents),
        area_m2=area_m2,
        eps=eps,
        density_multiple=density_multiple,
    )


def _suggest(
    where: DistinctPoints,
    n: int,
    *,
    area_m2: float | None,
    eps: float | None,
    density_multiple: float,
) -> HotspotParameters:
    """Apply the density rule to distinct locations (``n`` incidents in all)."""
    spacing = _median_spacing(where.x, where.y)
    if eps is None:
        eps = float(max(DEFAULT_EPS_M, round(spacing / 10) * 10))
    require_positive(eps, name="eps", unit=" metres")
    if area_m2 is None:
        area_m2 = float(
            shapely.multipoints(np.column_stack([where.x, where.y])).convex_hull.area
        )
    area_m2 = max(float(area_m2), math.pi * eps**2)
    expected = n * math.pi * eps**2 / area_m2
    min_samples = max(2, math.ceil(density_multiple * expected))
    reason = (
        f"{n:,} incidents over {area_m2 / 1e6:.1f} km² average "
        f"{expected:.1f} within {eps:g} m of a point; a hotspot core needs "
        f"{density_multiple:g} times that: {min_samples} incidents within {eps:g} m. "
        f"eps = {eps:g} m (locations are a median {spacing:.0f} m apart)."
    )
    return HotspotParameters(
        eps=eps,
        min_samples=min_samples,
        area_m2=area_m2,
        expected_per_circle=expected,
        spacing_m=spacing,
        reason=reason,
    )


def _median_spacing(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < 2:
        return 0.0
    from scipy.spatial import cKDTree

    dist, _ = cKDTree(np.column_stack([x, y])).query(np.column_stack([x, y]), k=2)
    return float(np.median(dist[:, 1]))


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
    inside = labels.to_numpy() != NOISE
    frame = incidents.loc[inside]
    lab = labels.to_numpy()[inside]
    if frame.empty:
        return gpd.GeoDataFrame(
            {c: [] for c in HOTSPOT_COLUMNS[:-1]},
            geometry=gpd.GeoSeries([], crs=incidents.crs),
        )
    ids = np.unique(lab)
    xy = pd.DataFrame(
        {"x": frame.geometry.x.to_numpy(), "y": frame.geometry.y.to_numpy(), "h": lab}
    ).drop_duplicates()  # the hull of the distinct locations is the hull of all
    polygons = _hotspot_polygons(xy, ids, buffer_m)
    counts = pd.Series(lab).value_counts().reindex(ids)
    locations = xy.groupby("h").size().reindex(ids)
    area = shapely.area(polygons)
    table = gpd.GeoDataFrame(
        {
            "hotspot_id": ids,
            "rank": ids,
            "incidents": counts.to_numpy(),
            "locations": locations.to_numpy(),
            "area_m2": np.round(area, 1),
            "density_per_ha": np.round(counts.to_numpy() / (area / 10_000), 2),
            "wards": _top_values(frame, "ward_name", lab, ids, k=5, share=False),
            "top_type": _top_values(frame, "crime_type", lab, ids, k=1, share=False),
            "top_types": _top_values(frame, "crime_type", lab, ids, k=3, share=True),
            "streets": _top_values(frame, "location", lab, ids, k=3, share=False),
        },
        geometry=polygons,
        crs=incidents.crs,
    )
    return table.reset_index(drop=True)


def _hotspot_polygons(xy: pd.DataFrame, ids: np.ndarray, buffer_m: float) -> np.ndarray:
    xy = xy.sort_values("h", kind="stable")
    pos = np.searchsorted(ids, xy["h"].to_numpy())
    points = shapely.multipoints(xy[["x", "y"]].to_numpy(), indices=pos)
    return shapely.buffer(shapely.convex_hull(points), buffer_m, quad_segs=8)


def _top_values(
    frame: pd.DataFrame,
    column: str,
    lab: np.ndarray,
    ids: np.ndarray,
    *,
    k: int,
    share: bool,
) -> list[str]:
    """List the k commonest values of ``column`` per hotspot: "a (n); b (n)"."""
    if column not in frame.columns:
        return [""] * len(ids)
    codes, values = pd.factorize(frame[column].astype(str), sort=True)
    values = pd.Series(values)
    if column == "location":  # strip police.uk's prefix once per distinct value
        values = values.str.replace(r"^On or near\s*", "", regex=True).str.strip()
    pairs = pd.DataFrame({"h": lab, "v": values.to_numpy()[codes]})
    counts = (
        pairs.loc[pairs["v"] != ""]
        .value_counts()
        .rename("n")
        .reset_index()
        .sort_values(["h", "n", "v"], ascending=[True, False, True], kind="stable")
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
) -> Hotspots:
    """Find, rank and describe hotspots; parameters not given are chosen from data.

    See :func:`suggest_parameters`, :func:`find_hotspots` and
    :func:`hotspot_table` for the parameters. ``buffer_m`` defaults to half of
    ``eps``: the hotspot's shape reaches that far beyond its outermost locations.
    """
    _require_incidents(incidents)
    where = distinct_points(incidents)  # once, for the rule and the clustering
    params = _suggest(
        where,
        len(incidents),
        area_m2=area_m2,
        eps=eps,
        density_multiple=DENSITY_MULTIPLE,
    )
    if min_samples is not None:
        require_min_int(min_samples, 1, name="min_samples")
        params = HotspotParameters(
            eps=params.eps,
            min_samples=min_samples,
            area_m2=params.area_m2,
            expected_per_circle=params.expected_per_circle,
            spacing_m=params.spacing_m,
            reason=f"min_samples = {min_samples} as given; {params.reason}",
        )
    labels = _labels(where, incidents.index, params.eps, params.min_samples, algorithm)
    margin = params.eps / 2 if buffer_m is None else buffer_m
    table = hotspot_table(incidents, labels, buffer_m=margin)
    return Hotspots(parameters=params, labels=labels, table=table)


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
    xy = np.column_stack([incidents.geometry.x, incidents.geometry.y])
    model = HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        allow_single_cluster=False,
        copy=True,
    ).fit(xy)
    labels = model.labels_.astype(np.int64)
    ranked = _rank_labels(labels, np.ones(labels.size), xy[:, 0], xy[:, 1])
    return pd.Series(ranked, index=incidents.index, name="hotspot")
