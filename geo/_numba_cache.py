"""Private: where numba keeps its compiled code, on any machine.

numba caches beside the source (``__pycache__``), else in the user's cache
folder under ``HOME``; with neither writable (an installed package, a service
account without a home) it raises on the first clustering. Then the cache goes
to the system's temporary folder instead.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["cache_dir_needed", "ensure_cache_dir"]

ENV = "NUMBA_CACHE_DIR"


def cache_dir_needed(source_dir: Path, home: str | None) -> bool:
    """Whether numba can cache nowhere of its own (beside the source, in home)."""
    beside = source_dir / "__pycache__"
    can_beside = os.access(beside if beside.exists() else source_dir, os.W_OK)
    can_home = bool(home) and os.access(home, os.W_OK)
    return not (can_beside or can_home)


def ensure_cache_dir() -> None:
    """Point numba at a temporary folder when it has no cache folder it may use."""
    if ENV in os.environ:
        return
    if cache_dir_needed(Path(__file__).parent, os.environ.get("HOME")):
        os.environ[ENV] = str(Path(tempfile.gettempdir()) / "hotspot-mapper-numba")
