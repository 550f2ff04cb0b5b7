"""Patrol hotspots for a period: the one answer every front end shows.

The ranked hotspots of a period, the rule that found them, and how well hotspots
predict, in **one framing used everywhere** (the command line, the Patrol
hotspots page, the patrol view, the patrol pack and the committee report):

- **predicted**: how well the previous period's hotspots predicted this one.
  The previous period is the run of months of the same length just before
  (2023/24 for 2024/25; 2024-04:2024-06 for 2024-07:2024-09); its hotspots are
  found by the same rule, on its own incidents, and scored on this period's
  incidents: hit rate and PAI (Chainey et al. 2008), RRI (Levine 2008).
- **next**: this period's hotspots scored on the period after it, when held
  (per hotspot: ``next_incidents``, ``pai_next``, ``rri_next``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import shapely

from geo.errors import GeoInputError
from geo.evaluate import Evaluation, evaluate_hotspots
from geo.hotspots import Hotspots, hdbscan_hotspots, hotspots
from geo.periods import Period, months_held
from geo.words import Note, count_unit

__all__ = [
    "PREDICTED",
    "PatrolHotspots",
    "drawn_study_area",
    "hdbscan_cross_check",
    "patrol_hotspots",
    "patrol_periods",
    "predicted_sentence",
]

PREDICTED = "how well the previous period's hotspots predicted this one"
"""The framing of :attr:`PatrolHotspots.predicted`, in words."""


@dataclass(frozen=True, kw_only=True)
class PatrolHotspots:
    """Hotspots of a period, how well the previous period's predicted it, notes.

    Attributes
    ----------
    hotspots : Hotspots
        This period's hotspots, ranked. ``hotspots.table`` gains
        ``next_incidents``, ``pai_next`` and ``rri_next`` when the following
        period is held.
    incidents : GeoDataFrame
        This period's incidents (the ones clustered).
    period, previous_period, next_period : Period or None
        This period, the run of months of the same length before it and after it.
    predicted : Evaluation or None
        The previous period's hotspots scored on this period's incidents
        (:data:`PREDICTED`); None when the previous period holds no incidents.
    next_evaluation : Evaluation or None
        This period's hotspots scored on the next period, when it is held.
    area_m2 : float or None
        The boundary set's area (``A`` of PAI and of the density rule).
    unit : str
        What is counted: "reports" (ASB only), "offences" or "incidents".
    notes : list of Note
        The rule, the share in hotspots, and each evaluation in a sentence.
    """

    hotspots: Hotspots
    incidents: gpd.GeoDataFrame
    period: Period | None
    previous_period: Period | None = None
    next_period: Period | None = None
    predicted: Evaluation | None = None
    next_evaluation: Evaluation | None = None
    area_m2: float | None = None
    unit: str = "incidents"
    notes: list[Note] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many incidents (of :attr:`unit`) the period holds."""
        return len(self.incidents)


def patrol_periods(period: Period) -> list[Period]:
    """List the periods :func:`patrol_hotspots` reads: before, ``period``, after.

    Examples
    --------
    >>> from geo.periods import parse_period
    >>> [p.label for p in patrol_periods(parse_period("2022-07:2022-09"))]
    ['2022-04:2022-06', '2022-07:2022-09', '2022-10:2022-12']
    """
    return [period.shifted(-1), period, period.shifted(1)]


def patrol_hotspots(
    incidents: gpd.GeoDataFrame,
    *,
    period: Period | None = None,
    wards: gpd.GeoDataFrame | None = None,
    area_m2: float | None = None,
    eps: float | None = None,
    min_samples: int | None = None,
    months_with_data: list[str] | None = None,
    study_area: shapely.Geometry | None = None,
) -> PatrolHotspots:
    """Find ranked hotspots in ``period``, with how well hotspots predict it.

    Parameters
    ----------
    incidents : GeoDataFrame
        Incidents of ``period`` and, when held, of the periods around it
        (:func:`patrol_periods`); other months are ignored.
    period : Period, optional
        The period to find hotspots in; all incidents when omitted (then
        nothing is predicted or scored).
    wards : GeoDataFrame, optional
        Boundaries; their area is the ``A`` of PAI, and hotspots' areas are
        counted only inside them.
    area_m2 : float, optional
        That area directly (when the caller holds it already).
    study_area : shapely geometry, optional
        The union of the boundaries directly (when the caller holds it).
    eps, min_samples : optional
        DBSCAN parameters for every period's hotspots; chosen from each
        period's own data when omitted (the same rule).
    months_with_data : list of str, optional
        Months held in the source (all types). The previous period is scored
        only when the data reaches back to its first month: a period cut by
        the start of the data is not of the same length. Defaults to the
        months of ``incidents``.

    Returns
    -------
    PatrolHotspots

    Raises
    ------
    GeoInputError
        When ``period`` holds no incidents.
    """
    if study_area is None and wards is not None:
        study_area = wards.union_all()
    if area_m2 is None and study_area is not None:
        area_m2 = float(study_area.area)
    main = _within(incidents, period)
    if main.empty:
        label = period.label if period else "the data"
        msg = f"no incidents in {label}; choose another period or crime type."
        raise GeoInputError(msg, argument="period")
    unit = count_unit(main)
    found = hotspots(main, eps=eps, min_samples=min_samples, area_m2=area_m2)
    result = PatrolHotspots(
        hotspots=found, incidents=main, period=period, area_m2=area_m2, unit=unit
    )
    notes = [
        Note(found.parameters.reason),
        Note(
            text=f"{len(found.table)} hotspots hold "
            f"{int(found.table['incidents'].sum()):,} of {len(main):,} {unit}."
        ),
    ]
    if period is None:
        notes.append(Note("No period given: nothing to predict or score."))
        return replace(result, notes=notes)
    before, _, after = patrol_periods(period)
    held = months_held(incidents, months_with_data)
    first = min(held, default=period.start)
    predicted = None
    if before.start >= first:
        predicted = _predicted(
            incidents, before, main, eps, min_samples, area_m2, study_area
        )
    notes.append(Note(predicted_sentence(predicted, before, unit)))
    nxt = _within(incidents, after)
    scored = None
    if not nxt.empty and area_m2 is not None and not found.table.empty:
        scored = evaluate_hotspots(
            found.table,
            nxt,
            area_m2=area_m2,
            before_total=len(main),
            before_incidents=main,
            study_area=study_area,
        )
        found = _with_next(found, scored)
        notes.append(
            Note(
                text=f"On the following period ({after.words}): these hotspots, "
                f"{scored.hotspot_area_m2 / scored.area_m2:.1%} of the area, held "
                f"{scored.hit_rate:.1%} of {scored.next_total:,} {unit}: PAI "
                f"{scored.pai:.1f}, RRI {scored.rri:.2f}."
            )
        )
    return replace(
        result,
        hotspots=found,
        previous_period=before,
        next_period=after,
        predicted=predicted,
        next_evaluation=scored,
        notes=notes,
    )


def drawn_study_area(incidents: gpd.GeoDataFrame) -> shapely.Geometry:
    """Draw the area the incidents span: the convex hull of their map points.

    For a study without boundaries (a force-wide download and no force-wide
    boundary file): PAI's ``A`` and the hotspots' areas are measured in it.

    Examples
    --------
    >>> from geo.settings import WORKING_CRS
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0, 100, 0, 100, 50],
    ...     [0, 0, 100, 100, 50]), crs=WORKING_CRS)
    >>> drawn_study_area(pts).area
    10000.0
    """
    from geo._points import distinct_points

    where = distinct_points(incidents)
    return shapely.convex_hull(shapely.multipoints(shapely.points(where.x, where.y)))


def predicted_sentence(ev: Evaluation | None, previous: Period, unit: str) -> str:
    """Say how well the previous period's hotspots predicted this one."""
    if ev is None:
        return (
            f"The previous period ({previous.words}) is not held in whole: there "
            "are no earlier hotspots to score on this one."
        )
    if not ev.hotspot_area_m2:
        return f"The previous period ({previous.words}) had no hotspots to score."
    return (
        f"The previous period's hotspots ({previous.words}), "
        f"{ev.hotspot_area_m2 / ev.area_m2:.1%} of the area, held "
        f"{ev.hit_rate:.1%} of this period's {ev.next_total:,} {unit}: PAI "
        f"{ev.pai:.1f} (1 is what as much area chosen at random would hold)."
    )


def _within(incidents: gpd.GeoDataFrame, period: Period | None) -> gpd.GeoDataFrame:
    if period is None:
        return incidents
    return incidents.loc[period.contains(incidents["month"])]


def _predicted(incidents, previous, main, eps, min_samples, area_m2, study_area):
    """Score the previous period's hotspots on this one (None: none held)."""
    earlier = _within(incidents, previous)
    if earlier.empty or area_m2 is None:
        return None
    found = hotspots(earlier, eps=eps, min_samples=min_samples, area_m2=area_m2)
    return evaluate_hotspots(
        found.table,
        main,
        area_m2=area_m2,
        before_total=len(earlier),
        before_incidents=earlier,
        study_area=study_area,
    )


def _with_next(found: Hotspots, ev: Evaluation) -> Hotspots:
    table = found.table.copy()
    per = ev.per_hotspot.reindex(table["hotspot_id"])
    table["next_incidents"] = per["next_incidents"].to_numpy()
    table["pai_next"] = per["pai"].round(2).to_numpy()
    table["rri_next"] = per["rri"].round(2).to_numpy()
    return Hotspots(parameters=found.parameters, labels=found.labels, table=table)


def hdbscan_cross_check(result: PatrolHotspots, *, min_cluster_size: int) -> int:
    """Count the clusters HDBSCAN finds in the same period's incidents.

    A self-adjusting cross-check of the DBSCAN hotspots (see
    :func:`geo.hotspots.hdbscan_hotspots`): close counts mean the hotspots do
    not hang on the choice of ``eps``.
    """
    labels = hdbscan_hotspots(result.incidents, min_cluster_size=min_cluster_size)
    return int(labels.max())
