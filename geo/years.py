"""Ward by ward across several years: counts, a trend test, committee sentences.

Years are financial (April to March) by default, or calendar years. Every year
counts the same calendar months: a month with no data in any of the years is
left out of all of them (like-for-like across years), and the months counted are
named.

**Trend test.** For each ward, the yearly counts y_t (t = 0 .. T-1) are taken
with a log-linear trend, log E[y_t] = a + b t (regression on year). The test of
b = 0 is the score test: U = sum (t - t_mean) y_t, with Var U = V(y_mean) *
sum (t - t_mean)^2 under no trend. Year-to-year counts of crime vary more than
Poisson, and the more so the larger the count (a town centre's count swings by a
share of itself, not by its square root), so the variance is negative-binomial
(NB2): V(m) = m + alpha m^2. alpha is estimated across the wards by the moment
method of Breslow (1984): the value that makes the Pearson chi-square of the
wards' fitted log-linear trends equal its residual degrees of freedom (wards
with a zero year are left out; 0 when the counts vary no more than Poisson).
Because alpha is estimated, the score is referred to Student's t with those
degrees of freedom. p-values are two-sided and corrected across wards with
Benjamini-Hochberg; a ward's trend is ``rising`` or ``falling`` when its
corrected p is under 5%, else ``no clear trend``. With two years there is no
trend to test (``needs 3+ years``).

Calibration (tests/geo/test_years.py): flat wards drawn from a negative binomial
(k = 30, means 30-2,000): 20 wards x 5 years flag a ward in at most 5% of sets;
300 flat wards over 5 years flag at most 3. A single over-dispersion factor
(quasi-Poisson), used before, flagged 29% of such sets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._stats import benjamini_hochberg
from geo.change import residents_by_ward
from geo.errors import GeoInputError
from geo.periods import Period, gaps_said, month_name, months_held, parse_period
from geo.settings import ASB
from geo.words import REPORTS_CAVEAT, Note, count_unit, subject

__all__ = ["Years", "held_years", "whole_years", "year_periods", "years_change"]


@dataclass(frozen=True, kw_only=True)
class Years:
    """Counts per ward and year on one basis, trends, and sentences.

    Attributes
    ----------
    table : DataFrame
        ``ward_code, ward_name``, one count column per year (named as the year
        is written: ``2019/20`` or ``2019``), ``trend``, ``p_value``,
        ``p_adjusted``; with a population, ``rate <year>`` columns (per 1,000
        residents) follow.
    totals : DataFrame
        ``year, count, change, pct_change`` for all wards together; change
        against the year before.
    years : list of Period
    months : list of str
        The months of the year counted (calendar positions with data in every
        year), as ``MM``.
    headlines : list of str
    caveats : list of str
    dispersion : float
        alpha of the trend test's variance, m + alpha m² for a ward averaging
        m a year (0: no more than Poisson).
    """

    table: pd.DataFrame
    totals: pd.DataFrame
    years: list[Period]
    months: list[str]
    headlines: list[str]
    caveats: list[str] = field(default_factory=list)
    dispersion: float = 0.0
    alpha: float = 0.05
    """The false discovery rate of ``trend`` (said in every sentence about it)."""

    @property
    def labels(self) -> list[str]:
        """The years as written (the count columns)."""
        return [y.label for y in self.years]


def year_periods(first: str, last: str, *, calendar: bool = False) -> list[Period]:
    """List the years from ``first`` to ``last``, both included.

    Examples
    --------
    >>> [p.label for p in year_periods("2019/20", "2021/22")]
    ['2019/20', '2020/21', '2021/22']
    >>> [p.label for p in year_periods("2020", "2022", calendar=True)]
    ['2020', '2021', '2022']
    """
    kind = "calendar" if calendar else "financial"
    start, end = _year_of(first, calendar), _year_of(last, calendar)
    if end < start:
        msg = (
            f"`last` {last!r} is before `first` {first!r}; give the earlier year first."
        )
        raise GeoInputError(msg, argument="last")
    if end - start > 19:
        msg = f"{end - start + 1} {kind} years is more than 20; choose a shorter span."
        raise GeoInputError(msg)
    return [parse_period(_label(y, calendar)) for y in range(start, end + 1)]


def whole_years(months: list[str], *, calendar: bool = False) -> list[Period]:
    """List the whole years between the data's first and last month, in order.

    Financial years (April to March) by default, or calendar years.

    Examples
    --------
    >>> [p.label for p in whole_years(["2019-12", "2022-10"])]
    ['2020/21', '2021/22']
    >>> [p.label for p in whole_years(["2019-12", "2022-10"], calendar=True)]
    ['2020', '2021']
    """
    if not months:
        return []
    first, last = min(months), max(months)
    years = [
        parse_period(_label(y, calendar))
        for y in range(int(first[:4]) - 1, int(last[:4]) + 1)
    ]
    return [p for p in years if p.start >= first and p.end <= last]


def held_years(months: list[str], *, calendar: bool = False) -> list[Period]:
    """List every year holding at least one month of ``months``, in order.

    Part years included: :func:`years_change` compares them on the months
    held in every year chosen (like-for-like).

    Examples
    --------
    >>> [p.label for p in held_years(["2019-12", "2020-05", "2022-10"])]
    ['2019/20', '2020/21', '2022/23']
    """
    have = set(months)
    if not have:
        return []
    first, last = min(have), max(have)
    years = [
        parse_period(_label(y, calendar))
        for y in range(int(first[:4]) - 1, int(last[:4]) + 1)
    ]
    return [p for p in years if any(m in have for m in p.months)]


def _label(year: int, calendar: bool) -> str:
    return str(year) if calendar else f"{year}/{(year + 1) % 100:02d}"


def _year_of(text: str, calendar: bool) -> int:
    text = str(text).strip()
    if calendar:
        if text.isdigit() and len(text) == 4:
            return int(text)
        msg = (
            f"{text!r} is not a calendar year; with `calendar` years are written "
            "2019, 2020 ..."
        )
        raise GeoInputError(msg, argument="calendar")
    if text.isdigit() and len(text) == 4:
        msg = (
            f"{text!r} is a calendar year; add `calendar`, or write the financial "
            f"year as {text}/{(int(text) + 1) % 100:02d}."
        )
        raise GeoInputError(msg)
    period = parse_period(text)
    if not (period.start.endswith("-04") and period.n_months == 12):
        msg = f"{text!r} is not a financial year; write it as 2019/20."
        raise GeoInputError(msg)
    return int(period.start[:4])


MIN_TREND_YEARS = 3
"""Fewest years a trend is tested on: two years give a change, and their
year-to-year variation cannot be estimated (an assumed Poisson variance called
114 of 300 flat over-dispersed wards rising or falling)."""

TOO_FEW_YEARS = "needs 3+ years"
"""The ``trend`` of every ward when fewer than :data:`MIN_TREND_YEARS` years."""


def years_change(
    incidents: pd.DataFrame,
    wards: gpd.GeoDataFrame,
    years: list[Period],
    *,
    months_with_data: list[str] | pd.Series | None = None,
    population: pd.DataFrame | None = None,
    alpha: float = 0.05,
) -> Years:
    """Count each ward's incidents per year on like-for-like months, and test trends.

    Parameters
    ----------
    incidents : DataFrame
        Incidents tagged with ``ward_code`` (of ``wards``), with ``month`` and
        ``crime_type``.
    wards : GeoDataFrame
        The boundary set (every ward appears, zeros where none).
    years : list of Period
        Whole years of 12 months (:func:`year_periods`), at least two.
    months_with_data : list of str, optional
        Months present in the source data (all types); defaults to the months
        of ``incidents``.
    population : DataFrame, optional
        ``ward_code, population``: adds rates per 1,000 residents.
    alpha : float
        False discovery rate for a trend.

    Returns
    -------
    Years

    Raises
    ------
    GeoInputError
        Fewer than two years, a year with no data, no calendar month held in
        every year, or incidents not tagged with wards.
    """
    if len(years) < 2:
        msg = (
            "a comparison across years needs at least two years; widen `first`/`last`."
        )
        raise GeoInputError(msg)
    if "ward_code" not in incidents.columns:
        msg = "`incidents` carry no ward_code; load them with a boundary file."
        raise GeoInputError(msg)
    have = set(months_held(incidents, months_with_data))
    for y in years:
        if not any(m in have for m in y.months):
            msg = (
                f"the year {y.label} has no data at all; choose years the data covers."
            )
            raise GeoInputError(msg)
    positions = [i for i in range(12) if all(y.months[i] in have for y in years)]
    if not positions:
        msg = (
            "no calendar month has data in every one of the years "
            f"{years[0].label} to {years[-1].label}; choose fewer years."
        )
        raise GeoInputError(msg)
    counts = _counts(incidents, wards, years, positions)
    dispersion, df = _dispersion(counts)
    z = _score_z(counts, dispersion)
    p = _two_sided_p(z, df)
    p_adj = benjamini_hochberg(p)
    trend = np.where(
        p_adj < alpha, np.where(z > 0, "rising", "falling"), "no clear trend"
    )
    if len(years) < MIN_TREND_YEARS:  # a change, not a trend: say nothing of one
        trend = np.full(len(z), TOO_FEW_YEARS, dtype=object)
        p = p_adj = np.full(len(z), np.nan)
    labels = [y.label for y in years]
    table = pd.DataFrame(
        {
            "ward_code": wards["ward_code"].to_numpy(),
            "ward_name": wards["ward_name"].to_numpy(),
        }
    )
    for k, label in enumerate(labels):
        table[label] = counts[:, k]
    table["trend"] = trend
    table["p_value"] = p
    table["p_adjusted"] = p_adj
    caveats = _caveats(incidents, years, positions, have, dispersion, counts)
    if population is not None:
        table = _rates(table, population, labels, caveats)
    totals = _totals(counts.sum(axis=0), labels)
    unit = count_unit(incidents)
    headlines = _headlines(table, totals, years, positions, unit)
    return Years(
        table=table,
        totals=totals,
        years=list(years),
        months=[years[0].months[i][5:] for i in positions],
        headlines=headlines,
        caveats=caveats,
        dispersion=dispersion,
        alpha=alpha,
    )


def _counts(incidents, wards, years, positions) -> np.ndarray:
    codes = wards["ward_code"].to_numpy()
    out = np.zeros((codes.size, len(years)), dtype=np.int64)
    for k, y in enumerate(years):
        months = [y.months[i] for i in positions]
        rows = incidents.loc[incidents["month"].isin(months)]
        out[:, k] = rows["ward_code"].value_counts().reindex(codes, fill_value=0)
    return out


def _centred(t: int) -> np.ndarray:
    c = np.arange(t, dtype=float)
    return c - c.mean()


def _dispersion(counts: np.ndarray) -> tuple[float, int]:
    """Estimate NB2's alpha of yearly counts, and its degrees of freedom.

    Breslow's (1984) moment estimator: the alpha >= 0 at which the Pearson
    chi-square of the wards' log-linear trend fits, with variance
    mu + alpha mu², equals its degrees of freedom, wards x (years - 2) (wards
    with a zero year are left out: no finite fit). Found by bisection (the
    chi-square falls as alpha grows).
    """
    t = counts.shape[1]
    if t < 3:
        return 0.0, 0
    y = counts[(counts > 0).all(axis=1)].astype(float)
    if y.size == 0:
        return 0.0, 0
    c = _centred(t)
    a = np.log(y.mean(axis=1))
    b = np.zeros(len(y))
    for _ in range(50):  # Newton's method on the Poisson log-likelihood
        mu = np.exp(a[:, None] + b[:, None] * c[None, :])
        g0, g1 = (y - mu).sum(1), ((y - mu) * c).sum(1)
        h00, h01, h11 = mu.sum(1), (mu * c).sum(1), (mu * c * c).sum(1)
        det = h00 * h11 - h01**2
        a += (h11 * g0 - h01 * g1) / det
        b += (h00 * g1 - h01 * g0) / det
    mu = np.exp(a[:, None] + b[:, None] * c[None, :])
    df = len(y) * (t - 2)
    squares = (y - mu) ** 2

    def excess(alpha: float) -> float:
        return float((squares / (mu + alpha * mu**2)).sum()) - df

    if excess(0.0) <= 0:
        return 0.0, df
    lo, hi = 0.0, 1.0
    while excess(hi) > 0:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excess(mid) > 0 else (lo, mid)
    return (lo + hi) / 2, df


def _score_z(counts: np.ndarray, dispersion: float) -> np.ndarray:
    """Score statistic of a log-linear trend, standardised (0 for an empty ward).

    Var U = (m + alpha m²) sum c², m the ward's mean (its fit under no trend).
    """
    c = _centred(counts.shape[1])
    mean = counts.mean(axis=1)
    u = (counts * c).sum(axis=1)
    var = (mean + dispersion * mean**2) * (c**2).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mean > 0, u / np.sqrt(var), 0.0)


def _two_sided_p(z: np.ndarray, df: int) -> np.ndarray:
    """Two-sided p of ``z`` on Student's t with ``df`` (normal without any)."""
    if df <= 0:
        return np.array([math.erfc(abs(v) / math.sqrt(2)) for v in z])
    from scipy.special import stdtr  # scipy.stats takes a second to import

    return 2 * stdtr(df, -np.abs(np.asarray(z, dtype=float)))


def _rates(table, population, labels, caveats) -> pd.DataFrame:
    pop = residents_by_ward(population)
    if not table["ward_code"].isin(pop.index).any():
        msg = (
            "none of the population file's ward codes match the boundary set's; "
            "the file may be for another boundary vintage."
        )
        raise GeoInputError(msg)
    residents = table["ward_code"].map(pop).where(lambda n: n > 0)  # 0: no rate
    for label in labels:
        table[f"rate {label}"] = (table[label] / residents * 1000).round(2)
    caveats.append(
        "Rates are per 1,000 residents, every year on the same population figures."
    )
    return table


def _totals(total: np.ndarray, labels: list[str]) -> pd.DataFrame:
    change = np.r_[np.nan, np.diff(total)]
    prev = np.r_[np.nan, total[:-1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(prev > 0, np.round(100 * change / prev, 1), np.nan)
    return pd.DataFrame(
        {"year": labels, "count": total, "change": change, "pct_change": pct}
    )


def _caveats(incidents, years, positions, have, dispersion, counts) -> list[str]:
    out = []
    if ASB in set(incidents["crime_type"].astype(str).unique()):
        out.append(REPORTS_CAVEAT)
    left = [i for i in range(12) if i not in positions]
    if left:
        gaps = sorted(m for y in years for m in y.months if m not in have)
        names = ", ".join(month_name(years[0].months[i]) for i in left)
        out.append(
            Note(
                f"Like for like across years: {names} left out of every year: "
                f"{gaps_said(gaps, have)}.",
                "warning",
            )
        )
    if len(years) < MIN_TREND_YEARS:
        out.append(
            "A trend needs at least three years: with two, the table gives each "
            "ward's change only (Ward changes tests whether a change is more than "
            "chance)."
        )
    elif dispersion > 0:
        out.append(_variation_note(counts, dispersion))
    return out


def _variation_note(counts: np.ndarray, dispersion: float) -> str:
    """Say how much a typical ward's yearly count swings, against chance alone."""
    means = counts.mean(axis=1)
    m = float(np.median(means[means > 0]))
    swing = 100 * math.sqrt(m + dispersion * m * m) / m
    chance = 100 / math.sqrt(m)
    return (
        f"Counts vary more from year to year than chance alone would make them: "
        f"a ward with {m:,.0f} a year swings by about {swing:.0f}% either way "
        f"(chance alone: {chance:.0f}%). The trend test allows for it."
    )


def _basis(years: list[Period], positions: list[int]) -> str:
    if len(positions) == 12:
        return "12 months each"
    left = [month_name(years[0].months[i]) for i in range(12) if i not in positions]
    return f"{len(positions)} months each, without {', '.join(left)}"


def _moved(before: float, after: float, unit: str = "") -> str:
    """'fell by 3.3% (-434 reports)', 'rose by ...', or 'was unchanged'."""
    diff = after - before
    if diff == 0 or before == 0:
        return "was unchanged" if diff == 0 else f"rose from none to {after:,.0f}"
    word = "fell" if diff < 0 else "rose"
    n = f"{diff:+,.0f}" + (f" {unit}" if unit else "")
    return f"{word} by {abs(diff) / before * 100:.1f}% ({n})"


def _headlines(table, totals, years, positions, unit) -> list[str]:
    what = subject(unit)
    counts = totals["count"].to_numpy()
    sentence = (
        f"{what} {_moved(counts[-2], counts[-1], unit)} in {years[-1].label} on "
        f"{years[-2].label}"
    )
    if len(years) >= 3:
        sentence += (
            f", and {_moved(counts[-3], counts[-1])} over "
            f"the last two years (on {years[-3].label})"
        )
    out = [f"{sentence}; {_basis(years, positions)}."]
    if len(years) < MIN_TREND_YEARS:
        return out
    rising = int((table["trend"] == "rising").sum())
    falling = int((table["trend"] == "falling").sum())
    out.append(
        f"From {years[0].label} to {years[-1].label}: a trend more than chance in "
        f"{falling + rising} of {len(table)} wards ({falling} falling, {rising} "
        "rising); elsewhere no clear trend."
    )
    return out
