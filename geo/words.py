"""The words for what is counted, and notes that carry their level.

Every analysis names its counts with these (``reports`` for ASB, ``offences``
for crime, ``incidents`` for both), so a table, a sentence and a chart of the
same figures say the same word. A :class:`Note` is a sentence with a level, so
a front end styles a warning without reading the sentence.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from geo.settings import ASB

__all__ = [
    "REPORTS_CAVEAT",
    "Note",
    "count_unit",
    "subject",
    "types_unit",
]

REPORTS_CAVEAT = (
    "ASB figures count reports, not incidents: one incident can be reported many "
    "times, and reporting rises and falls with publicity and confidence."
)
"""Said wherever ASB counts are shown."""


def types_unit(types) -> str:
    """Name what counts of these crime types are called.

    ``reports`` for ASB only, ``offences`` without ASB, ``incidents`` for both.

    Examples
    --------
    >>> types_unit([ASB]), types_unit(["Burglary"]), types_unit([ASB, "Burglary"])
    ('reports', 'offences', 'incidents')
    """
    types = set(types)
    if types == {ASB}:
        return "reports"
    return "incidents" if ASB in types else "offences"


def count_unit(incidents: pd.DataFrame) -> str:
    """Name what the counts of ``incidents`` are (:func:`types_unit` of its types)."""
    # the distinct values first: a category column of a million rows made into
    # strings row by row took 0.28 s
    return types_unit(str(t) for t in incidents["crime_type"].unique())


def subject(unit: str) -> str:
    """Name the subject of a headline about ``unit``: ASB, Recorded crime ..."""
    return {"reports": "ASB", "offences": "Recorded crime"}.get(unit, "Incidents")


Level = Literal["info", "warning"]


class Note(str):
    """A sentence that qualifies a result, with its level (``info``, ``warning``).

    A string, so it prints, joins and escapes like the sentence it is; a front
    end styles it by :attr:`level`, never by reading the sentence.

    Examples
    --------
    >>> n = Note("Like for like: 3 month(s) left out.", "warning")
    >>> n.warning, n.startswith("Like")
    (True, True)
    """

    level: Level

    def __new__(cls, text: str, level: Level = "info") -> Note:  # noqa: D102
        if level not in ("info", "warning"):
            msg = f"`level` must be 'info' or 'warning', got {level!r}."
            raise ValueError(msg)
        note = super().__new__(cls, text)
        note.level = level
        return note

    @property
    def warning(self) -> bool:
        """Whether a front end should show it as a warning."""
        return self.level == "warning"
