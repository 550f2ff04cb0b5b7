"""The data-quality report of a load: every row read is kept or dropped by reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from geo.settings import MAX_FIELD_CHARS

__all__ = ["QualityReport", "is_synthetic"]


def is_synthetic(forces) -> bool:
    """Whether data is the synthetic demo: its police force's name says so.

    Examples
    --------
    >>> is_synthetic(["Sandbay Constabulary (synthetic)"]), is_synthetic(["Lancashire"])
    (True, False)
    """
    return any("(synthetic)" in str(f) for f in forces)


@dataclass(kw_only=True)
class QualityReport:
    """Counts of one load. ``read == kept + sum(dropped.values())`` always holds.

    Attributes
    ----------
    read : int
        Data rows read from every input file (headers excluded).
    kept : int
        Rows that reached the result.
    dropped : Counter
        Rows left out, by reason (e.g. ``"no coordinates"``).
    files : list of str
        Files read, in order.
    skipped_files : dict
        Files passed over (not incident tables), with the reason.
    months : list of str
        Months present in the kept rows, sorted.
    missing_months : list of str
        Months of the requested period with no rows at all.
    notes : list of str
        Other facts worth stating (repaired boundaries, nearest-ward assignments).
    nearest_ward : int
        Kept rows that fell just outside every ward and were given the nearest one.
    forces : list of str
        Police forces named in the data ("Reported by").
    months_in_data : list of str
        Months with any row in the files read, before filtering by type or period.
    elsewhere : int
        Rows the workspace holds outside the boundary set's area: not read
        (a national workspace's other forces), so not dropped either.
    cut_fields : int
        Text fields longer than :data:`geo.settings.MAX_FIELD_CHARS` (far longer
        than any police.uk field) cut to that length; their rows are kept.
    """

    read: int = 0
    kept: int = 0
    dropped: Counter = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)
    skipped_files: dict[str, str] = field(default_factory=dict)
    months: list[str] = field(default_factory=list)
    missing_months: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    nearest_ward: int = 0
    forces: list[str] = field(default_factory=list)
    months_in_data: list[str] = field(default_factory=list)
    cut_fields: int = 0
    elsewhere: int = 0

    def drop(self, reason: str, n: int) -> None:
        """Count ``n`` rows dropped for ``reason`` (zero is ignored)."""
        if n:
            self.dropped[reason] += int(n)

    @property
    def balanced(self) -> bool:
        """Whether read = kept + dropped."""
        return self.read == self.kept + sum(self.dropped.values())

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready data (the ``--quality`` file)."""
        return {
            "synthetic": self.synthetic,
            "read": self.read,
            "kept": self.kept,
            "dropped": dict(sorted(self.dropped.items())),
            "nearest_ward": self.nearest_ward,
            "cut_fields": self.cut_fields,
            "elsewhere": self.elsewhere,
            "files": list(self.files),
            "skipped_files": dict(self.skipped_files),
            "months": list(self.months),
            "missing_months": list(self.missing_months),
            "notes": list(self.notes),
            "forces": list(self.forces),
        }

    @property
    def synthetic(self) -> bool:
        """Whether the data is the synthetic demo (its force says so)."""
        return is_synthetic(self.forces)

    def summary(self) -> str:
        """Short human-readable lines for a terminal or a page."""
        lines = [
            f"rows read: {self.read:,}",
            f"rows kept: {self.kept:,}",
        ]
        lines += [f"  dropped, {k}: {v:,}" for k, v in sorted(self.dropped.items())]
        if self.nearest_ward:
            lines.append(
                f"  kept, given the nearest ward (just outside the boundaries): "
                f"{self.nearest_ward:,}"
            )
        if self.cut_fields:
            lines.append(
                f"  kept, with a text field cut to {MAX_FIELD_CHARS:,} characters "
                f"(longer than any police.uk field): {self.cut_fields:,}"
            )
        if self.elsewhere:
            lines.append(
                f"rows held elsewhere (outside the boundary set's area, not read): "
                f"{self.elsewhere:,}"
            )
        if self.missing_months:
            lines.append(f"months with no data: {', '.join(self.missing_months)}")
        lines += [f"skipped {name}: {why}" for name, why in self.skipped_files.items()]
        lines += self.notes
        return "\n".join(lines)
