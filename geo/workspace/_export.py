"""Private: a workspace as a GeoPackage that opens in QGIS."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import geopandas as gpd
import pyogrio

from geo._files import write_atomic
from geo.errors import GeoInputError
from geo.settings import WORKING_CRS
from geo.workspace import _cameras

__all__ = ["export_gpkg"]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "set"


def export_gpkg(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Write the workspace as layers of one GeoPackage in EPSG:27700.

    Incidents (points, with their ward in every set), each boundary set
    (polygons) and the camera register (points).
    """
    if path.suffix.lower() != ".gpkg":
        msg = f"`out` {str(path)!r}: the workspace is exported as a .gpkg file."
        raise GeoInputError(msg, argument="out")
    sets = [r[0] for r in con.execute(
        "SELECT name FROM boundary_sets ORDER BY added, name").fetchall()]  # fmt: skip
    layers: list[str] = []
    slugs = _unique_slugs(sets)

    def write(tmp: Path) -> None:
        from geo.workspace._boundaries import _wards_of

        incidents = _incidents(con, slugs)
        pyogrio.write_dataframe(incidents, tmp, layer="incidents", driver="GPKG")
        layers.append("incidents")
        for name in sets:
            layer = f"wards_{slugs[name]}"
            wards = _wards_of(con, name).assign(boundary_set=name)
            pyogrio.write_dataframe(wards, tmp, layer=layer, driver="GPKG")
            layers.append(layer)
        cams = _cameras.register_on(con)
        if not cams.empty:
            pyogrio.write_dataframe(cams, tmp, layer="cameras", driver="GPKG")
            layers.append("cameras")

    write_atomic(path, write)
    return layers


def _unique_slugs(names: list[str]) -> dict[str, str]:
    """Name each set's layer and columns, distinct across the sets.

    Names differing only in punctuation ("2023 wards", "2023-wards") get
    ``2023_wards`` and ``2023_wards_2``.
    """
    out: dict[str, str] = {}
    for name in names:
        base = slug = _slug(name)
        k = 2
        while slug in out.values():
            slug, k = f"{base}_{k}", k + 1
        out[name] = slug
    return out


def _incidents(
    con: duckdb.DuckDBPyConnection, slugs: dict[str, str]
) -> gpd.GeoDataFrame:
    cols, joins, params = [], [], []
    for k, (name, slug) in enumerate(slugs.items()):
        joins.append(
            f"LEFT JOIN location_wards w{k} ON w{k}.set_name = ? "
            f"AND w{k}.loc_id = i.loc_id"
        )
        params.append(name)
        cols.append(
            f"w{k}.ward_code AS ward_code_{slug}, w{k}.ward_name AS ward_name_{slug}"
        )
    extra = (", " + ", ".join(cols)) if cols else ""
    frame = con.sql(
        "SELECT i.incident_id, i.month, i.crime_type, i.location, i.lsoa_code, "
        "i.outcome, i.force, i.source, round(i.x, 2) AS easting, "
        "round(i.y, 2) AS northing, round(i.lon, 6) AS longitude, "
        f"round(i.lat, 6) AS latitude, i.x AS _x, i.y AS _y{extra} "
        f"FROM incident_rows i {' '.join(joins)} "
        "ORDER BY i.seq",
        params=params,
    ).df()
    geometry = gpd.points_from_xy(frame.pop("_x"), frame.pop("_y"))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WORKING_CRS)
