"""One call from files to clean, filtered, ward-tagged incidents, every row counted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import GeoInputError
from geo.incidents import Columns, LoadedIncidents, Progress, read_incidents
from geo.periods import HELD_MONTHS, Period, missing_months
from geo.quality import QualityReport
from geo.settings import ASB, WARD_TOLERANCE_M
from geo.wards import assign_wards

__all__ = [
    "filter_incidents",
    "load_incidents",
    "missing_in_periods",
    "resolve_types",
    "select_rows",
    "tag_wards",
]

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
    quality.missing_months = missing_in_periods(
        periods, quality.months_in_data, allow_empty=allow_empty
    )
    if wards is not None:
        incidents = tag_wards(incidents, wards, tolerance_m, quality)
    quality.kept = len(incidents)
    quality.months = sorted(incidents["month"].unique().tolist())
    incidents.attrs[HELD_MONTHS] = list(quality.months_in_data)
    return LoadedIncidents(incidents=incidents, quality=quality)


def resolve_types(
    incidents: gpd.GeoDataFrame | Sequence[str], types: Sequence[str]
) -> list[str]:
    """Map user-typed crime types to those present (case-insensitive, ``ASB``).

    ``incidents`` is the incident frame, or the list of crime types present.

    Raises
    ------
    GeoInputError
        Naming the unknown type and listing the types present.
    """
    if isinstance(incidents, pd.DataFrame):
        column = incidents["crime_type"]
        if isinstance(column.dtype, pd.CategoricalDtype):  # by code: no 1M strings
            incidents = [str(t) for t in column.unique()]
        else:
            incidents = pd.unique(column.astype(str))
    present = sorted(str(t) for t in incidents)
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
    keep, dropped = select_rows(
        incidents["month"],
        incidents["crime_type"],
        types=types,
        periods=periods,
        allow_empty=allow_empty,
    )
    return incidents.loc[keep], dropped


def select_rows(
    month: pd.Series,
    crime_type: pd.Series,
    *,
    weight: np.ndarray | None = None,
    types: Sequence[str] = (),
    periods: Sequence[Period] = (),
    allow_empty: Sequence[Period] = (),
) -> tuple[np.ndarray, dict[str, int]]:
    """Which rows are of the chosen types and periods, and what is left out.

    Rows may stand for ``weight`` incidents each (a count per month and type);
    the reasons and errors are those of :func:`filter_incidents`.
    """
    month = month.reset_index(drop=True)
    weight = np.ones(len(month), np.int64) if weight is None else np.asarray(weight)
    dropped: dict[str, int] = {}
    keep = np.ones(len(month), bool)
    if types:
        is_type = crime_type.astype(str).isin(list(types)).to_numpy()
        dropped["crime type not selected"] = int(weight[~is_type].sum())
        keep &= is_type
    if periods:
        in_any = np.zeros(len(month), bool)
        for period in periods:
            inside = period.contains(month).to_numpy() & keep
            if not inside.any() and period not in allow_empty:
                msg = _empty_period_message(month, period, types)
                raise GeoInputError(msg)
            in_any |= inside
        label = " or ".join(str(p) for p in periods)
        dropped[f"outside period {label}"] = int(weight[keep & ~in_any].sum())
        keep &= in_any
    return keep, {k: v for k, v in dropped.items() if v}


def missing_in_periods(
    periods: Sequence[Period],
    months: Sequence[str],
    *,
    allow_empty: Sequence[Period] = (),
) -> list[str]:
    """Months with no data: of the periods asked for, in order, each once.

    Periods in ``allow_empty`` (used only when there is data, e.g. the period
    after the one analysed) are not reported. With no period, the gaps between
    the data's first and last month are.

    Examples
    --------
    >>> from geo.periods import parse_period
    >>> missing_in_periods([], ["2020-05", "2020-07", "2020-10"])
    ['2020-06', '2020-08', '2020-09']
    >>> p, nxt = parse_period("2020-Q2"), parse_period("2020-Q3")
    >>> missing_in_periods([p, nxt], ["2020-04", "2020-05"], allow_empty=[nxt])
    ['2020-06']
    """
    if not periods:
        if not months:
            return []
        span = pd.period_range(min(months), max(months), freq="M").astype(str)
        have = set(months)
        return [m for m in span if m not in have]
    out: list[str] = []
    for period in periods:
        if period in allow_empty:
            continue
        out += [m for m in missing_months(period, months) if m not in out]
    return out


def _empty_period_message(months: pd.Series, period: Period, types) -> str:
    what = f" of type {', '.join(types)}" if types else ""
    return (
        f"period {period.label} ({period.start} to {period.end}) has no incidents"
        f"{what}; the data covers {months.min()} to {months.max()}. Choose a "
        "period inside that range."
    )


def tag_wards(
    incidents: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame,
    tolerance_m: float,
    quality: QualityReport,
    tags: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Add each incident's ward; drop (and count) those outside the boundaries.

    ``tags`` may give the wards already worked out (a workspace stores them):
    ``ward_code, ward_name, ward_match`` aligned to ``incidents``.
    """
    if tags is None:
        tags = assign_wards(incidents, wards, tolerance_m=tolerance_m)
    outside = tags["ward_match"] == "outside"
    if len(outside) and outside.all():  # none at all is an empty period, not this
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
