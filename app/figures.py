"""Static map images (matplotlib): for printable packs and reports, no tile server."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# Okabe-Ito, colour-blind safe
HOT = "#D55E00"
COOL = "#0072B2"
GREY = "#999999"


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def hotspot_map_png(
    table: gpd.GeoDataFrame,
    *,
    wards: gpd.GeoDataFrame | None = None,
    title: str = "",
    top: int | None = None,
) -> bytes:
    """Ward outlines, hotspot polygons and their rank numbers, as PNG bytes."""
    fig, ax = plt.subplots(figsize=(7.5, 7.5))
    if wards is not None and not wards.empty:
        wards.boundary.plot(ax=ax, color=GREY, linewidth=0.6)
        for _, w in wards.iterrows():
            p = w.geometry.representative_point()
            ax.annotate(
                str(w["ward_name"]),
                (p.x, p.y),
                fontsize=6,
                color="#555555",
                ha="center",
            )
    shown = table if top is None else table[table["rank"] <= top]
    if not shown.empty:
        shown.plot(ax=ax, color=HOT, alpha=0.55, edgecolor="#8B2E00", linewidth=0.8)
        for _, h in shown.iterrows():
            c = h.geometry.centroid
            ax.annotate(
                str(h["rank"]),
                (c.x, c.y),
                fontsize=9,
                fontweight="bold",
                ha="center",
                va="center",
                bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": HOT, "lw": 1},
            )
    ax.set_axis_off()
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=10)
    return _png(fig)
