"""The workspace: one DuckDB file that keeps everything the tool has been given.

Incidents (every kept row with its file, force, month and import), boundary sets
by name with each map point's ward in each set, populations per set, the camera
register with its history, and a log of every import with its quality report.
Analyses read from it the same frames the file readers give, so results from a
workspace equal results from the same files.

The file is ``workspace/hotspots.duckdb`` unless ``HOTSPOT_WORKSPACE`` or an
explicit path says otherwise. Every write is one transaction: an import killed
part-way leaves the workspace as it was, and a reader sees the state before an
import or after it, never a mix.

This module is the front (:class:`Workspace` and its summary). Behind it, in
private modules: the file, its schema and locks (``_store``), imports of
incidents (``_imports``), boundary sets and their map-point tags
(``_boundaries``), the read path (``_read``), the camera register
(``_cameras``) and the GeoPackage export (``_export``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.cctv import CameraList, read_cameras, register_cameras
from geo.change import read_population
from geo.incidents import Columns, LoadedIncidents, Progress
from geo.load import missing_in_periods
from geo.periods import Period
from geo.quality import is_synthetic
from geo.settings import DEFAULT_CAMERA_RANGE_M, WARD_TOLERANCE_M
from geo.wards import read_wards
from geo.workspace import _cameras, _imports
from geo.workspace._boundaries import (
    _check_population_codes,
    _drop_set,
    _set_name,
    _store_population,
    _store_set,
    _tag_new_points,
    _tag_points,
    _wards_of,
)
from geo.workspace._imports import ImportResult, MonthChange
from geo.workspace._read import _load
from geo.workspace._store import (
    SCHEMA_VERSION,
    connect,
    count_areas,
    held_labels,
    next_id,
    transaction,
)

__all__ = [
    "DEFAULT_WORKSPACE",
    "ENV_VAR",
    "SCHEMA_VERSION",
    "BoundaryImport",
    "ImportResult",
    "MonthChange",
    "Workspace",
    "WorkspaceSummary",
    "default_workspace",
]


DEFAULT_WORKSPACE = Path("workspace") / "hotspots.duckdb"
"""Where the workspace is kept unless told otherwise (git-ignored)."""


ENV_VAR = "HOTSPOT_WORKSPACE"
"""Environment variable naming the workspace file."""


def default_workspace() -> Path:
    """Return ``$HOTSPOT_WORKSPACE``, else ``workspace/hotspots.duckdb``."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_WORKSPACE)


@dataclass(frozen=True, kw_only=True)
class BoundaryImport:
    """A boundary set stored: its name, wards, and how the held points fell."""

    name: str
    wards: int
    replaced: bool
    points: int
    outside: int
    nearest: int
    population: int | None = None
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Say what the import did, in sentences."""
        verb = "replaced" if self.replaced else "added"
        out = [
            f"boundary set {self.name!r} {verb}: {self.wards} wards; of "
            f"{self.points:,} map points held, {self.nearest:,} given the nearest "
            f"ward and {self.outside:,} outside every ward."
        ]
        if self.population is not None:
            out.append(f"population stored for {self.population} ward(s).")
        return out + self.notes


@dataclass(frozen=True, kw_only=True)
class WorkspaceSummary:
    """What a workspace holds, for a terminal or the Data page.

    Attributes
    ----------
    months : DataFrame
        ``feed, month, rows, release, imported`` per feed-month held.
    gaps : dict
        For each feed, months between its first and last with no data.
    boundary_sets : DataFrame
        ``name, wards, source, added, population``.
    cameras : int
        Cameras in the register today (any status).
    imports : DataFrame
        The latest imports: ``import_id, kind, finished, summary``.
    rows : int
        Incident rows held.
    """

    path: Path
    schema_version: int
    rows: int
    months: pd.DataFrame
    gaps: dict[str, list[str]]
    boundary_sets: pd.DataFrame
    cameras: int
    imports: pd.DataFrame

    def lines(self) -> list[str]:
        """Say what the workspace holds, in sentences."""
        out = [f"workspace {self.path} (schema {self.schema_version}): "
               f"{self.rows:,} incident rows"]  # fmt: skip
        for feed, group in self.months.groupby("feed", sort=True):
            months = group["month"].tolist()
            gaps = self.gaps.get(feed, [])
            out.append(
                f"  {feed}: {len(months)} month(s), {months[0]} to {months[-1]}, "
                f"{int(group['rows'].sum()):,} rows; "
                + (f"gaps: {', '.join(gaps)}" if gaps else "no gaps")
            )
        if self.boundary_sets.empty:
            out.append("  boundary sets: none (import one with --boundaries)")
        for row in self.boundary_sets.itertuples():
            pop = "with population" if row.population else "no population"
            out.append(f"  boundary set {row.name!r}: {row.wards} wards, {pop}")
        out.append(f"  camera register: {self.cameras} camera(s)")
        for row in self.imports.itertuples():
            first = (row.summary or "").splitlines()[:1]
            when = pd.Timestamp(row.finished).strftime("%Y-%m-%d %H:%M")
            text = first[0] if first else ""
            out.append(f"  import #{row.import_id} ({row.kind}, {when}): {text}")
        return out


class Workspace:
    """A workspace file. Each method opens it, works, and closes it again.

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; :func:`default_workspace` when omitted. It is created
        by the first import.
    lock_timeout_s : float
        How long to wait for another process writing the file.
    """

    def __init__(
        self, path: str | Path | None = None, *, lock_timeout_s: float = 60.0
    ) -> None:
        self.path = Path(path) if path is not None else default_workspace()
        self.lock_timeout_s = lock_timeout_s
        self._held = None

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    @contextlib.contextmanager
    def reading(self) -> Iterator[Workspace]:
        """Hold one read connection for the reads inside, e.g. one command's.

        The reads see one state of the workspace and open the file once
        (~30 ms each otherwise). Imports by others wait until it closes;
        writing through this object inside raises. For one thread.
        """
        with connect(self.path, write=False, lock_timeout_s=self.lock_timeout_s) as con:
            self._held = con
            try:
                yield self
            finally:
                self._held = None

    def _read(self):
        if self._held is not None:
            return contextlib.nullcontext(self._held)
        return connect(self.path, write=False, lock_timeout_s=self.lock_timeout_s)

    def _write(self):
        if self._held is not None:
            msg = f"{self!r} is held for reading; write after the reads are done."
            raise RuntimeError(msg)
        return connect(self.path, write=True, lock_timeout_s=self.lock_timeout_s)

    # -- imports ---------------------------------------------------------

    def import_incidents(
        self,
        inputs: str | Path | Iterable[str | Path],
        *,
        columns: Columns | None = None,
        progress: Progress | None = None,
        replace: bool = False,
        ask_before_shrinking: bool = False,
    ) -> ImportResult:
        """Import incident files (as :func:`geo.read_incidents` reads them).

        The same file imported twice adds nothing; a feed-month held already
        is replaced by a newer release and kept against an older one (see
        :class:`MonthChange`). A file holding a subset of a held feed-month (a
        district's extract) is refused unless ``replace`` says to replace it on
        purpose. ``ask_before_shrinking`` refuses (:class:`ShrinkingImportError`)
        any replacement that leaves a month with fewer rows, unless ``replace``:
        for a front end that asks its user first. New map points get their
        ward in every stored boundary set. All of it happens in one transaction.
        """
        with self._write() as con:
            return _imports.run(
                con,
                inputs,
                columns=columns,
                progress=progress,
                tag=_tag_new_points,
                replace=replace,
                ask_before_shrinking=ask_before_shrinking,
            )

    def import_boundaries(
        self,
        path: str | Path,
        *,
        name: str,
        code_col: str | None = None,
        name_col: str | None = None,
        assume_crs: str | None = None,
        tolerance_m: float = WARD_TOLERANCE_M,
        population: str | Path | None = None,
    ) -> BoundaryImport:
        """Store a boundary set under ``name`` (replacing one of that name).

        Every map point held gets its ward in the set now, and new points get
        theirs at import. ``population`` (a ward population CSV) is stored
        with the set.
        """
        name = _set_name(name)
        wards = read_wards(
            path, code_col=code_col, name_col=name_col, assume_crs=assume_crs
        )
        pop = read_population(population) if population is not None else None
        if pop is not None:
            _check_population_codes(pop, wards, population)
        with self._write() as con, transaction(con):
            replaced = _drop_set(con, name)
            _store_set(con, name, wards, tolerance_m, path)
            tags = _tag_points(con, name, wards, tolerance_m, None)
            count_areas(con, set_name=name)
            held = con.execute("SELECT count(*) FROM locations").fetchall()[0][0]
            if pop is not None:
                _store_population(con, name, pop, population)
            _log_other(con, "boundaries", path, f"boundary set {name!r}")
        return BoundaryImport(
            name=name,
            wards=len(wards),
            replaced=replaced,
            points=int(held),
            outside=int(held) - int((tags["ward_match"] != "outside").sum()),
            nearest=int((tags["ward_match"] == "nearest").sum()),
            population=None if pop is None else int(pop["ward_code"].nunique()),
            notes=[f"{wards.attrs['repaired']} invalid polygon(s) repaired."]
            if wards.attrs.get("repaired")
            else [],
        )

    def import_population(self, name: str, path: str | Path) -> int:
        """Store (or replace) the population of a stored boundary set."""
        pop = read_population(path)
        wards = self.wards(name)
        _check_population_codes(pop, wards, path)
        with self._write() as con, transaction(con):
            con.execute("DELETE FROM populations WHERE set_name = ?", [name])
            _store_population(con, name, pop, path)
            _log_other(con, "population", path, f"population of {name!r}")
        return int(pop["ward_code"].nunique())

    def import_cameras(
        self,
        path: str | Path,
        *,
        default_range_m: float | None = None,
        effective: str | None = None,
    ) -> tuple[CameraList, int]:
        """Add a camera list to the register; return it and the changes recorded.

        New ids are added (dated by their install date); known ids whose
        details differ are updated (dated ``effective``, default today).
        Cameras the list does not name are left as they are. A list with a
        camera more than 5 km outside the map points held is refused, naming it
        (``_cameras.CAMERA_REACH_M``).
        """
        kwargs = {} if default_range_m is None else {"default_range_m": default_range_m}
        cams = read_cameras(path, **kwargs)
        rows = _camera_rows(cams.cameras)
        with self._write() as con, transaction(con):
            _cameras.require_near(con, cams.cameras, path)
            n = _cameras.record(con, rows, source=str(path), effective=effective)
            _log_other(con, "cameras", path, f"{n} camera change(s)")
        return cams, n

    def record_cameras(self, changes: Iterable[dict], *, source: str = "app") -> int:
        """Record camera changes (add, update, delete) in the register."""
        with self._write() as con, transaction(con):
            return _cameras.record(con, changes, source=source)

    # -- reads -----------------------------------------------------------

    def boundary_sets(self) -> list[str]:
        """Names of the stored boundary sets, in the order they were added."""
        with self._read() as con:
            rows = con.execute(
                "SELECT name FROM boundary_sets ORDER BY added, name"
            ).fetchall()
        return [r[0] for r in rows]

    def wards(self, name: str) -> gpd.GeoDataFrame:
        """Return a stored boundary set, as :func:`geo.wards.read_wards` does."""
        with self._read() as con:
            return _wards_of(con, name)

    def population(self, name: str) -> pd.DataFrame | None:
        """``ward_code, population`` of a stored set; None if none stored."""
        with self._read() as con:
            pop = con.execute(
                "SELECT ward_code, population FROM populations WHERE set_name = ? "
                "ORDER BY ward_code",
                [name],
            ).df()
        if pop.empty:
            return None
        whole = (pop["population"] % 1 == 0).all()
        return pop.astype({"population": "int64"}) if whole else pop

    def cameras(
        self, on: dt.date | str | None = None, *, in_service: bool = False
    ) -> gpd.GeoDataFrame:
        """Return the camera register on a date (today by default).

        With ``in_service``, only the cameras watching on that date.
        """
        with self._read() as con:
            return _cameras.register_on(con, on, in_service=in_service)

    def camera_list(
        self,
        on: dt.date | str | None = None,
        *,
        default_range_m: float = DEFAULT_CAMERA_RANGE_M,
    ) -> CameraList:
        """Return the cameras watching on a date (today by default), ready to use.

        The register as it stood then, in service only, with
        ``default_range_m`` for cameras that give no range; its note says
        which date and how many.
        """
        cams = self.cameras(on, in_service=True)
        note = (
            "Cameras: the workspace's register, "
            f"{len(cams)} watching on {on or 'today'}."
        )
        return register_cameras(cams, default_range_m=default_range_m, note=note)

    def camera_history(self) -> pd.DataFrame:
        """Every recorded change to the camera register, oldest first."""
        with self._read() as con:
            return _cameras.events(con)

    def catalogue(self) -> tuple[list[str], list[str]]:
        """Return the crime types and the months held (any type), each sorted."""
        with self._read() as con:
            return held_labels(con, "crime_type"), held_labels(con, "month")

    def synthetic(self) -> bool:
        """Whether the workspace holds synthetic demo data (its forces say so)."""
        with self._read() as con:
            return is_synthetic(held_labels(con, "force"))

    def state(self) -> tuple:
        """Return a token that changes whenever the content does (for caches)."""
        if not self.path.exists():
            return ()
        with self._read() as con:
            return con.execute(
                "SELECT (SELECT max(import_id) FROM imports), "
                "(SELECT max(event_id) FROM camera_events), "
                "(SELECT count(*) FROM incident_data)"
            ).fetchall()[0]

    def load(
        self,
        *,
        wards: str | gpd.GeoDataFrame | None = None,
        periods: Sequence[Period] = (),
        types: Sequence[str] = (),
        tolerance_m: float = WARD_TOLERANCE_M,
        allow_empty: Sequence[Period] = (),
    ) -> LoadedIncidents:
        """Incidents of the chosen types and periods, tagged with wards.

        As :func:`geo.load.load_incidents` on the same files: the same rows,
        wards, reasons and errors. ``wards`` is a stored boundary set's name
        (its stored tags are used) or boundaries read from a file.

        Raises
        ------
        GeoInputError
            As :func:`geo.load.load_incidents`, plus an unknown boundary set.
        """
        with self._read() as con:
            return _load(
                con,
                wards=wards,
                periods=periods,
                types=types,
                tolerance_m=tolerance_m,
                allow_empty=allow_empty,
            )

    def summary(self, *, imports: int = 5) -> WorkspaceSummary:
        """Return what the workspace holds (see :class:`WorkspaceSummary`)."""
        with self._read() as con:
            return _summary(con, self.path, imports)

    def export(self, path: str | Path) -> list[str]:
        """Write incidents, boundary sets and cameras to a GeoPackage for QGIS.

        Returns the layer names written. The file is written beside its target
        and moved into place.
        """
        from geo.workspace._export import export_gpkg

        with self._read() as con:
            return export_gpkg(con, Path(path))


def _log_other(con, kind: str, path, summary: str) -> None:
    iid = next_id(con, "imports", "import_id")
    now = dt.datetime.now()
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, NULL)",
        [iid, kind, now, now, json.dumps([str(path)]), summary],
    )


def _camera_rows(cams: gpd.GeoDataFrame) -> list[dict]:
    rows = []
    for rec, pt in zip(
        cams.drop(columns="geometry").to_dict("records"), cams.geometry, strict=True
    ):
        rows.append(
            {
                "camera_id": rec["camera_id"],
                "name": rec.get("location", ""),
                "x": pt.x,
                "y": pt.y,
                "bearing": rec.get("bearing"),
                "fov": rec.get("fov"),
                "range_m": rec.get("range_m"),
                "range_source": rec.get("range_source"),
                "install_date": rec.get("install_date"),
                "status": "working",
                "purpose": rec.get("purpose", ""),
            }
        )
    return rows


def _summary(con, path: Path, n_imports: int) -> WorkspaceSummary:
    months = con.execute(
        "SELECT r.feed, r.month, r.rows, r.release, i.finished AS imported "
        "FROM releases r LEFT JOIN imports i USING (import_id) ORDER BY feed, month"
    ).df()
    gaps = {
        feed: missing_in_periods([], group["month"].tolist())
        for feed, group in months.groupby("feed")
    }
    sets = con.execute(
        "SELECT name, wards, source, added, "
        "EXISTS (SELECT 1 FROM populations p WHERE p.set_name = s.name) AS population "
        "FROM boundary_sets s ORDER BY added, name"
    ).df()
    imports = con.execute(
        "SELECT import_id, kind, finished, summary FROM imports "
        "ORDER BY import_id DESC LIMIT ?",
        [n_imports],
    ).df()
    from geo.workspace._store import schema_version

    return WorkspaceSummary(
        path=path,
        schema_version=schema_version(con) or SCHEMA_VERSION,
        rows=int(con.execute("SELECT count(*) FROM incident_data").fetchall()[0][0]),
        months=months,
        gaps=gaps,
        boundary_sets=sets,
        cameras=len(_cameras.register_on(con)),
        imports=imports,
    )
