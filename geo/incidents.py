"""Read incident points: police.uk street CSVs and other tables, into one frame.

Every row read is kept or counted as dropped with a reason (see
:class:`geo.quality.QualityReport`). The result is in :data:`WORKING_CRS` with the
columns of :data:`INCIDENT_COLUMNS`.

Tables are parsed column by column with pyarrow's CSV reader and checked in
vectorised passes; a file pyarrow will not take as it is (rows of the wrong
length, text that is not UTF-8, repeated column names) is read by pandas
instead, under the same rules. police.uk snaps locations to a fixed set of map
points, so coordinates are projected once per distinct point.

This module reads (files, folders, archives, tables, GeoJSON); matching a
table's columns to the fields is :mod:`geo._columns` (shared with the camera,
ward and population readers), projecting coordinates and the reasons a row is
dropped are :mod:`geo._project`.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo._columns import Columns, column_of, match_columns, months_of
from geo._points import points_by_place
from geo._project import (
    _BAD_MONTH,
    _DUP_FM,
    _KEEP,
    _NO_XY,
    _NOT_POINT,
    _REASONS,
    _coordinates,
    _lonlat,
    _pool,
    _threads,
)
from geo._sources import Source, as_buffer, expand_sources
from geo._vector import read_vector
from geo.errors import GeoInputError
from geo.quality import QualityReport
from geo.settings import MAX_FIELD_CHARS, WORKING_CRS

__all__ = [
    "INCIDENT_COLUMNS",
    "Columns",
    "FileRead",
    "LoadedIncidents",
    "incidents_frame",
    "read_files",
    "read_incidents",
]

log = logging.getLogger(__name__)

INCIDENT_COLUMNS = [
    "incident_id",
    "month",
    "crime_type",
    "location",
    "lsoa_code",
    "outcome",
    "source",
]
"""Attribute columns of a normalised incident frame (plus ``geometry``)."""

_CATEGORICAL = ("crime_type", "location", "lsoa_code", "outcome", "source")
"""Columns with few distinct values over many rows: categorical in the frame."""

Progress = Callable[[int, int, str], None]
"""``progress(done, total, name)``: called as each file is read."""

_UNSPECIFIED = "Unspecified"


@dataclass(frozen=True, kw_only=True)
class LoadedIncidents:
    """Incidents read from files, and the quality report of the read."""

    incidents: gpd.GeoDataFrame
    quality: QualityReport


@dataclass(frozen=True, kw_only=True)
class FileRead:
    """One incident file as read: its kept rows and what was dropped, by reason.

    Attributes
    ----------
    name : str
        The file as named in messages (an archive member is ``zip!member``).
    digest : str
        SHA-1 of the file's bytes (the same file under any name has one digest).
    read : int
        Data rows in the file.
    table : pyarrow.Table or None
        Kept rows: :data:`INCIDENT_COLUMNS` plus ``force``, ``x``, ``y`` (metres,
        working CRS), ``lon``, ``lat`` (degrees), ``line`` (the row's line in
        the file), ``id_given`` (False where the id was made from the file
        name and line) and ``place`` (a number per distinct map point of the
        file, from 0; rows of one point share it); None when no row is kept or
        the file was not parsed.
    drops : DataFrame
        ``force, month, reason, n``: dropped rows by police force, month (None
        when unknown) and reason.
    status : str
        ``"read"``, ``"duplicate"`` (same bytes as an earlier file of this read)
        or ``"known"`` (``skip`` said the digest is held already; not parsed).
    position : tuple of int
        ``(i, n)``: the i-th of the n files of the read.
    """

    name: str
    digest: str
    read: int
    table: pa.Table | None
    drops: pd.DataFrame = field(repr=False)
    status: str = "read"
    position: tuple[int, int] = (0, 0)


def read_incidents(
    inputs: str | Path | Iterable[str | Path],
    *,
    columns: Columns | None = None,
    progress: Progress | None = None,
) -> LoadedIncidents:
    """Read incident points from police.uk CSVs, folders, zips or other tables.

    Parameters
    ----------
    inputs : path or list of paths
        police.uk street CSV files, folders holding them (searched recursively),
        police.uk archive ``.zip`` files, ``.csv.gz``; other CSV/TSV tables with
        longitude/latitude or easting/northing and a month or date column; GeoJSON
        (or any vector file) of points.
    columns : Columns, optional
        Column names for tables whose columns are not detected.
    progress : callable, optional
        ``progress(done, total, name)`` after each file.

    Returns
    -------
    LoadedIncidents
        ``incidents``: a GeoDataFrame in EPSG:27700 with :data:`INCIDENT_COLUMNS`,
        on a fresh RangeIndex; ``quality``: rows read, kept and dropped by reason.
        The same police force and month found in two files is kept once (the
        first file read); identical rows within one file are distinct reports.

    Raises
    ------
    GeoInputError
        For a missing file, a file that is not a table of incidents, a required
        column missing, swapped or mislabelled coordinates, or no rows at all.
    """
    quality = QualityReport()
    tables = [
        f.table
        for f in read_files(inputs, quality, columns=columns, progress=progress)
        if f.table is not None
    ]
    tables = _shared_places(tables)
    incidents = incidents_frame(pa.concat_tables(tables) if tables else None)
    quality.kept = len(incidents)
    quality.months = sorted(incidents["month"].unique().tolist())
    return LoadedIncidents(incidents=incidents, quality=quality)


def _shared_places(tables: list[pa.Table]) -> list[pa.Table]:
    """Renumber the files' map points so that a point has one number in all.

    Each file numbers its own points (:func:`_project`). Across files, a point
    is matched by its coordinates among the files' distinct points only: far
    fewer than their rows, as police.uk snaps incidents to map points.
    """
    if len(tables) < 2:
        return tables
    xs, ys, sizes = [], [], []
    for t in tables:
        place = t["place"].to_numpy()
        k = int(place.max()) + 1
        ux, uy = np.full(k, np.nan), np.full(k, np.nan)  # NaN: a point not kept
        ux[place], uy[place] = t["x"].to_numpy(), t["y"].to_numpy()
        xs.append(ux)
        ys.append(uy)
        sizes.append(k)
    shared, _ = pd.factorize(np.concatenate(xs) + 1j * np.concatenate(ys))
    bounds = np.cumsum([0, *sizes])
    return [
        t.set_column(
            t.schema.get_field_index("place"),
            "place",
            pa.array(shared[start:end][t["place"].to_numpy()]),
        )
        for t, start, end in zip(tables, bounds[:-1], bounds[1:], strict=True)
    ]


def read_files(
    inputs: str | Path | Iterable[str | Path],
    quality: QualityReport,
    *,
    columns: Columns | None = None,
    progress: Progress | None = None,
    skip: Callable[[str], int | None] | None = None,
) -> Iterator[FileRead]:
    """Read each incident file of ``inputs`` in turn, counting into ``quality``.

    The rules of :func:`read_incidents` apply across the files: a file whose
    bytes were read already is counted as ``duplicate file (loaded twice)``, and
    a police force-month read already from another file as ``duplicate
    force-month (loaded twice)``. ``skip(digest)`` may return the row count of a
    file that is held elsewhere (a workspace): such a file is not parsed, and
    its rows are neither counted in ``quality`` nor claim force-months.
    """
    columns = columns or Columns()
    sources = expand_sources(inputs, quality.skipped_files)
    seen = _SeenKeys()
    for i, parsed in enumerate(_parse_ahead(sources, columns, skip), start=1):
        read = _read_source(parsed, columns, quality, seen)
        yield dataclasses.replace(read, position=(i, len(sources)))
        if progress is not None:
            progress(i, len(sources), parsed.source.name)


class _SeenKeys:
    """What has been read so far: file digests (with rows) and force-months."""

    def __init__(self) -> None:
        self.digests: dict[str, tuple[str, int]] = {}
        self.force_months: dict[tuple[str, str], str] = {}


@dataclass(frozen=True, kw_only=True)
class _Parsed:
    """A file hashed and parsed: the part of a read that needs no other file.

    Files are parsed ahead, in threads (see :func:`_parse_ahead`).
    """

    source: Source
    digest: str
    held: int | None  # rows, when ``skip`` says the file is held elsewhere
    table: tuple[dict[str, pa.Array], int] | None  # columns as text, rows
    error: GeoInputError | None = None


def _parse(
    source: Source, columns: Columns, skip: Callable[[str], int | None] | None
) -> _Parsed:
    data = source.read_bytes() if source.kind == "table" else source.path.read_bytes()
    digest = hashlib.sha1(data).hexdigest()
    held = skip(digest) if skip is not None else None
    if held is not None or source.kind != "table":
        return _Parsed(
            source=source, digest=digest, held=held, table=None
        )  # vector files: read in turn
    try:
        return _Parsed(
            source=source,
            digest=digest,
            held=None,
            table=_read_table(data, source.name, columns),
        )
    except GeoInputError as err:  # raised when the file's turn comes
        return _Parsed(source=source, digest=digest, held=None, table=None, error=err)


def _parse_ahead(
    sources: list[Source],
    columns: Columns,
    skip: Callable[[str], int | None] | None,
) -> Iterator[_Parsed]:
    """Parse the next files in threads while the caller checks this one.

    Hashing and parsing (hashlib, pyarrow) run without Python's lock; the rules
    that depend on the files before (duplicates) are applied in file order by
    the caller. At most ``_threads()`` files are parsed ahead, in a pool of
    their own: parsing submits work to the shared ``_pool``, and a task waiting
    on tasks queued behind it in the same pool could wait for ever.
    """
    ahead = _threads()
    with ThreadPoolExecutor(ahead, thread_name_prefix="parser") as pool:
        pending = collections.deque(
            pool.submit(_parse, s, columns, skip) for s in sources[:ahead]
        )
        rest = iter(sources[ahead:])
        try:
            while pending:
                parsed = pending.popleft().result()
                if (nxt := next(rest, None)) is not None:
                    pending.append(pool.submit(_parse, nxt, columns, skip))
                yield parsed
        finally:
            for f in pending:
                f.cancel()


def _read_source(
    parsed: _Parsed,
    columns: Columns,
    quality: QualityReport,
    seen: _SeenKeys,
) -> FileRead:
    source, digest = parsed.source, parsed.digest
    if parsed.held is not None:
        return FileRead(
            name=source.name,
            digest=digest,
            read=parsed.held,
            table=None,
            drops=_no_drops(),
            status="known",
        )
    quality.files.append(source.name)
    if digest in seen.digests:
        first, n = seen.digests[digest]
        quality.read += n
        quality.drop("duplicate file (loaded twice)", n)
        quality.notes.append(f"{source.name} is the same file as {first}; read once.")
        drops = (
            _no_drops() if not n else _drop_frame("duplicate file (loaded twice)", n)
        )
        return FileRead(
            name=source.name,
            digest=digest,
            read=n,
            table=None,
            drops=drops,
            status="duplicate",
        )
    if parsed.error is not None:
        raise parsed.error
    if source.kind == "vector":
        raw, n, located = _read_vector(source)
    else:
        raw, n, notes = parsed.table
        quality.notes += notes
        located = None
    seen.digests[digest] = (source.name, n)
    quality.read += n
    if n == 0:
        return FileRead(
            name=source.name, digest=digest, read=0, table=None, drops=_no_drops()
        )
    table, drops = _normalise(raw, n, located, source.name, columns, quality, seen)
    return FileRead(name=source.name, digest=digest, read=n, table=table, drops=drops)


def _no_drops() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "force": pd.Series(dtype=object),
            "month": pd.Series(dtype=object),
            "reason": pd.Series(dtype=object),
            "n": pd.Series(dtype=np.int64),
        }
    )


def _drop_frame(reason: str, n: int) -> pd.DataFrame:
    return pd.DataFrame({"force": [""], "month": [None], "reason": [reason], "n": [n]})


# --- parsing ---------------------------------------------------------------


def _read_table(
    data: bytes, name: str, columns: Columns
) -> tuple[dict[str, pa.Array], int, list[str]]:
    """Read the columns of a table that are used, all as stripped text.

    Also returns notes on the read (lines not in UTF-8, read as Windows-1252).
    """
    if not data or data.isspace():
        msg = f"{name!r} is empty; it has no header and no rows. Re-export it."
        raise GeoInputError(msg)
    if b"\x00" in data[:8192]:
        msg = (
            f"{name!r} is not a text table (it holds binary data); give the CSV "
            "file itself, e.g. YYYY-MM-force-street.csv from police.uk."
        )
        raise GeoInputError(msg)
    sep = _sniff_delimiter(data, name)
    fast = _read_with_arrow(data, sep, name, columns)
    if fast is not None:
        return (*fast, [])
    data, notes = _as_utf8(data, name)
    frame = _read_with_pandas(data, sep, name, columns)
    raw = {
        c: pa.array(frame[c].fillna("").astype(str).to_numpy(dtype=object), pa.string())
        for c in frame.columns
    }
    return {c: _trim(a) for c, a in raw.items()}, len(frame), notes


def _as_utf8(data: bytes, name: str) -> tuple[bytes, list[str]]:
    """Decode text that is not all UTF-8 line by line, and say so.

    A line is read as UTF-8 where it is, else as Windows-1252 (Excel's "CSV" on
    Windows); the note says how many, and whether the file mixes both. A file
    read whole as Windows-1252 would turn its UTF-8 lines into mojibake ("CafÃ©
    Street"), so each line is decoded on its own.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return data, []
    lines = data.split(b"\n")
    legacy = utf8_accents = 0
    out = []
    for line in lines:
        try:
            text = line.decode("utf-8")
            utf8_accents += not line.isascii()
        except UnicodeDecodeError:
            text = line.decode("cp1252", errors="replace")
            legacy += 1
        out.append(text)
    note = f"{name}: {legacy:,} line(s) were not UTF-8 and were read as Windows-1252"
    if utf8_accents:
        note += (
            f"; the file mixes encodings ({utf8_accents:,} line(s) with accents are "
            "UTF-8): check its accented names, and save it as UTF-8 CSV"
        )
    return "\n".join(out).encode("utf-8"), [note + "."]


def _read_with_arrow(
    data: bytes, sep: str, name: str, columns: Columns
) -> tuple[dict[str, pa.Array], int] | None:
    """Parse with pyarrow; None when the file needs pandas' more lenient reader."""
    header = _header(data, sep)
    if header is None or len(set(header)) != len(header):
        return None
    if (sep + ' "').encode() in data:  # a quoted value after a space: pandas' rule
        return None
    fields = match_columns(header, columns, name, need_xy=True)
    wanted = [c for c in header if c in set(fields.values())]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),  # zero-copy
            parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(wanted, pa.string()),
                include_columns=wanted,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        log.debug("%s: pyarrow could not parse it (%s); reading with pandas", name, err)
        return None
    # column by column in threads: pyarrow's kernels run without Python's lock
    trimmed = _pool(_threads()).map(lambda c: _trim(table[c].combine_chunks()), wanted)
    return dict(zip(wanted, trimmed, strict=True)), table.num_rows


def _trim(text: pa.Array) -> pa.Array:
    """Strip leading and trailing whitespace (the ASCII kernel where it suffices)."""
    if pc.all(pc.string_is_ascii(text)).as_py() is not False:
        return pc.ascii_trim_whitespace(text)
    return pc.utf8_trim_whitespace(text)


def _header(data: bytes, sep: str) -> list[str] | None:
    """Return the header names as pandas reads them, or None if not plain."""
    first = _first_line(data).rstrip(b"\r")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    names = text.split(sep)
    if '"' in text or any(not c or c != c.strip() for c in names):
        return None  # quoted, blank or padded names: pandas' rules apply
    return names


def _read_with_pandas(data: bytes, sep: str, name: str, columns: Columns):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            header = pd.read_csv(as_buffer(data), sep=sep, nrows=0, encoding=encoding)
            header = [str(c) for c in header.columns]
            fields = match_columns(header, columns, name, need_xy=True)
            wanted = set(fields.values())
            return pd.read_csv(
                as_buffer(data),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding=encoding,
                skipinitialspace=True,
                usecols=[c for c in header if c in wanted],
            )
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserError as err:
            msg = (
                f"{name!r} is not a well-formed table: {err}. Check the line named "
                "(a stray delimiter or quote) and re-export the file."
            )
            raise GeoInputError(msg) from err
    msg = f"{name!r} is neither UTF-8 nor Windows-1252 text; save it as UTF-8 CSV."
    raise GeoInputError(msg)


def _first_line(data: bytes) -> bytes:
    """Return the first line of ``data`` (without copying the rest)."""
    end = data.find(b"\n")
    return data if end < 0 else data[:end]


def _sniff_delimiter(data: bytes, name: str) -> str:
    first = _first_line(data[:65536].lstrip(b"\xef\xbb\xbf"))
    counts = {sep: first.count(sep.encode()) for sep in (",", "\t", ";", "|")}
    sep, n = max(counts.items(), key=lambda kv: kv[1])
    if n == 0:
        msg = (
            f"{name!r} does not look like a CSV: its first line has no comma, tab, "
            f"semicolon or bar ({first[:80]!r}). Give a police.uk street CSV or a "
            "table with a header row."
        )
        raise GeoInputError(msg)
    return sep


def _read_vector(
    source: Source,
) -> tuple[dict[str, pa.Array], int, tuple[np.ndarray, np.ndarray]]:
    gdf = read_vector(source.path, role="incident file")
    geom = gdf.geometry
    is_point = ((geom.geom_type == "Point") & ~geom.is_empty).to_numpy()
    gdf = gdf.to_crs(WORKING_CRS)
    xy = np.full((len(gdf), 2), np.nan)
    pts = gdf.geometry[is_point]
    xy[is_point] = np.column_stack([pts.x, pts.y])
    props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    raw = {c: _trim(_as_text(props[c])) for c in props.columns}
    reasons = np.where(
        is_point, _KEEP, np.where(geom.isna() | geom.is_empty, _NO_XY, _NOT_POINT)
    ).astype(np.int8)
    return raw, len(props), (xy, reasons)


def _as_text(values: pd.Series) -> pa.Array:
    """Make a property column text: null, NaN and NaT blank, others as written.

    GeoJSON properties may be any JSON value: numbers and booleans too.
    """
    missing = values.isna().to_numpy()
    text = values.astype(object).to_numpy()
    text = np.where(missing, "", [str(v) for v in text]) if len(text) else text
    return pa.array(text.astype(object), pa.string())


# --- normalising -------------------------------------------------------------


def _normalise(
    raw: dict[str, pa.Array],
    n: int,
    located: tuple[np.ndarray, np.ndarray] | None,
    name: str,
    columns: Columns,
    quality: QualityReport,
    seen: _SeenKeys,
) -> tuple[pa.Table | None, pd.DataFrame]:
    fields = match_columns(list(raw), columns, name, need_xy=located is None)
    month = months_of(raw[fields.get("month") or fields["date"]])
    if located is None:
        x, y, lon, lat, place, reasons = _coordinates(raw, fields, columns, name)
    else:  # a vector file's points, and why a feature has none
        xy, geometry_reasons = located
        x, y = xy[:, 0], xy[:, 1]
        lon, lat, place = _lonlat(x, y, WORKING_CRS)
        reasons = geometry_reasons.copy()
    no_month = month.is_null().to_numpy(zero_copy_only=False)
    reasons[(reasons == _KEEP) & no_month] = _BAD_MONTH
    force = column_of(raw, fields, "force", n, "")
    for name_ in pc.unique(force).to_pylist():
        if name_ and name_ not in quality.forces:
            quality.forces.append(name_)
    _mark_duplicate_force_months(reasons, force, month, name, seen)
    drops = _drops(reasons, force, month, quality)
    keep = reasons == _KEEP
    if not keep.any():
        return None, drops
    lines = pa.array(np.arange(2, n + 2, dtype=np.int64))
    incident_id = column_of(raw, fields, "incident_id", n, "")
    id_given = pc.not_equal(incident_id, "")
    if not pc.all(id_given).as_py():  # "file.csv:line" where none is given
        missing = pc.invert(id_given)
        made = pc.binary_join_element_wise(
            Path(name).name, pc.cast(lines.filter(missing), pa.string()), ":"
        )
        if pc.any(id_given).as_py():
            incident_id = pc.replace_with_mask(incident_id, missing, made)
        else:  # none given (police.uk's ASB): every row's made id, in order
            incident_id = made
    crime_type = column_of(raw, fields, "crime_type", n, "")
    crime_type = pc.if_else(pc.equal(crime_type, ""), _UNSPECIFIED, crime_type)
    table = pa.table(
        {
            "incident_id": incident_id,
            "month": month,
            "crime_type": crime_type,
            "location": column_of(raw, fields, "location", n, ""),
            "lsoa_code": column_of(raw, fields, "lsoa_code", n, ""),
            "outcome": column_of(raw, fields, "outcome", n, ""),
            "source": pa.repeat(pa.scalar(name, pa.string()), n),
            "force": force,
            "x": x,
            "y": y,
            "lon": lon,
            "lat": lat,
            "line": lines,
            "id_given": id_given,
            "place": place,
        }
    )
    return _cut_long_text(table.filter(pa.array(keep)), quality), drops


_TEXT = ("incident_id", "crime_type", "location", "lsoa_code", "outcome", "force")


def _cut_long_text(table: pa.Table, quality: QualityReport) -> pa.Table:
    """Cut text fields longer than MAX_FIELD_CHARS to that length; count them."""
    for name in _TEXT:
        col = table[name]
        long = pc.greater(pc.utf8_length(col), MAX_FIELD_CHARS)
        n = pc.sum(long).as_py() or 0
        if n:
            cut = pc.if_else(
                long, pc.utf8_slice_codeunits(col, 0, MAX_FIELD_CHARS), col
            )
            table = table.set_column(table.schema.get_field_index(name), name, cut)
            quality.cut_fields += int(n)
    return table


def _drops(
    reasons: np.ndarray, force: pa.Array, month: pa.Array, quality: QualityReport
) -> pd.DataFrame:
    """Count dropped rows into ``quality`` and by (force, month, reason)."""
    dropped = np.flatnonzero(reasons != _KEEP)
    if dropped.size == 0:
        return _no_drops()
    idx = pa.array(dropped)
    frame = pd.DataFrame(
        {
            "force": force.take(idx).to_numpy(zero_copy_only=False),
            "month": month.take(idx).to_numpy(zero_copy_only=False),
            "code": reasons[dropped],
        }
    )
    counts = frame.groupby(["force", "month", "code"], dropna=False).size()
    out = counts.rename("n").reset_index()
    out["reason"] = [_REASONS[c] for c in out["code"]]
    for reason, k in out.groupby("reason", sort=False)["n"].sum().items():
        quality.drop(str(reason), int(k))
    out["month"] = out["month"].astype(object).where(out["month"].notna(), None)
    return out[["force", "month", "reason", "n"]]


def _mark_duplicate_force_months(
    reasons: np.ndarray,
    force: pa.Array,
    month: pa.Array,
    name: str,
    seen: _SeenKeys,
) -> None:
    """Mark rows whose police force and month were read from another file."""
    if not pc.any(pc.not_equal(force, "")).as_py():
        return
    keys = pa.table({"force": force, "month": month}).group_by(["force", "month"])
    for key in keys.aggregate([]).to_pylist():
        if key["month"] is None:
            continue
        pair = (key["force"], key["month"])
        first = seen.force_months.setdefault(pair, name)
        if first != name:
            dup = pc.and_(pc.equal(force, pair[0]), pc.equal(month, pair[1])).to_numpy(
                zero_copy_only=False
            )
            reasons[dup & (reasons == _KEEP)] = _DUP_FM


# --- the frame -----------------------------------------------------------------


def incidents_frame(table: pa.Table | None) -> gpd.GeoDataFrame:
    """Build the incident GeoDataFrame of kept rows (from :func:`read_files`).

    The rows come from :func:`read_files` or a workspace; the frame has
    :data:`INCIDENT_COLUMNS` and point geometry in metres.

    Text columns with few distinct values are categorical. The points are kept
    by map point (:class:`geo._points.PointsByPlace`: shapely Points are built
    only if asked for); a ``loc_id`` or ``place`` column, where the table has
    one, numbers the map points already (one number for each point).
    """
    if table is None or table.num_rows == 0:
        frame = pd.DataFrame({c: pd.Series(dtype=str) for c in INCIDENT_COLUMNS})
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=WORKING_CRS))

    def column(col: str) -> pd.Series:
        arr = table[col]
        if col in _CATEGORICAL:  # categories sorted, as astype("category") has them
            values = arr.dictionary_encode().to_pandas()
            return values.cat.set_categories(sorted(values.cat.categories))
        return arr.to_pandas()

    # in threads: pyarrow's encoding runs without Python's lock
    columns = _pool(_threads()).map(column, INCIDENT_COLUMNS)
    frame = pd.DataFrame(dict(zip(INCIDENT_COLUMNS, columns, strict=True)))
    x = table["x"].to_numpy()
    y = table["y"].to_numpy()
    ids = next((c for c in ("loc_id", "place") if c in table.column_names), None)
    if ids is not None:  # one number per map point: cheaper to hash
        codes, _ = pd.factorize(table[ids].to_numpy())
        ux, uy = np.empty(codes.max() + 1), np.empty(codes.max() + 1)
        ux[codes], uy[codes] = x, y
    else:
        codes, uniq = pd.factorize(x + 1j * y)
        ux, uy = uniq.real, uniq.imag
    geometry = points_by_place(codes, ux, uy, crs=WORKING_CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WORKING_CRS)
