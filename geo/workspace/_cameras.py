r"""Private: the camera register, kept as a history of dated changes.

Every change is an event: a camera ``add``\\ed, ``update``\\d (moved, re-aimed,
status changed, decommissioned) or ``delete``\\d (entered in error). Each event
has the date it took effect in the street (``effective``) and the time it was
recorded. The register on any date is rebuilt from the events: each camera's
latest event effective on or before that date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import GeoInputError
from geo.settings import DEFAULT_CAMERA_RANGE_M, WORKING_CRS
from geo.workspace._store import next_id

__all__ = [
    "ALWAYS",
    "CAMERA_REACH_M",
    "REGISTER_FIELDS",
    "STATUSES",
    "events",
    "record",
    "register_on",
    "require_near",
]

STATUSES = ("working", "faulty", "proposed", "decommissioned")
"""A camera's status in the register."""

ALWAYS = dt.date(1900, 1, 1)
"""When a camera added with no install date counts from: there throughout."""

REGISTER_FIELDS = (
    "camera_id",
    "name",
    "x",
    "y",
    "bearing",
    "fov",
    "range_m",
    "range_source",
    "install_date",
    "decommission_date",
    "status",
    "purpose",
    "notes",
)
"""What the register holds of each camera (plus where and when it changed)."""

_EVENT_COLUMNS = (
    "event_id, camera_id, action, effective, recorded, name, x, y, bearing, fov, "
    "range_m, range_source, install_date, decommission_date, status, purpose, "
    "notes, source"
)


def _date(value) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def record(
    con: duckdb.DuckDBPyConnection,
    changes: Iterable[Mapping],
    *,
    source: str = "",
    effective: dt.date | str | None = None,
) -> int:
    """Record camera changes as events; return how many were recorded.

    Each change maps :data:`REGISTER_FIELDS` (and ``action``: ``add``,
    ``update`` or ``delete``; by default ``add`` for a new id and ``update``
    for a known one). A change identical to the camera's current state is not
    recorded. ``effective`` dates the change in the street; by default an add
    takes the camera's install date (with none, :data:`ALWAYS`: a camera of
    unknown age counts as there throughout), and any other change today.
    """
    current = {row["camera_id"]: row for row in _latest(con, None).to_dict("records")}
    event = next_id(con, "camera_events", "event_id")
    now = dt.datetime.now()
    rows = []
    for change in changes:
        change = dict(change)
        cid = str(change.get("camera_id", "")).strip()
        if not cid:
            msg = "a camera needs an id; give each camera a camera_id."
            raise GeoInputError(msg)
        known = current.get(cid)
        action = change.get("action") or ("update" if known else "add")
        if action == "delete":
            if known is None:
                continue
            state = dict(known)
        else:
            state = {
                **(known or {}),
                **{k: change[k] for k in REGISTER_FIELDS if k in change},
            }
            _check(state)
            if known is not None and action != "add" and _same(known, state):
                continue
        when = _date(change.get("effective", effective))
        if when is None and action == "add":
            when = _date(state.get("install_date")) or ALWAYS
        when = when or now.date()
        rows.append(
            [
                event,
                cid,
                action,
                when,
                now,
                *(_value(state, f) for f in REGISTER_FIELDS[1:]),
                source,
            ]
        )
        event += 1
        current[cid] = {**state, "camera_id": cid, "action": action}
    if rows:
        con.executemany(
            f"INSERT INTO camera_events ({_EVENT_COLUMNS}) VALUES "
            f"({', '.join(['?'] * 18)})",
            rows,
        )
    return len(rows)


def _value(state: Mapping, key: str):
    value = state.get(key)
    if key in ("install_date", "decommission_date"):
        return _date(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if key in ("x", "y", "bearing", "fov", "range_m"):
        return float(value)
    return str(value)


def _same(a: Mapping, b: Mapping) -> bool:
    return all(_value(a, f) == _value(b, f) for f in REGISTER_FIELDS[1:])


def _check(state: Mapping) -> None:
    cid = state.get("camera_id")
    for key in ("x", "y"):
        if _value(state, key) is None:
            msg = f"camera {cid!r} has no location; place it on the map or give x/y."
            raise GeoInputError(msg)
    rng, bearing, fov = (_value(state, k) for k in ("range_m", "bearing", "fov"))
    if rng is not None and not rng > 0:
        msg = f"camera {cid!r}: range {rng:g} m must be above 0 metres."
        raise GeoInputError(msg)
    if bearing is not None and not 0 <= bearing <= 360:
        msg = f"camera {cid!r}: bearing {bearing:g} must be 0 to 360 degrees."
        raise GeoInputError(msg)
    if fov is not None and not 0 < fov <= 360:
        msg = f"camera {cid!r}: field of view {fov:g} must be 1 to 360 degrees."
        raise GeoInputError(msg)
    status = _value(state, "status")
    if status not in (None, "", *STATUSES):
        msg = f"camera {cid!r}: status {status!r} is not one of {', '.join(STATUSES)}."
        raise GeoInputError(msg)


def _latest(con: duckdb.DuckDBPyConnection, on: dt.date | None) -> pd.DataFrame:
    """Each camera's latest event effective on or before ``on`` (all if None)."""
    where = "" if on is None else "WHERE effective <= ?"
    params = [] if on is None else [on]
    return con.execute(
        f"""
        SELECT * EXCLUDE (rn) FROM (
          SELECT *, row_number() OVER (
            PARTITION BY camera_id ORDER BY effective DESC, event_id DESC) AS rn
          FROM camera_events {where})
        WHERE rn = 1 AND action <> 'delete' ORDER BY camera_id
        """,
        params,
    ).df()


def register_on(
    con: duckdb.DuckDBPyConnection,
    on: dt.date | str | None = None,
    *,
    in_service: bool = False,
) -> gpd.GeoDataFrame:
    """Rebuild the register as it stood on a date (today by default), in metres.

    With ``in_service``, only the cameras that were actually watching: installed
    by then, not decommissioned, working (not faulty, not merely proposed).
    """
    when = _date(on) or dt.date.today()
    latest = _latest(con, when)
    if in_service and not latest.empty:
        day = pd.Timestamp(when)
        installed = latest["install_date"].isna() | (
            pd.to_datetime(latest["install_date"]) <= day
        )
        gone = latest["decommission_date"].notna() & (
            pd.to_datetime(latest["decommission_date"]) <= day
        )
        active = latest["status"].fillna("working") == "working"
        latest = latest.loc[installed & ~gone & active]
    return _frame(latest)


def _frame(rows: pd.DataFrame) -> gpd.GeoDataFrame:
    out = pd.DataFrame(
        {
            "camera_id": rows["camera_id"].astype(str).to_numpy(),
            "location": rows["name"].fillna("").astype(str).to_numpy(),
            "range_m": rows["range_m"]
            .astype(float)
            .fillna(DEFAULT_CAMERA_RANGE_M)
            .to_numpy(),
            "bearing": rows["bearing"].astype(float).to_numpy(),
            "fov": rows["fov"].astype(float).to_numpy(),
            "install_date": pd.to_datetime(rows["install_date"]).to_numpy(),
            "purpose": rows["purpose"].fillna("").astype(str).to_numpy(),
            "range_source": rows["range_source"].fillna("given").astype(str).to_numpy(),
            "status": rows["status"].fillna("working").astype(str).to_numpy(),
            "decommission_date": pd.to_datetime(rows["decommission_date"]).to_numpy(),
            "notes": rows["notes"].fillna("").astype(str).to_numpy(),
        }
    )
    geometry = gpd.points_from_xy(rows["x"].astype(float), rows["y"].astype(float))
    return gpd.GeoDataFrame(out, geometry=geometry, crs=WORKING_CRS)


def events(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every recorded change, oldest first."""
    return con.execute(
        f"SELECT {_EVENT_COLUMNS} FROM camera_events ORDER BY effective, event_id"
    ).df()


CAMERA_REACH_M = 5_000.0
"""How far outside the incidents held a camera may stand (metres): farther, it
is taken for a mistake (another town's list, a wrong column)."""


def require_near(con, cameras, path) -> None:
    """Refuse cameras more than CAMERA_REACH_M outside the map points held.

    A workspace holding no incidents yet takes any camera in Great Britain.
    """
    extent = con.execute(
        "SELECT min(x), min(y), max(x), max(y) FROM locations"
    ).fetchone()
    if cameras.empty or extent[0] is None:
        return
    minx, miny, maxx, maxy = extent
    x, y = cameras.geometry.x.to_numpy(), cameras.geometry.y.to_numpy()
    dx = np.maximum(np.maximum(minx - x, x - maxx), 0)
    dy = np.maximum(np.maximum(miny - y, y - maxy), 0)
    far = np.hypot(dx, dy) > CAMERA_REACH_M
    if far.any():
        i = int(np.flatnonzero(far)[0])
        msg = (
            f"camera list {str(path)!r}, camera {cameras['camera_id'].iloc[i]!r}: "
            f"it stands {np.hypot(dx, dy)[i] / 1000:,.1f} km outside every "
            f"incident held ({int(far.sum())} camera(s) so); check its "
            "coordinates, or that the list is this area's. Nothing was imported."
        )
        raise GeoInputError(msg)
