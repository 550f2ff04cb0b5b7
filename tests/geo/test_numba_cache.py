"""numba's cache on a machine where neither the package nor HOME is writable."""

import os
import subprocess
import sys

from geo import _numba_cache
from tests.conftest import ROOT


def test_a_cache_folder_is_needed_only_where_numba_has_none(tmp_path, monkeypatch):
    writable = {str(tmp_path / "home")}
    monkeypatch.setattr(os, "access", lambda p, mode: str(p) in writable)
    src = tmp_path / "site-packages" / "geo"
    src.mkdir(parents=True)
    assert _numba_cache.cache_dir_needed(src, str(tmp_path / "home")) is False
    assert _numba_cache.cache_dir_needed(src, None) is True
    assert _numba_cache.cache_dir_needed(src, "/nonexistent") is True
    writable.add(str(src))
    assert _numba_cache.cache_dir_needed(src, None) is False


def test_clustering_runs_with_no_home(tmp_path):
    """A fresh process with HOME unset and unwritable clusters, and caches."""
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "NUMBA_CACHE_DIR")}
    code = (
        "import numpy as np; from geo._grid_dbscan import grid_dbscan; "
        "x = np.array([0.0, 1.0, 50.0]); "
        "print(grid_dbscan(x, np.zeros(3), np.ones(3), 2.0, 2)[0].tolist())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[0, 0, -1]"
