"""Private: matching a file's columns to our fields, and reading its dates.

One place for every reader (incidents, cameras, wards, population): header
names are normalised (lower case, letters and digits only), looked up in each
reader's alias table (first alias present wins), or matched by pattern; dates
are read ISO first, then UK day-first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = [
    "CAMERA_ALIASES",
    "INCIDENT_ALIASES",
    "POPULATION_ALIASES",
    "WARD_CODE_PATTERNS",
    "WARD_NAME_PATTERNS",
    "first_matching",
    "match_aliases",
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
