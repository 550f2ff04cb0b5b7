"""Private: write a file so that a failed run never leaves half of it."""

from __future__ import annotations

import contextlib
import os
import tempfile
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
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.stem}-", suffix="".join(path.suffixes), dir=path.parent
    )
    os.close(fd)
    os.unlink(tmp)  # some writers (GeoPackage) refuse an existing empty file
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path
