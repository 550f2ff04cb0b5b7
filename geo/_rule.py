"""Private: the default hotspot rule, parameters chosen from the data.

Each place is tested against its own surroundings (a Poisson test of its count
against the local expectation), with a floor; see
:func:`geo.hotspots.suggest_parameters`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._clustering import (
    MAX_JOINED_RADIUS_M,
    _require_incidents,
)
from geo._points import DistinctPoints, distinct_points
from geo._validate import require_positive
from geo.settings import DEFAULT_EPS_M
from geo.words import count_unit

LOCAL_WINDOW_M = 1000.0
"""Default rule: a place is compared with the square reaching at least this far
on each side of its ``eps`` cell (with ``eps`` of 100 m, 21 cells: 2.1 km
across; see :func:`window_km`): its neighbourhood of streets."""


LOCAL_ALPHA = 0.05
"""Default rule: the chance, over all map points together (Bonferroni), of taking
a place for denser than its surroundings when it is not."""


FLOOR_MULTIPLE = 5.0
"""Default rule: a hotspot core holds at least this many times the incidents
expected within ``eps`` where incidents typically are."""


@dataclass(frozen=True, kw_only=True)
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
        Incidents expected within ``eps`` of a place where incidents typically
        are (incident-weighted median over map points of each one's
        expectation: its surroundings' rate times the catchment of the map
        points within ``eps``).
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
    times what is expected within ``eps`` where incidents typically are (the
    incident-weighted median over map points) and (b) more than its own
    surroundings would give by chance: a one-sided Poisson test at 5%,
    Bonferroni-corrected over all map points. The expectation follows
    police.uk's snapping (:func:`_local_expected`): each map point stands for
    its catchment, and a place expects the rate of its 2.1 km square of
    surroundings times the catchment area of the map points within ``eps``.
    So sparse map points, the edge of the data and the sea are not mistaken
    for density, and noise gives no hotspots. The floor is set by where
    incidents are, not by the whole area's average (empty countryside does
    not lower it), and it grows with the period and the volume, so a month or
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
    expected = _local_expected(where, eps)
    typical = _weighted_median(expected, where.counts.astype(float))
    limits = _poisson_thresholds(expected, where.x.size)
    floor = max(2, math.ceil(FLOOR_MULTIPLE * typical))
    n = int(where.counts.sum())
    reason = (
        f"{n:,} {unit}: where {unit} typically are, {typical:.1f} are "
        f"expected within {eps:g} m of a place; a hotspot core needs "
        f"{FLOOR_MULTIPLE:g} times that, {floor} {unit} within {eps:g} m, and "
        f"more than its own {window_km(eps):g} km square of surroundings would "
        "give by chance (Poisson, 5% over all "
        f"{where.x.size:,} map points). Each map point stands for the area "
        "nearer to it than to any other map point (police.uk moves every "
        "incident to a map point), so a place where map points are sparse is "
        f"expected to hold more. Where map points are sparse, clusters of one "
        f"compact place (map points at most {2 * eps:g} m apart, the whole "
        f"within {MAX_JOINED_RADIUS_M:g} m of its centre) are joined."
    )
    return HotspotParameters(
        eps=eps,
        min_samples=floor,
        area_m2=float(area_m2) if area_m2 is not None else float("nan"),
        expected_per_circle=typical,
        reason=reason,
        rule="local",
        unit=unit,
        local_limits=limits,
    )


def window_km(eps: float) -> float:
    """Width of the square of surroundings in km: whole ``eps`` cells, centred."""
    return (2 * math.ceil(LOCAL_WINDOW_M / eps) + 1) * eps / 1000


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    return _weighted_quantile(values, weights, 0.5)


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    if values.size == 0:
        return 0.0
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order], dtype=float)
    return float(values[order][np.searchsorted(cum, q * cum[-1])])


def catchments(x: np.ndarray, y: np.ndarray, eps: float) -> np.ndarray:
    """Measure the area (m²) each map point stands for: its Voronoi cell in the data.

    police.uk moves every incident to a nearby map point, so a map point
    collects the incidents of the area nearer to it than to any other: its
    Voronoi cell (GEOS, through shapely). Cells are cut to the convex hull of
    all the points grown by half the typical spacing (the median distance to
    the nearest other point; mitred corners): the outermost map points stand
    for the ground around them as the others do, and beyond that nothing is
    known. With fewer than three points, or all on one line, each stands for a
    circle of radius ``eps``.

    Examples
    --------
    >>> catchments(np.array([0.0, 100, 0, 100]), np.array([0.0, 0, 100, 100]), 100)
    array([10000., 10000., 10000., 10000.])
    """
    import shapely
    from scipy.spatial import cKDTree

    disc = np.full(x.size, math.pi * eps**2)
    if x.size < 3:
        return disc
    points = shapely.multipoints(shapely.points(x, y))
    hull = shapely.convex_hull(points)
    if hull.area <= 0:
        return disc
    gaps = cKDTree(np.column_stack([x, y])).query(np.column_stack([x, y]), k=2)[0]
    hull = shapely.buffer(hull, float(np.median(gaps[:, 1])) / 2, join_style="mitre")
    cells = shapely.get_parts(
        shapely.voronoi_polygons(points, extend_to=hull, ordered=True)
    )
    shapely.prepare(hull)
    area = shapely.area(cells)
    edge = ~shapely.contains_properly(hull, cells)
    area[edge] = shapely.area(shapely.intersection(cells[edge], hull))
    return area


def _local_expected(where: DistinctPoints, eps: float) -> np.ndarray:
    """Work out the incidents expected within ``eps`` of each location.

    The null: incidents fall evenly over the area around a place (at the rate
    of its square of surroundings, :func:`window_km` across) and police.uk
    moves each to its map point. A location's ``eps`` circle then collects the
    catchments (:func:`catchments`) of the map points within ``eps`` of it, so
    it expects rate x those catchments' area. The rate is the window's
    incidents over the window's catchment area: only the part of the window
    that holds data counts (the edge of the data, the sea), and the location's
    own incidents are included. Window sums come from summed-area tables on a
    grid of ``eps`` cells: exact.
    """
    from geo._grid_dbscan import neighbour_sums  # numba: loaded when first used

    area = catchments(where.x, where.y, eps)
    reach = neighbour_sums(where.x, where.y, area, eps)  # catchment within eps
    half = math.ceil(LOCAL_WINDOW_M / eps)
    ix = ((where.x - where.x.min()) // eps).astype(np.int64)
    iy = ((where.y - where.y.min()) // eps).astype(np.int64)
    shape = (int(ix.max()) + 1, int(iy.max()) + 1)
    x0, x1 = np.maximum(ix - half, 0), np.minimum(ix + half + 1, shape[0])
    y0, y1 = np.maximum(iy - half, 0), np.minimum(iy + half + 1, shape[1])
    flat = ix * shape[1] + iy

    def window(weights: np.ndarray) -> np.ndarray:
        grid = np.bincount(flat, weights=weights, minlength=shape[0] * shape[1])
        table = np.zeros((shape[0] + 1, shape[1] + 1))
        table[1:, 1:] = grid.reshape(shape).cumsum(axis=0).cumsum(axis=1)
        return table[x1, y1] - table[x0, y1] - table[x1, y0] + table[x0, y0]

    rate = window(where.counts.astype(float)) / window(area)
    return rate * reach


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
