"""Folium map builders (used by the app). No Streamlit calls here.

- Leaflet is served from the app's own static folder, so maps render with no
  internet connection; the tile layer is optional and a plain base is offered,
  so layers still show when tiles cannot be fetched.
- Every string from a data file (ward names, streets, locations) is HTML-escaped
  before it reaches a popup or tooltip.
- Maps ship aggregates only (hotspot polygons, a weighted heat layer of distinct
  locations, ward choropleths), never one marker per incident.
"""

from __future__ import annotations

from html import escape

import branca.colormap as cm
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.plugins import HeatMap
from jinja2 import Template

from geo._points import distinct_points
from geo.change import WARD_CHANGE_COLUMNS
from geo.displacement import DISPLACEMENT_COLUMNS
from geo.settings import DISPLAY_CRS

__all__ = [
    "LEAFLET_BASE",
    "camera_map",
    "displacement_map",
    "escape_frame",
    "hotspot_map",
    "ward_map",
]

LEAFLET_BASE = "/app/static/vendor/leaflet"
"""Where Streamlit serves the vendored Leaflet (``enableStaticServing``)."""

HOT = "#D55E00"  # Okabe-Ito vermillion
BLUE = "#0072B2"
GREEN = "#009E73"
PURPLE = "#CC79A7"
GREY = "#666666"
STATUS_COLOURS = {
    "persistent": HOT,
    "emerging": PURPLE,
    "ceased": BLUE,
    "shifted": GREEN,
}


def _offline(m: folium.Map) -> folium.Map:
    """Load Leaflet from the app instead of a CDN."""
    m.default_js = [("leaflet", f"{LEAFLET_BASE}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{LEAFLET_BASE}/leaflet.css")]
    return m


HeatMap.default_js = [("leaflet-heat.js", f"{LEAFLET_BASE}/leaflet-heat.js")]


def _base_map(bounds_gdf: gpd.GeoDataFrame, *, margin_m: float = 0.0) -> folium.Map:
    shape = bounds_gdf.geometry.buffer(margin_m) if margin_m else bounds_gdf.geometry
    minx, miny, maxx, maxy = shape.to_crs(DISPLAY_CRS).total_bounds
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=True)
    folium.TileLayer(
        "OpenStreetMap", name="Street map (needs internet)", show=True
    ).add_to(m)
    folium.TileLayer(
        tiles="", attr="plain", name="Plain (offline)", show=False, overlay=False
    ).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return _offline(m)


def escape_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Copy of ``frame`` with the given text columns HTML-escaped."""
    out = frame.copy()
    for col in columns:
        if col in out.columns:
            out[col] = out[col].map(lambda v: escape(str(v)) if pd.notna(v) else "")
    return out


def _display(gdf: gpd.GeoDataFrame, *, tolerance_m: float = 3.0) -> gpd.GeoDataFrame:
    """Simplified (metres) and reprojected to longitude/latitude for the map."""
    out = gdf.copy()
    out["geometry"] = out.geometry.simplify(tolerance_m, preserve_topology=True)
    return out.to_crs(DISPLAY_CRS)


def _wards_layer(wards: gpd.GeoDataFrame, m: folium.Map) -> None:
    shown = escape_frame(
        wards[["ward_code", "ward_name", "geometry"]], ["ward_name", "ward_code"]
    )
    folium.GeoJson(
        _display(shown, tolerance_m=10),
        name="Ward boundaries",
        style_function=lambda _: {"color": GREY, "weight": 1, "fillOpacity": 0},
        tooltip=folium.GeoJsonTooltip(["ward_name"], labels=False),
    ).add_to(m)


def hotspot_map(
    table: gpd.GeoDataFrame,
    *,
    incidents: gpd.GeoDataFrame | None = None,
    wards: gpd.GeoDataFrame | None = None,
    grid: gpd.GeoDataFrame | None = None,
    unit: str = "incidents",
) -> folium.Map:
    """Ranked hotspot polygons over a heat layer, with details on click.

    Parameters
    ----------
    table : GeoDataFrame
        From :func:`geo.hotspots.hotspot_table` (working CRS).
    incidents : GeoDataFrame, optional
        The incidents, shown as a heat layer of distinct locations weighted by
        count (never one marker per incident).
    wards : GeoDataFrame, optional
        Ward outlines.
    grid : GeoDataFrame, optional
        Gi* cells (:func:`geo.gistar.gi_star_grid`); significant hot cells shown.
    unit : str, default "incidents"
        What the counts are called in the hotspots' labels ("reports" for ASB).
    """
    if not table.empty:  # frame the hotspots: what a patrol plan needs
        m = _base_map(table.head(10), margin_m=300)
    else:
        m = _base_map(wards if wards is not None else incidents)
    if wards is not None:
        _wards_layer(wards, m)
    if incidents is not None and not incidents.empty:
        _heat_layer(incidents, m)
    if grid is not None:
        hot = grid[grid["hot_cold"] > 0]
        if not hot.empty:
            folium.GeoJson(
                _display(hot[["category", "count", "gi_z", "geometry"]], tolerance_m=0),
                name="Gi* hot cells (FDR-corrected)",
                show=False,
                style_function=lambda f: {
                    "color": HOT,
                    "weight": 0,
                    "fillOpacity": 0.5 if "99" in f["properties"]["category"] else 0.3,
                },
                tooltip=folium.GeoJsonTooltip(["category", "count", "gi_z"]),
            ).add_to(m)
    if not table.empty:
        fields = [
            "rank",
            "incidents",
            "locations",
            "streets",
            "wards",
            "top_types",
            "area_m2",
        ]
        fields = [f for f in fields if f in table.columns]
        if "pai_next" in table.columns:
            fields.append("pai_next")
        shown = escape_frame(
            table[[*fields, "geometry"]], ["streets", "wards", "top_types"]
        ).assign(summary=hotspot_sentences(table, unit))
        folium.GeoJson(
            _display(shown),
            name="Hotspots (ranked)",
            style_function=lambda _: {
                "color": "#8B2E00",
                "weight": 2,
                "fillColor": HOT,
                "fillOpacity": 0.45,
            },
            tooltip=folium.GeoJsonTooltip(
                ["rank", "incidents", "streets"],
                aliases=["Rank", unit.capitalize(), "Streets"],
            ),
            popup=folium.GeoJsonPopup(["summary"], labels=False, max_width=320),
        ).add_to(m)
        _rank_labels(table, m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


MAX_HEAT_POINTS = 10_000
"""The heat layer ships at most this many points (a force has ~40,000 map points;
merging neighbours within a few pixels does not change the picture)."""


def _heat_points(x: np.ndarray, y: np.ndarray, counts: np.ndarray):
    """Merge points onto the finest grid (10 m, 20 m, 40 m ...) that leaves at
    most :data:`MAX_HEAT_POINTS`: each cell's incident-weighted centre and total."""
    cell = 10.0
    while x.size > MAX_HEAT_POINTS:
        cell *= 2
        key = np.floor(x / cell) + 1j * np.floor(y / cell)
        codes, _ = pd.factorize(key)
        total = np.bincount(codes, weights=counts)
        x = np.bincount(codes, weights=x * counts) / total
        y = np.bincount(codes, weights=y * counts) / total
        counts = total
    return x, y, counts


HEAT_BELOW = (
    "<style>.leaflet-heatmap-layer{z-index:-1 !important;"
    "pointer-events:none !important}</style>"
)


def page_html(m: folium.Map, title: str) -> str:
    """The map as a whole HTML page a screen reader can name: a language, a
    title, and zooming allowed (folium's page has none and forbids zoom)."""
    html = m.get_root().render()
    html = html.replace("<html>", '<html lang="en">', 1)
    html = html.replace("<head>", f"<head><title>{escape(title)}</title>", 1)
    return html.replace("maximum-scale=1.0, user-scalable=no", "maximum-scale=5.0", 1)


def hotspot_sentences(table: gpd.GeoDataFrame, unit: str) -> list[str]:
    """Each hotspot in words for its popup (escaped HTML): "Hotspot 1: 411 reports
    at 23 map points. Wards: ... Streets: ... Places (as police.uk names them):
    Supermarket (42). Mostly: ..."."""
    out = []
    for row in table.itertuples():
        parts = [
            f"<b>Hotspot {int(row.rank)}</b>: {int(row.incidents):,} {unit} at "
            f"{int(row.locations):,} map point{'s' if row.locations != 1 else ''}."
        ]
        for label, field in (("Wards", "wards"), ("Streets", "streets"),
                             ("Places (as police.uk names them)", "places"),
                             ("Mostly", "top_types")):  # fmt: skip
            value = getattr(row, field, "")
            if isinstance(value, str) and value:
                parts.append(f"{label}: {escape(value)}.")
        out.append("<br>".join(parts))
    return out


def _heat_layer(incidents: gpd.GeoDataFrame, m: folium.Map) -> None:
    where = distinct_points(incidents)
    x, y, counts = _heat_points(where.x, where.y, where.counts.astype(float))
    pts = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=incidents.crs).to_crs(DISPLAY_CRS)
    weight = np.sqrt(counts / counts.max())  # busy points stand out
    data = np.column_stack([pts.y.round(5), pts.x.round(5), weight.round(3)]).tolist()
    heat = HeatMap(
        data, name="Incident density", radius=9, blur=12, min_opacity=0.05, max_zoom=13
    )
    heat.add_to(m)
    # the density is a backdrop: under the hotspot shapes, and never in the way
    # of a click or a tap on them (its canvas had covered them)
    m.get_root().header.add_child(folium.Element(HEAT_BELOW))


def _rank_labels(table: gpd.GeoDataFrame, m: folium.Map) -> None:
    """Rank badges just above each hotspot's top edge, so they never hide it."""
    bounds = table.geometry.bounds
    tops = gpd.GeoSeries(
        gpd.points_from_xy((bounds["minx"] + bounds["maxx"]) / 2, bounds["maxy"]),
        crs=table.crs,
    ).to_crs(DISPLAY_CRS)
    group = folium.FeatureGroup(name="Rank numbers")
    for rank, p in zip(table["rank"].head(30), tops.head(30), strict=False):
        folium.Marker(
            [p.y, p.x],
            icon=folium.DivIcon(
                html=(
                    '<div style="background:#fff;border:2px solid #D55E00;'
                    "border-radius:50%;width:20px;height:20px;text-align:center;"
                    f'font:bold 11px sans-serif;line-height:17px">{int(rank)}</div>'
                ),
                icon_size=(20, 20),
                icon_anchor=(10, 22),  # the badge's bottom sits on the top edge
            ),
        ).add_to(group)
    group.add_to(m)


class Legend(MacroElement):
    """A colour-bar legend as a plain Leaflet control (no d3 or CDN needed)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div");
                div.style.cssText = "background:white;padding:6px 8px;" +
                    "font:12px sans-serif;border:1px solid #999;border-radius:4px";
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, caption: str, colours: list[str], lo: float, hi: float) -> None:
        super().__init__()
        self._name = "Legend"
        gradient = ", ".join(colours)
        self.html = (
            f"<div><b>{escape(caption)}</b></div>"
            f'<div style="width:180px;height:12px;background:linear-gradient(to right, '
            f'{gradient})"></div>'
            f'<div style="display:flex;justify-content:space-between;width:180px">'
            f"<span>{lo:,.1f}</span><span>{hi:,.1f}</span></div>"
            '<div style="color:#666">grey: no value</div>'
        )


def ward_map(
    wards: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    column: str,
    caption: str,
    diverging: bool,
) -> folium.Map:
    """Choropleth of a ward measure, with a colour-blind-safe legend.

    ``diverging`` centres the colours on zero (changes); otherwise a sequential
    scale (rates, counts).
    """
    merged = wards[["ward_code", "geometry"]].merge(table, on="ward_code", how="left")
    values = pd.to_numeric(merged[column], errors="coerce")
    m = _base_map(wards)
    finite = values[np.isfinite(values)]
    if finite.empty:
        lo, hi = 0.0, 1.0
    elif diverging:
        span = float(max(abs(finite.min()), abs(finite.max()), 1e-9))
        lo, hi = -span, span
    else:
        lo, hi = float(finite.min()), float(max(finite.max(), finite.min() + 1e-9))
    # PuOr (diverging) and viridis (sequential) are colour-blind safe
    colours = (
        ["#2d004b", "#8073ac", "#f7f7f7", "#e08214", "#7f3b08"]
        if diverging
        else ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
    )
    scale = cm.LinearColormap(colours, vmin=lo, vmax=hi, caption=caption)
    shown = escape_frame(merged, ["ward_name", "ward_code"])
    shown["value"] = values.round(2)
    # the contract's ward columns, ward_name to significant
    fields = [c for c in WARD_CHANGE_COLUMNS[1:10] if c in shown.columns]

    def style(feature):
        v = feature["properties"].get("value")
        fill = (
            "#cccccc"
            if v is None or (isinstance(v, float) and np.isnan(v))
            else scale(v)
        )
        return {"color": GREY, "weight": 1, "fillColor": fill, "fillOpacity": 0.75}

    folium.GeoJson(
        _display(shown[[*fields, "value", "geometry"]], tolerance_m=10),
        name=caption,
        style_function=style,
        tooltip=folium.GeoJsonTooltip(
            ["ward_name", "value"], aliases=["Ward", caption]
        ),
        popup=folium.GeoJsonPopup(fields),
    ).add_to(m)
    Legend(caption, colours, lo, hi).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def displacement_map(
    matched: gpd.GeoDataFrame, *, wards: gpd.GeoDataFrame | None = None
) -> folium.Map:
    """Both periods' hotspots coloured by status (persistent, emerging ...)."""
    m = _base_map(wards if wards is not None else matched)
    if wards is not None:
        _wards_layer(wards, m)
    for status, colour in STATUS_COLOURS.items():
        part = matched[matched["status"] == status]
        if part.empty:
            continue
        wanted = [*DISPLACEMENT_COLUMNS[:-1], "streets"]  # all but geometry
        fields = [c for c in wanted if c in part.columns]
        shown = escape_frame(part[[*fields, "geometry"]], ["streets"])
        folium.GeoJson(
            _display(shown),
            name=f"{status.capitalize()} ({len(part)})",
            style_function=lambda _, c=colour: {
                "color": c,
                "weight": 2,
                "fillColor": c,
                "fillOpacity": 0.4,
            },
            tooltip=folium.GeoJsonTooltip(["status", "period", "hotspot_id"]),
            popup=folium.GeoJsonPopup(fields),
        ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


CAMERA_STYLES = {
    "working": {"color": BLUE, "fillColor": BLUE, "fillOpacity": 0.25},
    "faulty": {"color": GREY, "fillColor": GREY, "fillOpacity": 0.15},
    "proposed": {"color": PURPLE, "fillColor": PURPLE, "fillOpacity": 0.2,
                 "dashArray": "5"},
}  # fmt: skip
DRAFT = "#E69F00"  # Okabe-Ito orange: the camera being placed or aimed


def camera_map(
    views: gpd.GeoDataFrame,
    table: gpd.GeoDataFrame,
    *,
    wards: gpd.GeoDataFrame | None = None,
    sites: gpd.GeoDataFrame | None = None,
    draft: gpd.GeoDataFrame | None = None,
    focus: bool = False,
) -> folium.Map:
    """Camera views (working, faulty, proposed) over hotspots coloured by coverage.

    ``draft`` is the view of a camera being placed or aimed, drawn on top; with
    ``focus`` the map opens on it (400 m around), so its sector can be read.
    """
    m = _base_map(wards if wards is not None else table)
    if wards is not None:
        _wards_layer(wards, m)
    if not table.empty:
        fields = [
            c
            for c in ("rank", "incidents", "covered_share", "cameras", "streets")
            if c in table.columns
        ]
        shown = escape_frame(table[[*fields, "geometry"]], ["streets", "cameras"])
        folium.GeoJson(
            _display(shown),
            name="Hotspots (share covered)",
            style_function=lambda f: {
                "color": "#8B2E00",
                "weight": 2,
                "fillColor": HOT
                if (f["properties"].get("covered_share") or 0) < 0.5
                else GREEN,
                "fillOpacity": 0.45,
            },
            tooltip=folium.GeoJsonTooltip(["rank", "incidents", "covered_share"]),
            popup=folium.GeoJsonPopup(fields),
        ).add_to(m)
    if not views.empty:
        fields = [
            c
            for c in (
                "camera_id",
                "location",
                "range_m",
                "bearing",
                "fov",
                "install_date",
            )
            if c in views.columns
        ]
        status = views["status"] if "status" in views.columns else pd.Series("working")
        shown = escape_frame(
            views[[*fields, "geometry"]].assign(status=status.to_numpy()),
            ["camera_id", "location", "install_date", "status"],
        )
        folium.GeoJson(
            _display(shown, tolerance_m=1),
            name="Camera views",
            style_function=lambda f: {
                "weight": 1,
                **CAMERA_STYLES.get(
                    f["properties"].get("status"), CAMERA_STYLES["working"]
                ),
            },
            tooltip=folium.GeoJsonTooltip(
                ["camera_id", "location", "status"], aliases=["Camera", "", "Status"]
            ),
        ).add_to(m)
    if sites is not None and not sites.empty:
        shown = _display(sites[["order", "gain", "geometry"]], tolerance_m=1)
        folium.GeoJson(
            shown,
            name="Suggested new cameras",
            style_function=lambda _: {
                "color": GREEN,
                "weight": 2,
                "dashArray": "4",
                "fillColor": GREEN,
                "fillOpacity": 0.2,
            },
            tooltip=folium.GeoJsonTooltip(
                ["order", "gain"], aliases=["Pick", "Incidents gained"]
            ),
        ).add_to(m)
    if draft is not None and not draft.empty:
        folium.GeoJson(
            _display(draft[["geometry"]], tolerance_m=0.5),
            name="Camera being placed",
            style_function=lambda _: {
                "color": DRAFT,
                "weight": 3,
                "fillColor": DRAFT,
                "fillOpacity": 0.35,
            },
        ).add_to(m)
        if focus:
            minx, miny, maxx, maxy = draft.buffer(400).to_crs(DISPLAY_CRS).total_bounds
            m.fit_bounds([[miny, minx], [maxy, maxx]])
    folium.LayerControl(collapsed=True).add_to(m)
    return m
