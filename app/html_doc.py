"""The parts of the tool's printable HTML documents: the committee report, the
CCTV brief and the patrol pack.

Each document is one self-contained file (styles inline, images embedded as
PNG, no scripts); every text taken from data is escaped here.
"""

from __future__ import annotations

import base64
from html import escape

import pandas as pd

from app.html_tables import html_table

__all__ = [
    "DOCUMENT_CSS",
    "REPORT_CSS",
    "banner_html",
    "img_html",
    "list_html",
    "section_html",
    "table_html",
]

DOCUMENT_CSS = """
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
"""Every document's styles (the patrol pack's own)."""

REPORT_CSS = (
    DOCUMENT_CSS
    + """
h2{border-bottom:2px solid #0072B2;padding-bottom:2px;margin-top:26px}
.headline{font-size:15px;margin:4px 0} .caveat{color:#555;font-size:12px}
.warning{background:#fde2e1;border:1px solid #d55e00;padding:6px 10px}
.basis{background:#eef4fa;border-left:4px solid #0072B2;padding:4px 8px}
section{page-break-inside:avoid}
"""
)
"""The committee report's and the CCTV brief's styles: sections, headlines."""


def img_html(png: bytes, alt: str) -> str:
    """An embedded PNG with its text alternative."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def list_html(lines: list[str], cls: str = "") -> str:
    """A bulleted list of sentences (escaped)."""
    items = "".join(f'<li class="{cls}">{escape(str(line))}</li>' for line in lines)
    return f"<ul>{items}</ul>"


def section_html(title: str, body: str, anchor: str) -> str:
    """A titled section (the title escaped, the body as given)."""
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def table_html(frame: pd.DataFrame, table_id: str) -> str:
    """A table with an id (cells escaped, numbers right-aligned)."""
    return html_table(frame).replace("<table>", f'<table id="{table_id}">', 1)


def banner_html(label: str | None) -> str:
    """The synthetic-data banner when ``label`` is given, else nothing."""
    return f'<div class="synthetic">{escape(label)}</div>' if label else ""
