"""Analysis periods made of whole months (police.uk dates are months only).

Accepted forms, as community safety reports use them:

=====================  ===========================================
``2022``               calendar year, Jan-Dec 2022
``2022/23``            financial year, Apr 2022 - Mar 2023
``2022/23-Q1``         financial quarter, Apr-Jun 2022 (Q4 = Jan-Mar 2023)
``2022-Q1``            calendar quarter, Jan-Mar 2022
``2022-03``            one month
``2021-01:2021-10``    a range of months, both ends included
=====================  ===========================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo.errors import GeoInputError

__all__ = [
    "HELD_MONTHS",
    "Period",
    "gaps_said",
    "missing_months",
    "month_name",
    "month_words",
    "months_held",
    "parse_month",
    "parse_period",
    "require_separate",
]

_FORMS = "2022, 2022/23, 2022/23-Q1, 2022-Q1, 2022-03 or 2021-01:2021-10"
_MONTH = r"(\d{4})-(0[1-9]|1[0-2])"


@dataclass(frozen=True, kw_only=True)
class Period:
    """A run of whole months, both ends included.

    Attributes
    ----------
    start, end : str
        First and last month as ``"YYYY-MM"``.
    label : str
        The text the period was parsed from.
    """

    start: str
    end: str
    label: str

    @property
    def months(self) -> list[str]:
        """Every month of the period as ``"YYYY-MM"``, in order."""
        span = pd.period_range(self.start, self.end, freq="M")
        return [str(p) for p in span]

    @property
    def n_months(self) -> int:
        """Number of months in the period."""
        return len(self.months)

    @property
    def n_days(self) -> int:
        """Number of days in the period."""
        first = pd.Period(self.start, freq="M").start_time
        last = pd.Period(self.end, freq="M").end_time
        return (last.normalize() - first).days + 1

    def contains(self, months: pd.Series) -> pd.Series:
        """Boolean Series: which ``"YYYY-MM"`` months fall in the period."""
        return (months >= self.start) & (months <= self.end)

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one month."""
        return self.start <= other.end and other.start <= self.end

    def shifted(self, steps: int) -> Period:
        """Return the period of the same length ``steps`` lengths later (or earlier).

        Its label is written as a person would: a financial or calendar year
        as one, a single month as ``YYYY-MM``, otherwise first:last.

        Examples
        --------
        >>> parse_period("2022-Q1").shifted(1).label
        '2022-04:2022-06'
        >>> [parse_period(p).shifted(-1).label for p in ("2021/22", "2022")]
        ['2020/21', '2021']
        >>> parse_period("2022-02").shifted(-1).label
        '2022-01'
        """
        move = steps * self.n_months
        start = pd.Period(self.start, freq="M") + move
        end = pd.Period(self.end, freq="M") + move
        return Period(start=str(start), end=str(end), label=_written(start, end))

    @property
    def words(self) -> str:
        """The period as a reader writes it (no ``YYYY-MM`` codes).

        Examples
        --------
        >>> [parse_period(p).words for p in ("2021/22", "2022", "2022-03")]
        ['2021/22', '2022', 'March 2022']
        >>> [parse_period(p).words for p in ("2022-Q2", "2021-11:2022-01")]
        ['April to June 2022', 'November 2021 to January 2022']
        """
        if self.label == _written(pd.Period(self.start), pd.Period(self.end)) and (
            self.n_months == 12 and self.start[5:] in ("01", "04")
        ):
            return self.label
        if self.n_months == 1:
            return month_words(self.start)
        if self.start[:4] == self.end[:4]:
            return f"{month_name(self.start)} to {month_words(self.end)}"
        return f"{month_words(self.start)} to {month_words(self.end)}"

    def __str__(self) -> str:
        return self.label


def _written(start: pd.Period, end: pd.Period) -> str:
    """Write a run of months as a person would (see :meth:`Period.shifted`)."""
    if start == end:
        return str(start)
    year = (end - start).n == 11
    if year and start.month == 4:
        return f"{start.year}/{(start.year + 1) % 100:02d}"
    if year and start.month == 1:
        return str(start.year)
    return f"{start}:{end}"


def parse_period(text: str) -> Period:
    """Parse a period such as ``2022/23`` into whole months.

    Parameters
    ----------
    text : str
        One of the forms in this module's docstring.

    Returns
    -------
    Period

    Raises
    ------
    GeoInputError
        When the text is none of the accepted forms.

    Examples
    --------
    >>> p = parse_period("2022/23-Q4")
    >>> (p.start, p.end, p.n_months)
    ('2023-01', '2023-03', 3)
    >>> parse_period("2021-01:2021-10").n_months
    10
    """
    label = str(text).strip()
    start, end = _parse_bounds(label)
    if start > end:
        msg = f"period {label!r} ends before it starts; write the earlier month first."
        raise GeoInputError(msg)
    return Period(start=start, end=end, label=label)


def _parse_bounds(label: str) -> tuple[str, str]:
    if m := re.fullmatch(r"(\d{4})", label):
        year = int(m[1])
        return f"{year}-01", f"{year}-12"
    if m := re.fullmatch(r"(\d{4})/(\d{2}|\d{4})(?:-Q([1-4]))?", label):
        year = _financial_year(label, int(m[1]), m[2])
        if m[3] is None:
            return f"{year}-04", f"{year + 1}-03"
        first = pd.Period(f"{year}-04", freq="M") + 3 * (int(m[3]) - 1)
        return str(first), str(first + 2)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        first = pd.Period(f"{m[1]}-01", freq="M") + 3 * (int(m[2]) - 1)
        return str(first), str(first + 2)
    if re.fullmatch(_MONTH, label):
        return label, label
    if m := re.fullmatch(rf"({_MONTH})\s*:\s*({_MONTH})", label):
        return m[1], m[4]
    msg = f"period {label!r} is not understood; write it as one of {_FORMS}."
    raise GeoInputError(msg)


def _financial_year(label: str, year: int, second: str) -> int:
    expected = year + 1
    if int(second) not in (expected % 100, expected):
        msg = (
            f"period {label!r}: a financial year runs into the next year, "
            f"so write {year}/{expected % 100:02d}."
        )
        raise GeoInputError(msg)
    return year


def missing_months(period: Period, present: Iterable[str]) -> list[str]:
    """Months of ``period`` that have no data.

    Examples
    --------
    >>> missing_months(parse_period("2020-Q2"), ["2020-04", "2020-05"])
    ['2020-06']
    """
    have = set(present)
    return [m for m in period.months if m not in have]


HELD_MONTHS = "months_with_data"
"""Key of ``incidents.attrs`` where the loaders record the months the source
holds (every type read, before any is chosen)."""


def months_held(
    incidents: pd.DataFrame, months_with_data: Iterable[str] | None = None
) -> list[str]:
    """Months the source holds: as given, else as the loader recorded, else seen.

    A month with none of the chosen types is still held when the source has
    other rows for it (a rare type's quiet month is not a gap in police.uk).
    The loaders (:func:`geo.load.load_incidents`, the workspace) record the
    months of every row read in ``incidents.attrs``; a frame built by hand
    falls back to its own months.

    Examples
    --------
    >>> frame = pd.DataFrame({"month": ["2020-01", "2020-03"]})
    >>> months_held(frame)
    ['2020-01', '2020-03']
    >>> frame.attrs[HELD_MONTHS] = ["2020-01", "2020-02", "2020-03"]
    >>> months_held(frame)
    ['2020-01', '2020-02', '2020-03']
    >>> months_held(frame, ["2020-01"])
    ['2020-01']
    """
    if months_with_data is not None:
        return sorted(set(months_with_data))
    recorded = incidents.attrs.get(HELD_MONTHS)
    if recorded is not None:
        return sorted(set(recorded))
    return sorted(incidents["month"].unique().tolist())


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December")  # fmt: skip


def month_name(month: str) -> str:
    """Return the name of a ``YYYY-MM`` month.

    Examples
    --------
    >>> month_name("2020-06")
    'June'
    """
    return _MONTH_NAMES[int(month[5:7]) - 1]


def month_words(month: str, *, short: bool = False) -> str:
    """Write a ``YYYY-MM`` month as a reader does: "June 2020" (or "Jun 2020").

    Examples
    --------
    >>> month_words("2020-06"), month_words("2020-06", short=True)
    ('June 2020', 'Jun 2020')
    """
    name = month_name(month)
    return f"{name[:3] if short else name} {month[:4]}"


def gaps_said(missing: Iterable[str], held: Iterable[str]) -> str:
    """Say why months have no data, blaming the right thing.

    A month between the first and last month held that has no data is one
    police.uk published nothing for; a month before or after everything held
    was never imported.

    Examples
    --------
    >>> held = ["2020-05", "2020-07", "2020-08"]
    >>> gaps_said(["2020-06"], held)
    'police.uk published no data for June 2020'
    >>> gaps_said(["2020-06", "2020-09", "2020-10"], held)
    'police.uk published no data for June 2020; the data held ends with August 2020 (September 2020 to October 2020 not imported)'
    """  # noqa: E501
    have = sorted(set(held))
    missing = sorted(set(missing))
    if not have:
        return "no months are held"
    inside = [m for m in missing if have[0] <= m <= have[-1]]
    early = [m for m in missing if m < have[0]]
    late = [m for m in missing if m > have[-1]]
    parts = []
    if inside:
        said = ", ".join(month_words(m) for m in inside)
        parts.append(f"police.uk published no data for {said}")
    if early:
        parts.append(
            f"the data held starts with {month_words(have[0])} "
            f"({_span_words(early)} not imported)"
        )
    if late:
        parts.append(
            f"the data held ends with {month_words(have[-1])} "
            f"({_span_words(late)} not imported)"
        )
    return "; ".join(parts)


def _span_words(months: list[str]) -> str:
    if len(months) == 1:
        return month_words(months[0])
    return f"{month_words(months[0])} to {month_words(months[-1])}"


def parse_month(text: str, *, role: str = "month") -> pd.Period:
    """Read one month written ``YYYY-MM`` (e.g. a go-live month).

    Raises
    ------
    GeoInputError
        Naming the ``role`` and the text, for anything else.

    Examples
    --------
    >>> parse_month("2022-10").end_time.date().isoformat()
    '2022-10-31'
    """
    text = str(text).strip()
    if not re.fullmatch(_MONTH, text):
        msg = f"{role} {text!r} is not a month; write it as YYYY-MM, e.g. 2022-10."
        raise GeoInputError(msg)
    return pd.Period(text, freq="M")


def require_separate(before: Period, after: Period) -> None:
    """Check a before/after pair: separate periods, the before one first.

    Raises
    ------
    GeoInputError
        When the periods share a month, or ``before`` starts after ``after``
        ends (``argument`` names the period to change).

    Examples
    --------
    >>> require_separate(parse_period("2021/22"), parse_period("2022/23"))
    >>> require_separate(parse_period("2022/23"), parse_period("2021/22"))
    Traceback (most recent call last):
    ...
    geo.errors.GeoInputError: the before period 2022/23 comes after the after \
period 2021/22; swap them.
    """
    if before.overlaps(after):
        msg = (
            f"periods {before.label} and {after.label} overlap; a before/after "
            "comparison needs two separate periods."
        )
        raise GeoInputError(msg, argument="after")
    if before.start > after.end:
        msg = (
            f"the before period {before.label} comes after the after period "
            f"{after.label}; swap them."
        )
        raise GeoInputError(msg, argument="before")
