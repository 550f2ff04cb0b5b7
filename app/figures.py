"""Static map images (matplotlib): for printable packs and reports, no tile server."""

from __future__ import annotations

import io

import geopandas as gpd
import shapely
from matplotlib.figure import Figure

# Okabe-Ito, colour-blind safe
HOT = "#D55E00"
COOL = "#0072B2"
GREY = "#999999"


def _axes(figsize: tuple[float, float]):
    """A figure and its axes, outside pyplot's global state.

    The app builds images on Streamlit's worker threads, several sessions at
    once; pyplot's figure manager is shared by every thread and is not safe
    there, a bare ``Figure`` is (matplotlib's advice for web servers).
    """
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def _png(fig: Figure, *, tight: bool = True) -> bytes:
    """The figure as PNG; ``tight`` trims it to what is drawn (a layout pass
    over every axis: set ``False`` where the margins are fixed already)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight" if tight else None)
    return buf.getvalue()


def _ward_labels(ax, wards: gpd.GeoDataFrame, *, fontsize: float) -> None:
    """Write each ward's name at a point inside it."""
    from matplotlib import patheffects

    points = wards.geometry.representative_point()
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for name, p in zip(wards["ward_name"].astype(str), points, strict=True):
        # dark text in a white halo: legible on the darkest and palest wards
        ax.annotate(
            name, (p.x, p.y), fontsize=fontsize, color="#1a1a1a", ha="center",
            path_effects=halo,
        )  # fmt: skip


def _view(shown: gpd.GeoDataFrame, *, margin_m: float) -> tuple | None:
    """Bounds around the shown hotspots, with a margin; None for the whole area."""
    if shown.empty:
        return None
    minx, miny, maxx, maxy = shown.total_bounds
    return (minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)


def _ward_background(ax, wards: gpd.GeoDataFrame | None, view) -> None:
    """Ward outlines, and the names of the wards in view."""
    if wards is None or wards.empty:
        return
    wards.boundary.plot(ax=ax, color=GREY, linewidth=0.7)
    near = wards[wards.intersects(shapely.box(*view))] if view else wards
    _ward_labels(ax, near, fontsize=7)


def _finish(fig: Figure, ax, view, title: str) -> bytes:
    """Zoom to ``view`` (the whole map if None), no axes, the title; PNG bytes."""
    if view:
        ax.set_xlim(view[0], view[2])
        ax.set_ylim(view[1], view[3])
    ax.set_axis_off()
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=10)
    return _png(fig)


def hotspot_map_png(
    table: gpd.GeoDataFrame,
    *,
    wards: gpd.GeoDataFrame | None = None,
    title: str = "",
    top: int | None = None,
) -> bytes:
    """Ward outlines, hotspot polygons and their rank numbers, as PNG bytes.

    The view is zoomed to the hotspots shown (400 m margin), so that each is
    large enough to read on paper.
    """
    fig, ax = _axes((9, 7.5))
    shown = table if top is None else table[table["rank"] <= top]
    view = _view(shown, margin_m=400)
    _ward_background(ax, wards, view)
    if not shown.empty:
        shown.plot(ax=ax, color=HOT, alpha=0.55, edgecolor="#8B2E00", linewidth=0.8)
        for _, h in shown.iterrows():
            c = h.geometry.representative_point()
            ax.annotate(
                str(h["rank"]),
                (c.x, c.y),
                fontsize=9,
                fontweight="bold",
                ha="center",
                va="center",
                bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": HOT, "lw": 1},
            )
    return _finish(fig, ax, view, title)


def ward_map_png(
    wards: gpd.GeoDataFrame, table, *, column: str, title: str, diverging: bool
) -> bytes:
    """Choropleth of a ward measure with a colour bar, as PNG bytes."""
    merged = wards[["ward_code", "geometry"]].merge(table, on="ward_code", how="left")
    values = merged[column].astype(float)
    fig, ax = _axes((7, 7))
    if diverging:
        span = float(max(abs(values.min()), abs(values.max()), 1e-9))
        vmin, vmax, cmap = -span, span, "PuOr_r"
    else:
        vmin, vmax, cmap = float(values.min()), float(values.max()), "viridis"
    merged.assign(value=values).plot(
        column="value", ax=ax, cmap=cmap, vmin=vmin, vmax=vmax, edgecolor="#555555",
        linewidth=0.5, legend=True, legend_kwds={"label": title, "shrink": 0.6},
        missing_kwds={"color": "#dddddd", "label": "no value"},
    )  # fmt: skip
    _ward_labels(ax, merged, fontsize=6)
    ax.set_axis_off()
    ax.set_aspect("equal")
    return _png(fig)


def years_small_multiples_png(table, labels: list[str], *, unit: str = "") -> bytes:
    """One small chart per ward: its count each year, on one common scale.

    Wards with a trend more than chance are drawn in colour (falling blue,
    rising vermillion), the rest grey; each panel is titled with the ward.
    """
    n = len(table)
    cols = 4 if n > 8 else max(n, 1)
    rows = max(1, -(-n // cols))
    width, height = 2.1 * cols + 0.7, 1.25 * rows + 0.35
    fig = Figure(figsize=(width, height))
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
    # margins fixed in inches (titles above, year labels below, counts left):
    # matplotlib's tight layout measured every panel's ticks, ~1 s for 21 wards
    fig.subplots_adjust(
        left=0.75 / width, right=1 - 0.3 / width, bottom=0.3 / height,
        top=1 - 0.25 / height, wspace=0.22, hspace=0.55,
    )  # fmt: skip
    top = float(table[labels].to_numpy().max()) if n else 1.0
    colour = {"falling": COOL, "rising": HOT}
    counts = table[labels].to_numpy()
    names, trends = table["ward_name"].astype(str), table["trend"]
    for ax, values, name, trend in zip(
        axes.ravel(), counts, names, trends, strict=False
    ):
        ax.plot(range(len(labels)), values, color=colour.get(trend, GREY), lw=2)
        ax.set_title(name, fontsize=7, loc="left")
        ax.set_ylim(0, top * 1.1 or 1)
        ax.set_xticks([0, len(labels) - 1], [labels[0], labels[-1]], fontsize=6)
        ax.tick_params(axis="y", labelsize=6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    if unit:
        fig.supylabel(unit, fontsize=7, x=0.08 / width)
    return _png(fig, tight=False)


def cameras_map_png(
    assessed: gpd.GeoDataFrame,
    others: gpd.GeoDataFrame,
    *,
    wards: gpd.GeoDataFrame | None = None,
    title: str = "",
) -> bytes:
    """The assessed cameras' views (vermillion) over the other cameras' (grey).

    Views are the cameras' sectors or circles (``geo.cctv.camera_views``); the
    map is zoomed to the assessed cameras with a 500 m margin.
    """
    from geo.cctv import camera_views

    fig, ax = _axes((6.5, 5))
    view = _view(assessed, margin_m=250)
    _ward_background(ax, wards, view)
    if not others.empty:
        camera_views(others).plot(ax=ax, color=GREY, alpha=0.35, linewidth=0)
    if not assessed.empty:
        camera_views(assessed).plot(
            ax=ax, color=HOT, alpha=0.5, edgecolor="#8B2E00", linewidth=0.8
        )
        for cid, p in zip(assessed["camera_id"].astype(str), assessed.geometry,
                          strict=True):  # fmt: skip
            ax.annotate(cid, (p.x, p.y), fontsize=7, ha="left", va="bottom")
    return _finish(fig, ax, view, title)
