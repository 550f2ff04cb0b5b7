"""The printable patrol pack: a static map and a table of the top hotspots (HTML)."""

from __future__ import annotations

import datetime as dt
from html import escape

import geopandas as gpd

from app.figures import hotspot_map_png
from app.html_doc import DOCUMENT_CSS, banner_html, img_html, list_html
from app.html_tables import hotspot_rows, html_table

PHONE_CSS = """
@media (max-width:600px){
body{margin:10px} table.cards thead{display:none}
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:auto}
table.cards tr{border:1px solid #bbb;margin:0 0 8px;padding:2px 0}
table.cards td{border:0;text-align:left;overflow-wrap:anywhere}
table.cards td::before{content:attr(data-label) ": ";font-weight:bold}
}
"""
"""On a phone the pack's table is a stack of cards: one per hotspot, each
figure under its heading, nothing wider than the screen."""


def patrol_pack_html(
    table: gpd.GeoDataFrame,
    *,
    title: str,
    subtitle: str,
    notes: list[str],
    wards: gpd.GeoDataFrame | None = None,
    top: int = 10,
    synthetic_label: str | None = None,
    unit: str = "incidents",
) -> str:
    """A self-contained, printable HTML page: header, map image, top-N table."""
    shown = table[table["rank"] <= top]
    png = hotspot_map_png(table, wards=wards, top=top)
    frame = hotspot_rows(shown, unit)
    made = dt.datetime.now().strftime("%d %B %Y %H:%M")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{DOCUMENT_CSS}{PHONE_CSS}</style></head>
<body><main>
<h1>{escape(title)}</h1>
<div class="meta">{escape(subtitle)} &middot; produced {escape(made)}</div>
{banner_html(synthetic_label)}
<h2>Map: top {min(top, len(table))} of {len(table)} hotspots</h2>
{img_html(png, "Map of the top hotspots, numbered by rank")}
<h2>Hotspots, ranked by {escape(unit)}</h2>
{html_table(frame, cards=True)}
<h2>How these were found</h2>
{list_html(notes)}
</main></body></html>
"""
