"""Private: turn the paths a user gives into a list of readable incident files.

Accepts files, folders (searched recursively), police.uk archive ``.zip`` files and
``.gz`` files. Archives are read in memory, never extracted, with limits against
zip bombs and hostile member names.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from geo.errors import GeoInputError

__all__ = ["MAX_UNCOMPRESSED_BYTES", "Source", "expand_sources"]

MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
"""Largest single file we will decompress (2 GiB: a whole force for years is less)."""

_MAX_RATIO = 200
"""Compression ratio above which a large archive member is taken for a zip bomb
(police.uk CSVs compress about 8:1)."""

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".parquet")
_NOT_STREET = ("-outcomes.csv", "-stop-and-search.csv")


@dataclass(frozen=True, kw_only=True)
class Source:
    """One incident file: a display name and how to get its bytes or path."""

    name: str
    kind: str  # "table" or "vector"
    read_bytes: Callable[[], bytes] | None = None
    path: Path | None = None


def expand_sources(
    inputs: Iterable[str | Path], skipped: dict[str, str]
) -> list[Source]:
    """List the incident files in ``inputs``; other files go in ``skipped``."""
    sources: list[Source] = []
    items = [Path(p) for p in ([inputs] if isinstance(inputs, str | Path) else inputs)]
    if not items:
        msg = "no input given; name police.uk CSV files, folders or archive zips."
        raise GeoInputError(msg)
    for path in items:
        if not path.exists():
            msg = f"input {str(path)!r} does not exist; check the path."
            raise GeoInputError(msg)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file())
            for p in found:
                sources += _sources_of_file(p, skipped, in_folder=True)
        else:
            sources += _sources_of_file(path, skipped, in_folder=False)
    if not sources:
        msg = (
            f"no incident files found in {[str(p) for p in items]}; expected "
            "police.uk street CSVs (*-street.csv), archive .zip files, .csv.gz, "
            "other CSV/TSV tables or GeoJSON points."
        )
        raise GeoInputError(msg)
    return sources


def _sources_of_file(path: Path, skipped: dict[str, str], *, in_folder: bool) -> list:
    name = path.name.lower()
    if name.endswith(_NOT_STREET):
        skipped[str(path)] = "police.uk outcomes or stop-and-search file, not incidents"
        return []
    if name.endswith(".zip"):
        return _zip_sources(path, skipped)
    if name.endswith(".gz"):
        inner = name.removesuffix(".gz")
        kind = "table" if inner.endswith(TABLE_SUFFIXES) else None
        if kind is None:
            return _skip_or_fail(path, skipped, in_folder=in_folder)
        return [Source(name=str(path), kind="table", read_bytes=lambda: _gunzip(path))]
    if name.endswith(TABLE_SUFFIXES):
        return [Source(name=str(path), kind="table", read_bytes=path.read_bytes)]
    if name.endswith(VECTOR_SUFFIXES):
        return [Source(name=str(path), kind="vector", path=path)]
    return _skip_or_fail(path, skipped, in_folder=in_folder)


def _skip_or_fail(path: Path, skipped: dict[str, str], *, in_folder: bool) -> list:
    if in_folder:
        skipped[str(path)] = "not a CSV, TSV, zip or GeoJSON file"
        return []
    msg = (
        f"{str(path)!r} is not a file type incidents are read from; give police.uk "
        "CSV files (.csv, .csv.gz), archive .zip files, TSV or GeoJSON points."
    )
    raise GeoInputError(msg)


def _gunzip(path: Path) -> bytes:
    """Decompress a ``.gz`` file in chunks, within the same limits as a zip member.

    It may expand to :data:`MAX_UNCOMPRESSED_BYTES`, and past
    :data:`_BOMB_FLOOR` only to :data:`_MAX_RATIO` times its packed size: a
    bomb is refused as its trailer declares it, or as soon as it passes the
    limit, never decompressed whole into memory.
    """
    packed = path.stat().st_size
    limit = min(MAX_UNCOMPRESSED_BYTES, max(_BOMB_FLOOR, _MAX_RATIO * packed))
    out = bytearray()
    try:
        declared = _declared_size(path)
        if declared > limit:
            _refuse_bomb(path, declared, packed)
        with gzip.open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                out += chunk
                if len(out) > limit:
                    _refuse_bomb(path, len(out), packed, at_least=True)
    except (OSError, EOFError, zlib.error) as err:
        msg = f"{str(path)!r} is not a readable gzip file ({err}); re-download it."
        raise GeoInputError(msg) from err
    return bytes(out)


_CHUNK = 8 * 1024**2
_BOMB_FLOOR = 10 * 1024**2
"""Below this, any compression ratio is accepted (a small file is no threat)."""


def _declared_size(path: Path) -> int:
    """Read the uncompressed size a gzip file's trailer declares (mod 4 GiB)."""
    with path.open("rb") as fh:
        fh.seek(-4, 2)
        return int.from_bytes(fh.read(4), "little")


def _refuse_bomb(path: Path, size: int, packed: int, *, at_least: bool = False) -> None:
    more = "over " if at_least else ""
    msg = (
        f"{str(path)!r} expands to {more}{size:,} bytes from {packed:,} (ratio "
        f"{size / max(packed, 1):.0f}:1); refused as a possible zip bomb. "
        "Decompress and check it by hand if it is genuine."
    )
    raise GeoInputError(msg)


def _zip_sources(path: Path, skipped: dict[str, str]) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        msg = f"{str(path)!r} is not a readable zip archive ({err}); re-download it."
        raise GeoInputError(msg) from err
    sources = []
    for info in infos:
        if info.is_dir():
            continue
        _check_member(path, info)
        member = info.filename
        lower = member.lower()
        label = f"{path}!{member}"
        if lower.endswith(_NOT_STREET):
            skipped[label] = "police.uk outcomes or stop-and-search file, not incidents"
        elif lower.endswith(TABLE_SUFFIXES):
            sources.append(
                Source(
                    name=label, kind="table", read_bytes=_member_reader(path, member)
                )
            )
        else:
            skipped[label] = "not a CSV file"
    if not sources:
        msg = (
            f"zip archive {str(path)!r} holds no CSV file; a police.uk archive has "
            "folders of YYYY-MM-force-street.csv files."
        )
        raise GeoInputError(msg)
    return sources


def _check_member(path: Path, info: zipfile.ZipInfo) -> None:
    parts = PurePosixPath(info.filename.replace("\\", "/")).parts
    if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        msg = (
            f"zip archive {str(path)!r} has a member named {info.filename!r} that "
            "points outside the archive; it is refused as unsafe. Re-create the "
            "archive with plain relative names."
        )
        raise GeoInputError(msg)
    too_big = info.file_size > MAX_UNCOMPRESSED_BYTES
    ratio = info.file_size / max(info.compress_size, 1)
    if too_big or (info.file_size > _BOMB_FLOOR and ratio > _MAX_RATIO):
        msg = (
            f"zip archive {str(path)!r} member {info.filename!r} expands to "
            f"{info.file_size:,} bytes (ratio {ratio:.0f}:1); refused as a possible "
            "zip bomb. Extract and check it by hand if it is genuine."
        )
        raise GeoInputError(msg)


def _member_reader(path: Path, member: str) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
                data = fh.read(MAX_UNCOMPRESSED_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as err:
            msg = (
                f"{path}!{member} is damaged ({err}); re-download the archive. "
                "Nothing was imported from it."
            )
            raise GeoInputError(msg) from err
        if len(data) > MAX_UNCOMPRESSED_BYTES:
            msg = f"{path}!{member} expands past its declared size; refused."
            raise GeoInputError(msg)
        return data

    return read


def as_buffer(data: bytes) -> io.BytesIO:
    """Wrap bytes for pandas."""
    return io.BytesIO(data)
