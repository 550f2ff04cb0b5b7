"""Reading police.uk files: time and peak memory, against plain pandas in the same run.

Generates police.uk-format monthly files like a whole force's year (default
200,000 rows over 12 files, on 20,000 snapped map points), then:

1. reads them with ``geo.read_incidents`` (validation, quality report, projection
   to EPSG:27700, geometry): median of 3 runs;
2. the baseline: ``pandas.read_csv`` of the same files and a concat, nothing else;
3. with ``--rows 5000000``, peak memory of the read, measured in a child process.

Targets: 200,000 rows under 2 s; 5,000,000 rows under 4 GB peak.
Run: ``.venv/bin/python benchmarks/bench_load.py [--rows N]``.
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
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import peak_kb, run_child

from geo.incidents import read_incidents

TYPES = [
    "Anti-social behaviour",
    "Violence and sexual offences",
    "Criminal damage and arson",
    "Shoplifting",
    "Burglary",
    "Vehicle crime",
]


def write_force_year(
    folder: Path, rows: int, *, points: int = 20_000, seed: int = 1
) -> None:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(-3.1, -2.4, points).round(6)
    lat = rng.uniform(53.7, 54.2, points).round(6)
    streets = np.array([f"On or near Street {i}" for i in range(2_000)])
    per_month = rows // 12
    for m in range(1, 13):
        month = f"2023-{m:02d}"
        idx = rng.integers(0, points, per_month)
        types = rng.choice(TYPES, per_month)
        asb = types == "Anti-social behaviour"
        ids = np.array([f"{v:064x}" for v in rng.integers(0, 2**62, per_month)])
        frame = pd.DataFrame(
            {
                "Crime ID": np.where(asb, "", ids),
                "Month": month,
                "Reported by": "Benchmark Constabulary",
                "Falls within": "Benchmark Constabulary",
                "Longitude": lon[idx],
                "Latitude": lat[idx],
                "Location": streets[idx % streets.size],
                "LSOA code": "E01000001",
                "LSOA name": "Somewhere 001A",
                "Crime type": types,
                "Last outcome category": np.where(asb, "", "Under investigation"),
                "Context": "",
            }
        )
        out = folder / month
        out.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out / f"{month}-benchmark-street.csv", index=False)


def baseline(folder: Path) -> int:
    frames = [pd.read_csv(p, dtype=str) for p in sorted(folder.rglob("*.csv"))]
    return len(pd.concat(frames, ignore_index=True))


def _child(folder: str) -> None:
    before = peak_kb()
    t = time.perf_counter()
    loaded = read_incidents(folder)
    elapsed = time.perf_counter() - t
    peak = peak_kb()
    print(
        json.dumps(
            {
                "rows": loaded.quality.read,
                "seconds": elapsed,
                "peak_mb": peak / 1024,
                "before_mb": before / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_force_year(folder, args.rows)
        read_incidents(next(folder.rglob("*.csv")))  # warm imports
        times = []
        for _ in range(3):
            t = time.perf_counter()
            loaded = read_incidents(folder)
            times.append(time.perf_counter() - t)
        base = []
        for _ in range(3):
            t = time.perf_counter()
            baseline(folder)
            base.append(time.perf_counter() - t)
        ours, theirs = statistics.median(times), statistics.median(base)
        print(
            f"{loaded.quality.read:,} rows in 12 files: read_incidents {ours:.2f} s, "
            f"plain pandas.read_csv {theirs:.2f} s (medians of 3); ratio "
            f"{ours / theirs:.1f}x for validation, quality report, projection and "
            "geometry"
        )
        r = run_child(__file__, "--child", str(folder))
        print(
            f"peak memory of a fresh process reading them: {r['peak_mb']:.0f} MB "
            f"({r['before_mb']:.0f} MB before reading); one run {r['seconds']:.1f} s"
        )


if __name__ == "__main__":
    main()
