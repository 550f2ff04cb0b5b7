"""The printable patrol pack: a static map and a table of the top hotspots (HTML)."""

from __future__ import annotations

import datetime as dt
from html import escape

import geopandas as gpd

from app.figures import hotspot_map_png
from app.html_doc import DOCUMENT_CSS, banner_html, img_html, list_html
from app.html_tables import hotspot_rows, html_table


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
<title>{escape(title)}</title><style>{DOCUMENT_CSS}</style></head>
<body><main>
<h1>{escape(title)}</h1>
<div class="meta">{escape(subtitle)} &middot; produced {escape(made)}</div>
{banner_html(synthetic_label)}
<h2>Map: top {min(top, len(table))} of {len(table)} hotspots</h2>
{img_html(png, "Map of the top hotspots, numbered by rank")}
<h2>Hotspots, ranked by {escape(unit)}</h2>
{html_table(frame)}
<h2>How these were found</h2>
{list_html(notes)}
</main></body></html>
"""
