"""Private: matching a file's columns to our fields, and reading its dates.

One place for every reader (incidents, cameras, wards, population): header
names are normalised (lower case, letters and digits only), looked up in each
reader's alias table (first alias present wins), or matched by pattern; dates
are read ISO first, then UK day-first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.errors import GeoInputError

__all__ = [
    "CAMERA_ALIASES",
    "INCIDENT_ALIASES",
    "POPULATION_ALIASES",
    "WARD_CODE_PATTERNS",
    "WARD_NAME_PATTERNS",
    "Columns",
    "column_of",
    "first_matching",
    "match_aliases",
    "match_columns",
    "months_of",
    "norm",
    "parse_dates",
]

INCIDENT_ALIASES: dict[str, tuple[str, ...]] = {
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
"""Incident tables: police.uk's street CSVs and the tables forces export."""

CAMERA_ALIASES: dict[str, tuple[str, ...]] = {
    "camera_id": ("cameraid", "camera", "id", "cameraref", "ref"),
    "location": ("location", "name", "description", "site"),
    "lon": ("longitude", "lon", "lng", "long"),
    "lat": ("latitude", "lat"),
    "x": ("easting", "x"),
    "y": ("northing", "y"),
    "range_m": ("rangem", "range", "radius", "radiusm"),
    "bearing": ("bearing", "direction", "heading", "azimuth"),
    "fov": ("fov", "fieldofview", "angle", "viewangle"),
    "install_date": ("installdate", "installed", "golive", "livedate", "date"),
    "purpose": ("purpose", "type", "category"),
}
"""Camera lists: a council's register exported to CSV or GeoJSON."""

POPULATION_ALIASES: dict[str, tuple[str, ...]] = {
    "ward_code": ("wardcode", "code"),
    "population": ("population", "allages", "totalpopulation", "usualresidents"),
}
"""Ward population tables (ONS mid-year estimates); an ONS ``WDyyCD`` column
is a ward code too (:data:`WARD_CODE_PATTERNS`)."""

WARD_CODE_PATTERNS = (
    r"wd\d\dcd",
    r"ward_?code",
    r"[a-z]+\d\dcd",
    r"code",
    r"gss_?code",
)
"""Ward code columns of boundary files, most specific first (ONS ``WD23CD``)."""

WARD_NAME_PATTERNS = (r"wd\d\dnm", r"ward_?name", r"[a-z]+\d\dnm", r"name")
"""Ward name columns of boundary files, most specific first (ONS ``WD23NM``)."""


def norm(name: object) -> str:
    """Normalise a header name: lower case, letters and digits only.

    Examples
    --------
    >>> norm("Crime ID"), norm("LSOA code"), norm("range_m")
    ('crimeid', 'lsoacode', 'rangem')
    """
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def match_aliases(
    header: Iterable[object], aliases: Mapping[str, tuple[str, ...]]
) -> dict[str, str]:
    """Map each field to the column that names it: its first alias present.

    A column serves one field at most, the first that claims it.

    Examples
    --------
    >>> match_aliases(["Crime ID", "Month", "Longitude"], INCIDENT_ALIASES)
    {'incident_id': 'Crime ID', 'month': 'Month', 'lon': 'Longitude'}
    """
    by_norm: dict[str, str] = {}
    for col in header:
        by_norm.setdefault(norm(col), str(col))
    fields: dict[str, str] = {}
    for field_, names in aliases.items():
        hit = next((by_norm[a] for a in names if a in by_norm), None)
        if hit is not None and hit not in fields.values():
            fields[field_] = hit
    return fields


def first_matching(cols: Iterable[object], patterns: tuple[str, ...]) -> str | None:
    """Return the first column (in pattern order) whose lower-cased name matches.

    Examples
    --------
    >>> first_matching(["FID", "WD23CD", "WD23NM"], WARD_CODE_PATTERNS)
    'WD23CD'
    """
    cols = list(cols)
    for pattern in patterns:
        for col in cols:
            if re.fullmatch(pattern, str(col).lower()):
                return col
    return None


def parse_dates(text: pd.Series) -> pd.Series:
    """Read dates: ISO (2022-10-01) first, then UK day-first (01/10/2022).

    Blank or unreadable text gives NaT.

    Examples
    --------
    >>> parse_dates(pd.Series(["2022-10-01", "01/10/2022", "", "soon"])).tolist()
    [Timestamp('2022-10-01 00:00:00'), Timestamp('2022-10-01 00:00:00'), NaT, NaT]
    """
    text = pd.Series(text, dtype=str).fillna("")
    out = pd.to_datetime(text, format="ISO8601", errors="coerce")
    rest = out.isna() & (text.str.strip() != "")
    if rest.any():
        out[rest] = pd.to_datetime(
            text[rest], format="mixed", dayfirst=True, errors="coerce"
        )
    return out


# --- incident tables -----------------------------------------------------------

_MONTH_RE = r"\d{4}-(0[1-9]|1[0-2])"


@dataclass(frozen=True, kw_only=True)
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


def match_columns(
    header: Iterable[str], columns: Columns, name: str, *, need_xy: bool
) -> dict[str, str]:
    header = list(header)
    fields = match_aliases(header, INCIDENT_ALIASES)
    for field_ in ("lon", "lat", "x", "y", "month", "crime_type"):
        given = getattr(columns, field_)
        if given is None:
            continue
        if given not in set(header):
            msg = (
                f"{name!r} has no column {given!r} (named for {field_}); "
                f"it has {header}."
            )
            raise GeoInputError(msg)
        fields[field_] = given
        if field_ == "month":
            fields.pop("date", None)
    if columns.x is not None or columns.y is not None:
        fields.pop("lon", None)
        fields.pop("lat", None)
    if "month" not in fields and "date" not in fields:
        msg = (
            f"{name!r} has no month or date column (found {header}); police.uk "
            "files have 'Month'. Name yours with `month_col`."
        )
        raise GeoInputError(msg, argument="month_col")
    has_lonlat = "lon" in fields and "lat" in fields
    has_xy = "x" in fields and "y" in fields
    if need_xy and not (has_lonlat or has_xy):
        msg = (
            f"{name!r} has no coordinate columns (found {header}); police.uk "
            "files have 'Longitude' and 'Latitude'. Name yours with "
            "`lon_col`/`lat_col` or `x_col`/`y_col`."
        )
        raise GeoInputError(msg, argument="lon_col")
    return fields


def column_of(
    raw: dict[str, pa.Array], fields: dict[str, str], field_: str, n: int, default: str
) -> pa.Array:
    if field_ not in fields:
        return pa.repeat(pa.scalar(default, pa.string()), n)
    return raw[fields[field_]]


def months_of(text: pa.Array) -> pa.Array:
    """Month of each row as ``YYYY-MM``; null where it cannot be parsed."""
    values = pc.unique(text)  # a police.uk file holds one month: test it once
    good = values.filter(pc.match_substring_regex(values, f"^{_MONTH_RE}$"))
    ok = pc.is_in(text, value_set=good)
    month = pc.if_else(ok, text, pa.scalar(None, pa.string()))
    todo = pc.and_(pc.invert(ok), pc.not_equal(text, ""))
    if not pc.any(todo).as_py():
        return month
    rows = np.flatnonzero(todo.to_numpy(zero_copy_only=False))
    parsed = _parse_dates(pd.Series(text.take(pa.array(rows)).to_pylist()))
    values = month.to_numpy(zero_copy_only=False).astype(object)
    values[rows] = parsed.to_numpy(dtype=object)
    values[pd.isna(values)] = None
    return pa.array(values, pa.string())


def _parse_dates(text: pd.Series) -> pd.Series:
    return parse_dates(text).dt.strftime("%Y-%m").where(lambda m: m.notna())
