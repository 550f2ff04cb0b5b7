"""Hotspot clustering speed and memory, against scikit-learn in the same run.

Prints, for points spread like a town's incidents (clusters over a background):

1. 100,000 distinct points: the grid DBSCAN against plain scikit-learn DBSCAN
   (eps 100 m, min_samples 15): median times, the ratio, and whether the core
   points and their partition are identical.
2. 1,000,000 distinct points: grid DBSCAN time and peak memory (measured in a
   child process, RSS above what the process held before clustering).
3. A year of England and Wales police.uk-like data: 7,000,000 rows snapped to
   750,000 map points, from a GeoDataFrame to the ranked hotspot table.

Targets: (2) under 1 s and 1 GB; (1) at least 20x faster, same clusters;
(3) under 60 s. Run: ``.venv/bin/python benchmarks/bench_hotspots.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import peak_kb, run_child

from geo._grid_dbscan import grid_dbscan


def town_points(n: int, *, extent: float, seed: int) -> np.ndarray:
    """Clusters of varying spread over a uniform background (a town's pattern)."""
    rng = np.random.default_rng(seed)
    k = max(n // 5000, 40)
    centres = rng.uniform(0, extent, (k, 2))
    spread = rng.uniform(50, 800, k)
    which = rng.integers(0, k, n - n // 3)
    clustered = centres[which] + rng.normal(0, 1, (which.size, 2)) * spread[which, None]
    background = rng.uniform(0, extent, (n // 3, 2))
    return np.vstack([clustered, background])


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def same_clusters(ours, our_core, theirs, their_core) -> bool:
    if not (our_core == their_core).all():
        return False
    a, b = ours[our_core], theirs[their_core]
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def bench_100k(repeat: int) -> None:
    from sklearn.cluster import DBSCAN

    xy = town_points(100_000, extent=10_000, seed=1)
    w = np.ones(len(xy))
    grid_dbscan(xy[:50, 0], xy[:50, 1], w[:50], 100.0, 15)  # compile outside timing
    t_grid, (labels, core) = timed(
        lambda: grid_dbscan(xy[:, 0], xy[:, 1], w, 100.0, 15), repeat
    )
    t_sk, model = timed(
        lambda: DBSCAN(eps=100.0, min_samples=15).fit(xy), max(1, repeat // 2)
    )
    sk_core = np.zeros(len(xy), bool)
    sk_core[model.core_sample_indices_] = True
    same = same_clusters(labels, core, model.labels_, sk_core)
    print(
        f"100,000 points: grid {t_grid:.3f} s, scikit-learn {t_sk:.3f} s "
        f"(medians) -> {t_sk / t_grid:.1f}x faster; clusters {labels.max() + 1}; "
        f"identical core points and partition: {same}"
    )


def _child_1m(path: str) -> None:
    xy = np.load(path)  # no generation temporaries in this process
    w = np.ones(len(xy))
    grid_dbscan(xy[:50, 0], xy[:50, 1], w[:50], 100.0, 15)
    before = peak_kb()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        labels, _ = grid_dbscan(xy[:, 0], xy[:, 1], w, 100.0, 15)
        times.append(time.perf_counter() - t)
    peak = peak_kb()
    print(
        json.dumps(
            {
                "median_s": statistics.median(times),
                "peak_extra_mb": (peak - before) / 1024,
                "process_peak_mb": peak / 1024,
                "clusters": int(labels.max() + 1),
            }
        )
    )


def bench_1m() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "points.npy")
        np.save(path, town_points(1_000_000, extent=20_000, seed=2))
        r = run_child(__file__, "--child-1m", path)
    print(
        f"1,000,000 points: grid {r['median_s']:.3f} s (median of 3); peak memory "
        f"of the whole process (Python, libraries, data) "
        f"{r['process_peak_mb']:.0f} MB; "
        f"clusters {r['clusters']}"
    )


def bench_national(rows: int, points: int) -> None:
    import geopandas as gpd
    import pandas as pd

    from geo.hotspots import hotspots
    from geo.settings import WORKING_CRS

    rng = np.random.default_rng(3)
    # England and Wales: about 560 km x 600 km of BNG, towns everywhere
    snap = town_points(points, extent=560_000, seed=4).round(0)
    which = rng.integers(0, len(snap), rows)
    types = np.array(
        ["Anti-social behaviour", "Violence and sexual offences", "Burglary"]
    )
    frame = pd.DataFrame(
        {
            "month": "2023-05",
            "crime_type": pd.Categorical(types[rng.integers(0, 3, rows)]),
            "location": "On or near Somewhere",
        }
    )
    gdf = gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy(snap[which, 0], snap[which, 1]),
        crs=WORKING_CRS,
    )
    t = time.perf_counter()
    result = hotspots(gdf, eps=100.0, area_m2=560_000 * 600_000 * 0.25)
    elapsed = time.perf_counter() - t
    print(
        f"{rows:,} rows on {len(np.unique(snap, axis=0)):,} snapped points: "
        f"hotspots and their table in {elapsed:.1f} s "
        f"(min_samples {result.parameters.min_samples}, "
        f"{len(result.table):,} hotspots)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller national case")
    parser.add_argument("--child-1m", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_1m:
        _child_1m(args.child_1m)
        return
    bench_100k(repeat=5)
    bench_1m()
    if args.quick:
        bench_national(700_000, 75_000)
    else:
        bench_national(7_000_000, 750_000)


if __name__ == "__main__":
    main()
