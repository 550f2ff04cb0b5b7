"""Private: the hotspot table: one row per hotspot, its polygon and its words."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._points import point_xy
from geo._validate import require_projected
from geo.errors import GeoInputError
from geo.settings import NOISE

HOTSPOT_COLUMNS = [
    "hotspot_id",
    "rank",
    "incidents",
    "locations",
    "area_m2",
    "density_per_ha",
    "wards",
    "top_type",
    "top_types",
    "streets",
    "places",
    "geometry",
]
"""Columns of :func:`hotspot_table`."""


POLICE_UK_PLACES = frozenset(
    {
        "Airport/Airfield",
        "Bus/Coach Station",
        "Conference/Exhibition Centre",
        "Ferry Terminal",
        "Further/Higher Educational Building",
        "Hospital",
        "Motorway Service Area",
        "Nightclub",
        "Park/Open Space",
        "Parking Area",
        "Pedestrian Subway",
        "Petrol Station",
        "Police Station",
        "Prison",
        "Shopping Area",
        "Sports/Recreation Area",
        "Supermarket",
        "Theatre/Concert Hall",
        "Theme/Adventure Park",
    }
)
"""The kinds of place police.uk names in a location instead of a street ("On or
near Supermarket"): a premises' name is never published, only its kind. Those
seen in Blackpool's 32 months, and the other kinds police.uk added in 2012."""


def hotspot_table(
    incidents: gpd.GeoDataFrame,
    labels: pd.Series,
    *,
    buffer_m: float = 25.0,
) -> gpd.GeoDataFrame:
    """One row per hotspot: counts, area, wards, types, streets and a polygon.

    Parameters
    ----------
    incidents : GeoDataFrame
        The clustered incidents (``crime_type``, ``location`` and, if tagged,
        ``ward_name`` are used).
    labels : Series
        From :func:`find_hotspots`, aligned to ``incidents``.
    buffer_m : float
        Metres around the hull of a hotspot's locations, so that a single busy
        map point still has an area.

    Returns
    -------
    GeoDataFrame
        :data:`HOTSPOT_COLUMNS`, sorted by rank, in the incidents' CRS. Empty
        (same columns) when there are no hotspots.
    """
    require_projected(incidents, name="incidents")
    if not labels.index.equals(incidents.index):
        msg = "`labels` must be aligned to `incidents` (use find_hotspots' output)."
        raise GeoInputError(msg)
    inside = np.flatnonzero(labels.to_numpy() != NOISE)
    lab = labels.to_numpy()[inside]
    if inside.size == 0:
        return gpd.GeoDataFrame(
            {c: [] for c in HOTSPOT_COLUMNS[:-1]},
            geometry=gpd.GeoSeries([], crs=incidents.crs),
        )
    ids = np.unique(lab)
    x, y = (v[inside] for v in point_xy(incidents))
    # the hull of the distinct locations is the hull of all
    xy = pd.DataFrame({"x": x, "y": y, "h": lab}).drop_duplicates()
    polygons = _hotspot_polygons(xy, ids, buffer_m)
    counts = pd.Series(lab).value_counts().reindex(ids)
    locations = xy.groupby("h").size().reindex(ids)
    area = shapely.area(polygons)

    def top(column: str, k: int, *, share: bool = False, keep=None) -> list[str]:
        if column not in incidents.columns:
            return [""] * len(ids)
        return _top_values(
            incidents[column].take(inside), lab, ids, k=k, share=share, keep=keep
        )

    table = gpd.GeoDataFrame(
        {
            "hotspot_id": ids,
            "rank": ids,
            "incidents": counts.to_numpy(),
            "locations": locations.to_numpy(),
            "area_m2": np.round(area, 1),
            "density_per_ha": np.round(counts.to_numpy() / (area / 10_000), 2),
            "wards": top("ward_name", 5),
            "top_type": top("crime_type", 1),
            "top_types": top("crime_type", 3, share=True),
            "streets": top("location", 3, keep=_is_street),
            "places": top("location", 3, keep=_is_place),
        },
        geometry=polygons,
        crs=incidents.crs,
    )
    return table.reset_index(drop=True)


def _is_place(texts: np.ndarray) -> np.ndarray:
    """Whether each location text is one of police.uk's kinds of place."""
    return np.isin(texts, list(POLICE_UK_PLACES))


def _is_street(texts: np.ndarray) -> np.ndarray:
    return ~_is_place(texts)


def _hotspot_polygons(xy: pd.DataFrame, ids: np.ndarray, buffer_m: float) -> np.ndarray:
    """Buffer the convex hull of each hotspot's locations.

    Locations strictly inside the quadrilateral of their hotspot's westmost,
    southmost, eastmost and northmost locations cannot be corners of its hull
    (Akl and Toussaint 1978), so they are left out before the Points are made:
    the hull is the same, made from a few locations instead of thousands.
    """
    xy = xy.sort_values("h", kind="stable")
    pos = np.searchsorted(ids, xy["h"].to_numpy())
    x, y = xy["x"].to_numpy(), xy["y"].to_numpy()
    keep = ~_inside_extremes(x, y, pos, len(ids))
    points = shapely.multipoints(np.column_stack([x, y])[keep], indices=pos[keep])
    return shapely.buffer(shapely.convex_hull(points), buffer_m, quad_segs=8)


def _inside_extremes(x: np.ndarray, y: np.ndarray, group: np.ndarray, n: int):
    """Mark points strictly inside their group's W-S-E-N quadrilateral.

    ``group`` is sorted (0..n-1). The quadrilateral's corners, taken
    anticlockwise, are the group's points of least x, least y, greatest x and
    greatest y; a point is strictly inside when it is strictly left of all
    four edges (a repeated corner gives an edge no point is strictly left of).
    """
    start = np.searchsorted(group, np.arange(n))
    corners = [
        _argext(v, group, start, fn)
        for v, fn in (
            (x, np.minimum),
            (y, np.minimum),
            (x, np.maximum),
            (y, np.maximum),
        )
    ]
    cx = [x[c][group] for c in corners]
    cy = [y[c][group] for c in corners]
    inside = np.ones(x.size, bool)
    for i in range(4):
        j = (i + 1) % 4
        cross = (cx[j] - cx[i]) * (y - cy[i]) - (cy[j] - cy[i]) * (x - cx[i])
        inside &= cross > 0
    return inside


def _argext(v: np.ndarray, group: np.ndarray, start: np.ndarray, fn) -> np.ndarray:
    """Index of each group's first least (``np.minimum``) or greatest value."""
    hit = np.flatnonzero(v == fn.reduceat(v, start)[group])
    return hit[np.searchsorted(group[hit], np.arange(start.size))]


def _top_values(
    column: pd.Series,
    lab: np.ndarray,
    ids: np.ndarray,
    *,
    k: int,
    share: bool,
    keep=None,
) -> list[str]:
    """List the k commonest values of ``column`` per hotspot: "a (n); b (n)".

    Values are counted as text (missing ones as "nan"), empty text left out,
    and with ``keep`` (a test of the distinct texts) only the texts it passes.
    """
    if isinstance(column.dtype, pd.CategoricalDtype) and (column.cat.codes >= 0).all():
        codes = column.cat.codes.to_numpy()
        values = pd.Series(column.cat.categories.astype(str))
    else:
        codes, uniq = pd.factorize(column.astype(str))
        values = pd.Series(uniq)
    if column.name == "location":  # strip police.uk's prefix once per value
        values = values.str.replace(r"^On or near\s*", "", regex=True).str.strip()
    # count by number: one number per distinct (stripped) text
    text_codes, texts = pd.factorize(values)
    pairs = pd.DataFrame({"h": lab, "v": text_codes[codes]})
    wanted = np.asarray(texts) != ""
    if keep is not None:
        wanted &= keep(np.asarray(texts, dtype=object))
    pairs = pairs.loc[wanted[pairs["v"].to_numpy()]]
    counts = pairs.value_counts().rename("n").reset_index()
    counts["v"] = np.asarray(texts, dtype=object)[counts["v"].to_numpy()]
    counts = counts.sort_values(
        ["h", "n", "v"], ascending=[True, False, True], kind="stable"
    )
    top = counts.groupby("h", sort=False).head(k).copy()
    if share:
        totals = pd.Series(lab).value_counts()
        top["t"] = (
            top["v"]
            + " "
            + (top["n"] / top["h"].map(totals) * 100).round().astype(int).astype(str)
            + "%"
        )
    elif k > 1:
        top["t"] = top["v"] + " (" + top["n"].astype(str) + ")"
    else:
        top["t"] = top["v"]
    top["i"] = top.groupby("h", sort=False).cumcount()
    wide = top.pivot_table(index="h", columns="i", values="t", aggfunc="first")
    wide = wide.reindex(ids)
    text = wide[0].fillna("") if 0 in wide.columns else pd.Series("", index=wide.index)
    for i in range(1, k):
        if i in wide.columns:
            text = text.where(wide[i].isna(), text + "; " + wide[i].fillna(""))
    return text.tolist()
