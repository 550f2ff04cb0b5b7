"""The CCTV impact brief: one printable page for the committee, in writing.

What the new (or upgraded) cameras' view saw before and after go-live, against
the rest of the area, overall and by crime type, with a map, and in plain words
what such figures can and cannot say. Self-contained: no scripts, no links, the
map an embedded image; every text from data is escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import geopandas as gpd
import pandas as pd

from app.figures import cameras_map_png
from app.html_doc import (
    REPORT_CSS,
    banner_html,
    img_html,
    list_html,
    section_html,
    table_html,
)
from app.tables import p_phrase, p_text
from geo.cctv import METHOD, Impact
from geo.synthetic import DEMO_LABEL

__all__ = ["brief_html"]

CAN_AND_CANNOT = [
    "A before/after comparison shows what changed where the cameras look, "
    "against the rest of the area over the same months; it cannot prove the "
    "cameras caused it. Other changes at the same time (policing, licensing, "
    "lighting, events) would show in the same figures.",
    "Crime may move out of the cameras' view rather than stop (displacement); "
    "a fall in view with a rise next to it is not a gain. The Displacement page "
    "and the WDQ measure that.",
    "police.uk places each incident at an anonymised map point near where it "
    "happened, not at its exact spot, so 'in view' means the map point is "
    "inside a camera's view sector or circle.",
    "police.uk dates incidents by month only, so the go-live month itself is left "
    "out of both periods.",
    "Anti-social behaviour counts are reports, not incidents: one incident can be "
    "reported many times, and cameras can raise reporting as well as deter.",
    "A result marked 'more than chance' passed an exact test at 5%; one marked "
    "'within what chance would give' may still be a real effect too small to see "
    "in these numbers.",
]


def brief_html(
    result: Impact,
    cameras: gpd.GeoDataFrame,
    *,
    wards: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    source: str = "",
) -> str:
    """Build the brief from an :func:`geo.cctv.impact` result.

    ``cameras`` are all the cameras in service at go-live (the assessed ones
    are drawn over them).
    """
    o = result.overall
    title = f"CCTV impact brief: cameras live {o.go_live}"
    before = (pd.Period(o.go_live, freq="M") - o.months, pd.Period(o.go_live) - 1)
    after = (pd.Period(o.go_live, freq="M") + 1, pd.Period(o.go_live) + o.months)
    others = cameras.loc[~cameras["camera_id"].astype(str).isin(o.cameras)]
    png = cameras_map_png(result.cameras, others, wards=wards)
    summary = pd.DataFrame(
        {
            "": ["In the cameras' view", "Rest of the area"],
            f"Before ({before[0]} to {before[1]})": [
                o.covered_before,
                o.control_before,
            ],
            f"After ({after[0]} to {after[1]})": [o.covered_after, o.control_after],
        }
    )
    rel = (
        f"{o.relative_change:.2f}" if o.relative_change == o.relative_change else "n/a"
    )
    body = (
        f'<p class="headline">{escape(o.interpretation)}</p>'
        + f"<p>Cameras assessed: {escape(o.selection)}: "
        + escape(", ".join(o.cameras))
        + f". Relative change {rel} (1 = no change against the rest of the "
        f"area); {p_phrase(o.p_value)}.</p>"
        + f'<p class="caveat">The test: {escape(METHOD)}.</p>'
        + table_html(summary, "overall")
    )
    types = result.by_type.rename(
        columns={
            "crime_type": "Crime type",
            "covered_before": "In view, before",
            "covered_after": "In view, after",
            "control_before": "Elsewhere, before",
            "control_after": "Elsewhere, after",
            "relative_change": "Relative change",
            "p_value": "p",
            "reading": "Reading",
        }
    )
    if not types.empty:
        types["p"] = [p_text(p) for p in types["p"]]
    parts = [
        section_html("What the figures say", body, "overall"),
        section_html(
            "By crime type",
            table_html(types, "by-type")
            + "<p class='caveat'>'Too few to say': under 20 in view before go-live."
            "</p>",
            "types",
        ),
        section_html(
            "Where the cameras look",
            img_html(png, "Map of the assessed cameras' views")
            + "<p class='caveat'>Vermillion: the cameras assessed; grey: the other "
            "cameras in service.</p>",
            "map",
        ),
        section_html(
            "What these figures can and cannot say",
            list_html(CAN_AND_CANNOT),
            "caveats",
        ),
    ]
    banner = banner_html(DEMO_LABEL if synthetic else None)
    made = dt.datetime.now().strftime("%d %B %Y")
    meta = f"Produced {escape(made)} from police.uk data" + (
        f"; {escape(source)}" if source else ""
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{REPORT_CSS}</style></head><body><main>"
        f"<h1>{escape(title)}</h1><div class='meta'>{meta}</div>{banner}"
        f"{''.join(parts)}</main></body></html>"
    )
