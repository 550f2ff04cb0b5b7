"""Patrol hotspots for a period, scored on the period that follows it."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from geo.change import count_unit
from geo.errors import GeoInputError
from geo.evaluate import Evaluation, evaluate_hotspots
from geo.hotspots import Hotspots, hotspots
from geo.periods import Period

__all__ = ["PatrolHotspots", "patrol_hotspots"]


@dataclass(frozen=True)
class PatrolHotspots:
    """Hotspots of a period, their evaluation on the next period, and notes.

    ``hotspots.table`` gains ``next_incidents``, ``pai_next`` and ``rri_next``
    when the following period has data.
    """

    hotspots: Hotspots
    period: Period | None
    next_period: Period | None
    evaluation: Evaluation | None
    incidents: int
    notes: list[str] = field(default_factory=list)
    unit: str = "incidents"
    """What is counted: "reports" (ASB only), "offences" or "incidents"."""


def patrol_hotspots(
    incidents: gpd.GeoDataFrame,
    *,
    wards: gpd.GeoDataFrame | None = None,
    period: Period | None = None,
    eps: float | None = None,
    min_samples: int | None = None,
) -> PatrolHotspots:
    """Find ranked hotspots in ``period`` and score them on the period after it.

    Parameters
    ----------
    incidents : GeoDataFrame
        Incidents of ``period`` and, when available, of the period after it.
    wards : GeoDataFrame, optional
        Boundaries; their area is the ``A`` of the density rule and of PAI.
    period : Period, optional
        The period to find hotspots in; all incidents when omitted.
    eps, min_samples : optional
        DBSCAN parameters; chosen from the data when omitted.

    Returns
    -------
    PatrolHotspots
    """
    main = (
        incidents
        if period is None
        else incidents.loc[period.contains(incidents["month"])]
    )
    if main.empty:
        label = period.label if period else "the data"
        msg = f"no incidents in {label}; choose another period or crime type."
        raise GeoInputError(msg)
    unit = count_unit(main)
    area = float(wards.union_all().area) if wards is not None else None
    found = hotspots(main, eps=eps, min_samples=min_samples, area_m2=area)
    p = found.parameters
    notes = [
        f"DBSCAN with eps {p.eps:g} m and min_samples {p.min_samples}: {p.reason}",
        f"{len(found.table)} hotspots hold {int(found.table['incidents'].sum()):,} of "
        f"{len(main):,} {unit}.",
    ]
    if period is None:
        notes.append("No period given: PAI on a following period is not available.")
        return PatrolHotspots(found, None, None, None, len(main), notes, unit)
    following = period.shifted(1)
    nxt = incidents.loc[following.contains(incidents["month"])]
    if nxt.empty or area is None or found.table.empty:
        notes.append(
            f"No data for the following period ({following.label}): PAI not available."
        )
        return PatrolHotspots(found, period, following, None, len(main), notes, unit)
    ev = evaluate_hotspots(found.table, nxt, area_m2=area, before_total=len(main))
    table = found.table.copy()
    per = ev.per_hotspot.reindex(table["hotspot_id"])
    table["next_incidents"] = per["next_incidents"].to_numpy()
    table["pai_next"] = per["pai"].round(2).to_numpy()
    table["rri_next"] = per["rri"].round(2).to_numpy()
    found = Hotspots(parameters=found.parameters, labels=found.labels, table=table)
    notes.append(
        f"On the following period ({following.label}): the hotspots, "
        f"{ev.hotspot_area_m2 / ev.area_m2:.1%} of the area, held "
        f"{ev.hit_rate:.1%} of {ev.next_total:,} {unit}: PAI {ev.pai:.1f}, "
        f"RRI {ev.rri:.2f}."
    )
    return PatrolHotspots(found, period, following, ev, len(main), notes, unit)
