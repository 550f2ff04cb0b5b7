"""Private: the workspace file: opening it safely, its schema and migrations.

Connections are short-lived: each operation opens the file, works in one
transaction and closes it, so the command line and the app can share a
workspace. DuckDB lets many processes read a file at once but only one write
it, and no reader may open it while a writer has it; a call that finds it
locked waits (up to ``lock_timeout_s``) and then says who holds it. Within one
process, readers share and a writer waits for them (DuckDB refuses read-only and
read-write connections to one file in one process).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from geo.errors import GeoInputError, WorkspaceDamagedError

__all__ = [
    "LABELLED",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "connect",
    "held_labels",
    "next_id",
    "schema_version",
    "transaction",
]

log = logging.getLogger(__name__)

_APP = "hotspot-mapper workspace"

_DAMAGED = re.compile(r"corrupt|checksum|invalid block|malformed", re.IGNORECASE)
"""How DuckDB says a file's contents are damaged (in its error text)."""

_FULL = re.compile(r"no space left on device|disk full|not enough space", re.I)
"""How the system says the disk is full (in DuckDB's error text)."""

_UNWRITABLE = re.compile(r"read-only file system|permission denied", re.IGNORECASE)
"""How the system says a file cannot be written (in DuckDB's error text)."""

_SCHEMA_V1 = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE imports (
    import_id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, started TIMESTAMP,
    finished TIMESTAMP, inputs VARCHAR, summary VARCHAR, quality JSON);
CREATE TABLE files (
    file_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL, name VARCHAR NOT NULL,
    base VARCHAR NOT NULL, feed VARCHAR NOT NULL, digest VARCHAR NOT NULL UNIQUE,
    rows_read BIGINT NOT NULL);
CREATE TABLE releases (
    feed VARCHAR NOT NULL, month VARCHAR NOT NULL, import_id INTEGER NOT NULL,
    release VARCHAR NOT NULL, rows BIGINT NOT NULL, PRIMARY KEY (feed, month));
CREATE TABLE locations (
    loc_id INTEGER PRIMARY KEY, x DOUBLE NOT NULL, y DOUBLE NOT NULL,
    lon DOUBLE, lat DOUBLE);
CREATE TABLE incidents (
    seq BIGINT NOT NULL, import_id INTEGER NOT NULL, file_id INTEGER NOT NULL,
    force VARCHAR NOT NULL, month VARCHAR NOT NULL, incident_id VARCHAR,
    crime_type VARCHAR, location VARCHAR, lsoa_code VARCHAR, outcome VARCHAR,
    line BIGINT, loc_id INTEGER NOT NULL, x DOUBLE NOT NULL, y DOUBLE NOT NULL,
    lon DOUBLE, lat DOUBLE);
-- incident_id is NULL where the file gave none: it reads as "file.csv:line"
CREATE VIEW incident_rows AS
SELECT i.* EXCLUDE (incident_id),
       coalesce(i.incident_id, f.base || ':' || i.line) AS incident_id,
       i.incident_id IS NOT NULL AS id_given,
       f.name AS source,
       CASE WHEN i.force <> '' THEN i.force ELSE f.feed END AS feed
FROM incidents i JOIN files f USING (file_id);
CREATE TABLE drops (
    file_id INTEGER NOT NULL, feed VARCHAR NOT NULL, month VARCHAR,
    reason VARCHAR NOT NULL, n BIGINT NOT NULL);
CREATE TABLE boundary_sets (
    name VARCHAR PRIMARY KEY, source VARCHAR, added TIMESTAMP, wards INTEGER,
    tolerance_m DOUBLE NOT NULL, attrs JSON);
CREATE TABLE boundaries (
    set_name VARCHAR NOT NULL, ward_code VARCHAR NOT NULL, ward_name VARCHAR,
    wkb BLOB NOT NULL);
CREATE TABLE location_wards (
    set_name VARCHAR NOT NULL, loc_id INTEGER NOT NULL, ward_code VARCHAR,
    ward_name VARCHAR, match VARCHAR NOT NULL);
CREATE TABLE populations (
    set_name VARCHAR NOT NULL, ward_code VARCHAR NOT NULL, population DOUBLE,
    source VARCHAR);
CREATE TABLE camera_events (
    event_id INTEGER PRIMARY KEY, camera_id VARCHAR NOT NULL, action VARCHAR NOT NULL,
    effective DATE NOT NULL, recorded TIMESTAMP NOT NULL, name VARCHAR,
    x DOUBLE, y DOUBLE, bearing DOUBLE, fov DOUBLE, range_m DOUBLE,
    range_source VARCHAR, install_date DATE, decommission_date DATE,
    status VARCHAR, purpose VARCHAR, notes VARCHAR, source VARCHAR);
"""

LABELLED = {
    "force": "force_label",
    "month": "month_label",
    "crime_type": "crime_type_label",
    "location": "location_label",
    "lsoa_code": "lsoa_label",
    "outcome": "outcome_label",
}
"""Text columns of ``incidents`` stored as a number in ``labels`` (version 2)."""

_INCIDENTS_V2 = """
CREATE TABLE labels (label_id INTEGER PRIMARY KEY, label VARCHAR NOT NULL UNIQUE);
CREATE TABLE incident_data (
    seq BIGINT NOT NULL, import_id INTEGER NOT NULL, file_id INTEGER NOT NULL,
    force_label INTEGER NOT NULL, month_label INTEGER NOT NULL, incident_id VARCHAR,
    crime_type_label INTEGER, location_label INTEGER, lsoa_label INTEGER,
    outcome_label INTEGER, line BIGINT, loc_id INTEGER NOT NULL,
    x DOUBLE NOT NULL, y DOUBLE NOT NULL, lon DOUBLE, lat DOUBLE);
"""

_VIEWS_V2 = """
CREATE VIEW incidents AS
SELECT d.seq, d.import_id, d.file_id, lf.label AS force, lm.label AS month,
       d.incident_id, lc.label AS crime_type, ll.label AS location,
       ls.label AS lsoa_code, lo.label AS outcome, d.line, d.loc_id,
       d.x, d.y, d.lon, d.lat
FROM incident_data d
JOIN labels lf ON lf.label_id = d.force_label
JOIN labels lm ON lm.label_id = d.month_label
LEFT JOIN labels lc ON lc.label_id = d.crime_type_label
LEFT JOIN labels ll ON ll.label_id = d.location_label
LEFT JOIN labels ls ON ls.label_id = d.lsoa_label
LEFT JOIN labels lo ON lo.label_id = d.outcome_label;
"""


def _labels_v2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 2: the text columns of incidents as numbers of a ``labels`` table.

    Police.uk rows repeat a few thousand distinct texts (force, month, crime
    type, street, LSOA, outcome); stored once each, an import writes numbers,
    which DuckDB takes several times faster than text. ``incidents`` becomes a
    view that reads exactly as the version 1 table did.
    """
    con.execute(_INCIDENTS_V2)
    texts = " UNION ".join(f"SELECT {c} AS label FROM incidents" for c in LABELLED)
    con.execute(
        "INSERT INTO labels SELECT row_number() OVER (ORDER BY label), label "
        f"FROM ({texts}) WHERE label IS NOT NULL"
    )
    joins = " ".join(
        f"LEFT JOIN labels l{k} ON l{k}.label = i.{c}" for k, c in enumerate(LABELLED)
    )
    codes = ", ".join(f"l{k}.label_id" for k in range(len(LABELLED)))
    con.execute(
        "INSERT INTO incident_data (seq, import_id, file_id, "
        f"{', '.join(LABELLED.values())}, incident_id, line, loc_id, x, y, lon, lat) "
        f"SELECT i.seq, i.import_id, i.file_id, {codes}, i.incident_id, i.line, "
        f"i.loc_id, i.x, i.y, i.lon, i.lat FROM incidents i {joins} ORDER BY i.seq"
    )
    con.execute("DROP TABLE incidents")
    con.execute(_VIEWS_V2)  # the view incident_rows reads it by name, as before


def held_labels(
    con: duckdb.DuckDBPyConnection, column: str, where: str = "", params=()
) -> list[str]:
    """Distinct texts of a column of ``incidents``, sorted (from the numbers)."""
    return [
        r[0]
        for r in con.execute(
            "SELECT label FROM labels WHERE label_id IN "
            f"(SELECT {LABELLED[column]} FROM incident_data {where}) ORDER BY 1",
            list(params),
        ).fetchall()
    ]


_AREA_COUNTS_V3 = """
CREATE TABLE area_counts (
    set_name VARCHAR NOT NULL, month_label INTEGER NOT NULL,
    crime_type_label INTEGER, force_label INTEGER NOT NULL,
    file_id INTEGER NOT NULL, n BIGINT NOT NULL);
"""


def count_areas(
    con: duckdb.DuckDBPyConnection,
    *,
    set_name: str | None = None,
    months: list[int] | None = None,
) -> None:
    """Recount the rows of boundary sets' areas per month, type, force and file.

    ``area_counts`` is what a question about an area reads to say what its
    rows are and what a load leaves out, instead of scanning every row the
    workspace holds. Recounted for one set (or all) and some months (by label
    number; or all): a month's count is always made whole from the rows held.
    """
    where, params = ["w.match <> 'outside'"], []
    gone = []
    if set_name is not None:
        where.append("w.set_name = ?")
        gone.append("set_name = ?")
        params.append(set_name)
    if months is not None:
        listed = ", ".join(str(int(m)) for m in months) or "NULL"
        where.append(f"d.month_label IN ({listed})")
        gone.append(f"month_label IN ({listed})")
    con.execute(
        "DELETE FROM area_counts" + (f" WHERE {' AND '.join(gone)}" if gone else ""),
        params,
    )
    con.execute(
        "INSERT INTO area_counts SELECT w.set_name, d.month_label, "
        "d.crime_type_label, d.force_label, d.file_id, count(*) FROM incident_data d "
        f"JOIN location_wards w USING (loc_id) WHERE {' AND '.join(where)} "
        "GROUP BY ALL",
        params,
    )


def _area_counts_v3(con: duckdb.DuckDBPyConnection) -> None:
    """Version 3: a small table of each boundary set's rows (:func:`count_areas`).

    A question about one town need not scan a national workspace's rows to
    count its own.
    """
    con.execute(_AREA_COUNTS_V3)
    count_areas(con)


MIGRATIONS: list[Callable[[duckdb.DuckDBPyConnection], None]] = [
    _labels_v2,
    _area_counts_v3,
]
"""``MIGRATIONS[i]`` takes a workspace from schema version ``i + 1`` to ``i + 2``."""

SCHEMA_VERSION = 1 + len(MIGRATIONS)
"""The schema version this code writes (the first was 1)."""


class _ProcessLock:
    """Readers share, a writer is alone: per workspace file, in this process."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextlib.contextmanager
    def hold(self, *, write: bool) -> Iterator[None]:
        with self._cond:
            while self._writer or (write and self._readers):
                self._cond.wait()
            if write:
                self._writer = True
            else:
                self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                if write:
                    self._writer = False
                else:
                    self._readers -= 1
                self._cond.notify_all()


_LOCKS: dict[Path, _ProcessLock] = {}
_LOCKS_GUARD = threading.Lock()


def _process_lock(path: Path) -> _ProcessLock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path, _ProcessLock())


@contextlib.contextmanager
def connect(
    path: Path, *, write: bool, lock_timeout_s: float = 60.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the workspace at ``path`` for one operation; close it afterwards.

    ``write`` creates the file if needed and upgrades an older schema. Reading a
    file that does not exist, is not a workspace, is damaged or is of a newer
    schema raises :class:`GeoInputError`, and nothing is changed.
    """
    path = Path(path).resolve()
    if not write and not path.exists():
        msg = (
            f"workspace {str(path)!r} does not exist; create it by importing data: "
            "hotspot-map import FILES --workspace PATH."
        )
        raise GeoInputError(msg)
    if write and not path.parent.exists():  # the first import makes its folder
        try:
            path.parent.mkdir(parents=True)
        except OSError as err:
            msg = (
                f"workspace folder {str(path.parent)!r} cannot be made ({err}); "
                "choose a folder you may write."
            )
            raise GeoInputError(msg) from err
    for _ in range(2):
        with _process_lock(path).hold(write=write), _damage_named(path):
            con = _open(path, write=write, timeout_s=lock_timeout_s)
            try:
                _check_schema(con, path, write=write)
            except _NeedsUpgradeError as older:
                con.close()
                version = older.version
            else:
                try:
                    yield con
                finally:
                    con.close()
                return
        # an older schema met by a reader: upgrade it once, then read
        try:
            with connect(path, write=True, lock_timeout_s=lock_timeout_s):
                pass
        except GeoInputError as err:
            msg = (
                f"workspace {str(path)!r} was made by an older hotspot-mapper "
                f"(schema version {version}); it is upgraded to version "
                f"{SCHEMA_VERSION} when first opened, which needs to write it. {err}"
            )
            raise GeoInputError(msg) from err


@contextlib.contextmanager
def _damage_named(path: Path) -> Iterator[None]:
    """Turn DuckDB's report of a damaged file into one that names the file.

    DuckDB finds damage only when it reads the damaged block, so this covers
    the whole operation, not just opening the file.
    """
    try:
        yield
    except duckdb.Error as err:
        if _FULL.search(str(err)):
            msg = (
                f"the disk holding workspace {str(path)!r} is full; nothing was "
                "changed. Free some space and try again."
            )
            raise GeoInputError(msg) from err
        if isinstance(err, GeoInputError) or not _DAMAGED.search(str(err)):
            raise
        msg = (
            f"workspace {str(path)!r} is damaged ({str(err).splitlines()[0]}); "
            "restore a copy of it, or import the data again into a new workspace."
        )
        raise WorkspaceDamagedError(msg, path=str(path)) from err


class _NeedsUpgradeError(Exception):
    """A reader found an older schema (internal: `connect` upgrades it)."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


_MAGIC = b"DUCK"
"""DuckDB's file magic, at bytes 8-12 of every database file."""


def _require_duckdb_file(path: Path) -> None:
    """Refuse a file that is not a DuckDB database before DuckDB opens it.

    DuckDB would open a SQLite file through its sqlite extension, which it
    tries to download; any other file it reports in its own words.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return
    except OSError as err:
        msg = f"workspace {str(path)!r} cannot be read ({err})."
        raise GeoInputError(msg) from err
    if not head or head[8:12] == _MAGIC:
        return
    kind = "a SQLite database" if head.startswith(b"SQLite format 3") else "not one"
    msg = (
        f"{str(path)!r} is not a workspace ({kind}). Give a workspace file made "
        "by hotspot-map import, or a new path to create one."
    )
    raise GeoInputError(msg, argument="workspace")


WRITE_MEMORY_LIMIT = "256MB"
"""DuckDB's own memory on a connection that writes (its buffer pool: an
import's row groups, cached blocks), spilling to a temporary folder beside
the workspace beyond it. At DuckDB's default (80% of the machine) a national
import's table data stayed in memory until the commit."""


def _open(path: Path, *, write: bool, timeout_s: float) -> duckdb.DuckDBPyConnection:
    _require_duckdb_file(path)
    deadline = time.monotonic() + timeout_s
    waited = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=not write)
            if write:  # an import's table data goes to the file, not the memory
                con.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
            return con
        except duckdb.IOException as err:
            text = str(err)
            detail = text.split(":", 1)[-1].strip()
            if write and _UNWRITABLE.search(text):
                msg = (
                    f"workspace {str(path)!r} cannot be written ({detail}). Check "
                    "the file's permissions, or copy it where you may write."
                )
                raise GeoInputError(msg) from err
            if "lock" not in text.lower():
                msg = (
                    f"{str(path)!r} is not a workspace: DuckDB cannot open it "
                    f"({detail}). Give a workspace file "
                    "made by hotspot-map import, or a new path to create one."
                )
                raise GeoInputError(msg) from err
            if time.monotonic() > deadline:
                msg = (
                    f"workspace {str(path)!r} is in use by another process "
                    f"({_holder(text)}), e.g. an import; try again when it finishes."
                )
                raise GeoInputError(msg) from err
            if not waited:
                log.warning("workspace %s is busy (%s); waiting", path, _holder(text))
                waited = True
            time.sleep(0.2)


def _holder(text: str) -> str:
    if "PID" in text:
        return "PID " + text.split("PID", 1)[1].split(")", 1)[0].strip()
    return "locked"


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """Return the schema version of an open workspace; None for an empty file."""
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    }
    if not tables:
        return None
    if "meta" not in tables:
        return -1
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("app") != _APP or "schema_version" not in meta:
        return -1
    return int(meta["schema_version"])


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path, *, write: bool) -> None:
    version = schema_version(con)
    if version == -1:
        msg = (
            f"{str(path)!r} is a DuckDB database but not a hotspot-mapper workspace; "
            "give another path for the workspace."
        )
        raise GeoInputError(msg)
    if version is None:
        if not write:
            msg = f"workspace {str(path)!r} is empty; import data into it first."
            raise GeoInputError(msg)
        _create(con)
        return
    if version > SCHEMA_VERSION:
        msg = (
            f"workspace {str(path)!r} has schema version {version}, newer than this "
            f"hotspot-mapper reads ({SCHEMA_VERSION}); upgrade hotspot-mapper to "
            "open it."
        )
        raise GeoInputError(msg)
    if version < SCHEMA_VERSION:
        if not write:
            raise _NeedsUpgradeError(version)
        migrate(con, version)
        log.warning(
            "workspace %s upgraded from schema version %d to %d; older versions "
            "of hotspot-mapper cannot open it now",
            path,
            version,
            SCHEMA_VERSION,
        )


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def next_id(con: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
    """Return the next number of an id column (1 for an empty table)."""
    sql = f"SELECT coalesce(max({column}), 0) FROM {table}"
    return 1 + int(con.execute(sql).fetchall()[0][0])


def _create(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con):
        con.execute(_SCHEMA_V1)
        now = dt.datetime.now().isoformat(timespec="seconds")
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [["app", _APP], ["schema_version", "1"], ["created", now]],
        )
    migrate(con, 1)


def migrate(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Bring a workspace from ``version`` to :data:`SCHEMA_VERSION`.

    One step at a time, each step in its own transaction.
    """
    for step in range(version, SCHEMA_VERSION):
        with transaction(con):
            MIGRATIONS[step - 1](con)
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                [str(step + 1)],
            )
        log.info("workspace schema upgraded to version %d", step + 1)
