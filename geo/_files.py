"""Private: write a file so that a failed run never leaves half of it."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from geo.errors import GeoInputError

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then move the result to ``path`` in one step."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        msg = f"output folder {str(path.parent)!r} does not exist; create it first."
        raise GeoInputError(msg)
    prefix, suffix = f".{path.stem}-partial-", "".join(path.suffixes)
    _remove_stale(path.parent, prefix, suffix)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # some writers (GeoPackage) refuse an existing empty file
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path


STALE_S = 600
"""A partial file untouched this long (seconds) was left by a killed writer."""


def _remove_stale(folder: Path, prefix: str, suffix: str) -> None:
    """Remove partial files a killed write of the same file left behind."""
    now = time.time()
    for old in folder.glob(f"{prefix}*{suffix}"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > STALE_S:
                old.unlink()
