"""One call from files to clean, filtered, ward-tagged incidents, every row counted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import GeoInputError
from geo.incidents import Columns, LoadedIncidents, Progress, read_incidents
from geo.periods import Period, missing_months
from geo.settings import ASB, WARD_TOLERANCE_M
from geo.wards import assign_wards

__all__ = ["filter_incidents", "load_incidents", "resolve_types"]

_TYPE_ALIASES = {"asb": ASB, "anti social behaviour": ASB, "antisocial behaviour": ASB}


def load_incidents(
    inputs: str | Path | Iterable[str | Path],
    *,
    wards: gpd.GeoDataFrame | None = None,
    periods: Sequence[Period] = (),
    types: Sequence[str] = (),
    columns: Columns | None = None,
    tolerance_m: float = WARD_TOLERANCE_M,
    progress: Progress | None = None,
    allow_empty: Sequence[Period] = (),
) -> LoadedIncidents:
    """Read incidents, keep the chosen types and periods, and tag each with a ward.

    Parameters
    ----------
    inputs : path or list of paths
        As for :func:`geo.incidents.read_incidents`.
    wards : GeoDataFrame, optional
        Boundaries from :func:`geo.wards.read_wards`; incidents more than
        ``tolerance_m`` metres outside every ward are dropped (counted).
    periods : sequence of Period
        Keep incidents in any of these periods (all when empty).
    types : sequence of str
        police.uk crime types to keep (all when empty); case is ignored and
        ``ASB`` means ``Anti-social behaviour``.
    columns : Columns, optional
        Column names for tables whose columns are not detected.
    tolerance_m : float
        Metres outside every ward within which the nearest ward is given.
    progress : callable, optional
        ``progress(done, total, name)`` after each file read.
    allow_empty : sequence of Period
        Periods of ``periods`` that may hold no incident (e.g. the period after
        the one analysed, used only when there is data for it).

    Returns
    -------
    LoadedIncidents
        Incidents with ``ward_code``, ``ward_name`` and ``ward_match`` added when
        ``wards`` is given; the quality report counts every row read.

    Raises
    ------
    GeoInputError
        As :func:`read_incidents`, plus: an unknown crime type (the message lists
        those present), a period with no incidents, or no incident inside the
        boundaries.
    """
    loaded = read_incidents(inputs, columns=columns, progress=progress)
    incidents, quality = loaded.incidents, loaded.quality
    if incidents.empty:
        msg = (
            f"no usable incidents in the input ({quality.read:,} rows read; "
            f"{_reasons(quality.dropped)}). Check the files hold incident rows."
        )
        raise GeoInputError(msg)
    quality.months_in_data = list(quality.months)
    chosen = resolve_types(incidents, types)
    incidents, dropped = filter_incidents(
        incidents, types=chosen, periods=periods, allow_empty=allow_empty
    )
    for reason, n in dropped.items():
        quality.drop(reason, n)
    for period in periods:
        quality.missing_months += [
            m
            for m in missing_months(period, quality.months_in_data)
            if m not in quality.missing_months
        ]
    if wards is not None:
        incidents = _tag_wards(incidents, wards, tolerance_m, quality)
    quality.kept = len(incidents)
    quality.months = sorted(incidents["month"].unique().tolist())
    return LoadedIncidents(incidents=incidents, quality=quality)


def resolve_types(incidents: gpd.GeoDataFrame, types: Sequence[str]) -> list[str]:
    """Map user-typed crime types to those present (case-insensitive, ``ASB``).

    Raises
    ------
    GeoInputError
        Naming the unknown type and listing the types present.
    """
    present = sorted(pd.unique(incidents["crime_type"].astype(str)))
    by_lower = {t.lower(): t for t in present}
    chosen = []
    for typed in types:
        key = " ".join(str(typed).lower().replace("-", " ").split())
        key = _TYPE_ALIASES.get(key, key).lower()
        hit = by_lower.get(key) or by_lower.get(str(typed).strip().lower())
        if hit is None:
            msg = (
                f"crime type {typed!r} is not in the data; the types present are: "
                f"{', '.join(present)}."
            )
            raise GeoInputError(msg)
        chosen.append(hit)
    return chosen


def filter_incidents(
    incidents: gpd.GeoDataFrame,
    *,
    types: Sequence[str] = (),
    periods: Sequence[Period] = (),
    allow_empty: Sequence[Period] = (),
) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Keep the given crime types and periods; count what is left out, by reason.

    Raises
    ------
    GeoInputError
        When a period holds no incident of the chosen types.
    """
    dropped: dict[str, int] = {}
    keep = pd.Series(True, index=incidents.index)
    if types:
        is_type = incidents["crime_type"].astype(str).isin(list(types))
        dropped["crime type not selected"] = int((~is_type).sum())
        keep &= is_type
    if periods:
        in_any = pd.Series(False, index=incidents.index)
        for period in periods:
            inside = period.contains(incidents["month"]) & keep
            if not inside.any() and period not in allow_empty:
                msg = _empty_period_message(incidents, period, types)
                raise GeoInputError(msg)
            in_any |= inside
        label = " or ".join(str(p) for p in periods)
        dropped[f"outside period {label}"] = int((keep & ~in_any).sum())
        keep &= in_any
    return incidents.loc[keep], {k: v for k, v in dropped.items() if v}


def _empty_period_message(incidents, period: Period, types: Sequence[str]) -> str:
    months = incidents["month"]
    what = f" of type {', '.join(types)}" if types else ""
    return (
        f"period {period.label} ({period.start} to {period.end}) has no incidents"
        f"{what}; the data covers {months.min()} to {months.max()}. Choose a "
        "period inside that range."
    )


def _tag_wards(incidents, wards, tolerance_m, quality) -> gpd.GeoDataFrame:
    tags = assign_wards(incidents, wards, tolerance_m=tolerance_m)
    outside = tags["ward_match"] == "outside"
    if outside.all():
        msg = (
            f"none of the {len(incidents):,} incidents fall within "
            f"{tolerance_m:g} m of the boundaries in "
            f"{wards.attrs.get('source', 'the boundary file')}; check that the "
            "boundaries cover the same area as the incidents."
        )
        raise GeoInputError(msg)
    quality.drop(
        f"outside the boundaries (over {tolerance_m:g} m from any ward)",
        int(outside.sum()),
    )
    quality.nearest_ward = int((tags["ward_match"] == "nearest").sum())
    if quality.nearest_ward:
        quality.notes.append(
            f"{quality.nearest_ward:,} incident(s) just outside the boundaries (within "
            f"{tolerance_m:g} m, e.g. on the coast or a pier) were given the "
            "nearest ward."
        )
    repaired = wards.attrs.get("repaired", 0)
    if repaired:
        quality.notes.append(f"{repaired} invalid ward polygon(s) were repaired.")
    tagged = incidents.join(tags)
    return tagged.loc[~outside.to_numpy()]


def _reasons(dropped) -> str:
    return ", ".join(f"{k}: {v:,}" for k, v in dropped.items()) or "none dropped"
