"""Export tables and files in the shapes the command-line contract promises.

Shared by the CLI and the app's download buttons. Every file is written to a
temporary name beside its target and moved into place, so a failed run never
leaves a half-written output.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._files import write_atomic
from geo._points import point_xy
from geo.errors import GeoInputError
from geo.patrol import PatrolHotspots
from geo.settings import DISPLAY_CRS

__all__ = [
    "INCIDENT_EXPORT_COLUMNS",
    "incidents_table",
    "write_atomic",
    "write_geojson",
    "write_incidents",
    "write_json",
]

INCIDENT_EXPORT_COLUMNS = [
    "incident_id",
    "month",
    "crime_type",
    "location",
    "lsoa_code",
    "ward_code",
    "ward_name",
    "easting",
    "northing",
    "longitude",
    "latitude",
]
"""The contract's columns for cleaned incidents; extras follow them."""

_EXTRA = ["outcome", "ward_match", "source"]


def incidents_table(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Incidents with the contract's columns (metres and degrees), geometry kept."""
    lonlat = incidents.geometry.to_crs(DISPLAY_CRS)
    x, y = point_xy(incidents)
    out = pd.DataFrame(
        {
            "incident_id": incidents["incident_id"].to_numpy(),
            "month": incidents["month"].to_numpy(),
            "crime_type": incidents["crime_type"].astype(str).to_numpy(),
            "location": incidents["location"].to_numpy(),
            "lsoa_code": incidents["lsoa_code"].to_numpy(),
            "ward_code": _col(incidents, "ward_code"),
            "ward_name": _col(incidents, "ward_name"),
            "easting": np.round(x, 2),
            "northing": np.round(y, 2),
            "longitude": lonlat.x.round(6).to_numpy(),
            "latitude": lonlat.y.round(6).to_numpy(),
        }
    )
    for extra in _EXTRA:
        out[extra] = _col(incidents, extra)
    return gpd.GeoDataFrame(
        out, geometry=incidents.geometry.to_numpy(), crs=incidents.crs
    )


def _col(df: pd.DataFrame, name: str):
    if name in df.columns:
        return df[name].to_numpy()
    return pd.Series("", index=df.index, dtype=str).to_numpy()


def write_incidents(incidents: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write cleaned incidents as CSV (Excel-friendly), GeoPackage or GeoParquet."""
    table = incidents_table(incidents)
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_table(table, path)
    if suffix == ".gpkg":
        return write_atomic(
            path, lambda p: table.to_file(p, driver="GPKG", layer="incidents")
        )
    if suffix == ".parquet":
        return write_atomic(path, lambda p: table.to_parquet(p, index=False))
    msg = f"--out {str(path)!r}: incidents are written as .csv, .gpkg or .parquet."
    raise GeoInputError(msg)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a spreadsheet cell starts a formula (OWASP, CSV injection)."""


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell that would start a formula made inert.

    As OWASP recommends for CSV injection: a text cell starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return, and not a number, gets a
    leading ``'`` so Excel shows it as text. Number columns are left alone.

    Examples
    --------
    >>> neutralised(pd.DataFrame({"a": ["=SUM(A1)", "-3.05", "@x", "Queen St"]}))
               a
    0  '=SUM(A1)
    1      -3.05
    2        '@x
    3   Queen St
    """
    out = frame
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        inert = {v: f"'{v}" for v in _formula_like(values) if _starts_formula(v)}
        if inert:
            out = out.copy() if out is frame else out
            out[col] = values.astype(object).replace(inert)
    return out


def _formula_like(values: pd.Series) -> list:
    """The distinct texts of ``values`` that start as a formula would
    (vectorised with pyarrow: a million rows in milliseconds)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.CategoricalDtype):
        values = pd.Series(values.cat.categories)
    try:
        arr = pa.array(values.to_numpy(dtype=object), pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed values: their text
        arr = pa.array(values.astype(str).to_numpy(dtype=object), pa.string())
    hit = pc.starts_with(arr, _FORMULA_START[0])
    for start in _FORMULA_START[1:]:
        hit = pc.or_(hit, pc.starts_with(arr, start))
    return pc.unique(arr.filter(hit)).to_pylist()


def _starts_formula(value) -> bool:
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False  # a number such as -3.05


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV for Excel: UTF-8 with BOM, formula cells made inert."""
    if isinstance(frame, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return neutralised(frame).to_csv(index=False).encode("utf-8-sig")


def geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """A layer as GeoJSON (EPSG:4326) for QGIS: dates as ``YYYY-MM-DD``, missing
    values as null (a date or a missing value would not be JSON otherwise)."""
    out = gdf.to_crs(DISPLAY_CRS)
    for col in out.columns.drop(out.geometry.name):
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            days = out[col].dt.strftime("%Y-%m-%d")
            out[col] = days.astype(object).where(out[col].notna(), None)
    return out.to_json(na="null", drop_id=True).encode("utf-8")


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as CSV (UTF-8 with BOM, so Excel reads it right).

    A geometry column, if any, is left out: the coordinates are columns already.
    Text cells that would start a formula are made inert (:func:`neutralised`).
    """
    if Path(path).suffix.lower() != ".csv":
        msg = f"--out {str(path)!r}: this table is written as .csv."
        raise GeoInputError(msg)
    data = csv_bytes(frame)
    return write_atomic(path, lambda p: p.write_bytes(data))


def write_geojson(gdf: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write GeoJSON (EPSG:4326) atomically, named after the file written."""
    path = Path(path)
    if path.suffix.lower() not in (".geojson", ".json"):
        msg = f"--out {str(path)!r}: this output is written as .geojson."
        raise GeoInputError(msg)
    gdf = gdf.to_crs(DISPLAY_CRS)
    return write_atomic(
        path, lambda p: gdf.to_file(p, driver="GeoJSON", layer=path.stem)
    )


def write_json(data: object, path: str | Path) -> Path:
    """Write JSON (UTF-8, indented) atomically."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def hotspot_export_table(result: PatrolHotspots) -> gpd.GeoDataFrame:
    """The hotspot table as exported: contract columns first, EPSG:4326."""
    table = result.hotspots.table.to_crs(DISPLAY_CRS)
    centre = result.hotspots.table.geometry.centroid.to_crs(DISPLAY_CRS)
    out = table.copy()
    out["centre_longitude"] = centre.x.round(6).to_numpy()
    out["centre_latitude"] = centre.y.round(6).to_numpy()
    out["period"] = result.period.label if result.period else "all"
    out["eps_m"] = result.hotspots.parameters.eps
    out["min_samples"] = result.hotspots.parameters.min_samples
    first = [
        "hotspot_id",
        "rank",
        "incidents",
        "locations",
        "area_m2",
        "wards",
        "top_type",
    ]
    rest = [c for c in out.columns if c not in first and c != "geometry"]
    return out[[*first, *rest, "geometry"]]


def patrol_pack(
    result: PatrolHotspots,
    *,
    wards: gpd.GeoDataFrame | None = None,
    top: int = 10,
    synthetic: bool = False,
) -> str:
    """The printable patrol pack (self-contained HTML) of a hotspot result."""
    from app.patrol_pack import patrol_pack_html
    from geo.synthetic import DEMO_LABEL

    label = result.period.words if result.period else "all data"
    unit = result.unit
    return patrol_pack_html(
        result.hotspots.table,
        title=f"Patrol hotspots: {label}",
        subtitle=f"{result.total:,} {unit}; hotspots ranked by {unit}",
        notes=[str(n) for n in result.notes],
        wards=wards,
        top=top,
        synthetic_label=DEMO_LABEL if synthetic else None,
        unit=unit,
    )


@dataclass(frozen=True, kw_only=True)
class HotspotFile:
    """One of a hotspot result's downloads, built when asked for."""

    label: str
    name: str
    mime: str
    build: Callable[[], bytes]


def hotspot_files(
    result: PatrolHotspots,
    *,
    wards: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
) -> dict[str, HotspotFile]:
    """The downloads of a hotspot result, by format: GeoJSON (QGIS), CSV (Excel)
    and the printable patrol pack, as both hotspot pages of the app offer them.

    Each file is built on its first ``build()`` call, the export table once.
    """
    period = result.period.label if result.period else "all"
    stem = f"hotspots_{period}".replace("/", "-")
    table = functools.cache(lambda: hotspot_export_table(result))

    def csv() -> bytes:
        return csv_bytes(table())

    def pack() -> bytes:
        html = patrol_pack(result, wards=wards, synthetic=synthetic)
        return html.encode("utf-8")

    return {
        "geojson": HotspotFile(
            label="GeoJSON",
            name=f"{stem}.geojson",
            mime="application/geo+json",
            build=lambda: table().to_json().encode("utf-8"),
        ),
        "csv": HotspotFile(label="CSV", name=f"{stem}.csv", mime="text/csv", build=csv),
        "pack": HotspotFile(
            label="Patrol pack",
            name=f"patrol_pack_{period}.html".replace("/", "-"),
            mime="text/html",
            build=pack,
        ),
    }


def write_hotspots(
    result: PatrolHotspots,
    path: str | Path,
    *,
    wards: gpd.GeoDataFrame | None = None,
    top: int = 10,
    synthetic: str | None = None,
) -> Path:
    """Write hotspots as GeoJSON (EPSG:4326), CSV, or the printable HTML pack."""
    suffix = Path(path).suffix.lower()
    table = hotspot_export_table(result)
    if suffix in (".geojson", ".json"):
        return write_geojson(table, path)
    if suffix == ".csv":
        return write_table(table, path)
    if suffix in (".html", ".htm"):
        html = patrol_pack(result, wards=wards, top=top, synthetic=bool(synthetic))
        return write_atomic(path, lambda p: p.write_text(html, encoding="utf-8"))
    msg = f"--out {str(path)!r}: hotspots are written as .geojson, .csv or .html."
    raise GeoInputError(msg)
