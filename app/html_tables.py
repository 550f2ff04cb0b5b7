"""Plain HTML tables, every value escaped: for the packs, the report and the app.

Light on purpose (pandas only): the hotspot page draws its ranked table with this,
so a first visit does not wait for a grid component's JavaScript.
"""

from __future__ import annotations

from html import escape

import pandas as pd

__all__ = ["hotspot_rows", "html_table", "number_text", "ranked_hotspots_html"]

HOTSPOT_HEADINGS = {
    "rank": "Rank",
    "incidents": "Incidents",
    "locations": "Map points",
    "area_m2": "Area (m²)",
    "pai_next": "PAI next period",
    "wards": "Wards",
    "top_types": "Types",
    "streets": "Main streets",
    "places": "Places (police.uk's kind of place)",
}
"""Hotspot table columns as people read them (``incidents`` takes the data's unit),
the short figures first and the long lists of names last."""

RANKED_CSS = """
.ranked{max-height:420px;overflow:auto;border:1px solid #ddd;border-radius:4px}
.ranked table{border-collapse:collapse;font-size:13px;width:100%}
.ranked th,.ranked td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;
vertical-align:top;white-space:nowrap}
.ranked th{position:sticky;top:0;background:#f0f2f6;z-index:1}
.ranked td.num{text-align:right}
"""


def number_text(value: float) -> str:
    """A number as a reader wants it: 3,273 not 3,273.00; -26.8 not -26.80."""
    if pd.isna(value):
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _cell(value, kind: str = "", label: str = "") -> str:
    # data-label: the heading, for tables shown as stacked cards on phones
    at = f' data-label="{escape(label, quote=True)}"' if label else ""
    if isinstance(value, bool):
        return f"<td{at}>{'yes' if value else 'no'}</td>"
    if isinstance(value, (int, float)) and kind and not pd.isna(value):
        if kind == "pct":  # one decimal always: -37.0 beside -26.8
            return f'<td class="num"{at}>{value:+.1f}</td>'
        text = number_text(value)
        return f'<td class="num"{at}>{"+" if value > 0 else ""}{text}</td>'
    if isinstance(value, float):
        return f'<td class="num"{at}>{number_text(value)}</td>'
    if isinstance(value, int):
        return f'<td class="num"{at}>{value:,}</td>'
    return f"<td{at}>{escape(str(value))}</td>"


def _kind(heading) -> str:
    """How a column's numbers are written: percentages and changes signed."""
    text = str(heading)
    if "(%)" in text:
        return "pct"
    return "change" if text.startswith("Change") else ""


def html_table(frame: pd.DataFrame, *, cards: bool = False) -> str:
    """A plain HTML table with every value escaped.

    Numbers under a heading with "(%)" are written signed with one decimal,
    under one starting "Change" signed: every table rounds alike. With
    ``cards``, each cell carries its heading (``data-label``) and the table
    the class ``cards``, for styles that stack each row as a card on a phone.
    """
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    kinds = [_kind(c) for c in frame.columns]
    labels = [str(c) if cards else "" for c in frame.columns]
    rows = "".join(
        "<tr>"
        + "".join(
            _cell(v.item() if hasattr(v, "item") else v, k, lab)
            for v, k, lab in zip(row, kinds, labels, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    if cards:
        return (
            f'<table class="cards"><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def hotspot_rows(table: pd.DataFrame, unit: str = "incidents") -> pd.DataFrame:
    """The hotspot table's columns people read, headed plainly, area in whole m².

    ``unit`` names what is counted ("incidents", or "reports" for ASB).
    """
    cols = [c for c in HOTSPOT_HEADINGS if c in table.columns]
    for empty in ("places", "wards"):  # none named (no place; no boundaries)
        if empty in cols and not table[empty].fillna("").astype(bool).any():
            cols.remove(empty)
    frame = pd.DataFrame(table[cols])
    if "area_m2" in frame:
        frame["area_m2"] = frame["area_m2"].round().astype(int)
    headings = {**HOTSPOT_HEADINGS, "incidents": unit.capitalize()}
    return frame.rename(columns=headings)


def ranked_hotspots_html(
    table: pd.DataFrame, unit: str = "incidents", limit: int = 200
) -> str:
    """The app's ranked hotspot list: a scrolling table of the top ``limit``.

    When there are more, a line under it says how many are shown and that the
    downloads hold them all.
    """
    shown = table.sort_values("rank").head(limit)
    note = (
        f"<p>Top {limit:,} of {len(table):,} hotspots shown; "
        "the CSV and GeoJSON downloads hold them all.</p>"
        if len(table) > limit
        else ""
    )
    if shown.empty:
        body = "<p>No hotspots in this period.</p>"
    else:
        body = (
            '<div class="ranked" tabindex="0" role="region" aria-label="Ranked '
            "hotspots: the map's hotspots in words\">"
            f"{html_table(hotspot_rows(shown, unit))}</div>"
        )
    return f"<style>{RANKED_CSS}</style>{body}{note}"
