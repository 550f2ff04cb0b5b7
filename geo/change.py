"""Ward by ward change between two periods, with the context a committee needs.

Both periods are counted on one boundary set (the incidents carry the ward of the
set the user chose), so a count on old wards is never compared with one on new.

The test of each ward's change treats the two counts as Poisson. Given the total
``n = before + after``, the after count is Binomial(n, t_a / (t_a + t_b)) when the
rate did not change (t = months of data in each period): the exact conditional
test, two-sided. p-values are corrected across wards with Benjamini-Hochberg (false
discovery rate). ``z`` is the variance-stabilised difference
``2 (sqrt(a) - sqrt(r b)) / sqrt(1 + r)``, ``r = t_a / t_b``; for equal periods
``sqrt(2) (sqrt(a) - sqrt(b))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import GeoInputError
from geo.periods import Period, missing_months
from geo.settings import ASB

__all__ = [
    "WARD_CHANGE_COLUMNS",
    "WardChange",
    "change_sentence",
    "read_population",
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


@dataclass(frozen=True)
class WardChange:
    """A two-period comparison: ward table, headline sentences and breakdowns.

    Attributes
    ----------
    table : DataFrame
        One row per ward of the boundary set (zeros where none), in
        :data:`WARD_CHANGE_COLUMNS`. Rates are per 1,000 residents (per month
        when the periods differ in months of data); empty without population.
    headlines : list of str
        Sentences in the style of a committee report.
    by_type : DataFrame
        ``crime_type, before, after, change, pct_change, sentence``.
    monthly : DataFrame
        Month by month, aligned by position: ``position, before_month, before,
        after_month, after``.
    quarterly : DataFrame
        The same by quarter of the period (3-month blocks).
    caveats : list of str
        What the figures need to be read with (missing months, reports).
    per_month : bool
        Whether the comparison is per month of data (unequal lengths or gaps).
    """

    table: pd.DataFrame
    headlines: list[str]
    by_type: pd.DataFrame
    monthly: pd.DataFrame
    quarterly: pd.DataFrame
    before: Period
    after: Period
    caveats: list[str] = field(default_factory=list)
    per_month: bool = False
    missing: dict[str, list[str]] = field(default_factory=dict)


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
    cols = {c.lower().strip(): c for c in raw.columns}
    code = code_col or next(
        (cols[c] for c in cols if c in ("ward_code", "code") or _is_ons_code(c)), None
    )
    pop = next((cols[c] for c in cols if "population" in c or c == "all ages"), None)
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


def _is_ons_code(name: str) -> bool:
    return len(name) == 6 and name.startswith("wd") and name.endswith("cd")


def ward_change(
    incidents: pd.DataFrame,
    wards: gpd.GeoDataFrame,
    *,
    before: Period,
    after: Period,
    population: pd.DataFrame | None = None,
    months_with_data: list[str] | None = None,
    alpha: float = 0.05,
) -> WardChange:
    """Compare two periods ward by ward on one boundary set.

    Parameters
    ----------
    incidents : DataFrame
        Incidents tagged with ``ward_code`` (of ``wards``), with ``month`` and
        ``crime_type``; any rows outside both periods are ignored.
    wards : GeoDataFrame
        The boundary set the incidents were tagged with (every ward appears).
    before, after : Period
        The periods to compare; they must not overlap.
    population : DataFrame, optional
        ``ward_code, population`` (see :func:`read_population`).
    months_with_data : list of str, optional
        Months present in the source data (all types); months of either period
        missing from it are named and the comparison made per month of data.
        Defaults to the months of ``incidents``.
    alpha : float
        False discovery rate for ``significant``.

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
    present = months_with_data if months_with_data is not None else incidents["month"]
    missing = {
        "before": missing_months(before, present),
        "after": missing_months(after, present),
    }
    t_b = before.n_months - len(missing["before"])
    t_a = after.n_months - len(missing["after"])
    for label, t, p in (("before", t_b, before), ("after", t_a, after)):
        if t == 0:
            msg = f"the {label} period {p.label} has no data at all; choose another."
            raise GeoInputError(msg)
    per_month = t_b != t_a or bool(missing["before"] or missing["after"])
    b_rows = incidents.loc[before.contains(incidents["month"])]
    a_rows = incidents.loc[after.contains(incidents["month"])]
    table = _ward_table(b_rows, a_rows, wards, t_b, t_a, alpha)
    caveats = _caveats(incidents, before, after, missing, per_month, t_b, t_a)
    table = _add_rates(table, population, per_month, t_b, t_a, caveats)
    unit = _unit(incidents)
    by_type = _by_type(b_rows, a_rows, t_b, t_a, per_month)
    monthly = _aligned(b_rows, a_rows, before, after, 1)
    quarterly = _aligned(b_rows, a_rows, before, after, 3)
    headlines = _headlines(
        table, b_rows, a_rows, before, after, unit, monthly, quarterly
    )
    if len(by_type) > 1:  # with one type its sentence repeats the first headline
        headlines += by_type["sentence"].tolist()
    return WardChange(
        table=table,
        headlines=headlines,
        by_type=by_type,
        monthly=monthly,
        quarterly=quarterly,
        before=before,
        after=after,
        caveats=caveats,
        per_month=per_month,
        missing=missing,
    )


def _check_inputs(incidents: pd.DataFrame, before: Period, after: Period) -> None:
    if before.overlaps(after):
        msg = (
            f"periods {before.label} and {after.label} overlap; a before/after "
            "comparison needs separate periods."
        )
        raise GeoInputError(msg)
    if "ward_code" not in incidents.columns:
        msg = "`incidents` carry no ward_code; load them with a boundary file."
        raise GeoInputError(msg)


def _ward_table(
    b_rows, a_rows, wards, t_b: int, t_a: int, alpha: float
) -> pd.DataFrame:
    codes = wards["ward_code"].to_numpy()
    b = b_rows["ward_code"].value_counts().reindex(codes, fill_value=0).to_numpy()
    a = a_rows["ward_code"].value_counts().reindex(codes, fill_value=0).to_numpy()
    r = t_a / t_b
    expected_after = b * r
    change = a - b if t_a == t_b else np.round(a / t_a - b / t_b, 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(b > 0, (a / t_a - b / t_b) / (b / t_b) * 100, np.nan)
    z = 2 * (np.sqrt(a) - np.sqrt(expected_after)) / math.sqrt(1 + r)
    p = np.array(
        [_exact_p(int(bi), int(ai), t_b, t_a) for bi, ai in zip(b, a, strict=True)]
    )
    from scipy.stats import false_discovery_control

    p_adj = false_discovery_control(p) if p.size else p
    return pd.DataFrame(
        {
            "ward_code": codes,
            "ward_name": wards["ward_name"].to_numpy(),
            "before": b,
            "after": a,
            "change": change,
            "pct_change": np.round(pct, 1),
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
    from scipy.stats import binomtest  # slow to import: only when testing

    n = a + b
    if n == 0:
        return 1.0
    return float(binomtest(a, n, t_a / (t_a + t_b)).pvalue)


def _add_rates(table, population, per_month, t_b, t_a, caveats) -> pd.DataFrame:
    if population is None:
        return table
    pop = population.groupby("ward_code")["population"].sum()
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
    scale_b = t_b if per_month else 1
    scale_a = t_a if per_month else 1
    with np.errstate(divide="ignore", invalid="ignore"):
        table["before_rate"] = (
            table["before"] / scale_b / table["population"] * 1000
        ).round(2)
        table["after_rate"] = (
            table["after"] / scale_a / table["population"] * 1000
        ).round(2)
    lacking = table.loc[~known, "ward_name"].tolist()
    if lacking:
        caveats.append(f"No population for: {', '.join(lacking)} (rates left empty).")
    extra = sorted(set(pop.index) - set(table["ward_code"]))
    if extra:
        caveats.append(
            f"{len(extra)} population code(s) are not wards of this boundary set "
            f"and were ignored (e.g. {extra[0]})."
        )
    unit = "per 1,000 residents per month" if per_month else "per 1,000 residents"
    caveats.append(f"Rates are {unit}.")
    return table


def _unit(incidents: pd.DataFrame) -> str:
    types = set(incidents["crime_type"].astype(str).unique())
    if types == {ASB}:
        return "reports"
    return "incidents" if ASB in types else "offences"


def _caveats(incidents, before, after, missing, per_month, t_b, t_a) -> list[str]:
    out = []
    if ASB in set(incidents["crime_type"].astype(str).unique()):
        out.append(
            "ASB figures count reports, not incidents: one incident can be reported "
            "many times, and reporting rises and falls with publicity and confidence."
        )
    for label, months in missing.items():
        if months:
            period = before if label == "before" else after
            out.append(
                f"WARNING: the {label} period {period.label} has no data for "
                f"{', '.join(months)}; figures are compared per month of data, not "
                "like for like."
            )
    if per_month and not (missing["before"] or missing["after"]):
        out.append(
            f"The periods differ in length ({t_b} and {t_a} months): changes are "
            "per month."
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


def _by_type(b_rows, a_rows, t_b, t_a, per_month) -> pd.DataFrame:
    b = b_rows["crime_type"].astype(str).value_counts()
    a = a_rows["crime_type"].astype(str).value_counts()
    types = sorted(set(b.index) | set(a.index))
    rows = []
    for t in types:
        bn, an = int(b.get(t, 0)), int(a.get(t, 0))
        unit = "reports" if t == ASB else "offences"
        bv, av = (bn / t_b, an / t_a) if per_month else (bn, an)
        label = t if not per_month else f"{t} (per month)"
        rows.append(
            {
                "crime_type": t,
                "before": bn,
                "after": an,
                "change": an - bn,
                "pct_change": round((av - bv) / bv * 100, 1) if bv else np.nan,
                "sentence": change_sentence(label, bv, av, unit),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["crime_type", "before", "after", "change", "pct_change", "sentence"],
    )


def _aligned(b_rows, a_rows, before: Period, after: Period, step: int) -> pd.DataFrame:
    """Count per month (step 1) or quarter (step 3), aligned by position."""
    n = min(before.n_months, after.n_months) // step
    bm, am = before.months, after.months
    bc = b_rows["month"].value_counts()
    ac = a_rows["month"].value_counts()
    rows = []
    for i in range(n):
        b_months = bm[i * step : (i + 1) * step]
        a_months = am[i * step : (i + 1) * step]
        rows.append(
            {
                "position": i + 1,
                "before_month": b_months[0]
                if step == 1
                else f"{b_months[0]}:{b_months[-1]}",
                "before": int(sum(bc.get(m, 0) for m in b_months)),
                "after_month": a_months[0]
                if step == 1
                else f"{a_months[0]}:{a_months[-1]}",
                "after": int(sum(ac.get(m, 0) for m in a_months)),
            }
        )
    return pd.DataFrame(
        rows, columns=["position", "before_month", "before", "after_month", "after"]
    )


def _headlines(
    table, b_rows, a_rows, before, after, unit, monthly, quarterly
) -> list[str]:
    what = (
        "ASB"
        if unit == "reports"
        else "Recorded crime"
        if unit == "offences"
        else "Incidents"
    )
    out = [
        change_sentence(
            f"{what}, {before.label} to {after.label}", len(b_rows), len(a_rows), unit
        )
    ]
    fell = int((table["after"] < table["before"]).sum())
    rose = int((table["after"] > table["before"]).sum())
    sig_fell = int((table["significant"] & (table["z"] < 0)).sum())
    sig_rose = int((table["significant"] & (table["z"] > 0)).sum())
    if sig_fell or sig_rose:
        noise = (
            f"the change is more than chance (5% false discovery rate) in {sig_fell} "
            f"that fell and {sig_rose} that rose"
        )
    else:
        noise = "in no ward is the change more than chance (5% false discovery rate)"
    out.append(
        f"{what} fell in {fell} of {len(table)} wards and rose in {rose}; {noise}."
    )
    for frame, name in ((quarterly, "quarters"), (monthly, "months")):
        if len(frame):
            down = int((frame["after"] < frame["before"]).sum())
            out.append(
                f"{down} of {len(frame)} {name} fell compared with the same "
                f"{name[:-1]} of {before.label}."
            )
    out.append(
        f"Average per day: {len(b_rows) / before.n_days:.1f} {unit} in {before.label}, "
        f"{len(a_rows) / after.n_days:.1f} in {after.label}."
    )
    return out
