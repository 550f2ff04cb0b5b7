"""Tables as people read them: plain column names, the basis said, no empty columns.

Shared by the committee report and the app, so both show the same figures under
the same headings. The figures themselves come from ``geo`` untouched.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.change import WardChange
from geo.periods import month_words, parse_period
from geo.years import Years

__all__ = [
    "by_type_table",
    "months_table",
    "p_phrase",
    "p_text",
    "quarters_table",
    "ward_table",
    "years_table",
    "years_totals_table",
]


def p_text(p: float) -> str:
    """A p-value as a committee reads it: 0.032, or <0.001; blank when none."""
    if p != p:  # no test (e.g. a trend over two years)
        return ""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _figure_text(value: float, *, signed: bool = False, pct: bool = False) -> str:
    """A month's figure as people read it; blank where a month is not compared."""
    if value is None or value != value:
        return ""
    if pct:
        return f"{value:+.1f}"
    text = f"{value:+,.0f}" if signed else f"{value:,.0f}"
    return text if float(value).is_integer() else f"{value:,.2f}"


def p_phrase(p: float) -> str:
    """A p-value in a sentence: 'p < 0.001' or 'p = 0.032'."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _per(change: WardChange) -> str:
    return " (per month)" if change.per_month else ""


def _sides(change: WardChange) -> dict[str, str]:
    per = _per(change)
    return {
        "before": f"{change.before.label}{per}",
        "after": f"{change.after.label}{per}",
        "change": f"Change{per}",
        "pct_change": "Change (%)",
    }


def by_type_table(change: WardChange) -> pd.DataFrame:
    """Each crime type: both periods, the change and its percentage."""
    return change.by_type.rename(
        columns={"crime_type": "Crime type", "sentence": "Summary", **_sides(change)}
    )


def ward_table(change: WardChange) -> pd.DataFrame:
    """Each ward: counts, change, rates (when a population was given) and the test."""
    frame = change.table.drop(columns=["p_value"])
    frame["p_adjusted"] = [p_text(p) for p in frame["p_adjusted"]]
    if frame["population"].isna().all():
        frame = frame.drop(columns=["before_rate", "after_rate", "population"])
    per = _per(change)
    names = {
        "ward_code": "Ward code",
        "ward_name": "Ward",
        **_sides(change),
        "before_rate": f"Rate per 1,000 ({change.before.label}){per}",
        "after_rate": f"Rate per 1,000 ({change.after.label}){per}",
        "z": "z-score",
        "significant": "More than chance",
        "p_adjusted": "Adjusted p",
        "population": "Population",
    }
    return frame.rename(columns=names)


def quarters_table(change: WardChange) -> pd.DataFrame:
    """Quarter by quarter; a quarter with a month not compared is marked *."""
    q = change.quarterly
    mark = np.where(q["complete"], "", "*")
    out = pd.DataFrame(
        {
            "Quarter": [f"Q{n}{m}" for n, m in zip(q["quarter"], mark, strict=True)],
            f"Months ({change.before.label})": [
                parse_period(m).words for m in q["before_months"]
            ],
            f"Months ({change.after.label})": [
                parse_period(m).words for m in q["after_months"]
            ],
            "Months compared": [f"{k} of 3" for k in q["months_compared"]],
        }
    )
    for col, name in _sides(change).items():
        out[name] = q[col].to_numpy()
    return out


def months_table(change: WardChange) -> pd.DataFrame:
    """Month by month, paired by position; months not compared say so."""
    m = change.monthly
    out = pd.DataFrame(
        {
            f"Month ({change.before.label})": [
                month_words(v, short=True) for v in m["before_month"]
            ],
            f"Month ({change.after.label})": [
                month_words(v, short=True) for v in m["after_month"]
            ],
        }
    )
    for col, name in _sides(change).items():
        if col in m.columns:
            out[name] = [
                _figure_text(v, signed=col == "change", pct=col == "pct_change")
                for v in m[col]
            ]
    out["Compared"] = np.where(m["compared"], "yes", "no: no data")
    return out


def years_table(result: Years) -> pd.DataFrame:
    """Each ward: its count each year, the trend and its corrected p-value."""
    frame = pd.DataFrame(
        {"Ward code": result.table["ward_code"], "Ward": result.table["ward_name"]}
    )
    for label in result.labels:
        frame[label] = result.table[label].to_numpy()
    frame["Trend"] = result.table["trend"].to_numpy()
    frame["Adjusted p"] = [p_text(p) for p in result.table["p_adjusted"]]
    rates = [c for c in result.table.columns if c.startswith("rate ")]
    for col in rates:
        frame[f"Rate per 1,000 ({col[5:]})"] = result.table[col].to_numpy()
    return frame


def years_totals_table(result: Years) -> pd.DataFrame:
    """All wards together: each year, and its change on the year before (blank
    for the first year, not "None")."""
    t = result.totals
    return pd.DataFrame(
        {
            "Year": t["year"],
            "Count": [_figure_text(v) for v in t["count"]],
            "Change on the year before": [
                _figure_text(v, signed=True) for v in t["change"]
            ],
            "Change (%)": [_figure_text(v, pct=True) for v in t["pct_change"]],
        }
    )
