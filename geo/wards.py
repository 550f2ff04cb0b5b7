"""Ward boundaries: read any vintage, and give each incident exactly one ward."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from geo._columns import WARD_CODE_PATTERNS, WARD_NAME_PATTERNS, first_matching
from geo._points import distinct_points
from geo._validate import require_projected
from geo._vector import read_vector
from geo.errors import GeoInputError
from geo.settings import WARD_TOLERANCE_M, WORKING_CRS

__all__ = ["WARD_COLUMNS", "assign_wards", "locate_points", "read_area", "read_wards"]

log = logging.getLogger(__name__)

WARD_COLUMNS = ["ward_code", "ward_name", "geometry"]
"""Columns of a boundary set returned by :func:`read_wards`."""


def read_wards(
    path: str | Path,
    *,
    code_col: str | None = None,
    name_col: str | None = None,
    assume_crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Read ward (or any area) boundaries into the working CRS.

    Parameters
    ----------
    path : str or Path
        Any vector file geopandas reads (GeoJSON, GeoPackage, Shapefile), any CRS.
    code_col, name_col : str, optional
        Code and name columns; detected when omitted (``WD23CD``/``WD23NM``,
        ``WD13CD``/``WD13NM``, ``ward_code``/``ward_name``, ...).
    assume_crs : str, optional
        CRS to use when the file declares none.

    Returns
    -------
    GeoDataFrame
        Columns ``ward_code, ward_name, geometry`` in EPSG:27700, one row per code,
        sorted by code. Invalid polygons are repaired and features of one code are
        merged; ``attrs["repaired"]``, ``attrs["merged"]`` and
        ``attrs["dropped_non_polygon"]`` count them, ``attrs["source"]`` names the
        file and ``attrs["code_column"]`` the code column used.

    Raises
    ------
    GeoInputError
        When the file cannot be read, has no CRS (and none is assumed), a CRS that
        does not fit its coordinates, no polygons, no code column, or one code
        used for two different names.
    """
    raw = _read_vector(Path(path), assume_crs)
    code, name = _detect_columns(raw, code_col, name_col, path)
    polygons, repaired, dropped = _polygons_only(raw.geometry)
    wards = gpd.GeoDataFrame(
        {
            "ward_code": raw[code].astype(str).str.strip().to_numpy(),
            "ward_name": raw[name].astype(str).str.strip().to_numpy(),
        },
        geometry=polygons.to_numpy(),
        crs=raw.crs,
    )
    wards = wards.loc[~wards.geometry.is_empty]
    if wards.empty:
        msg = (
            f"boundary file {str(path)!r} has no polygons; ward boundaries must be "
            "Polygon or MultiPolygon features."
        )
        raise GeoInputError(msg)
    wards, merged = _one_row_per_code(wards, path)
    wards = wards.to_crs(WORKING_CRS).sort_values("ward_code", kind="stable")
    wards = wards.reset_index(drop=True)
    wards.attrs.update(
        source=str(path),
        code_column=code,
        repaired=repaired,
        merged=merged,
        dropped_non_polygon=dropped,
    )
    if repaired or merged or dropped:
        log.info(
            "%s: %d repaired, %d merged, %d non-polygon",
            path,
            repaired,
            merged,
            dropped,
        )
    return wards


def _read_vector(path: Path, assume_crs: str | None) -> gpd.GeoDataFrame:
    raw = read_vector(
        path,
        role="boundary file",
        assume_crs=assume_crs,
        no_crs_hint="add one (a .prj beside a shapefile) or say which it is with "
        "`wards_crs` (EPSG:27700, say).",
    )
    if raw.empty or raw.geometry.isna().all():
        msg = f"boundary file {str(path)!r} has no features with geometry."
        raise GeoInputError(msg)
    _check_crs_fits(raw, path)
    return raw


def _check_crs_fits(raw: gpd.GeoDataFrame, path: str | Path) -> None:
    minx, miny, maxx, maxy = raw.total_bounds
    if raw.crs.is_geographic and (
        max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90
    ):
        msg = (
            f"boundary file {str(path)!r} says it is in {raw.crs.to_string()} "
            "(degrees) "
            f"but its coordinates reach {maxx:.0f}, {maxy:.0f}, which are metres. "
            "Fix the file's CRS (e.g. EPSG:27700)."
        )
        raise GeoInputError(msg)
    if raw.crs.is_projected and max(abs(minx), abs(maxx), abs(miny), abs(maxy)) <= 180:
        msg = (
            f"boundary file {str(path)!r} says it is in {raw.crs.to_string()} (metres) "
            f"but its coordinates are all within 180 ({minx:.3f}, {miny:.3f}), which "
            "looks like degrees. Fix the file's CRS (e.g. EPSG:4326)."
        )
        raise GeoInputError(msg)


def read_area(path: str | Path, *, role: str = "area file") -> shapely.Geometry:
    """Read the polygons of a vector file as one area in the working CRS.

    For a WDQ target or control drawn in QGIS. Invalid polygons are repaired;
    points and lines are ignored.

    Raises
    ------
    GeoInputError
        An unreadable file, no CRS, or no polygons.
    """
    raw = read_vector(path, role=role)
    polygons, _, _ = _polygons_only(raw.geometry)
    polygons = polygons[~polygons.is_empty]
    if polygons.empty:
        msg = f"{role} {str(path)!r} has no polygons."
        raise GeoInputError(msg)
    return polygons.to_crs(WORKING_CRS).union_all()


def _detect_columns(
    raw: gpd.GeoDataFrame, code_col: str | None, name_col: str | None, path
) -> tuple[str, str]:
    cols = [c for c in raw.columns if c != raw.geometry.name]
    for given in (code_col, name_col):
        if given is not None and given not in cols:
            msg = f"boundary file {str(path)!r} has no column {given!r}; it has {cols}."
            raise GeoInputError(msg)
    code = code_col or first_matching(cols, WARD_CODE_PATTERNS)
    if code is None:
        msg = (
            f"boundary file {str(path)!r}: no ward code column found among {cols}; "
            "name it with `code_col`."
        )
        raise GeoInputError(msg, argument="code_col")
    name = name_col or first_matching(cols, WARD_NAME_PATTERNS) or code
    return code, name


def _polygons_only(geoms: gpd.GeoSeries) -> tuple[gpd.GeoSeries, int, int]:
    """Polygons of each feature, repaired; empty where it has none.

    Returns the polygons, how many features were repaired, and how many had
    geometry but no polygon.
    """
    arr = geoms.to_numpy()
    missing = shapely.is_missing(arr)
    arr = np.where(missing, shapely.from_wkt("POLYGON EMPTY"), arr)
    invalid = ~shapely.is_valid(arr)
    if invalid.any():
        arr = arr.copy()
        arr[invalid] = shapely.make_valid(arr[invalid])
    parts, index = shapely.get_parts(arr, return_index=True)
    keep = np.isin(shapely.get_type_id(parts), [3, 6])  # Polygon, MultiPolygon
    out = np.array([shapely.from_wkt("POLYGON EMPTY")] * len(arr), dtype=object)
    if keep.any():
        merged = (
            pd.Series(parts[keep])
            .groupby(index[keep])
            .agg(lambda s: shapely.union_all(s.to_numpy()))
        )
        out[merged.index.to_numpy()] = merged.to_numpy()
    dropped = int((shapely.is_empty(out) & ~missing).sum())
    return gpd.GeoSeries(out, crs=geoms.crs), int(invalid.sum()), dropped


def _one_row_per_code(
    wards: gpd.GeoDataFrame, path: str | Path
) -> tuple[gpd.GeoDataFrame, int]:
    names = wards.groupby("ward_code")["ward_name"].nunique()
    clash = names[names > 1]
    if not clash.empty:
        code = clash.index[0]
        both = sorted(wards.loc[wards["ward_code"] == code, "ward_name"].unique())
        msg = (
            f"boundary file {str(path)!r}: ward code {code!r} is used for different "
            f"names {both}; codes must be unique. Fix the file or pick another "
            "`code_col`."
        )
        raise GeoInputError(msg, argument="code_col")
    if not wards["ward_code"].duplicated().any():
        return wards, 0
    merged = int(wards["ward_code"].duplicated().sum())
    dissolved = wards.dissolve(by="ward_code", as_index=False)
    return dissolved[WARD_COLUMNS], merged


def assign_wards(
    incidents: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame,
    *,
    tolerance_m: float = WARD_TOLERANCE_M,
) -> pd.DataFrame:
    """Give each incident exactly one ward.

    A point inside a ward gets that ward; a point on a shared edge gets the ward
    with the lowest code (deterministic). A point outside every ward but within
    ``tolerance_m`` metres of one (generalised coastlines, piers) gets the nearest
    ward, and ``ward_match`` says ``"nearest"``.

    Parameters
    ----------
    incidents : GeoDataFrame
        Points in the working CRS.
    wards : GeoDataFrame
        From :func:`read_wards`.
    tolerance_m : float
        Largest distance in metres for a nearest-ward assignment.

    Returns
    -------
    DataFrame
        Aligned to ``incidents.index``: ``ward_code``, ``ward_name`` (missing
        outside every ward and the tolerance) and ``ward_match`` (``"within"``,
        ``"nearest"`` or ``"outside"``).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> w = gpd.GeoDataFrame({"ward_code": ["A", "B"], "ward_name": ["a", "b"]},
    ...     geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=WORKING_CRS)
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([50, 100, 250, 900],
    ...     [50, 50, 50, 50]), crs=WORKING_CRS)
    >>> assign_wards(pts, w, tolerance_m=60)["ward_code"].tolist()
    ['A', 'A', 'B', nan]
    """
    require_projected(incidents, name="incidents")
    require_projected(wards, name="wards")
    if incidents.crs != wards.crs:
        msg = f"`incidents` ({incidents.crs}) and `wards` ({wards.crs}) differ in CRS."
        raise GeoInputError(msg)
    if not tolerance_m >= 0:
        msg = f"`tolerance_m` must be 0 or more metres, got {tolerance_m!r}."
        raise GeoInputError(msg)
    # police.uk points are snapped: join each distinct location once.
    where = distinct_points(incidents)
    located = locate_points(where.x, where.y, wards, tolerance_m=tolerance_m)
    return located.iloc[where.codes].set_axis(incidents.index)


def locate_points(
    x: np.ndarray,
    y: np.ndarray,
    wards: gpd.GeoDataFrame,
    *,
    tolerance_m: float = WARD_TOLERANCE_M,
) -> pd.DataFrame:
    """Find the ward of each point (x, y in the wards' CRS).

    By the rules of :func:`assign_wards`: ``ward_code``, ``ward_name`` and
    ``ward_match``, one row per point in order.
    """
    wards = wards.sort_values("ward_code", kind="stable").reset_index(drop=True)
    ward_idx, match = _ward_of_points(
        np.asarray(x, float), np.asarray(y, float), wards, tolerance_m
    )
    # each point's ward text taken by pyarrow (missing where none): no
    # per-point Python strings
    take = pa.array(ward_idx, mask=ward_idx < 0)

    def text(column: str) -> pd.Series:
        values = pa.array(
            wards[column].to_numpy(dtype=object), pa.large_string(), from_pandas=True
        )
        return pd.Series(pd.array(values.take(take), dtype="str"))

    return pd.DataFrame(
        {"ward_code": text("ward_code"), "ward_name": text("ward_name"),
         "ward_match": pd.array(_MATCHES.take(pa.array(match)), dtype="str")}
    )  # fmt: skip


_MATCHES = pa.array(["within", "nearest", "outside"])
"""How a point found its ward, by the number :func:`_ward_of_points` gives."""


def _ward_of_points(
    x: np.ndarray, y: np.ndarray, wards: gpd.GeoDataFrame, tolerance_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Ward row (position) of each point, -1 for none; and how it was matched.

    The match is a position in :data:`_MATCHES`.
    """
    ward_idx = np.full(x.size, -1, dtype=np.int64)
    match = np.full(x.size, 2, dtype=np.int8)  # outside
    if len(wards) <= _BY_WARD:
        _within_by_ward(x, y, wards.geometry.to_numpy(), ward_idx)
    else:
        _within_by_index(x, y, wards, ward_idx)
    match[ward_idx >= 0] = 0  # within
    rest = np.flatnonzero(ward_idx < 0)
    if rest.size and tolerance_m > 0:
        (pt2, wd2), dist = wards.sindex.nearest(
            shapely.points(x[rest], y[rest]),
            max_distance=tolerance_m,
            return_distance=True,
            return_all=True,
        )
        order = np.lexsort((wd2, dist, pt2))
        pt2, wd2 = pt2[order], wd2[order]
        first = np.unique(pt2, return_index=True)[1]
        ward_idx[rest[pt2[first]]] = wd2[first]
        match[rest[pt2[first]]] = 1  # nearest
    return ward_idx, match


_BY_WARD = 200
"""Up to this many wards, points are tested ward by ward on their coordinates
(no Point objects: a million points in a fraction of a second)."""


def _within_by_ward(
    x: np.ndarray, y: np.ndarray, polygons: np.ndarray, ward_idx: np.ndarray
) -> None:
    """Wards are in code order: a point on a shared edge keeps the lowest code."""
    for j, polygon in enumerate(polygons):
        minx, miny, maxx, maxy = shapely.bounds(polygon)
        todo = np.flatnonzero(
            (ward_idx < 0) & (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
        )
        if todo.size:
            shapely.prepare(polygon)
            hit = shapely.intersects_xy(polygon, x[todo], y[todo])
            ward_idx[todo[hit]] = j


def _within_by_index(
    x: np.ndarray, y: np.ndarray, wards: gpd.GeoDataFrame, ward_idx: np.ndarray
) -> None:
    pt, wd = wards.sindex.query(shapely.points(x, y), predicate="intersects")
    # Wards are sorted by code, so the lowest position is the lowest code.
    order = np.lexsort((wd, pt))
    pt, wd = pt[order], wd[order]
    first = np.unique(pt, return_index=True)[1]
    ward_idx[pt[first]] = wd[first]
