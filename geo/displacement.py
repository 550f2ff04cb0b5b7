"""Did crime fall or move? Hotspots matched between periods, and the WDQ.

**Matching.** Each hotspot of either period gets a status: ``persistent`` (it
shares at least a quarter of the smaller one's area with a hotspot of the other
period), ``ceased`` (a before hotspot that
overlaps none), ``emerging`` (an after hotspot that overlaps none) and ``shifted``
(a ceased hotspot paired with an emerging one within ``max_shift_m`` metres,
nearest and most alike in size first; the shift is measured between the mean
positions of each hotspot's incidents).

**Weighted displacement quotient** (Bowers & Johnson 2003), with R the target, B
the buffer ring round it, C the control area, b before and a after::

    WDQ = (Ba/Ca - Bb/Cb) / (Ra/Ca - Rb/Cb)

and the total net effect ``(Rb Ca/Cb - Ra) + (Bb Ca/Cb - Ba)`` (incidents avoided
in target and buffer together, relative to the control's trend).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._points import point_xy
from geo._validate import require_positive, require_projected
from geo.change import Basis, Comparison, on_basis
from geo.errors import GeoInputError
from geo.hotspots import Hotspots, hotspots
from geo.periods import Period, month_words
from geo.words import Note, count_unit

__all__ = [
    "DISPLACEMENT_COLUMNS",
    "MIN_WDQ_COUNT",
    "NEW_LOCATION_WARNING",
    "Displacement",
    "WDQResult",
    "displacement",
    "displacement_analysis",
    "match_hotspots",
    "new_location_share",
    "resnapped_months",
    "wdq",
    "wdq_analysis",
]

DISPLACEMENT_COLUMNS = [
    "period",
    "hotspot_id",
    "status",
    "before_incidents",
    "after_incidents",
    "matched_id",
    "shift_m",
    "shift_bearing",
    "geometry",
]
"""Columns of :func:`match_hotspots`."""

MIN_OVERLAP = 0.25
"""Two hotspots are the same place (persistent) when they share at least this
share of the smaller one's area; touching edges are not enough."""

MIN_WDQ_COUNT = 20
"""Fewest before-period incidents in each of target, buffer and control for the
WDQ to be interpreted (below it, chance swings dominate the quotient)."""


def match_hotspots(
    before: gpd.GeoDataFrame,
    after: gpd.GeoDataFrame,
    *,
    before_incidents: gpd.GeoDataFrame,
    after_incidents: gpd.GeoDataFrame,
    max_shift_m: float = 500.0,
) -> gpd.GeoDataFrame:
    """Give each hotspot of two periods a status: persistent, emerging, ceased, shifted.

    Parameters
    ----------
    before, after : GeoDataFrame
        Hotspot tables (:func:`geo.hotspots.hotspot_table`) of the two periods.
    before_incidents, after_incidents : GeoDataFrame
        The incidents of each period; every hotspot polygon is counted in both.
    max_shift_m : float
        Largest distance in metres (polygon to polygon) at which a ceased and an
        emerging hotspot are taken for one that moved.

    Returns
    -------
    GeoDataFrame
        :data:`DISPLACEMENT_COLUMNS`, before hotspots first. ``matched_id`` is the
        other period's hotspot (largest overlap, or the shifted partner);
        ``shift_m`` and ``shift_bearing`` (degrees clockwise from north) are set for
        shifted hotspots.
    """
    for name, gdf in (("before", before), ("after", after)):
        require_projected(gdf, name=name)
    require_positive(max_shift_m, name="max_shift_m", unit=" metres")
    b = _counted(before, before_incidents, after_incidents, "before")
    a = _counted(after, before_incidents, after_incidents, "after")
    _overlaps(b, a)
    _pair_shifts(b, a, max_shift_m)
    out = pd.concat([b, a], ignore_index=True)
    extra = ["streets"] if "streets" in out.columns else []
    columns = [*DISPLACEMENT_COLUMNS[:-1], *extra, "geometry"]
    return gpd.GeoDataFrame(out[columns], geometry="geometry", crs=before.crs)


def _counted(table, inc_b, inc_a, period: str) -> gpd.GeoDataFrame:
    polys = table.geometry.to_numpy()
    out = gpd.GeoDataFrame(
        {
            "period": period,
            "hotspot_id": table["hotspot_id"].to_numpy(),
            "status": "",
            "before_incidents": _count_in(polys, inc_b),
            "after_incidents": _count_in(polys, inc_a),
            "matched_id": pd.array([pd.NA] * len(table), dtype="Int64"),
            "shift_m": np.nan,
            "shift_bearing": np.nan,
        },
        geometry=polys,
        crs=table.crs,
    )
    own = inc_b if period == "before" else inc_a
    out["cx"], out["cy"] = _centres(polys, own)
    if "streets" in table.columns:
        out["streets"] = table["streets"].to_numpy()
    return out


def _count_in(polys: np.ndarray, incidents: gpd.GeoDataFrame) -> np.ndarray:
    if len(polys) == 0 or incidents.empty:
        return np.zeros(len(polys), np.int64)
    _, hit = shapely.STRtree(polys).query(
        incidents.geometry.to_numpy(), predicate="intersects"
    )
    return np.bincount(hit, minlength=len(polys))


def _centres(polys: np.ndarray, incidents: gpd.GeoDataFrame):
    """Mean position of the incidents inside each polygon (its centroid if none)."""
    cx = shapely.get_x(shapely.centroid(polys))
    cy = shapely.get_y(shapely.centroid(polys))
    if len(polys) == 0 or incidents.empty:
        return cx, cy
    pt, hit = shapely.STRtree(polys).query(
        incidents.geometry.to_numpy(), predicate="intersects"
    )
    n = np.bincount(hit, minlength=len(polys))
    x, y = point_xy(incidents)
    sx = np.bincount(hit, weights=x[pt], minlength=len(polys))
    sy = np.bincount(hit, weights=y[pt], minlength=len(polys))
    has = n > 0
    cx[has], cy[has] = sx[has] / n[has], sy[has] / n[has]
    return cx, cy


def _overlaps(b: gpd.GeoDataFrame, a: gpd.GeoDataFrame) -> None:
    b["status"] = "ceased"
    a["status"] = "emerging"
    if b.empty or a.empty:
        return
    ia, ib = shapely.STRtree(b.geometry.to_numpy()).query(
        a.geometry.to_numpy(), predicate="intersects"
    )
    if ia.size == 0:
        return
    ga, gb = a.geometry.to_numpy()[ia], b.geometry.to_numpy()[ib]
    area = shapely.area(shapely.intersection(ga, gb))
    smaller = np.minimum(shapely.area(ga), shapely.area(gb))
    pairs = pd.DataFrame({"a": ia, "b": ib, "area": area})
    pairs = pairs.loc[area >= MIN_OVERLAP * smaller]
    if pairs.empty:
        return
    for side, other, frame, other_frame in (("a", "b", a, b), ("b", "a", b, a)):
        best = pairs.sort_values(
            ["area", other], ascending=[False, True]
        ).drop_duplicates(side)
        rows = best[side].to_numpy()
        frame.loc[frame.index[rows], "status"] = "persistent"
        frame.loc[frame.index[rows], "matched_id"] = other_frame[
            "hotspot_id"
        ].to_numpy()[best[other].to_numpy()]


def _pair_shifts(b: gpd.GeoDataFrame, a: gpd.GeoDataFrame, max_shift_m: float) -> None:
    """Pair ceased with emerging hotspots: nearest and most alike in size first.

    Candidate pairs come from a spatial index (within ``max_shift_m``), so the
    work grows with the pairs that could match, not with every ceased x
    emerging pair; the greedy choice runs over plain arrays.
    """
    ceased = np.flatnonzero(b["status"].to_numpy() == "ceased")
    emerging = np.flatnonzero(a["status"].to_numpy() == "emerging")
    if ceased.size == 0 or emerging.size == 0:
        return
    gb = b.geometry.to_numpy()[ceased]
    ga = a.geometry.to_numpy()[emerging]
    ib, ia = shapely.STRtree(ga).query(gb, predicate="dwithin", distance=max_shift_m)
    if ib.size == 0:
        return
    dist = shapely.distance(gb[ib], ga[ia])
    nb = b["before_incidents"].to_numpy()[ceased].astype(float)[ib]
    na = a["after_incidents"].to_numpy()[emerging].astype(float)[ia]
    similar = np.minimum(nb, na) / np.maximum(np.maximum(nb, na), 1)
    # near, and of a similar size: where the incidents went; ties by position
    cost = dist / max_shift_m + (1 - similar)
    taken_b = np.zeros(ceased.size, bool)
    taken_a = np.zeros(emerging.size, bool)
    pick = []
    for k in np.lexsort((ia, ib, cost)).tolist():
        i, j = ib[k], ia[k]
        if not (taken_b[i] or taken_a[j]):
            taken_b[i] = taken_a[j] = True
            pick.append(k)
    rb, ra = ceased[ib[pick]], emerging[ia[pick]]
    dx = a["cx"].to_numpy()[ra] - b["cx"].to_numpy()[rb]
    dy = a["cy"].to_numpy()[ra] - b["cy"].to_numpy()[rb]
    shift = np.round(np.hypot(dx, dy), 1)
    bearing = np.round(np.degrees(np.arctan2(dx, dy)) % 360, 1)
    for frame, rows, other in (
        (b, rb, a["hotspot_id"].to_numpy()[ra]),
        (a, ra, b["hotspot_id"].to_numpy()[rb]),
    ):
        idx = frame.index[rows]
        frame.loc[idx, "status"] = "shifted"
        frame.loc[idx, "matched_id"] = other
        frame.loc[idx, "shift_m"] = shift
        frame.loc[idx, "shift_bearing"] = bearing


@dataclass(frozen=True, kw_only=True)
class WDQResult:
    """The weighted displacement quotient and what it means.

    Counts are incidents in the target (R), buffer (B) and control (C), before
    (b) and after (a). ``wdq`` is NaN where the target's success measure is zero.
    ``interpretable`` is False, with the reason in ``interpretation``, when the
    target did not fall relative to the control or the counts are too small.
    """

    target_before: int
    target_after: int
    buffer_before: int
    buffer_after: int
    control_before: int
    control_after: int
    wdq: float
    total_net_effect: float
    interpretation: str
    interpretable: bool
    buffer_m: float
    notes: list[str] = field(default_factory=list)
    basis: str = ""
    """The months counted, in words (as the ward table's basis says them)."""
    before_months: tuple[str, ...] = ()
    after_months: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Return the contract's JSON fields, then the rest.

        After the contract's: ``interpretable``, ``buffer_m``, ``notes`` and the
        months counted (``basis``, ``before_months``, ``after_months``).
        """
        out = {k: getattr(self, k) for k in (
            "target_before", "target_after", "buffer_before", "buffer_after",
            "control_before", "control_after", "wdq", "total_net_effect",
            "interpretation", "interpretable", "buffer_m", "notes", "basis",
        )}  # fmt: skip
        out["before_months"] = list(self.before_months)
        out["after_months"] = list(self.after_months)
        if isinstance(out["wdq"], float) and math.isnan(out["wdq"]):
            out["wdq"] = None
        return out


def wdq(
    before: gpd.GeoDataFrame,
    after: gpd.GeoDataFrame,
    target: shapely.Geometry,
    *,
    area: shapely.Geometry | None = None,
    control: shapely.Geometry | None = None,
    buffer_m: float = 250.0,
    min_count: int = MIN_WDQ_COUNT,
) -> WDQResult:
    """Weighted displacement quotient of a target area between two periods.

    Parameters
    ----------
    before, after : GeoDataFrame
        Incidents of the two periods (working CRS).
    target : shapely geometry
        The area worked (a hotspot, a ward, a drawn polygon), metres.
    area : shapely geometry, optional
        The whole study area (the boundaries); the default control is this area
        less the target and buffer. Needed when ``control`` is not given.
    control : shapely geometry, optional
        A chosen control area (e.g. comparable wards); the target and buffer are
        cut out of it.
    buffer_m : float
        Width in metres of the ring round the target where displacement (or a
        diffusion of benefit) would show. 250 m by default: a few streets.
    min_count : int
        Fewest before-period incidents in each area for an interpretation.

    Returns
    -------
    WDQResult

    Raises
    ------
    GeoInputError
        For an empty target, a target outside the study area, a buffer that
        leaves no control area, or neither ``area`` nor ``control``.

    Examples
    --------
    Target 100 -> 50, buffer 100 -> 150, control flat: WDQ = -1.

    >>> from shapely.geometry import box
    >>> from geo.settings import WORKING_CRS
    >>> def pts(n_t, n_b, n_c):
    ...     xs = [5.0] * n_t + [15.0] * n_b + [100.0] * n_c
    ...     return gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs, [5.0] * len(xs)),
    ...                             crs=WORKING_CRS)
    >>> r = wdq(pts(100, 100, 1000), pts(50, 150, 1000), box(0, 0, 10, 10),
    ...         area=box(-50, -50, 200, 60), buffer_m=10)
    >>> r.wdq, r.total_net_effect
    (-1.0, 0.0)
    """
    require_positive(buffer_m, name="buffer_m", unit=" metres")
    zones = _zones(target, area=area, control=control, buffer_m=buffer_m)
    counts = {
        f"{zone}_{label}": n
        for label, inc in (("before", before), ("after", after))
        for zone, n in _zone_counts(zones, inc).items()
    }
    rb, ra = counts["target_before"], counts["target_after"]
    bb, ba = counts["buffer_before"], counts["buffer_after"]
    cb, ca = counts["control_before"], counts["control_after"]
    if cb == 0 or ca == 0:
        msg = (
            f"the control area has no incidents in one period (before {cb}, after "
            f"{ca}); choose a larger control area."
        )
        raise GeoInputError(msg)
    success = ra / ca - rb / cb
    value = (ba / ca - bb / cb) / success if success != 0 else float("nan")
    tne = (rb * ca / cb - ra) + (bb * ca / cb - ba)
    ok, text = _interpret(value, success, (rb, bb, cb), min_count)
    return WDQResult(
        **counts,
        wdq=round(value, 4) if not math.isnan(value) else value,
        total_net_effect=round(tne, 2),
        interpretation=text,
        interpretable=ok,
        buffer_m=float(buffer_m),
    )


def _zone_counts(zones: dict[str, shapely.Geometry], incidents) -> dict[str, int]:
    """Count incidents per zone, each in one zone only.

    A point on an edge counts in the first of target, buffer, control that
    holds it.
    """
    polys = np.array(list(zones.values()))
    first = np.full(len(incidents), len(polys))
    if len(incidents):
        pt, zone = shapely.STRtree(polys).query(
            incidents.geometry.to_numpy(), predicate="intersects"
        )
        np.minimum.at(first, pt, zone)
    n = np.bincount(first, minlength=len(polys) + 1)
    return {name: int(n[k]) for k, name in enumerate(zones)}


def _zones(target, *, area, control, buffer_m) -> dict[str, shapely.Geometry]:
    if target is None or shapely.is_empty(target) or shapely.area(target) == 0:
        msg = (
            "the target area is empty; give a polygon (a hotspot, ward or drawn area)."
        )
        raise GeoInputError(msg)
    if area is None and control is None:
        msg = "give the study area (boundaries) or a control area for the WDQ."
        raise GeoInputError(msg)
    if area is not None and not shapely.intersects(target, area):
        msg = (
            "the target lies outside the boundaries; check it is in the same place "
            "and CRS."
        )
        raise GeoInputError(msg)
    ring = shapely.difference(shapely.buffer(target, buffer_m), target)
    if area is not None:
        ring = shapely.intersection(ring, area)
    base = control if control is not None else area
    rest = shapely.difference(
        base, shapely.union(target, shapely.buffer(target, buffer_m))
    )
    if shapely.is_empty(rest) or shapely.area(rest) < 1.0:
        msg = (
            f"a {buffer_m:g} m buffer leaves no control area; use a narrower buffer "
            "or name a control area."
        )
        raise GeoInputError(msg)
    return {"target": target, "buffer": ring, "control": rest}


def _interpret(
    value: float, success: float, before: tuple[int, int, int], min_count: int
) -> tuple[bool, str]:
    rb, bb, cb = before
    small = [
        name
        for name, n in zip(("target", "buffer", "control"), before, strict=True)
        if n < min_count
    ]
    if small:
        return False, (
            f"Not interpreted: too few incidents before in the {', '.join(small)} "
            f"(target {rb}, buffer {bb}, control {cb}; at least {min_count} each are "
            "needed for the quotient to mean more than chance)."
        )
    if success >= 0:
        return False, (
            "Not interpreted: the target did not fall relative to the control area, "
            "so there is no gain whose displacement could be measured."
        )
    if value > 0:
        return True, (
            f"WDQ {value:.2f} (above 0): diffusion of benefit: the buffer improved too."
        )
    if value == 0:
        return True, "WDQ 0: no sign of displacement or diffusion of benefit."
    if math.isclose(value, -1.0, abs_tol=1e-9):
        return True, (
            "WDQ -1.00: the displacement into the buffer cancels the gain in the "
            "target: no net gain (total net effect 0)."
        )
    if value > -1:
        return True, (
            f"WDQ {value:.2f} (0 to -1): some displacement into the buffer, but the "
            "gain in the target outweighs it: a net gain."
        )
    return True, (
        f"WDQ {value:.2f} (below -1): displacement into the buffer outweighs the gain "
        "in the target."
    )


NEW_LOCATION_WARNING = 0.2
"""Share of after-period incidents at never-before-used map points above which
apparent movement may be police.uk re-snapping its map points."""


def new_location_share(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> float:
    """Share of the after period's incidents at map points never used before.

    police.uk has re-snapped its anonymised map points before, which looks like
    movement. Weighted by incidents, so rarely used points do not dominate; a
    share above :data:`NEW_LOCATION_WARNING` deserves a warning.

    Examples
    --------
    >>> from geo.settings import WORKING_CRS
    >>> def pts(xs):
    ...     return gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs, [0] * len(xs)),
    ...                             crs=WORKING_CRS)
    >>> new_location_share(pts([1, 2]), pts([1, 1, 1, 9]))
    0.25
    """
    if after.empty:
        return float("nan")
    bx, by = (np.round(v, 1) for v in point_xy(before))
    ax, ay = (np.round(v, 1) for v in point_xy(after))
    seen = pd.Index(bx + 1j * by)
    now = pd.Index(ax + 1j * ay)
    return float((~now.isin(seen)).mean())


def resnapped_months(incidents: gpd.GeoDataFrame, *, share: float = 0.5) -> list[str]:
    """Months in which most incidents sit on map points never used before.

    Flagged when over ``share`` of a month's incidents are at new points and that
    share is more than three times the month before's.

    Such a month (after the first) is police.uk re-snapping its anonymised map
    points: on real Blackpool data, 97% of July 2022's incidents.

    Examples
    --------
    >>> from geo.settings import WORKING_CRS
    >>> pts = gpd.GeoDataFrame({"month": ["2022-01", "2022-02", "2022-03"]},
    ...     geometry=gpd.points_from_xy([1, 1, 5], [0, 0, 0]), crs=WORKING_CRS)
    >>> resnapped_months(pts)
    ['2022-03']
    """
    x, y = point_xy(incidents)
    keys = np.round(x, 1) + 1j * np.round(y, 1)
    frame = pd.DataFrame({"month": incidents["month"].to_numpy(), "k": keys})
    first = frame.groupby("k")["month"].transform("min")
    new = (frame["month"] == first).groupby(frame["month"]).mean().sort_index()
    prev = new.shift(1)
    jump = (new > share) & (new > 3 * prev)  # not a slow build-up of new points
    return [m for m in new.index[1:] if jump[m]]


@dataclass(frozen=True, kw_only=True)
class Displacement:
    """Hotspots of two periods matched, with the checks that qualify them."""

    matched: gpd.GeoDataFrame
    before_hotspots: gpd.GeoDataFrame
    after_hotspots: gpd.GeoDataFrame
    eps: float
    min_samples: int
    new_location_share: float
    resnapped: list[str]
    notes: list[str]
    basis: Comparison | None = None
    """The months each period counts (:func:`displacement_analysis`)."""
    after_found: Hotspots | None = None
    """The after period's hotspots with each incident's label, for assessing
    these very hotspots (camera coverage)."""


def _local_note(p) -> str:
    if p.rule == "local":
        return ", each place tested against its own surroundings."
    return "."


def displacement(
    before: gpd.GeoDataFrame,
    after: gpd.GeoDataFrame,
    *,
    area_m2: float | None = None,
    eps: float | None = None,
    min_samples: int | None = None,
    max_shift_m: float = 500.0,
    history: gpd.GeoDataFrame | None = None,
    months: tuple[int, int] | None = None,
) -> Displacement:
    """Find hotspots in both periods with the same parameters, and match them.

    The parameters are chosen from the before period (the baseline) unless
    given, so that a hotspot is held to one standard in both periods; its
    floor (the fewest incidents of a core) is scaled to the after period's
    length, so equal rates give equal hotspots over periods of different length.

    Parameters
    ----------
    before, after : GeoDataFrame
        Incidents of the two periods (same crime types), metres.
    area_m2 : float, optional
        Area of the boundaries (for the density rule).
    eps, min_samples : optional
        DBSCAN parameters; chosen from the before period when omitted.
    max_shift_m : float
        Largest distance for a ceased and an emerging hotspot to count as shifted.
    history : GeoDataFrame, optional
        All incidents loaded (any type, any month), to date any re-snapping of
        police.uk's map points; defaults to both periods together.
    months : (int, int), optional
        Months counted in each period; defaults to the months with incidents.

    Returns
    -------
    Displacement
    """
    if before.empty or after.empty:
        msg = "one of the periods has no incidents; choose periods with data."
        raise GeoInputError(msg)
    found_b = hotspots(before, eps=eps, min_samples=min_samples, area_m2=area_m2)
    p = found_b.parameters
    n_b, n_a = months or (before["month"].nunique(), after["month"].nunique())
    standard = p
    if n_a != n_b:  # the same rate over a shorter or longer period
        floor = max(2, round(p.min_samples * n_a / n_b))
        standard = replace(p, min_samples=floor)
    found_a = hotspots(after, like=standard, area_m2=area_m2)
    matched = match_hotspots(
        found_b.table,
        found_a.table,
        before_incidents=before,
        after_incidents=after,
        max_shift_m=max_shift_m,
    )
    share = new_location_share(before, after)
    resnapped = resnapped_months(
        history if history is not None else pd.concat([before, after])
    )
    counts = matched.groupby(["period", "status"]).size()
    notes = [
        "Both periods' hotspots found to the before period's standard: a hotspot's "
        f"core has at least {p.min_samples} {p.unit} within {p.eps:g} m"
        + _local_note(p)
        + (
            f" The after period's {n_a} months against the before period's "
            f"{n_b}: its floor scaled to {standard.min_samples}."
            if standard is not p
            else ""
        ),
        "Before: "
        + ", ".join(f"{n} {s}" for (per, s), n in counts.items() if per == "before")
        + "; after: "
        + ", ".join(f"{n} {s}" for (per, s), n in counts.items() if per == "after")
        + ".",
    ]
    if share > NEW_LOCATION_WARNING:
        when = (
            f" (police.uk re-snapped its map points in {', '.join(resnapped)})"
            if resnapped
            else ""
        )
        notes.append(
            Note(
                f"{share:.0%} of the after period's incidents sit on map points "
                f"never used before{when}; apparent movement at street scale may "
                "be an artefact of the map points changing, not of crime moving.",
                "warning",
            )
        )
    return Displacement(
        matched=matched,
        before_hotspots=found_b.table,
        after_hotspots=found_a.table,
        eps=p.eps,
        min_samples=p.min_samples,
        new_location_share=share,
        resnapped=resnapped,
        notes=notes,
        after_found=found_a,
    )


def displacement_analysis(
    incidents: gpd.GeoDataFrame,
    *,
    before: Period,
    after: Period,
    area_m2: float | None = None,
    months_with_data: list[str] | None = None,
    basis: Basis = "like-for-like",
    eps: float | None = None,
    min_samples: int | None = None,
    max_shift_m: float = 500.0,
    history: gpd.GeoDataFrame | None = None,
) -> Displacement:
    """Did it move? Hotspots of two periods matched, on the ward table's months.

    The one entry point for displacement: the periods are counted on the same
    comparison basis and months as :func:`geo.change.ward_change`
    (like-for-like by default), so a hotspot's counts and the ward table's
    agree. See :func:`displacement` for the matching.

    Parameters
    ----------
    incidents : GeoDataFrame
        Incidents of both periods (one set of crime types), metres.
    before, after : Period
        Separate periods, the before one first.
    months_with_data : list of str, optional
        Months held in the source (all types); defaults to those of
        ``incidents``.
    basis : {"like-for-like", "per-month"}
        See :class:`geo.change.Comparison`.
    area_m2, eps, min_samples, max_shift_m, history
        As :func:`displacement`.

    Returns
    -------
    Displacement
        With :attr:`Displacement.basis` naming the months counted.
    """
    comp, b, a = on_basis(
        incidents,
        before=before,
        after=after,
        months_with_data=months_with_data,
        basis=basis,
    )
    result = displacement(
        b,
        a,
        area_m2=area_m2,
        eps=eps,
        min_samples=min_samples,
        max_shift_m=max_shift_m,
        history=history if history is not None else incidents,
        months=(len(comp.before_months), len(comp.after_months)),
    )
    unit = count_unit(incidents)
    said = Note(
        f"Months counted: {comp.label} ({_months_said(comp)}): {len(b):,} {unit} "
        f"before, {len(a):,} after."
    )
    return replace(result, basis=comp, notes=[said, *result.notes])


def wdq_analysis(
    incidents: gpd.GeoDataFrame,
    target: shapely.Geometry,
    *,
    before: Period,
    after: Period,
    area: shapely.Geometry | None = None,
    control: shapely.Geometry | None = None,
    buffer_m: float = 250.0,
    months_with_data: list[str] | None = None,
    basis: Basis = "like-for-like",
) -> WDQResult:
    """Weigh displacement round ``target`` on the ward table's months.

    The one entry point for the WDQ: both periods count the months
    :func:`geo.change.on_basis` gives (like-for-like by default), named in
    the result. See :func:`wdq` for the quotient and its arguments.

    Examples
    --------
    police.uk has no August or September 2020: like for like, the months in
    the same places of the before period are left out too (4 months each).

    >>> from shapely.geometry import box
    >>> from geo.periods import parse_period
    >>> from geo.settings import WORKING_CRS
    >>> held = ["2019-12", "2020-01", "2020-02", "2020-03", "2020-04",
    ...         "2020-05", "2020-07", "2020-10", "2020-11", "2020-12"]
    >>> inc = gpd.GeoDataFrame({"month": held * 2},
    ...     geometry=gpd.points_from_xy([5.0] * 10 + [150.0] * 10, [5.0] * 20),
    ...     crs=WORKING_CRS)
    >>> r = wdq_analysis(inc, box(0, 0, 10, 10),
    ...     before=parse_period("2019-12:2020-05"),
    ...     after=parse_period("2020-07:2020-12"),
    ...     control=box(100, 0, 200, 10), buffer_m=10)
    >>> r.target_before, r.target_after, r.control_before, r.control_after
    (4, 4, 4, 4)
    >>> r.before_months
    ('2019-12', '2020-03', '2020-04', '2020-05')
    """
    comp, b, a = on_basis(
        incidents,
        before=before,
        after=after,
        months_with_data=months_with_data,
        basis=basis,
    )
    result = wdq(b, a, target, area=area, control=control, buffer_m=buffer_m)
    return replace(
        result,
        basis=comp.label,
        before_months=comp.before_months,
        after_months=comp.after_months,
        notes=[f"Months counted: {comp.label} ({_months_said(comp)}).", *result.notes],
    )


def _months_said(comp: Comparison) -> str:
    """Say each side's months in short: first to last, and how many."""
    return f"before {_run(comp.before_months)}; after {_run(comp.after_months)}"


def _run(months: tuple[str, ...]) -> str:
    if not months:
        return "none"
    first, last = month_words(months[0]), month_words(months[-1])
    return first if len(months) == 1 else f"{first} to {last}, {len(months)} months"
