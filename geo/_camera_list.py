"""Private: reading a camera list, and the cameras' fields of view.

A council's register exported to CSV or a vector file: ids, coordinates
(longitude/latitude or easting/northing), range, bearing, field of view,
install date; a camera without a range gets a default, said so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo._columns import CAMERA_ALIASES, match_aliases, parse_dates
from geo._points import point_xy
from geo._validate import require_positive, require_projected
from geo._vector import read_vector
from geo.errors import GeoInputError
from geo.settings import DEFAULT_CAMERA_RANGE_M, WORKING_CRS


@dataclass(frozen=True, kw_only=True)
class CameraList:
    """Cameras in the working CRS, and what was dropped or questionable."""

    cameras: gpd.GeoDataFrame
    read: int
    dropped: dict[str, int]
    notes: list[str] = field(default_factory=list)


def read_cameras(
    path: str | Path, *, default_range_m: float = DEFAULT_CAMERA_RANGE_M
) -> CameraList:
    """Read a camera list: CSV (longitude/latitude, easting/northing) or vector file.

    Optional columns: range in metres, bearing, field of view, install date,
    purpose. Cameras without coordinates are dropped and counted; duplicate ids
    are kept and reported, never merged.

    Raises
    ------
    GeoInputError
        An unreadable file, no coordinate columns, a negative or zero range, a
        bearing outside 0-360 or a field of view outside 1-360 (naming the row).
    """
    require_positive(default_range_m, name="default_range_m", unit=" metres")
    raw, xy = _read(Path(path))
    cols = match_aliases(raw.columns, CAMERA_ALIASES)
    if xy is None:
        xy = _coordinates(raw, cols, path)
    missing = ~np.isfinite(xy).all(axis=1)
    n = len(raw)
    ids = (
        raw[cols["camera_id"]].astype(str)
        if "camera_id" in cols
        else pd.Series([f"camera {i + 1}" for i in range(n)], index=raw.index)
    )
    out = pd.DataFrame(
        {
            "camera_id": ids.to_numpy(),
            "location": _text(raw, cols, "location"),
            "range_m": _number(raw, cols, "range_m", path),
            "bearing": _number(raw, cols, "bearing", path),
            "fov": _number(raw, cols, "fov", path),
            "install_date": _dates(_text(raw, cols, "install_date")),
            "purpose": _text(raw, cols, "purpose"),
        }
    )
    _check_values(out, path)
    _check_places(raw, cols, xy, out["camera_id"], path)
    out["range_source"] = np.where(out["range_m"].isna(), "default", "given")
    cams = gpd.GeoDataFrame(
        out.loc[~missing],
        geometry=gpd.points_from_xy(xy[~missing, 0], xy[~missing, 1]),
        crs=WORKING_CRS,
    ).reset_index(drop=True)
    cams, notes = _default_range(cams, default_range_m)
    dup = cams["camera_id"][cams["camera_id"].duplicated(keep=False)].unique()
    if dup.size:
        notes.append(
            "Duplicate camera ids kept as separate cameras: "
            f"{', '.join(map(str, dup[:10]))}."
        )
    dropped = {"no coordinates": int(missing.sum())} if missing.any() else {}
    if missing.any():
        notes.append(
            f"{int(missing.sum())} camera(s) without coordinates were left out."
        )
    if cams.empty:
        msg = f"camera list {str(path)!r} has no camera with coordinates."
        raise GeoInputError(msg)
    return CameraList(cameras=cams, read=n, dropped=dropped, notes=notes)


def register_cameras(
    cameras: gpd.GeoDataFrame, *, default_range_m: float, note: str = ""
) -> CameraList:
    """Make a :class:`CameraList` of cameras from a workspace's register.

    Cameras that gave no range get ``default_range_m``, said in the notes as
    for a file.
    """
    require_positive(default_range_m, name="default_range_m", unit=" metres")
    cams, notes = _default_range(cameras, default_range_m)
    return CameraList(
        cameras=cams,
        read=len(cams),
        dropped={},
        notes=[note, *notes] if note else notes,
    )


def _default_range(
    cams: gpd.GeoDataFrame, default_range_m: float
) -> tuple[gpd.GeoDataFrame, list[str]]:
    default = (cams["range_source"] == "default").to_numpy()
    cams = cams.copy()
    cams.loc[default, "range_m"] = float(default_range_m)
    if not default.any():
        return cams, []
    note = (
        f"{int(default.sum())} camera(s) have no range: a full circle of "
        f"{default_range_m:g} m is assumed."
    )
    return cams, [note]


def _read(path: Path) -> tuple[pd.DataFrame, np.ndarray | None]:
    if not path.exists():
        msg = f"camera list {str(path)!r} does not exist; check the path."
        raise GeoInputError(msg)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        try:
            raw = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                sep=None,
                engine="python",
                encoding="utf-8-sig",
            )
        except (
            pd.errors.ParserError,
            UnicodeDecodeError,
            pd.errors.EmptyDataError,
        ) as err:
            msg = f"camera list {str(path)!r} is not a readable CSV ({err})."
            raise GeoInputError(msg) from err
        return raw, None
    gdf = read_vector(path, role="camera list")
    geom = gdf.to_crs(WORKING_CRS).geometry
    ok = (geom.geom_type == "Point").to_numpy() & ~geom.is_empty.to_numpy()
    xy = np.full((len(gdf), 2), np.nan)
    xy[ok] = np.column_stack([geom[ok].x, geom[ok].y])
    raw = (
        pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        .astype(str)
        .replace({"None": "", "nan": ""})
    )
    return raw, xy


def _coordinates(raw: pd.DataFrame, cols: dict, path) -> np.ndarray:
    if "lon" in cols and "lat" in cols:
        lon = pd.to_numeric(raw[cols["lon"]], errors="coerce").to_numpy()
        lat = pd.to_numeric(raw[cols["lat"]], errors="coerce").to_numpy()
        tr = Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
        x, y = tr.transform(lon, lat)
        return np.column_stack([x, y])
    if "x" in cols and "y" in cols:
        return np.column_stack(
            [
                pd.to_numeric(raw[cols[c]], errors="coerce").to_numpy()
                for c in ("x", "y")
            ]
        )
    msg = (
        f"camera list {str(path)!r} has no coordinate columns (longitude/latitude or "
        f"easting/northing); it has {list(raw.columns)}."
    )
    raise GeoInputError(msg)


GB_EXTENT = (0.0, 0.0, 700_000.0, 1_300_000.0)
"""Eastings and northings of Great Britain (British National Grid, metres)."""


def _check_places(raw: pd.DataFrame, cols: dict, xy: np.ndarray, ids, path) -> None:
    """Refuse cameras whose longitude and latitude are swapped, or off the map."""
    if "lon" in cols and "lat" in cols:
        lon = pd.to_numeric(raw[cols["lon"]], errors="coerce").to_numpy()
        lat = pd.to_numeric(raw[cols["lat"]], errors="coerce").to_numpy()
        swapped = (lon > 49) & (lon < 61) & (lat > -9) & (lat < 3)
        if swapped.any():
            i = int(np.flatnonzero(swapped)[0])
            msg = (
                f"camera list {str(path)!r}, camera {ids.iloc[i]!r}: longitude "
                f"{lon[i]:g} and latitude {lat[i]:g} look swapped (a UK latitude "
                f"is 49-61); {int(swapped.sum())} camera(s) so. Swap the columns."
            )
            raise GeoInputError(msg)
    x, y = xy[:, 0], xy[:, 1]
    minx, miny, maxx, maxy = GB_EXTENT
    off = np.isfinite(x) & ~((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
    if off.any():
        i = int(np.flatnonzero(off)[0])
        msg = (
            f"camera list {str(path)!r}, camera {ids.iloc[i]!r}: its position is "
            "not in Great Britain; check its coordinates (longitude/latitude in "
            "degrees, or easting/northing in metres)."
        )
        raise GeoInputError(msg)


def _dates(text: np.ndarray) -> np.ndarray:
    return parse_dates(pd.Series(text, dtype=str)).to_numpy()


def _text(raw: pd.DataFrame, cols: dict, field_: str) -> np.ndarray:
    if field_ not in cols:
        return np.full(len(raw), "", dtype=object)
    return raw[cols[field_]].astype(str).str.strip().to_numpy()


def _number(raw: pd.DataFrame, cols: dict, field_: str, path) -> np.ndarray:
    if field_ not in cols:
        return np.full(len(raw), np.nan)
    text = raw[cols[field_]].astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & (text != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        msg = (
            f"camera list {str(path)!r}, row {row + 2}: {field_} "
            f"{text.iloc[row]!r} is not a number."
        )
        raise GeoInputError(msg)
    return values.to_numpy(dtype=float)


def _check_values(out: pd.DataFrame, path) -> None:
    checks = [
        ("range_m", lambda v: v > 0, "a range must be above 0 metres"),
        (
            "bearing",
            lambda v: (v >= 0) & (v <= 360),
            "a bearing is 0 to 360 degrees from north",
        ),
        ("fov", lambda v: (v >= 1) & (v <= 360), "a field of view is 1 to 360 degrees"),
    ]
    for col, ok, rule in checks:
        values = out[col]
        bad = values.notna() & ~ok(values)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            msg = (
                f"camera list {str(path)!r}, row {row + 2} (camera "
                f"{out['camera_id'].iloc[row]!r}): {col} {values.iloc[row]:g} is not "
                f"valid; {rule}."
            )
            raise GeoInputError(msg)


def camera_views(cameras: gpd.GeoDataFrame, *, segments: int = 24) -> gpd.GeoDataFrame:
    """Each camera's view as a polygon (sector or circle), for maps.

    Coverage itself is computed exactly by :func:`covered_by`, not from these.
    """
    polys = []
    for pt, r, bearing, fov in zip(
        cameras.geometry,
        cameras["range_m"],
        cameras["bearing"],
        cameras["fov"],
        strict=True,
    ):
        if pd.isna(bearing) or pd.isna(fov) or fov >= 360:
            polys.append(pt.buffer(r, quad_segs=segments // 4 * 2))
            continue
        angles = np.radians(np.linspace(bearing - fov / 2, bearing + fov / 2, segments))
        arc = np.column_stack([pt.x + r * np.sin(angles), pt.y + r * np.cos(angles)])
        polys.append(shapely.Polygon([(pt.x, pt.y), *arc.tolist()]))
    out = cameras.drop(columns="geometry").copy()
    return gpd.GeoDataFrame(out, geometry=polys, crs=cameras.crs)


def covered_by(
    points: gpd.GeoDataFrame, cameras: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point position, camera position) where the camera sees the point.

    A point is seen when its distance is at most the camera's range and, for a
    camera with a bearing and field of view, its direction is within half the
    field of view of the bearing (edges included).

    Examples
    --------
    >>> cams = gpd.GeoDataFrame({"range_m": [100.0], "bearing": [90.0], "fov": [60.0]},
    ...     geometry=gpd.points_from_xy([0], [0]), crs=WORKING_CRS)
    >>> pts = gpd.GeoDataFrame(
    ...     geometry=gpd.points_from_xy([50, 0, 100, 101], [0, 50, 0, 0]),
    ...     crs=WORKING_CRS)
    >>> covered_by(pts, cams)[0].tolist()
    [0, 2]
    """
    require_projected(points, name="points")
    if points.empty or cameras.empty:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # GEOS's distance can round a point at exactly the range to just beyond
    # it: the pre-filter reaches a hair further, the exact test below decides
    reach = float(cameras["range_m"].max()) * (1 + 1e-9)
    tree = shapely.STRtree(cameras.geometry.to_numpy())
    pt, cam = tree.query(
        points.geometry.to_numpy(), predicate="dwithin", distance=reach
    )
    px, py = (v[pt] for v in point_xy(points))
    cx, cy = (v[cam] for v in point_xy(cameras))
    dx, dy = px - cx, py - cy
    within = np.hypot(dx, dy) <= cameras["range_m"].to_numpy()[cam] * (1 + 1e-12)
    bearing = cameras["bearing"].to_numpy(dtype=float)[cam]
    fov = cameras["fov"].to_numpy(dtype=float)[cam]
    directed = np.isfinite(bearing) & np.isfinite(fov) & (fov < 360)
    angle = np.degrees(np.arctan2(dx, dy)) % 360
    off = np.abs((angle - np.nan_to_num(bearing) + 180) % 360 - 180)
    at_camera = (dx == 0) & (dy == 0)
    in_view = ~directed | at_camera | (off <= np.nan_to_num(fov) / 2 + 1e-9)
    keep = within & in_view
    return pt[keep], cam[keep]
