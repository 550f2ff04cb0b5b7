"""Private: importing incident files into a workspace, in one transaction.

A *feed* is what police.uk releases month by month: a police force (its
"Reported by"), or for a table that names no force, the file's own name. The
workspace holds each feed-month from one release. The *release* of an import is
the latest month it holds for the feed (police.uk's downloads end at their
publication month), so a month met again in a later download replaces the one
held, and one met in an older download is left out.

A district's extract (police.uk's custom area download, or the API's polygon
query) holds a subset of a force-month: it is no newer release. An import whose
rows for a held feed-month are under :data:`SUBSET_SHARE` of those held and
spread over under that share of their extent is refused, whole, unless asked to
replace on purpose.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.errors import GeoInputError, ShrinkingImportError
from geo.incidents import Columns, FileRead, Progress, read_files
from geo.quality import QualityReport
from geo.workspace._store import (
    LABELLED,
    count_areas,
    held_labels,
    next_id,
    transaction,
)

__all__ = ["ALREADY_HELD", "OLDER_RELEASE", "ImportResult", "MonthChange", "run"]

ALREADY_HELD = "already in the workspace (same file)"

SUBSET_SHARE = 0.5
"""An import offering fewer rows than this share of a held feed-month, over less
than this share of the held rows' extent, is a subset (a district's extract)."""
OLDER_RELEASE = "older release of a month already held"


@dataclass(frozen=True, kw_only=True)
class MonthChange:
    """What an import did to one feed-month.

    ``action`` is ``"added"``, ``"replaced"`` (a newer release) or ``"kept"``
    (the import held an older release, so the month held was kept). For a
    replacement: ``new_ids`` and ``withdrawn_ids`` count crime ids added and
    gone, ``moved`` rows whose crime id stayed but whose map point changed, and
    ``on_new_points`` rows of the new release at map points the old one did not
    use (police.uk re-snapping its anonymised points).
    """

    feed: str
    month: str
    action: str
    rows_before: int
    rows_after: int
    new_ids: int = 0
    withdrawn_ids: int = 0
    moved: int = 0
    on_new_points: int = 0

    def sentence(self) -> str:
        """One line for a terminal or a page."""
        where = f"{self.month} {self.feed}"
        if self.action == "added":
            return f"{where}: added {self.rows_after:,} rows."
        if self.action == "kept":
            return (
                f"{where}: the import holds an older release "
                f"({self.rows_after:,} rows); the {self.rows_before:,} rows held "
                "were kept."
            )
        return (
            f"{where}: replaced by a newer release: {self.rows_before:,} -> "
            f"{self.rows_after:,} rows ({self.new_ids:,} new crime ids, "
            f"{self.withdrawn_ids:,} withdrawn, {self.moved:,} moved); "
            f"{self.on_new_points:,} rows on map points the old release did not use."
        )


@dataclass(frozen=True, kw_only=True)
class ImportResult:
    """The outcome of one import: what came in, what was already there.

    Attributes
    ----------
    import_id : int
        Its number in the workspace's import log.
    quality : QualityReport
        Rows read, kept and dropped by reason, as for a load; rows of files
        already held count as ``already in the workspace (same file)``.
    files_new, files_known : list of str
        Files imported now, and files the workspace held already.
    changes : list of MonthChange
        What happened to each feed-month the files held.
    """

    import_id: int
    quality: QualityReport
    files_new: list[str]
    files_known: list[str]
    changes: list[MonthChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the import added or replaced anything."""
        return any(c.action != "kept" for c in self.changes)

    def lines(self) -> list[str]:
        """Say what the import did, in sentences."""
        out = []
        if self.files_known:
            out.append(
                f"{len(self.files_known)} file(s) already in the workspace: nothing "
                f"added from them (e.g. {self.files_known[0]})."
            )
        added = [c for c in self.changes if c.action == "added"]
        if added:
            rows = sum(c.rows_after for c in added)
            out.append(f"{len(added)} month(s) added, {rows:,} rows.")
        out += [c.sentence() for c in self.changes if c.action != "added"]
        if not self.changed:
            out.append("Nothing changed in the workspace.")
        return out


def run(
    con: duckdb.DuckDBPyConnection,
    inputs: str | Path | Iterable[str | Path],
    *,
    columns: Columns | None = None,
    progress: Progress | None = None,
    tag: Callable[[duckdb.DuckDBPyConnection, np.ndarray], None] | None = None,
    replace: bool = False,
    ask_before_shrinking: bool = False,
) -> ImportResult:
    """Import incident files on an open write connection, all or nothing.

    ``replace`` lets a file holding a subset of a held feed-month (a district's
    extract) replace it; without it such an import raises :class:`GeoInputError`
    and nothing is imported. With ``ask_before_shrinking`` (and not ``replace``),
    an import that would leave any month held with fewer rows raises
    :class:`ShrinkingImportError` listing them, and nothing is imported.
    """
    started = dt.datetime.now()
    quality = QualityReport()
    with transaction(con):
        state = _State(con)
        files = read_files(inputs, quality, columns=columns, skip=state.held_rows)
        for read in _read_ahead(files, _Encoded.of):
            state.add(read)
            if progress is not None:
                progress(*read.file.position, read.file.name)
        state.flush()
        quality.read += state.known_rows  # the reader counts only what it parsed
        quality.drop(ALREADY_HELD, state.known_rows)
        changes = _settle(con, state, quality, replace=replace)
        if ask_before_shrinking and not replace:
            _ask_before_shrinking(changes)
        new_locations = (
            np.concatenate(state.new_locations)
            if state.new_locations
            else np.empty(0, np.int64)
        )
        if tag is not None and new_locations.size:
            tag(con, new_locations)
        _recount_areas(con, state.import_id, changes)
        quality.kept = _count(
            con,
            "SELECT count(*) FROM incident_data WHERE import_id = ?",
            state.import_id,
        )
        quality.months = held_labels(
            con, "month", "WHERE import_id = ?", [state.import_id]
        )
        result = ImportResult(
            import_id=state.import_id,
            quality=quality,
            files_new=state.files_new,
            files_known=state.files_known,
            changes=changes,
        )
        _log(con, result, inputs, started)
    return result


def _recount_areas(con, import_id: int, changes: list[MonthChange]) -> None:
    """Make the areas' counts whole again for every month this import touched."""
    touched = {c.month for c in changes}
    months = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT month_label FROM incident_data WHERE import_id = ?",
            [import_id],
        ).fetchall()
    ]
    if touched:
        marks = ", ".join("?" for _ in touched)
        months += [
            r[0]
            for r in con.execute(
                f"SELECT label_id FROM labels WHERE label IN ({marks})", list(touched)
            ).fetchall()
        ]
    if months:
        count_areas(con, months=sorted(set(months)))


def _read_ahead(
    files: Iterator[FileRead], then: Callable[[FileRead], _Encoded]
) -> Iterator[_Encoded]:
    """Read the next file in a thread while the caller stores the last one.

    Parsing (pyarrow) and storing (DuckDB) both release the GIL, so on two
    cores an import takes about as long as the slower of the two. ``then`` is
    done to each file in the reader's thread too. Exceptions of the reader
    reach the caller; if the caller stops, the reader stops too.
    """
    handoff: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    done = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for item in files:
                if not put(then(item)):
                    return
        except BaseException as err:  # handed to the caller, raised there
            put(err)
        else:
            put(done)

    reader = threading.Thread(target=produce, name="import-reader", daemon=True)
    reader.start()
    try:
        while (item := handoff.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _count(con: duckdb.DuckDBPyConnection, sql: str, *params) -> int:
    return int(con.execute(sql, list(params)).fetchall()[0][0])


@dataclass(frozen=True, kw_only=True)
class _Encoded:
    """A file as read, with the work that needs nothing stored done.

    Done in the reader's thread (:func:`_read_ahead`), while the last file is
    stored: the texts of :data:`LABELLED` columns dictionary-encoded, and the
    map points numbered 0, 1, ... in order of first row.
    """

    file: FileRead
    texts: dict[str, pa.DictionaryArray]
    point: np.ndarray | None  # each row's map point
    first: np.ndarray | None  # each map point's first row

    @classmethod
    def of(cls, file: FileRead) -> _Encoded:
        if file.table is None:
            return cls(file=file, texts={}, point=None, first=None)
        texts = {
            c: pc.dictionary_encode(file.table[c]).combine_chunks() for c in LABELLED
        }
        point, used = pd.factorize(file.table["place"].to_numpy())
        first = np.zeros(used.size, np.int64)
        first[point[::-1]] = np.arange(point.size)[::-1]
        return cls(file=file, texts=texts, point=point, first=first)


class _State:
    """Running numbers of an import: ids, files, new map points.

    New rows reach DuckDB as Python variables its SQL names (DuckDB's
    replacement scan), not as registered views: a view registered and dropped
    inside the import's one transaction stays in DuckDB's catalogue until the
    commit, with every batch of rows it showed, so an import held everything it
    had read (5.4 GB at 19 million rows). Read by name, a batch is let go when
    its statement ends.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.import_id = next_id(con, "imports", "import_id")
        self.next_file = next_id(con, "files", "file_id")
        self.next_seq = next_id(con, "incident_data", "seq")
        self.next_loc = next_id(con, "locations", "loc_id")
        self.next_label = next_id(con, "labels", "label_id")
        self.labels = dict(con.execute("SELECT label, label_id FROM labels").fetchall())
        self.held = dict(con.execute("SELECT digest, rows_read FROM files").fetchall())
        self.files_new: list[str] = []
        self.files_known: list[str] = []
        self.new_locations: list[np.ndarray] = []  # numbers, not Python ints
        self.known_rows = 0
        self.pending: list[pa.Table] = []
        self.pending_rows = 0

    def held_rows(self, digest: str) -> int | None:
        return self.held.get(digest)

    def add(self, encoded: _Encoded) -> None:
        read = encoded.file
        if read.status == "known":
            self.files_known.append(read.name)
            self.known_rows += read.read
            return
        if read.status == "duplicate":
            return
        file_id = self.next_file
        self.next_file += 1
        self.files_new.append(read.name)
        feed = _feed(read.name)
        self.con.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            [file_id, self.import_id, read.name, Path(read.name).name, feed,
             read.digest, read.read],
        )  # fmt: skip
        if not read.drops.empty:
            drops = read.drops.assign(
                file_id=file_id,
                feed=read.drops["force"].where(read.drops["force"] != "", feed),
            )[["file_id", "feed", "month", "reason", "n"]]
            new_drops = drops  # noqa: F841 (read by name: see _State)
            self.con.execute("INSERT INTO drops SELECT * FROM new_drops")
        if read.table is not None:
            self._insert_rows(encoded, file_id)

    def _insert_rows(self, encoded: _Encoded, file_id: int) -> None:
        table = encoded.file.table
        n = table.num_rows
        loc = self._location_ids(encoded)
        rows = table.append_column(
            "seq", pa.array(np.arange(self.next_seq, self.next_seq + n))
        )
        self.next_seq += n
        rows = rows.append_column("loc_id", pa.array(loc, pa.int32()))
        rows = rows.append_column("file_id", pa.array(np.full(n, file_id, np.int32)))
        for column, code in LABELLED.items():
            rows = rows.append_column(code, self._label_ids(encoded.texts[column]))
        self.pending.append(rows.select(_STORED))
        self.pending_rows += n
        if self.pending_rows >= _BATCH_ROWS:
            self.flush(whole=True)

    def flush(self, *, whole: bool = False) -> None:
        """Store the rows held back.

        With ``whole``, only whole row groups of them (:data:`_BATCH_ROWS`);
        the rest stay back for the next files.
        """
        if not self.pending_rows:
            return
        held = pa.concat_tables(self.pending)
        n = held.num_rows - held.num_rows % _BATCH_ROWS if whole else held.num_rows
        # the rows held back are copied out: a slice would keep every file's
        # buffers alive from one flush to the next, so an import's memory grew
        # with everything it had read (1.0 GB at 3M rows, 5.3 GB at 19M)
        rest = held.slice(n)
        rest = rest.take(pa.array(np.arange(rest.num_rows))) if rest.num_rows else rest
        self.pending, self.pending_rows = [rest], rest.num_rows
        if n == 0:
            return
        new_rows = held.slice(0, n)  # noqa: F841 (read by name: see _State)
        codes = ", ".join(LABELLED.values())
        # an id made from the file name and line is not stored: it reads back
        self.con.execute(
            f"INSERT INTO incident_data (seq, import_id, file_id, {codes}, "
            "incident_id, line, loc_id, x, y, lon, lat) SELECT seq, "
            f"{self.import_id}, file_id, {codes}, "
            "CASE WHEN id_given THEN incident_id END, line, loc_id, "
            "x, y, lon, lat FROM new_rows"
        )

    def _label_ids(self, encoded: pa.DictionaryArray) -> pa.Array:
        """Return the label number of each row's text; new texts join ``labels``."""
        words = encoded.dictionary.to_pylist()
        fresh = [w for w in words if w not in self.labels]
        if fresh:
            ids = range(self.next_label, self.next_label + len(fresh))
            self.next_label += len(fresh)
            self.labels.update(zip(fresh, ids, strict=True))
            new = pa.table(
                {"label_id": pa.array(ids, pa.int32()),
                 "label": pa.array(fresh, pa.string())}
            )  # fmt: skip
            new_labels = new  # noqa: F841 (read by name: see _State)
            self.con.execute("INSERT INTO labels SELECT * FROM new_labels")
        ids = pa.array([self.labels[w] for w in words], pa.int32())
        return ids.take(encoded.indices)

    def _location_ids(self, encoded: _Encoded) -> np.ndarray:
        """Id of each row's map point; new points are added to ``locations``."""
        table, first = encoded.file.table, encoded.first
        x, y = table["x"].to_numpy(), table["y"].to_numpy()
        points = pa.table(
            {
                "i": np.arange(first.size),
                "x": x[first],
                "y": y[first],
                "lon": table["lon"].to_numpy()[first],
                "lat": table["lat"].to_numpy()[first],
            }
        )
        known = self.con.sql(
            "SELECT p.i, l.loc_id FROM points p JOIN locations l USING (x, y)"
        ).to_arrow_table()
        ids = np.full(first.size, -1, np.int64)
        ids[known["i"].to_numpy()] = known["loc_id"].to_numpy()
        new = np.flatnonzero(ids < 0)
        ids[new] = np.arange(self.next_loc, self.next_loc + new.size)
        self.next_loc += new.size
        if new.size:
            fresh = points.take(pa.array(new)).append_column(  # noqa: F841
                "loc_id", pa.array(ids[new])
            )
            self.con.execute(
                "INSERT INTO locations SELECT loc_id, x, y, lon, lat FROM fresh"
            )
            self.new_locations.append(ids[new])
        return ids[encoded.point]


_BATCH_ROWS = 122_880
"""Incidents are stored in whole row groups of DuckDB (this many rows) until
the last: DuckDB writes a statement's full row groups to the file as it runs,
alongside the reading of the next files, where rows stored a police.uk file
at a time (~80,000 rows) were all written at the commit, after the reading.
1,000,000 rows in 12 files: the import took 1.96 s, 1.87 s this way
(medians of 5, alternating in one process); the commit 0.33 s, 0.08 s."""

_STORED = [
    "seq", "file_id", *LABELLED.values(), "incident_id", "id_given", "line",
    "loc_id", "x", "y", "lon", "lat",
]  # fmt: skip


def _feed(name: str) -> str:
    """Name the feed of rows that name no police force: the file's own name."""
    return "file:" + Path(name.split("!")[-1]).name


def _settle(
    con: duckdb.DuckDBPyConnection,
    state: _State,
    quality: QualityReport,
    *,
    replace: bool = False,
) -> list[MonthChange]:
    """Decide each feed-month the import brought: add, replace or keep out."""
    iid = state.import_id
    brought = con.execute(
        "SELECT feed, month, count(*) FROM incident_rows WHERE import_id = ? "
        "GROUP BY ALL ORDER BY feed, month",
        [iid],
    ).fetchall()
    release = {}
    for feed, month, _ in brought:
        release[feed] = max(release.get(feed, month), month)
    held = {
        (f, m): (r, n)
        for f, m, r, n in con.execute(
            "SELECT feed, month, release, rows FROM releases"
        ).fetchall()
    }
    changes = []
    for feed, month, n in brought:
        key = (feed, month)
        if key not in held:
            changes.append(
                MonthChange(
                    feed=feed, month=month, action="added", rows_before=0, rows_after=n
                )
            )
        elif held[key][0] > release[feed]:
            changes.append(
                MonthChange(
                    feed=feed,
                    month=month,
                    action="kept",
                    rows_before=held[key][1],
                    rows_after=n,
                )
            )
            quality.drop(OLDER_RELEASE, n)
            _delete_month(con, feed, month, "= ?", iid)
            continue
        else:
            if not replace:
                _refuse_subset(con, feed, month, iid, held[key][1], n)
            changes.append(_replace(con, feed, month, iid))
        con.execute(
            "INSERT OR REPLACE INTO releases VALUES (?, ?, ?, ?, ?)",
            [feed, month, iid, release[feed], n],
        )
    return changes


def _ask_before_shrinking(changes: list[MonthChange]) -> None:
    shrinking = [
        c.sentence()
        for c in changes
        if c.action == "replaced" and c.rows_after < c.rows_before
    ]
    if shrinking:
        msg = (
            f"The import would leave {len(shrinking)} month(s) held with fewer rows "
            "than before; nothing was imported yet. Replace them only if the files "
            "are newer releases of the whole months: " + " ".join(shrinking)
        )
        raise ShrinkingImportError(msg, months=shrinking)


def _refuse_subset(
    con: duckdb.DuckDBPyConnection, feed: str, month: str, iid: int, held: int, n: int
) -> None:
    """Refuse to replace a held feed-month by a subset of it (a district's extract)."""
    if n >= SUBSET_SHARE * held:
        return
    extent = dict(
        con.execute(
            """
            SELECT r.import_id = $3, (max(l.x) - min(l.x)) * (max(l.y) - min(l.y))
            FROM incident_rows r JOIN locations l USING (loc_id)
            WHERE r.feed = $1 AND r.month = $2 GROUP BY 1
            """,
            [feed, month, iid],
        ).fetchall()
    )
    offered, whole = float(extent.get(True) or 0.0), float(extent.get(False) or 0.0)
    if whole > 0 and offered >= SUBSET_SHARE * whole:
        return
    share = offered / whole if whole else 0.0
    msg = (
        f"{month} {feed}: the import offers {n:,} rows over {share:.0%} of the "
        f"area of the {held:,} rows held: a district's extract (a custom area "
        "download or the API's polygon query), not a newer release of the month. "
        "Nothing was imported. Keep it in a workspace of its own, or replace the "
        "held month on purpose with `replace`."
    )
    raise GeoInputError(msg, argument="replace")


def _delete_month(
    con: duckdb.DuckDBPyConnection, feed: str, month: str, which: str, iid: int
) -> None:
    """Delete a feed-month's rows (and drop counts) of this import or the others."""
    con.execute(
        "DELETE FROM incident_data WHERE seq IN (SELECT seq FROM incident_rows "
        f"WHERE feed = ? AND month = ? AND import_id {which})",
        [feed, month, iid],
    )
    con.execute(
        "DELETE FROM drops WHERE feed = ? AND month = ? AND file_id IN "
        f"(SELECT file_id FROM files WHERE import_id {which})",
        [feed, month, iid],
    )


def _replace(
    con: duckdb.DuckDBPyConnection, feed: str, month: str, iid: int
) -> MonthChange:
    """Replace a held feed-month with this import's release; say what changed."""
    row = con.execute(
        """
        WITH old AS (SELECT * FROM incident_rows WHERE feed = $1 AND month = $2
                     AND import_id <> $3),
             new AS (SELECT * FROM incident_rows WHERE feed = $1 AND month = $2
                     AND import_id = $3)
        SELECT
          (SELECT count(*) FROM old),
          (SELECT count(*) FROM new),
          (SELECT count(DISTINCT incident_id) FROM new WHERE id_given
             AND incident_id NOT IN (SELECT incident_id FROM old WHERE id_given)),
          (SELECT count(DISTINCT incident_id) FROM old WHERE id_given
             AND incident_id NOT IN (SELECT incident_id FROM new WHERE id_given)),
          (SELECT count(*) FROM new n JOIN old o USING (incident_id)
             WHERE n.id_given AND o.id_given AND n.loc_id <> o.loc_id),
          (SELECT count(*) FROM new WHERE loc_id NOT IN (SELECT loc_id FROM old))
        """,
        [feed, month, iid],
    ).fetchall()[0]
    _delete_month(con, feed, month, "<> ?", iid)
    counted = ("rows_before", "rows_after", "new_ids", "withdrawn_ids", "moved",
               "on_new_points")  # fmt: skip
    return MonthChange(
        feed=feed,
        month=month,
        action="replaced",
        **{k: int(v) for k, v in zip(counted, row, strict=True)},
    )


def _log(
    con: duckdb.DuckDBPyConnection,
    result: ImportResult,
    inputs: str | Path | Iterable[str | Path],
    started: dt.datetime,
) -> None:
    items = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    con.execute(
        "INSERT INTO imports VALUES (?, 'incidents', ?, ?, ?, ?, ?)",
        [
            result.import_id,
            started,
            dt.datetime.now(),
            json.dumps([str(p) for p in items]),
            "\n".join(result.lines()),
            json.dumps(result.quality.to_dict()),
        ],
    )
