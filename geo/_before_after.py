"""Private: incidents in new cameras' view before and after go-live."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._camera_list import (
    covered_by,
)
from geo._stats import fisher_p
from geo._validate import require_min_int
from geo.errors import GeoInputError
from geo.periods import parse_month

BRIEF_MONTHS = 12
"""Months either side of the go-live month that a before/after compares."""


@dataclass(frozen=True, kw_only=True)
class BeforeAfter:
    """Incidents inside new cameras' coverage before and after they went live.

    ``cameras`` are the ids assessed and ``selection`` says how they were
    chosen.
    """

    go_live: str
    months: int
    covered_before: int
    covered_after: int
    control_before: int
    control_after: int
    relative_change: float
    p_value: float
    interpretation: str
    cameras: tuple[str, ...] = ()
    selection: str = ""


def assessed_cameras(
    cameras: gpd.GeoDataFrame,
    *,
    go_live: str | None = None,
    camera_ids: Sequence[str] = (),
) -> tuple[gpd.GeoDataFrame, pd.Period, str]:
    """Choose the cameras a before/after assesses, and the go-live month.

    ``camera_ids`` when given (new or upgraded cameras); else, with a go-live
    month, the cameras installed that month, or all of them when none was (a
    control centre going live upgrades every camera); with neither, the
    cameras of the earliest install month.

    Returns the cameras, the go-live month and the choice in words.

    Raises
    ------
    GeoInputError
        An unknown camera id, a go-live month that is not ``YYYY-MM``, or no
        install date to date the cameras by.
    """
    start = None if go_live is None else parse_month(go_live, role="go-live month")
    if camera_ids:
        ids = [str(i).strip() for i in camera_ids]
        unknown = sorted(set(ids) - set(cameras["camera_id"].astype(str)))
        if unknown:
            msg = (
                f"camera id(s) {', '.join(unknown)} are not in the camera list; "
                f"it holds {', '.join(cameras['camera_id'].astype(str).head(10))} ..."
            )
            raise GeoInputError(msg)
        if start is None:
            msg = "name the go-live month (YYYY-MM) of the cameras given."
            raise GeoInputError(msg)
        chosen = cameras.loc[cameras["camera_id"].astype(str).isin(ids)]
        return chosen, start, f"the {len(chosen)} camera(s) named ({', '.join(ids)})"
    dated = cameras.loc[cameras["install_date"].notna()]
    installed = dated["install_date"].dt.to_period("M")
    if start is None:
        if dated.empty:
            msg = "no camera has an install date; give the go-live month (YYYY-MM)."
            raise GeoInputError(msg)
        start = installed.min()
        chosen = dated.loc[installed == start]
        return chosen, start, f"the {len(chosen)} camera(s) installed in {start}"
    new = dated.loc[installed == start]
    if not new.empty:
        return new, start, f"the {len(new)} camera(s) installed in {start}"
    return cameras, start, f"all {len(cameras)} cameras (none was installed in {start})"


def before_after(
    incidents: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    *,
    go_live: str | None = None,
    camera_ids: Sequence[str] = (),
    months: int = BRIEF_MONTHS,
    min_count: int = 20,
) -> BeforeAfter:
    """Compare incidents in new cameras' view before and after they went live.

    The cameras are chosen by :func:`assessed_cameras`. Incidents in the
    ``months`` full months before the go-live month are compared with the
    ``months`` after it, inside the cameras' coverage against the rest of the
    area (control): relative change = (covered after / before) / (control
    after / before), and Fisher's exact test of the 2 x 2 table (in view,
    elsewhere) x (before, after), which allows for chance in the control area
    too (a test against the control's ratio as if it were known called 16% of
    no-change cases "more than chance" at 5%).
    """
    require_min_int(months, 1, name="months")
    new, start, selection = assessed_cameras(
        cameras, go_live=go_live, camera_ids=camera_ids
    )
    before = (str(start - months), str(start - 1))
    after = (str(start + 1), str(start + months))
    month = incidents["month"]
    in_b = ((month >= before[0]) & (month <= before[1])).to_numpy()
    in_a = ((month >= after[0]) & (month <= after[1])).to_numpy()
    if not in_b.any() or not in_a.any():
        msg = (
            f"no incidents in {before[0]}..{before[1]} or {after[0]}..{after[1]}; "
            "the data must span the months either side of the go-live month."
        )
        raise GeoInputError(msg)
    pt, _ = covered_by(incidents, new)
    covered = np.zeros(len(incidents), bool)
    covered[pt] = True
    cb, ca = int((covered & in_b).sum()), int((covered & in_a).sum())
    rb, ra = int((~covered & in_b).sum()), int((~covered & in_a).sum())
    rel = (ca / cb) / (ra / rb) if cb and rb and ra else float("nan")
    p = fisher_p(cb, ca, rb, ra)
    text = _reading(f"{len(new)} camera(s) live {start}", cb, ca, rb, ra, rel, p,
                    min_count)  # fmt: skip
    return BeforeAfter(
        go_live=str(start),
        months=months,
        covered_before=cb,
        covered_after=ca,
        control_before=rb,
        control_after=ra,
        relative_change=round(rel, 3),
        p_value=p,
        interpretation=text,
        cameras=tuple(new["camera_id"].astype(str)),
        selection=selection,
    )


ALPHA = 0.05
"""The level below which a before/after change is called more than chance."""

METHOD = (
    "Fisher's exact test of the 2 x 2 table (in view, elsewhere) x (before, "
    "after): conditional on the totals, so chance in the rest of the area counts "
    "as well as in view"
)
"""The before/after test, in words for the brief."""


def _pct(before: int, after: int) -> str:
    return f"{(after - before) / before:+.0%}" if before else "n/a"


def _reading(label, cb, ca, rb, ra, rel, p, min_count) -> str:
    """Say the before/after in words that cannot be misread.

    Both raw changes, the relative change, and what the test says (or that
    there is too little to say).
    """
    if cb < min_count or not (rb and ra) or rel != rel:
        return (
            f"{label}: in view {cb:,} -> {ca:,}, elsewhere {rb:,} -> {ra:,}: too few "
            f"to say whether the cameras changed anything (at least {min_count} in "
            "view before, and some elsewhere in both periods, are needed)."
        )
    relative = (
        "the same change as elsewhere"
        if round(rel, 3) == 1
        else f"{rel - 1:+.0%} relative to elsewhere"
    )
    shown = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    verdict = (
        "more than chance would give"
        if p < ALPHA
        else "no evidence the cameras changed anything"
    )
    return (
        f"{label}: in view {cb:,} -> {ca:,} ({_pct(cb, ca)}); elsewhere {rb:,} -> "
        f"{ra:,} ({_pct(rb, ra)}); {relative}: {verdict} (Fisher's exact test, "
        f"{shown}). A before/after comparison cannot rule out other causes, nor "
        "displacement out of view."
    )


@dataclass(frozen=True, kw_only=True)
class Impact:
    """New cameras before and after go-live: overall and by crime type.

    ``by_type`` has ``crime_type, covered_before, covered_after,
    control_before, control_after, relative_change, p_value, reading``
    (``reading``: fell, rose, no clear change, or too few to say).
    """

    overall: BeforeAfter
    by_type: pd.DataFrame
    cameras: gpd.GeoDataFrame


def impact(
    incidents: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    *,
    go_live: str,
    camera_ids: Sequence[str] = (),
    months: int = BRIEF_MONTHS,
    min_count: int = 20,
) -> Impact:
    """Run the before/after of :func:`before_after`, overall and by crime type.

    The per-type figures are the same test on that type's incidents; a type
    with fewer than ``min_count`` in view before is counted but not read.
    """
    overall = before_after(
        incidents, cameras, go_live=go_live, camera_ids=camera_ids, months=months,
        min_count=min_count,
    )  # fmt: skip
    rows = []
    types = incidents["crime_type"].astype(str)
    for name in sorted(types.unique()):
        try:
            r = before_after(
                incidents.loc[(types == name).to_numpy()], cameras, go_live=go_live,
                camera_ids=camera_ids, months=months, min_count=min_count,
            )  # fmt: skip
        except GeoInputError:
            continue  # none of the type on one side of go-live
        if r.covered_before < min_count:
            reading = "too few to say"
        elif r.p_value >= ALPHA or r.relative_change != r.relative_change:
            reading = "no clear change"
        else:
            reading = "fell" if r.relative_change < 1 else "rose"
        rows.append(
            {
                "crime_type": name,
                "covered_before": r.covered_before,
                "covered_after": r.covered_after,
                "control_before": r.control_before,
                "control_after": r.control_after,
                "relative_change": r.relative_change,
                "p_value": r.p_value,
                "reading": reading,
            }
        )
    chosen = cameras.loc[cameras["camera_id"].astype(str).isin(overall.cameras)]
    return Impact(overall=overall, by_type=pd.DataFrame(rows), cameras=chosen)
