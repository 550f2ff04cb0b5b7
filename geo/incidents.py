"""Read incident points: police.uk street CSVs and other tables, into one frame.

Every row read is kept or counted as dropped with a reason (see
:class:`geo.quality.QualityReport`). The result is in :data:`WORKING_CRS` with the
columns of :data:`INCIDENT_COLUMNS`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from geo._sources import Source, as_buffer, expand_sources
from geo._vector import read_vector
from geo.errors import GeoInputError
from geo.quality import QualityReport
from geo.settings import WORKING_CRS

__all__ = [
    "INCIDENT_COLUMNS",
    "Columns",
    "LoadedIncidents",
    "read_incidents",
]

log = logging.getLogger(__name__)

INCIDENT_COLUMNS = [
    "incident_id",
    "month",
    "crime_type",
    "location",
    "lsoa_code",
    "outcome",
    "source",
]
"""Attribute columns of a normalised incident frame (plus ``geometry``)."""

Progress = Callable[[int, int, str], None]
"""``progress(done, total, name)``: called as each file is read."""

# Normalised header name (lower case, letters and digits only) -> our field.
_ALIASES: dict[str, tuple[str, ...]] = {
    "incident_id": ("crimeid", "incidentid", "id", "crimereference", "reference"),
    "month": ("month",),
    "date": (
        "date",
        "incidentdate",
        "offencedate",
        "occurreddate",
        "datetime",
        "committeddate",
        "reporteddate",
    ),
    "lon": ("longitude", "lon", "lng", "long"),
    "lat": ("latitude", "lat"),
    "x": ("easting", "eastings", "x", "xcoord", "xcoordinate"),
    "y": ("northing", "northings", "y", "ycoord", "ycoordinate"),
    "crime_type": ("crimetype", "offencetype", "incidenttype", "category", "type"),
    "location": ("location", "street", "streetname", "address"),
    "lsoa_code": ("lsoacode", "lsoa11cd", "lsoa21cd", "lsoa"),
    "outcome": ("lastoutcomecategory", "outcome", "outcomecategory"),
    "force": ("reportedby", "force", "fallswithin"),
}
_MONTH_RE = r"\d{4}-(0[1-9]|1[0-2])"
_UNSPECIFIED = "Unspecified"


@dataclass(frozen=True)
class Columns:
    """Column names to use instead of detection (any left ``None`` is detected).

    Attributes
    ----------
    lon, lat : str, optional
        Longitude and latitude columns (degrees, EPSG:4326).
    x, y : str, optional
        Easting and northing columns (metres, EPSG:27700 unless ``crs`` says).
    month : str, optional
        A month (``YYYY-MM``) or date column.
    crime_type : str, optional
        The offence or incident type column.
    crs : str, optional
        CRS of ``x``/``y`` when not British National Grid.
    """

    lon: str | None = None
    lat: str | None = None
    x: str | None = None
    y: str | None = None
    month: str | None = None
    crime_type: str | None = None
    crs: str | None = None


@dataclass(frozen=True)
class LoadedIncidents:
    """Incidents read from files, and the quality report of the read."""

    incidents: gpd.GeoDataFrame
    quality: QualityReport


def read_incidents(
    inputs: str | Path | Iterable[str | Path],
    *,
    columns: Columns | None = None,
    progress: Progress | None = None,
) -> LoadedIncidents:
    """Read incident points from police.uk CSVs, folders, zips or other tables.

    Parameters
    ----------
    inputs : path or list of paths
        police.uk street CSV files, folders holding them (searched recursively),
        police.uk archive ``.zip`` files, ``.csv.gz``; other CSV/TSV tables with
        longitude/latitude or easting/northing and a month or date column; GeoJSON
        (or any vector file) of points.
    columns : Columns, optional
        Column names for tables whose columns are not detected.
    progress : callable, optional
        ``progress(done, total, name)`` after each file.

    Returns
    -------
    LoadedIncidents
        ``incidents``: a GeoDataFrame in EPSG:27700 with :data:`INCIDENT_COLUMNS`,
        on a fresh RangeIndex; ``quality``: rows read, kept and dropped by reason.
        The same police force and month found in two files is kept once (the
        first file read); identical rows within one file are distinct reports.

    Raises
    ------
    GeoInputError
        For a missing file, a file that is not a table of incidents, a required
        column missing, swapped or mislabelled coordinates, or no rows at all.
    """
    columns = columns or Columns()
    quality = QualityReport()
    sources = expand_sources(inputs, quality.skipped_files)
    seen = _SeenKeys()
    frames = []
    for i, source in enumerate(sources, start=1):
        frame = _read_source(source, columns, quality, seen)
        if frame is not None:
            frames.append(frame)
        if progress is not None:
            progress(i, len(sources), source.name)
    incidents = _assemble(frames)
    quality.kept = len(incidents)
    quality.months = sorted(incidents["month"].unique().tolist())
    return LoadedIncidents(incidents=incidents, quality=quality)


class _SeenKeys:
    """What has been loaded so far: file digests and police force-months."""

    def __init__(self) -> None:
        self.digests: dict[str, str] = {}
        self.force_months: dict[tuple[str, str], str] = {}


def _read_source(
    source: Source, columns: Columns, quality: QualityReport, seen: _SeenKeys
) -> pd.DataFrame | None:
    if source.kind == "vector":
        raw, xy = _read_vector(source)
        digest = hashlib.sha1(source.path.read_bytes()).hexdigest()
    else:
        data = source.read_bytes()
        digest = hashlib.sha1(data).hexdigest()
        raw, xy = _read_table(data, source.name, columns), None
    quality.files.append(source.name)
    quality.read += len(raw)
    if digest in seen.digests:
        quality.drop("duplicate file (loaded twice)", len(raw))
        quality.notes.append(
            f"{source.name} is the same file as {seen.digests[digest]}; read once."
        )
        return None
    seen.digests[digest] = source.name
    if raw.empty:
        return None
    return _normalise(raw, xy, source.name, columns, quality, seen)


def _read_table(data: bytes, name: str, columns: Columns) -> pd.DataFrame:
    """Read the columns of a table that are used, all as text."""
    if not data.strip():
        msg = f"{name!r} is empty; it has no header and no rows. Re-export it."
        raise GeoInputError(msg)
    if b"\x00" in data[:8192]:
        msg = (
            f"{name!r} is not a text table (it holds binary data); give the CSV "
            "file itself, e.g. YYYY-MM-force-street.csv from police.uk."
        )
        raise GeoInputError(msg)
    sep = _sniff_delimiter(data, name)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            header = pd.read_csv(as_buffer(data), sep=sep, nrows=0, encoding=encoding)
            header = [str(c) for c in header.columns]
            fields = _match_columns(header, columns, name, need_xy=True)
            wanted = set(fields.values())
            return pd.read_csv(
                as_buffer(data),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding=encoding,
                skipinitialspace=True,
                usecols=[c for c in header if c in wanted],
            )
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserError as err:
            msg = (
                f"{name!r} is not a well-formed table: {err}. Check the line named "
                "(a stray delimiter or quote) and re-export the file."
            )
            raise GeoInputError(msg) from err
    msg = f"{name!r} is neither UTF-8 nor Windows-1252 text; save it as UTF-8 CSV."
    raise GeoInputError(msg)


def _sniff_delimiter(data: bytes, name: str) -> str:
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    counts = {sep: first.count(sep.encode()) for sep in (",", "\t", ";", "|")}
    sep, n = max(counts.items(), key=lambda kv: kv[1])
    if n == 0:
        msg = (
            f"{name!r} does not look like a CSV: its first line has no comma, tab, "
            f"semicolon or bar ({first[:80]!r}). Give a police.uk street CSV or a "
            "table with a header row."
        )
        raise GeoInputError(msg)
    return sep


def _read_vector(source: Source) -> tuple[pd.DataFrame, np.ndarray]:
    gdf = read_vector(source.path, role="incident file")
    geom = gdf.geometry
    is_point = (geom.geom_type == "Point") & ~geom.is_empty
    gdf = gdf.to_crs(WORKING_CRS)
    xy = np.full((len(gdf), 2), np.nan)
    pts = gdf.geometry[is_point.to_numpy()]
    xy[is_point.to_numpy()] = np.column_stack([pts.x, pts.y])
    props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(str)
    props = props.replace({"None": "", "nan": "", "NaT": ""})
    props["__kind"] = np.where(
        is_point, "point", np.where(geom.isna() | geom.is_empty, "empty", "other")
    )
    return props.reset_index(drop=True), xy


def _normalise(
    raw: pd.DataFrame,
    xy: np.ndarray | None,
    name: str,
    columns: Columns,
    quality: QualityReport,
    seen: _SeenKeys,
) -> pd.DataFrame | None:
    fields = _match_columns(raw.columns, columns, name, need_xy=xy is None)
    month = _months(raw, fields, name)
    if xy is None:
        x, y, reasons = _coordinates(raw, fields, columns, name)
    else:
        x, y = xy[:, 0], xy[:, 1]
        kind = raw["__kind"].to_numpy()
        reasons = np.full(len(raw), "", dtype=object)
        reasons[kind == "empty"] = "no coordinates"
        reasons[kind == "other"] = "not a point geometry"
    reasons = np.where(
        (reasons == "") & month.isna().to_numpy(), "unparseable month", reasons
    )
    force = _column(raw, fields, "force", "")
    for name_ in force.unique():
        if name_ and name_ not in quality.forces:
            quality.forces.append(name_)
    reasons = _mark_duplicate_force_months(reasons, force, month, name, seen)
    for reason, n in pd.Series(reasons[reasons != ""]).value_counts().items():
        quality.drop(str(reason), n)
    keep = reasons == ""
    if not keep.any():
        return None
    row_line = pd.Series(np.arange(len(raw)) + 2, index=raw.index).astype(str)
    incident_id = _column(raw, fields, "incident_id", "")
    incident_id = incident_id.where(incident_id != "", Path(name).name + ":" + row_line)
    crime_type = _column(raw, fields, "crime_type", _UNSPECIFIED).str.strip()
    crime_type = crime_type.where(crime_type != "", _UNSPECIFIED)
    out = pd.DataFrame(
        {
            "incident_id": incident_id,
            "month": month,
            "crime_type": crime_type,
            "location": _column(raw, fields, "location", ""),
            "lsoa_code": _column(raw, fields, "lsoa_code", ""),
            "outcome": _column(raw, fields, "outcome", ""),
            "source": name,
            "x": x,
            "y": y,
        }
    )
    return out.loc[keep]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _match_columns(
    header: Iterable[str], columns: Columns, name: str, *, need_xy: bool
) -> dict[str, str]:
    by_norm: dict[str, str] = {}
    for col in header:
        by_norm.setdefault(_norm(col), col)
    fields: dict[str, str] = {}
    for field, aliases in _ALIASES.items():
        hit = next((by_norm[a] for a in aliases if a in by_norm), None)
        if hit is not None:
            fields[field] = hit
    for field in ("lon", "lat", "x", "y", "month", "crime_type"):
        given = getattr(columns, field)
        if given is None:
            continue
        if given not in set(header):
            msg = (
                f"{name!r} has no column {given!r} (named for {field}); "
                f"it has {list(header)}."
            )
            raise GeoInputError(msg)
        fields[field] = given
        if field == "month":
            fields.pop("date", None)
    if columns.x is not None or columns.y is not None:
        fields.pop("lon", None)
        fields.pop("lat", None)
    if "month" not in fields and "date" not in fields:
        msg = (
            f"{name!r} has no month or date column (found {list(header)}); police.uk "
            "files have 'Month'. Name yours with --month-col."
        )
        raise GeoInputError(msg)
    has_lonlat = "lon" in fields and "lat" in fields
    has_xy = "x" in fields and "y" in fields
    if need_xy and not (has_lonlat or has_xy):
        msg = (
            f"{name!r} has no coordinate columns (found {list(header)}); police.uk "
            "files have 'Longitude' and 'Latitude'. Name yours with "
            "--lon-col/--lat-col "
            "or --x-col/--y-col."
        )
        raise GeoInputError(msg)
    return fields


def _column(
    raw: pd.DataFrame, fields: dict[str, str], field: str, default: str
) -> pd.Series:
    if field not in fields:
        return pd.Series(default, index=raw.index, dtype=str)
    return raw[fields[field]].astype(str).str.strip()


def _months(raw: pd.DataFrame, fields: dict[str, str], name: str) -> pd.Series:
    """Month of each row as ``YYYY-MM``; NaN where it cannot be parsed."""
    col = fields.get("month") or fields["date"]
    text = raw[col].astype(str).str.strip()
    month = text.where(text.str.fullmatch(_MONTH_RE))
    todo = month.isna() & (text != "")
    if todo.any():
        month = month.copy()
        month[todo] = _parse_dates(text[todo])
    return month


def _parse_dates(text: pd.Series) -> pd.Series:
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce")
    rest = iso.isna()
    if rest.any():
        iso[rest] = pd.to_datetime(
            text[rest], format="mixed", dayfirst=True, errors="coerce"
        )
    return iso.dt.strftime("%Y-%m").where(iso.notna())


def _coordinates(
    raw: pd.DataFrame, fields: dict[str, str], columns: Columns, name: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lonlat = "lon" in fields and "lat" in fields
    cx, cy = (fields["lon"], fields["lat"]) if lonlat else (fields["x"], fields["y"])
    tx = raw[cx].astype(str).str.strip()
    ty = raw[cy].astype(str).str.strip()
    a = pd.to_numeric(tx, errors="coerce").to_numpy(dtype=float)
    b = pd.to_numeric(ty, errors="coerce").to_numpy(dtype=float)
    blank = ((tx == "") | (ty == "")).to_numpy()
    bad = ~blank & (np.isnan(a) | np.isnan(b))
    reasons = np.full(len(raw), "", dtype=object)
    reasons[blank] = "no coordinates"
    reasons[bad] = "non-numeric coordinates"
    ok = ~blank & ~bad
    reasons[ok & (a == 0) & (b == 0)] = "coordinates at (0, 0)"
    if lonlat:
        _check_lonlat_columns(a[ok], b[ok], name, (cx, cy))
        out = (np.abs(a) > 180) | (np.abs(b) > 90)
        reasons[ok & out & (reasons == "")] = "coordinates out of range"
        src = "EPSG:4326"
    else:
        src = columns.crs or WORKING_CRS
        _check_xy_columns(a[ok], b[ok], name, (cx, cy), src)
    good = reasons == ""
    x = np.full(len(raw), np.nan)
    y = np.full(len(raw), np.nan)
    if good.any():
        x[good], y[good] = _to_working(src).transform(a[good], b[good])
    lost = good & ~(np.isfinite(x) & np.isfinite(y))
    reasons[lost] = "coordinates out of range"
    return x, y, reasons


@functools.lru_cache(maxsize=8)
def _to_working(src: str) -> Transformer:
    return Transformer.from_crs(CRS(src), CRS(WORKING_CRS), always_xy=True)


def _check_lonlat_columns(
    lon: np.ndarray, lat: np.ndarray, name: str, cols: tuple[str, str]
) -> None:
    if lon.size == 0:
        return
    nonzero = (lon != 0) | (lat != 0)
    lon, lat = lon[nonzero], lat[nonzero]
    if lon.size == 0:
        return
    looks_bng = np.mean((np.abs(lon) > 1000) & (np.abs(lat) > 1000))
    if looks_bng > 0.5:
        msg = (
            f"{name!r}: columns {cols[0]!r}/{cols[1]!r} hold values like "
            f"{lon[0]:.0f}, {lat[0]:.0f}, which are eastings/northings in metres, not "
            "degrees. Name them with --x-col/--y-col."
        )
        raise GeoInputError(msg)
    swapped = np.mean((lon > 49) & (lon < 61) & (lat > -9) & (lat < 3))
    if swapped > 0.5:
        msg = (
            f"{name!r}: longitude and latitude look swapped ({cols[0]!r} holds values "
            f"like {lon[0]:.4f}, a UK latitude). Swap the column names, or pass "
            f"--lon-col {cols[1]!r} --lat-col {cols[0]!r}."
        )
        raise GeoInputError(msg)


def _check_xy_columns(
    x: np.ndarray, y: np.ndarray, name: str, cols: tuple[str, str], crs: str
) -> None:
    if x.size == 0 or not CRS(crs).is_projected:
        return
    degrees = np.mean((np.abs(x) <= 180) & (np.abs(y) <= 90))
    if degrees > 0.5:
        msg = (
            f"{name!r}: columns {cols[0]!r}/{cols[1]!r} hold values like {x[0]}, "
            f"{y[0]}, which look like degrees, not metres. Name them with "
            "--lon-col/--lat-col."
        )
        raise GeoInputError(msg)


def _mark_duplicate_force_months(
    reasons: np.ndarray,
    force: pd.Series,
    month: pd.Series,
    name: str,
    seen: _SeenKeys,
) -> np.ndarray:
    """Rows whose police force and month were already loaded from another file."""
    if (force == "").all():
        return reasons
    keys = pd.DataFrame({"force": force, "month": month}).dropna()
    reasons = reasons.copy()
    for key in keys.drop_duplicates().itertuples(index=False):
        key = (key.force, key.month)
        first = seen.force_months.setdefault(key, name)
        if first != name:
            dup = ((force == key[0]) & (month == key[1])).to_numpy()
            reasons[dup & (reasons == "")] = "duplicate force-month (loaded twice)"
    return reasons


def _assemble(frames: list[pd.DataFrame]) -> gpd.GeoDataFrame:
    if not frames:
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in INCIDENT_COLUMNS})
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=WORKING_CRS))
    frame = pd.concat(frames, ignore_index=True)
    geometry = gpd.points_from_xy(frame["x"], frame["y"], crs=WORKING_CRS)
    for col in ("crime_type", "location", "lsoa_code", "outcome", "source"):
        frame[col] = frame[col].astype("category")  # few distinct values, many rows
    return gpd.GeoDataFrame(frame[INCIDENT_COLUMNS], geometry=geometry, crs=WORKING_CRS)
