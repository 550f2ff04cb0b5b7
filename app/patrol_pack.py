"""The printable patrol pack: a static map and a table of the top hotspots (HTML)."""

from __future__ import annotations

import base64
import datetime as dt
from html import escape

import geopandas as gpd

from app.figures import hotspot_map_png
from app.html_tables import hotspot_rows, html_table

CSS = """
body{font-family:system-ui,Segoe UI,Arial,sans-serif;margin:24px;color:#222}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:18px 0 6px}
.meta{color:#555;font-size:13px} .synthetic{background:#fff3cd;border:1px solid #e0a800;
padding:6px 10px;font-weight:bold;margin:8px 0}
table{border-collapse:collapse;font-size:12px;width:100%}
th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eee} td.num{text-align:right}
img{max-width:100%;height:auto;border:1px solid #ddd}
@media print{body{margin:10mm} .noprint{display:none} tr{page-break-inside:avoid}}
"""


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
    img = base64.b64encode(png).decode("ascii")
    frame = hotspot_rows(shown, unit)
    banner = (
        f'<div class="synthetic">{escape(synthetic_label)}</div>'
        if synthetic_label
        else ""
    )
    notes_html = "".join(f"<li>{escape(n)}</li>" for n in notes)
    made = dt.datetime.now().strftime("%d %B %Y %H:%M")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<div class="meta">{escape(subtitle)} &middot; produced {escape(made)}</div>
{banner}
<h2>Map: top {min(top, len(table))} of {len(table)} hotspots</h2>
<img alt="Map of the top hotspots, numbered by rank" src="data:image/png;base64,{img}">
<h2>Hotspots, ranked by {escape(unit)}</h2>
{html_table(frame)}
<h2>How these were found</h2>
<ul>{notes_html}</ul>
</body></html>
"""
