"""Ward by ward change between two periods, with the context a committee needs.

Both periods are counted on one boundary set (the incidents carry the ward of the
set the user chose), so a count on old wards is never compared with one on new.

Every figure of a comparison (ward table, totals, crime types, quarters, months,
test and sentences) uses one basis (:class:`Comparison`): by default
like-for-like months, where a month missing from either period is left out of
both; or, as an option, per month of data. In every table ``change = after -
before`` and ``pct_change = 100 * change / before``.

The test of each ward's change treats the two counts as Poisson. Given the total
``n = before + after``, the after count is Binomial(n, t_a / (t_a + t_b)) when the
rate did not change (t = months counted in each period): the exact conditional
test, two-sided. p-values are corrected across wards with Benjamini-Hochberg (false
discovery rate). ``z`` is the variance-stabilised difference
``2 (sqrt(a) - sqrt(r b)) / sqrt(1 + r)``, ``r = t_a / t_b``; for equal periods
``sqrt(2) (sqrt(a) - sqrt(b))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._columns import (
    POPULATION_ALIASES,
    WARD_CODE_PATTERNS,
    first_matching,
    match_aliases,
    norm,
)
from geo._stats import benjamini_hochberg, binomial_p
from geo.errors import GeoInputError
from geo.periods import (
    Period,
    gaps_said,
    missing_months,
    month_name,
    month_words,
    months_held,
    require_separate,
)
from geo.settings import ASB
from geo.words import REPORTS_CAVEAT, Note, count_unit, subject, types_unit

__all__ = [
    "REPORTS_CAVEAT",
    "WARD_CHANGE_COLUMNS",
    "Basis",
    "Comparison",
    "WardChange",
    "change_sentence",
    "comparison",
    "count_unit",
    "on_basis",
    "read_population",
    "residents_by_ward",
    "subject",
    "types_unit",
    "ward_change",
]

WARD_CHANGE_COLUMNS = [
    "ward_code",
    "ward_name",
    "before",
    "after",
    "change",
    "pct_change",
    "before_rate",
    "after_rate",
    "z",
    "significant",
    "p_value",
    "p_adjusted",
    "population",
]
"""Columns of :attr:`WardChange.table` (the contract's first ten, then extras)."""


Basis = Literal["like-for-like", "per-month"]


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """The months a comparison counts, and how: one basis for every figure.

    Attributes
    ----------
    kind : {"like-for-like", "per-month"}
        Like-for-like (the default): the periods' months are paired by their
        position (first with first ...) and a pair is left out of both periods
        when either month has no data, so both sides count the same months.
        Per month: every month with data counts, and figures are per month.
    before_months, after_months : tuple of str
        The months counted in each period.
    dropped : tuple of (str, str)
        Like-for-like: the month pairs left out (before month, after month).
    label : str
        The basis in words, for headlines ("9 months each: April to March
        without June, August, September").
    """

    kind: str
    before_months: tuple[str, ...]
    after_months: tuple[str, ...]
    dropped: tuple[tuple[str, str], ...]
    label: str

    @property
    def per_month(self) -> bool:
        """Whether figures are per month of data."""
        return self.kind == "per-month"

    def scales(self) -> tuple[int, int]:
        """Divisors of the before and after counts (1 unless per month)."""
        if self.per_month:
            return len(self.before_months), len(self.after_months)
        return 1, 1


def comparison(
    before: Period,
    after: Period,
    months_with_data: list[str] | pd.Series,
    *,
    basis: Basis = "like-for-like",
) -> Comparison:
    """Decide which months a before/after comparison counts.

    Examples
    --------
    police.uk has no June, August or September 2020 for Lancashire:

    >>> from geo.periods import parse_period
    >>> have = [m for m in parse_period("2020-04:2022-03").months
    ...         if m not in ("2020-06", "2020-08", "2020-09")]
    >>> c = comparison(parse_period("2020/21"), parse_period("2021/22"), have)
    >>> c.label
    '9 months each: April to March without June, August, September'
    >>> c.after_months[:3]
    ('2021-04', '2021-05', '2021-07')
    """
    have = set(months_with_data)
    if basis not in ("like-for-like", "per-month"):
        msg = f"`basis` must be 'like-for-like' or 'per-month', got {basis!r}."
        raise GeoInputError(msg)
    if basis == "per-month":
        bm = tuple(m for m in before.months if m in have)
        am = tuple(m for m in after.months if m in have)
        for label, months, p in (("before", bm, before), ("after", am, after)):
            if not months:
                msg = (
                    f"the {label} period {p.label} has no data at all: "
                    f"{gaps_said(p.months, have)}; choose another."
                )
                raise GeoInputError(msg)
        text = (
            f"per month of data: {len(bm)} month(s) of {before.label}, "
            f"{len(am)} of {after.label}"
        )
        return Comparison(
            kind="per-month", before_months=bm, after_months=am, dropped=(), label=text
        )
    n = min(before.n_months, after.n_months)
    pairs = list(zip(before.months[:n], after.months[:n], strict=True))
    for label, months, p in (("before", before.months, before),
                             ("after", after.months, after)):  # fmt: skip
        if not any(m in have for m in months):
            msg = (
                f"the {label} period {p.label} has no data at all: "
                f"{gaps_said(p.months, have)}; choose another."
            )
            raise GeoInputError(msg)
    kept = [(b, a) for b, a in pairs if b in have and a in have]
    dropped = tuple((b, a) for b, a in pairs if not (b in have and a in have))
    if not kept:
        msg = (
            f"no month has data in both {before.label} and {after.label} at the "
            "same place in the period; a like-for-like comparison is not possible. "
            "Compare per month instead."
        )
        raise GeoInputError(msg)
    span = f"{month_name(pairs[0][0])} to {month_name(pairs[-1][0])}"
    text = f"{len(kept)} month{'s' if len(kept) > 1 else ''} each"
    if before.n_months != after.n_months:
        text += f": the first {n} months of each period"
        if dropped:
            text += f", without {', '.join(month_name(b) for b, _ in dropped)}"
    elif dropped:
        text += f": {span} without {', '.join(month_name(b) for b, _ in dropped)}"
    return Comparison(
        kind="like-for-like",
        before_months=tuple(b for b, _ in kept),
        after_months=tuple(a for _, a in kept),
        dropped=dropped,
        label=text,
    )


def on_basis(
    incidents: pd.DataFrame,
    *,
    before: Period,
    after: Period,
    months_with_data: list[str] | pd.Series | None = None,
    basis: Basis = "like-for-like",
) -> tuple[Comparison, pd.DataFrame, pd.DataFrame]:
    """Split incidents into the months a before/after comparison counts.

    The one split every comparison uses (ward change, displacement, WDQ), so
    their counts agree: the :class:`Comparison` and the rows of its before and
    after months. ``months_with_data`` are the months held in the source (all
    types); it defaults to the months of ``incidents``.

    Raises
    ------
    GeoInputError
        Periods that overlap or come in the wrong order, a period with no data.
    """
    require_separate(before, after)
    present = months_held(incidents, months_with_data)
    basis_ = comparison(before, after, present, basis=basis)
    month = incidents["month"]
    return (
        basis_,
        incidents.loc[month.isin(basis_.before_months)],
        incidents.loc[month.isin(basis_.after_months)],
    )


@dataclass(frozen=True, kw_only=True)
class WardChange:
    """A two-period comparison: ward table, headline sentences and breakdowns.

    Every figure uses one basis, :attr:`basis` (like-for-like months by
    default): in every table ``change = after - before`` and ``pct_change =
    100 * change / before``.

    Attributes
    ----------
    table : DataFrame
        One row per ward of the boundary set (zeros where none), in
        :data:`WARD_CHANGE_COLUMNS`. Rates are per 1,000 residents (per month
        on the per-month basis); empty without population.
    headlines : list of str
        Sentences in the style of a committee report.
    by_type : DataFrame
        ``crime_type, before, after, change, pct_change, sentence``.
    monthly : DataFrame
        Month by month, paired by position: ``position, before_month,
        after_month, before, after, change, pct_change, compared``.
    quarterly : DataFrame
        The same by quarter of the period: ``quarter, before_months,
        after_months, months_compared, before, after, change, pct_change,
        complete``.
    caveats : list of Note
        What the figures need to be read with (months left out, reports); a
        note's ``level`` says which are warnings.
    basis : Comparison
        The months counted and how.
    missing : dict
        Months of each period with no data.
    """

    table: pd.DataFrame
    headlines: list[str]
    by_type: pd.DataFrame
    monthly: pd.DataFrame
    quarterly: pd.DataFrame
    before: Period
    after: Period
    basis: Comparison
    caveats: list[Note] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)
    alpha: float = 0.05
    """The false discovery rate of ``significant`` (said in every sentence)."""

    @property
    def per_month(self) -> bool:
        """Whether the comparison is per month of data."""
        return self.basis.per_month


def read_population(path, *, code_col: str | None = None) -> pd.DataFrame:
    """Read a ward population CSV (ONS style): ``ward_code`` and ``population``.

    The code column is ``ward_code`` or any ``WDyyCD``; the population column is
    the first whose name contains "population" (or ``all ages``).

    Raises
    ------
    GeoInputError
        When the file cannot be read or the columns are not found.
    """
    try:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        msg = f"population file {str(path)!r} is not a readable CSV ({err})."
        raise GeoInputError(msg) from err
    fields = match_aliases(raw.columns, POPULATION_ALIASES)
    code = (
        code_col
        or fields.get("ward_code")
        or first_matching(raw.columns, WARD_CODE_PATTERNS[:1])
    )
    pop = fields.get("population") or next(
        (c for c in raw.columns if "population" in norm(c)), None
    )
    if code is None or pop is None:
        msg = (
            f"population file {str(path)!r} needs a ward code column (ward_code or "
            f"WDyyCD) and a population column; it has {list(raw.columns)}."
        )
        raise GeoInputError(msg)
    values = pd.to_numeric(raw[pop].str.replace(",", ""), errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        msg = (
            f"population file {str(path)!r}, line {row}: population "
            f"{raw[pop].iloc[row - 2]!r} is not a number of residents."
        )
        raise GeoInputError(msg)
    return pd.DataFrame({"ward_code": raw[code].str.strip(), "population": values})


def ward_change(
    incidents: pd.DataFrame,
    wards: gpd.GeoDataFrame,
    *,
    before: Period,
    after: Period,
    population: pd.DataFrame | None = None,
    months_with_data: list[str] | None = None,
    alpha: float = 0.05,
    basis: Basis = "like-for-like",
) -> WardChange:
    """Compare two periods ward by ward on one boundary set, on one basis.

    Parameters
    ----------
    incidents : DataFrame
        Incidents tagged with ``ward_code`` (of ``wards``), with ``month`` and
        ``crime_type``; rows outside the months compared are ignored.
    wards : GeoDataFrame
        The boundary set the incidents were tagged with (every ward appears).
    before, after : Period
        The periods to compare; they must not overlap.
    population : DataFrame, optional
        ``ward_code, population`` (see :func:`read_population`).
    months_with_data : list of str, optional
        Months present in the source data (all types); defaults to the months
        of ``incidents``. A month of either period missing from it is left out
        of both (like-for-like) or the comparison is per month of data.
    alpha : float
        False discovery rate for ``significant``.
    basis : {"like-for-like", "per-month"}
        See :class:`Comparison`. Every table, test and sentence uses it.

    Returns
    -------
    WardChange

    Raises
    ------
    GeoInputError
        Overlapping periods, a period with no data, incidents not tagged with
        wards, or a population file none of whose codes are ward codes.
    """
    _check_inputs(incidents, before, after)
    present = months_held(incidents, months_with_data)
    basis_, b_rows, a_rows = on_basis(
        incidents, before=before, after=after, months_with_data=present, basis=basis
    )
    missing = {
        "before": missing_months(before, present),
        "after": missing_months(after, present),
    }
    table = _ward_table(b_rows, a_rows, wards, basis_, alpha)
    unit = count_unit(incidents)
    caveats = _caveats(incidents, before, after, missing, basis_, present)
    table = _add_rates(table, population, basis_, caveats)
    by_type = _by_type(b_rows, a_rows, basis_)
    monthly = _months_table(b_rows, a_rows, before, after, present, basis_)
    quarterly = _quarters_table(monthly, basis_)
    headlines = _headlines(table, by_type, monthly, quarterly, before, after,
                           basis_, unit, alpha)  # fmt: skip
    return WardChange(
        table=table,
        headlines=headlines,
        by_type=by_type,
        monthly=monthly,
        quarterly=quarterly,
        before=before,
        after=after,
        basis=basis_,
        caveats=caveats,
        missing=missing,
        alpha=alpha,
    )


def _check_inputs(incidents: pd.DataFrame, before: Period, after: Period) -> None:
    require_separate(before, after)
    if "ward_code" not in incidents.columns:
        msg = "`incidents` carry no ward_code; load them with a boundary file."
        raise GeoInputError(msg, argument="incidents")


def _values(b: np.ndarray, a: np.ndarray, basis: Comparison):
    """Work out the figures of one basis: before, after, change and % change.

    Per month, before and after are rounded to 2 places first and the change
    is taken from the rounded values, so ``change = after - before`` holds in
    the table as printed.
    """
    s_b, s_a = basis.scales()
    if basis.per_month:
        bv = np.round(np.asarray(b, float) / s_b, 2)
        av = np.round(np.asarray(a, float) / s_a, 2)
        change = np.round(av - bv, 2)
    else:
        bv, av = np.asarray(b), np.asarray(a)
        change = av - bv
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(
            bv > 0, np.round(100 * change / np.where(bv > 0, bv, 1), 1), np.nan
        )
    return bv, av, change, pct


def _ward_table(b_rows, a_rows, wards, basis: Comparison, alpha: float) -> pd.DataFrame:
    codes = wards["ward_code"].to_numpy()
    b = b_rows["ward_code"].value_counts().reindex(codes, fill_value=0).to_numpy()
    a = a_rows["ward_code"].value_counts().reindex(codes, fill_value=0).to_numpy()
    t_b, t_a = len(basis.before_months), len(basis.after_months)
    bv, av, change, pct = _values(b, a, basis)
    r = t_a / t_b
    z = 2 * (np.sqrt(a) - np.sqrt(b * r)) / math.sqrt(1 + r)
    p = np.array(
        [_exact_p(int(bi), int(ai), t_b, t_a) for bi, ai in zip(b, a, strict=True)]
    )
    p_adj = benjamini_hochberg(p)
    return pd.DataFrame(
        {
            "ward_code": codes,
            "ward_name": wards["ward_name"].to_numpy(),
            "before": bv,
            "after": av,
            "change": change,
            "pct_change": pct,
            "before_rate": np.nan,
            "after_rate": np.nan,
            "z": np.round(z, 3),
            "significant": p_adj < alpha,
            "p_value": p,
            "p_adjusted": p_adj,
            "population": np.nan,
        }
    )


def _exact_p(b: int, a: int, t_b: int, t_a: int) -> float:
    """Two-sided exact conditional test of equal Poisson rates."""
    return binomial_p(a, a + b, t_a / (t_a + t_b))


def residents_by_ward(population: pd.DataFrame) -> pd.Series:
    """Residents of each ward (``ward_code`` index), each ward given once.

    Raises
    ------
    GeoInputError
        When a ward code is given more than once (never summed in silence).
    """
    twice = population["ward_code"][population["ward_code"].duplicated()]
    if len(twice):
        msg = (
            f"the population file gives ward {twice.iloc[0]!r} more than once "
            f"({twice.nunique()} code(s) repeated); give each ward one population."
        )
        raise GeoInputError(msg, argument="population")
    return population.set_index("ward_code")["population"]


def _add_rates(table, population, basis: Comparison, caveats) -> pd.DataFrame:
    if population is None:
        return table
    pop = residents_by_ward(population)
    known = table["ward_code"].isin(pop.index)
    if not known.any():
        msg = (
            "none of the population file's ward codes match the boundary set's "
            f"(e.g. {pop.index[0]!r} vs {table['ward_code'].iloc[0]!r}); the file may "
            "be for another boundary vintage. Use a population file for these wards."
        )
        raise GeoInputError(msg)
    table = table.copy()
    table["population"] = table["ward_code"].map(pop)
    residents = table["population"].where(table["population"] > 0)  # 0: no rate
    for side in ("before", "after"):
        table[f"{side}_rate"] = (table[side] / residents * 1000).round(2)
    empty = table.loc[table["population"] == 0, "ward_name"].tolist()
    if empty:
        caveats.append(
            f"No residents recorded for: {', '.join(empty)} (rates left empty)."
        )
    lacking = table.loc[~known, "ward_name"].tolist()
    if lacking:
        caveats.append(f"No population for: {', '.join(lacking)} (rates left empty).")
    extra = sorted(set(pop.index) - set(table["ward_code"]))
    if extra:
        caveats.append(
            f"{len(extra)} population code(s) are not wards of this boundary set "
            f"and were ignored (e.g. {extra[0]})."
        )
    unit = "per 1,000 residents per month" if basis.per_month else "per 1,000 residents"
    caveats.append(f"Rates are {unit}.")
    return table


def _caveats(
    incidents, before, after, missing, basis: Comparison, present
) -> list[Note]:
    out = []
    if ASB in set(incidents["crime_type"].astype(str).unique()):
        out.append(REPORTS_CAVEAT)
    gaps = [m for side in missing.values() for m in side]
    why = gaps_said(gaps, present)
    if basis.per_month:
        out.append(
            "Figures are per month of data: each period's count divided by its "
            f"months with data ({basis.label})."
        )
        if gaps:
            out.append(Note(f"{why[0].upper()}{why[1:]}.", "warning"))
    elif basis.dropped:
        pairs = ", ".join(
            f"{month_words(b, short=True)} and {month_words(a, short=True)}"
            for b, a in basis.dropped
        )
        out.append(
            Note(
                f"Like for like: {len(basis.dropped)} month(s) left out of both "
                f"periods because one side has no data ({pairs}): {why}.",
                "warning",
            )
        )
    if before.n_months != after.n_months and not basis.per_month:
        out.append(
            f"The periods differ in length ({before.n_months} and {after.n_months} "
            f"months): the first {min(before.n_months, after.n_months)} months of "
            "each are compared."
        )
    return out


def change_sentence(label: str, before: float, after: float, unit: str) -> str:
    """Describe a change in the committee's style.

    Examples
    --------
    >>> change_sentence("Burglary", 1786, 1761, "offences")
    'Burglary: reduction of 1.4% (-25 offences)'
    >>> change_sentence("Serious assaults", 170, 196, "offences")
    'Serious assaults: increase of 15.3% (+26 offences)'
    """
    diff = after - before
    n = f"{diff:+,.0f}" if float(diff).is_integer() else f"{diff:+,.1f}"
    if before == 0:
        return f"{label}: {after:,.0f} {unit}, none before ({n} {unit})"
    pct = abs(diff) / before * 100
    if diff == 0:
        return f"{label}: no change ({before:,.0f} {unit})"
    word = "increase" if diff > 0 else "reduction"
    return f"{label}: {word} of {pct:.1f}% ({n} {unit})"


def _by_type(b_rows, a_rows, basis: Comparison) -> pd.DataFrame:
    b = b_rows["crime_type"].astype(str).value_counts()
    a = a_rows["crime_type"].astype(str).value_counts()
    types = sorted(set(b.index) | set(a.index))
    counts_b = np.array([int(b.get(t, 0)) for t in types])
    counts_a = np.array([int(a.get(t, 0)) for t in types])
    bv, av, change, pct = _values(counts_b, counts_a, basis)
    per = " a month" if basis.per_month else ""
    sentences = [
        change_sentence(t, x, y, ("reports" if t == ASB else "offences") + per)
        for t, x, y in zip(types, bv, av, strict=True)
    ]
    return pd.DataFrame(
        {
            "crime_type": types,
            "before": bv,
            "after": av,
            "change": change,
            "pct_change": pct,
            "sentence": sentences,
        },
        columns=["crime_type", "before", "after", "change", "pct_change", "sentence"],
    )


def _months_table(b_rows, a_rows, before, after, present, basis) -> pd.DataFrame:
    """Count month by month, the months paired by position.

    A pair is compared when both months have data. Like for like, the counts
    of pairs not compared are left empty; per month of data, every month with
    data is counted (as the headline counts it) and only a month without data
    is empty.
    """
    have = set(present)
    n = min(before.n_months, after.n_months)
    bc = b_rows["month"].value_counts() if len(b_rows) else pd.Series(dtype=int)
    ac = a_rows["month"].value_counts() if len(a_rows) else pd.Series(dtype=int)
    rows = []
    for i, (bm, am) in enumerate(zip(before.months[:n], after.months[:n], strict=True)):
        compared = bm in have and am in have
        b_on = bm in have if basis.per_month else compared
        a_on = am in have if basis.per_month else compared
        b = int(bc.get(bm, 0)) if b_on else np.nan
        a = int(ac.get(am, 0)) if a_on else np.nan
        rows.append({"position": i + 1, "before_month": bm, "after_month": am,
                     "before": b, "after": a, "compared": compared})  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=["position", "before_month", "after_month", "before", "after",
                 "compared"],
    )  # fmt: skip
    frame["change"] = frame["after"] - frame["before"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["pct_change"] = np.where(
            frame["before"] > 0,
            (100 * frame["change"] / frame["before"]).round(1),
            np.nan,
        )
    return frame[["position", "before_month", "after_month", "before", "after",
                  "change", "pct_change", "compared"]]  # fmt: skip


def _quarters_table(monthly: pd.DataFrame, basis: Comparison) -> pd.DataFrame:
    """Quarters (3-month blocks of the period) from the compared months.

    On the per-month basis, each side of a quarter is per month of its own
    months with data, as the headline's totals are (not only the months whose
    pair has data too).
    """
    rows = []
    for q in range(len(monthly) // 3):
        block = monthly.iloc[3 * q : 3 * q + 3]
        done = block.loc[block["compared"]]
        k = len(done)
        b = float(done["before"].sum()) if k else np.nan
        a = float(done["after"].sum()) if k else np.nan
        if basis.per_month:
            b = (
                round(block["before"].mean(), 2)
                if block["before"].notna().any()
                else np.nan
            )
            a = (
                round(block["after"].mean(), 2)
                if block["after"].notna().any()
                else np.nan
            )
        rows.append(
            {
                "quarter": q + 1,
                "before_months": f"{block['before_month'].iloc[0]}:"
                f"{block['before_month'].iloc[-1]}",
                "after_months": f"{block['after_month'].iloc[0]}:"
                f"{block['after_month'].iloc[-1]}",
                "months_compared": k,
                "before": b,
                "after": a,
                "complete": k == 3,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["quarter", "before_months", "after_months", "months_compared",
                 "before", "after", "complete"],
    )  # fmt: skip
    frame["change"] = (frame["after"] - frame["before"]).round(2)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["pct_change"] = np.where(
            frame["before"] > 0,
            (100 * frame["change"] / frame["before"]).round(1),
            np.nan,
        )
    return frame[["quarter", "before_months", "after_months", "months_compared",
                  "before", "after", "change", "pct_change", "complete"]]  # fmt: skip


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight",
          "nine", "ten", "eleven", "twelve")  # fmt: skip


def _count_word(n: int) -> str:
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def _signed(value: float) -> str:
    return f"{value:+,.0f}" if float(value).is_integer() else f"{value:+,.1f}"


def _headlines(
    table, by_type, monthly, quarterly, before, after, basis: Comparison, unit, alpha
) -> list[str]:
    what = subject(unit)
    per = " a month" if basis.per_month else ""
    total_b = float(by_type["before"].sum())
    total_a = float(by_type["after"].sum())
    out = [
        change_sentence(
            f"{what}, {before.label} to {after.label} ({basis.label})",
            total_b,
            total_a,
            unit + per,
        )
    ]
    fell = int((table["change"] < 0).sum())
    rose = int((table["change"] > 0).sum())
    sig_fell = int((table["significant"] & (table["change"] < 0)).sum())
    sig_rose = int((table["significant"] & (table["change"] > 0)).sum())
    if sig_fell or sig_rose:
        noise = (
            f"the change is more than chance ({alpha:.0%} false discovery rate) in "
            f"{sig_fell} that fell and {sig_rose} that rose"
        )
    else:
        noise = (
            "in no ward is the change more than chance "
            f"({alpha:.0%} false discovery rate)"
        )
    out.append(
        f"{what} fell in {fell} of {len(table)} wards and rose in {rose}; {noise}."
    )
    quarters = [
        f"Quarter {int(q.quarter)}{'' if q.complete else '*'} "
        f"{q.pct_change:+.1f}% ({_signed(q.change)})"
        for q in quarterly.itertuples()
        if q.months_compared and not np.isnan(q.pct_change)
    ]
    if quarters:
        note = (
            " (* some months of the quarter not compared: no data)"
            if not quarterly["complete"].all()
            else ""
        )
        out.append("By quarter: " + ", ".join(quarters) + note + ".")
    done = monthly.loc[monthly["compared"]]
    if len(done) > 1:
        down = int((done["after"] < done["before"]).sum())
        of = f"of the {_count_word(len(done))} months compared"
        out.append(
            f"None {of} showed a comparative reduction."
            if down == 0
            else f"{_count_word(down).capitalize()} {of} showed comparative reductions."
        )
    days_b = sum(pd.Period(m, freq="M").days_in_month for m in basis.before_months)
    days_a = sum(pd.Period(m, freq="M").days_in_month for m in basis.after_months)
    counts_b = total_b * (len(basis.before_months) if basis.per_month else 1)
    counts_a = total_a * (len(basis.after_months) if basis.per_month else 1)
    out.append(
        f"Average per day: {counts_b / days_b:.1f} {unit} in {before.label}, "
        f"{counts_a / days_a:.1f} in {after.label} (months compared)."
    )
    if len(by_type) > 1:  # with one type its sentence repeats the first headline
        out += by_type["sentence"].tolist()
    return out
