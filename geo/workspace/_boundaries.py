"""Private: boundary sets in the workspace: storing them, tagging map points.

Each map point's ward is worked out once per boundary set (within the set's
tolerance) and stored; a new month's new map points are tagged as it is
imported.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import GeoInputError
from geo.settings import WORKING_CRS
from geo.wards import WARD_COLUMNS, locate_points


def _set_name(name: str) -> str:
    name = str(name).strip()
    if not name:
        msg = "a boundary set needs a name (`name`), e.g. '2023 wards'."
        raise GeoInputError(msg, argument="name")
    return name


def _drop_set(con, name: str) -> bool:
    found = con.execute(
        "SELECT count(*) FROM boundary_sets WHERE name = ?", [name]
    ).fetchall()[0][0]
    for table in ("boundaries", "location_wards", "populations", "area_counts"):
        con.execute(f"DELETE FROM {table} WHERE set_name = ?", [name])
    con.execute("DELETE FROM boundary_sets WHERE name = ?", [name])
    return bool(found)


def _store_set(con, name: str, wards: gpd.GeoDataFrame, tolerance_m: float, path):
    attrs = {k: (v if isinstance(v, int | float | str) else str(v))
             for k, v in wards.attrs.items()}  # fmt: skip
    con.execute(
        "INSERT INTO boundary_sets VALUES (?, ?, ?, ?, ?, ?)",
        [name, Path(path).name, dt.datetime.now(), len(wards), float(tolerance_m),
         json.dumps(attrs)],
    )  # fmt: skip
    rows = pd.DataFrame(
        {
            "set_name": name,
            "ward_code": wards["ward_code"].to_numpy(),
            "ward_name": wards["ward_name"].to_numpy(),
            "wkb": shapely.to_wkb(wards.geometry.to_numpy()),
        }
    )
    con.register("new_wards", rows)
    con.execute("INSERT INTO boundaries SELECT * FROM new_wards")
    con.unregister("new_wards")


def _wards_of(con, name: str) -> gpd.GeoDataFrame:
    meta = con.execute(
        "SELECT attrs FROM boundary_sets WHERE name = ?", [name]
    ).fetchall()
    if not meta:
        names = [r[0] for r in con.execute("SELECT name FROM boundary_sets").fetchall()]
        msg = (
            f"boundary set {name!r} is not in the workspace; it holds "
            f"{', '.join(repr(n) for n in names) or 'none'}. Import one with "
            "hotspot-map import --boundaries FILE --name NAME."
        )
        raise GeoInputError(msg)
    rows = con.execute(
        "SELECT ward_code, ward_name, wkb FROM boundaries WHERE set_name = ? "
        "ORDER BY ward_code",
        [name],
    ).fetchall()
    wards = gpd.GeoDataFrame(
        {"ward_code": [r[0] for r in rows], "ward_name": [r[1] for r in rows]},
        geometry=shapely.from_wkb([bytes(r[2]) for r in rows]),
        crs=WORKING_CRS,
    )[WARD_COLUMNS]
    wards.attrs.update(json.loads(meta[0][0]))
    wards.attrs.update(source=name, boundary_set=name)
    return wards


def _set_tolerance(con, name: str) -> float:
    return float(
        con.execute(
            "SELECT tolerance_m FROM boundary_sets WHERE name = ?", [name]
        ).fetchall()[0][0]
    )


def _tag_points(con, name, wards, tolerance_m, loc_ids) -> pd.DataFrame:
    """Work out and store the ward of map points (all, or ``loc_ids``) in a set.

    Only map points within the set's extent (grown by its tolerance) can be
    in it: the others are not looked at, and only points given a ward are
    stored (a national workspace's millions of map points outside a town's
    wards cost nothing to tag, and are not read for its questions).
    """
    minx, miny, maxx, maxy = wards.total_bounds
    box = [minx - tolerance_m, maxx + tolerance_m, miny - tolerance_m,
           maxy + tolerance_m]  # fmt: skip
    inside = "x BETWEEN ? AND ? AND y BETWEEN ? AND ?"
    if loc_ids is None:
        pts = con.sql(
            f"SELECT loc_id, x, y FROM locations WHERE {inside} ORDER BY loc_id",
            params=box,
        ).df()
    else:
        wanted = pd.DataFrame({"loc_id": loc_ids})  # noqa: F841 (read by name)
        pts = con.sql(
            "SELECT loc_id, x, y FROM locations JOIN wanted USING (loc_id) "
            f"WHERE {inside} ORDER BY loc_id",
            params=box,
        ).df()
    tags = locate_points(
        pts["x"].to_numpy(), pts["y"].to_numpy(), wards, tolerance_m=tolerance_m
    )
    rows = pd.DataFrame(
        {
            "set_name": name,
            "loc_id": pts["loc_id"].to_numpy(),
            "ward_code": tags["ward_code"].to_numpy(dtype=object),
            "ward_name": tags["ward_name"].to_numpy(dtype=object),
            "match": tags["ward_match"].to_numpy(dtype=object),
        }
    )
    rows = rows.loc[rows["match"] != "outside"]
    new_tags = rows  # noqa: F841 (DuckDB reads it by name, as an import's rows)
    con.execute("INSERT INTO location_wards SELECT * FROM new_tags")
    return tags


def _tag_new_points(con, loc_ids: np.ndarray) -> None:
    """Give new map points their ward in every stored set (during an import)."""
    for (name,) in con.execute("SELECT name FROM boundary_sets").fetchall():
        _tag_points(con, name, _wards_of(con, name), _set_tolerance(con, name), loc_ids)


def _check_population_codes(pop: pd.DataFrame, wards: gpd.GeoDataFrame, path) -> None:
    if not pop["ward_code"].isin(wards["ward_code"]).any():
        msg = (
            f"none of the ward codes of population file {str(path)!r} are wards of "
            f"this boundary set (e.g. {pop['ward_code'].iloc[0]!r} vs "
            f"{wards['ward_code'].iloc[0]!r}); it may be for another boundary vintage."
        )
        raise GeoInputError(msg)


def _store_population(con, name: str, pop: pd.DataFrame, path) -> None:
    rows = pop.assign(set_name=name, source=Path(path).name)[
        ["set_name", "ward_code", "population", "source"]
    ]
    con.register("new_pop", rows)
    con.execute("INSERT INTO populations SELECT * FROM new_pop")
    con.unregister("new_pop")
