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
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.cctv import CameraList, read_cameras, register_cameras
from geo.change import read_population
from geo.errors import GeoInputError
from geo.incidents import Columns, LoadedIncidents, Progress, incidents_frame
from geo.load import missing_in_periods, resolve_types, select_rows, tag_wards
from geo.periods import Period
from geo.quality import QualityReport, is_synthetic
from geo.settings import DEFAULT_CAMERA_RANGE_M, WARD_TOLERANCE_M, WORKING_CRS
from geo.wards import WARD_COLUMNS, locate_points, read_wards
from geo.workspace import _cameras, _imports
from geo.workspace._imports import ImportResult, MonthChange
from geo.workspace._store import (
    LABELLED,
    SCHEMA_VERSION,
    connect,
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
    ) -> ImportResult:
        """Import incident files (as :func:`geo.read_incidents` reads them).

        The same file imported twice adds nothing; a feed-month held already
        is replaced by a newer release and kept against an older one (see
        :class:`MonthChange`). New map points get their ward in every stored
        boundary set. All of it happens in one transaction.
        """
        with self._write() as con:
            return _imports.run(
                con, inputs, columns=columns, progress=progress, tag=_tag_new_points
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
            if pop is not None:
                _store_population(con, name, pop, population)
            _log_other(con, "boundaries", path, f"boundary set {name!r}")
        return BoundaryImport(
            name=name,
            wards=len(wards),
            replaced=replaced,
            points=len(tags),
            outside=int((tags["ward_match"] == "outside").sum()),
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
        Cameras the list does not name are left as they are.
        """
        kwargs = {} if default_range_m is None else {"default_range_m": default_range_m}
        cams = read_cameras(path, **kwargs)
        rows = _camera_rows(cams.cameras)
        with self._write() as con, transaction(con):
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


# -- boundary sets -----------------------------------------------------------


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
    for table in ("boundaries", "location_wards", "populations"):
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
    """Work out and store the ward of map points (all, or ``loc_ids``) in a set."""
    if loc_ids is None:
        pts = con.sql("SELECT loc_id, x, y FROM locations ORDER BY loc_id").df()
    else:
        con.register("wanted", pd.DataFrame({"loc_id": loc_ids}))
        pts = con.sql(
            "SELECT loc_id, x, y FROM locations JOIN wanted USING (loc_id) "
            "ORDER BY loc_id"
        ).df()
        con.unregister("wanted")
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
    rows.loc[rows["match"] == "outside", ["ward_code", "ward_name"]] = None
    con.register("new_tags", rows)
    con.execute("INSERT INTO location_wards SELECT * FROM new_tags")
    con.unregister("new_tags")
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


# -- loading -----------------------------------------------------------------


def _load(con, *, wards, periods, types, tolerance_m, allow_empty) -> LoadedIncidents:
    stored = isinstance(wards, str)
    if stored:
        boundaries = _wards_of(con, wards)
        if float(tolerance_m) != _set_tolerance(con, wards):
            stored = False  # another tolerance: work the wards out afresh
            wards = boundaries
    agg = _aggregate(con)
    quality = QualityReport()
    _stored_drops(con, quality)
    quality.read += int(agg["n"].sum())
    quality.files = [r[0] for r in con.execute(
        "SELECT name FROM files ORDER BY file_id").fetchall()]  # fmt: skip
    quality.forces = [f for f in held_labels(con, "force") if f]
    if agg.empty:
        msg = (
            f"no usable incidents in the workspace ({quality.read:,} rows read); "
            "import police.uk files into it first."
        )
        raise GeoInputError(msg)
    quality.months_in_data = sorted(agg["month"].unique().tolist())
    chosen = resolve_types(agg["crime_type"].unique().tolist(), types)
    _, dropped = select_rows(
        agg["month"],
        agg["crime_type"],
        weight=agg["n"].to_numpy(),
        types=chosen,
        periods=periods,
        allow_empty=allow_empty,
    )
    for reason, n in dropped.items():
        quality.drop(reason, n)
    quality.missing_months = missing_in_periods(
        periods, quality.months_in_data, allow_empty=allow_empty
    )
    rows = _fetch(con, chosen, periods)
    incidents = incidents_frame(rows)
    if stored:
        tags = _stored_tags(con, wards, rows["loc_id"].to_numpy())
        incidents = tag_wards(incidents, boundaries, tolerance_m, quality, tags=tags)
    elif wards is not None:
        incidents = tag_wards(incidents, wards, tolerance_m, quality)
    quality.kept = len(incidents)
    quality.months = sorted(incidents["month"].unique().tolist())
    return LoadedIncidents(incidents=incidents, quality=quality)


def _stored_tags(con, set_name: str, loc_ids: np.ndarray) -> pd.DataFrame:
    """Each row's stored ward (``ward_code, ward_name, ward_match``) by map point.

    The set's tags are read once per map point and taken for the rows by
    pyarrow (quicker than joining them to every row in the query).
    """
    held = con.sql(
        "SELECT loc_id, ward_code, ward_name, match FROM location_wards "
        "WHERE set_name = ?",
        params=[set_name],
    ).to_arrow_table()
    ids = held["loc_id"].to_numpy()
    top = max(int(ids.max(initial=-1)), int(loc_ids.max(initial=-1))) + 1
    lookup = np.full(top, -1, np.int64)
    lookup[ids] = np.arange(ids.size)
    pos = lookup[loc_ids]
    take = pa.array(pos, mask=pos < 0)  # a point without a tag: outside
    return pd.DataFrame(
        {
            "ward_code": pd.array(held["ward_code"].take(take), dtype="str"),
            "ward_name": pd.array(held["ward_name"].take(take), dtype="str"),
            "ward_match": pd.array(
                held["match"].take(take).fill_null("outside"), dtype="str"
            ),
        }
    )


def _aggregate(con) -> pd.DataFrame:
    """Rows held per month and crime type: enough to count what a load leaves out."""
    return con.execute(
        "SELECT lm.label AS month, lc.label AS crime_type, n FROM (SELECT "
        "month_label, crime_type_label, count(*) AS n FROM incident_data GROUP BY ALL) "
        "JOIN labels lm ON lm.label_id = month_label "
        "LEFT JOIN labels lc ON lc.label_id = crime_type_label "
        "ORDER BY month, crime_type"
    ).df()


def _stored_drops(con, quality: QualityReport) -> None:
    for reason, n in con.execute(
        "SELECT reason, sum(n) FROM drops GROUP BY reason ORDER BY reason"
    ).fetchall():
        quality.read += int(n)
        quality.drop(reason, int(n))


def _fetch(con, types: list[str], periods: Sequence[Period]) -> pa.Table:
    """Read the chosen rows as ``incident_rows`` has them, in the order read.

    From the stored numbers, not the view, so DuckDB neither joins nor sorts:
    texts are looked up by pyarrow in ``labels`` and the list of files, and
    those with few distinct values come as dictionary arrays (only the values
    present, sorted). Rows come back in stored order, which is ``seq`` order
    (checked; sorted if ever not).
    """
    files = con.execute("SELECT file_id, name, base FROM files").fetchall()
    top = max((f[0] for f in files), default=0)
    names: list[str | None] = [None] * (top + 1)
    bases = names[1:]
    for file_id, name, base in files:
        names[file_id], bases[file_id - 1] = name, base  # DuckDB lists count from 1
    labels = _Labels(con)
    where = []
    if types:
        where.append(f"crime_type_label IN ({labels.ids_of(lambda t: t in types)})")
    if periods:
        where.append(
            "month_label IN "
            f"({labels.ids_of(lambda m: any(p.start <= m <= p.end for p in periods))})"
        )
    codes = ", ".join(LABELLED[c] for c in ("month", *_FETCH_LABELLED))
    sql = (
        "SELECT seq, coalesce(incident_id, $bases[file_id] || ':' || line) AS "
        f"incident_id, {codes}, file_id, loc_id, x, y FROM incident_data "
        + (f"WHERE {' AND '.join(where)}" if where else "")
    )
    rows = con.sql(sql, params={"bases": bases}).to_arrow_table()
    seq = rows["seq"].to_numpy()
    if seq.size > 1 and not (seq[1:] > seq[:-1]).all():
        rows = rows.take(pa.array(np.argsort(seq, kind="stable")))
    out = {
        "incident_id": rows["incident_id"],
        "month": labels.texts(rows[LABELLED["month"]]),
    }
    for column in _FETCH_LABELLED:
        out[column] = labels.dictionary(rows[LABELLED[column]])
    out["source"] = _dictionary(
        rows["file_id"].to_numpy(), pa.array(names, pa.string())
    )
    for column in ("loc_id", "x", "y"):
        out[column] = rows[column]
    return pa.table(out)


_FETCH_LABELLED = ("crime_type", "location", "lsoa_code", "outcome")


class _Labels:
    """The ``labels`` of a workspace, to turn stored numbers back into text."""

    def __init__(self, con) -> None:
        held = con.sql(
            "SELECT label_id, label FROM labels ORDER BY label_id"
        ).to_arrow_table()
        ids = held["label_id"].to_numpy()
        self.words = pa.concat_arrays(
            [pa.nulls(1, pa.string()), held["label"].combine_chunks()]
        )  # position 0: no label
        self.where = None  # numbered 1, 2, ... as imports number them: as is
        if not np.array_equal(ids, np.arange(1, ids.size + 1)):
            self.where = np.zeros(int(ids.max(initial=0)) + 1, np.int64)
            self.where[ids] = np.arange(1, ids.size + 1)
        self.ids = ids

    def ids_of(self, keep) -> str:
        """Return the numbers of the labels whose text passes ``keep`` (SQL list)."""
        chosen = [
            str(i) for i, w in zip(self.ids, self.words[1:].to_pylist(), strict=True)
            if keep(w)
        ]  # fmt: skip
        return ", ".join(chosen) or "NULL"

    def _positions(self, codes: pa.ChunkedArray) -> np.ndarray:
        codes = codes.fill_null(0) if codes.null_count else codes
        positions = codes.to_numpy()
        return positions if self.where is None else self.where[positions]

    def texts(self, codes: pa.ChunkedArray) -> pa.Array:
        """Return each row's text."""
        return self.words.take(pa.array(self._positions(codes)))

    def dictionary(self, codes: pa.ChunkedArray) -> pa.DictionaryArray:
        """Return each row's text as a dictionary array of the texts present."""
        return _dictionary(self._positions(codes), self.words)


def _dictionary(positions: np.ndarray, words: pa.Array) -> pa.DictionaryArray:
    """Rows as positions in ``words``: a dictionary of the values used, sorted.

    A position of a null word is a null row.
    """
    valid = words.is_valid().to_numpy(zero_copy_only=False)
    used = np.zeros(len(words), bool)
    used[positions] = True
    present = np.flatnonzero(used & valid)
    values = words.take(pa.array(present))
    order = np.asarray(pc.sort_indices(values), dtype=np.int64)
    rank = np.zeros(len(words), np.int32)
    rank[present[order]] = np.arange(order.size, dtype=np.int32)
    nulls = ~valid[positions] if (used & ~valid).any() else None
    indices = pa.array(rank[positions], mask=nulls)
    return pa.DictionaryArray.from_arrays(indices, values.take(pa.array(order)))


# -- summary -----------------------------------------------------------------


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
