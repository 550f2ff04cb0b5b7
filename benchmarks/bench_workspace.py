"""The workspace: import speed and memory, reads, and hotspots end to end.

Prints, each against a baseline run in the same process:

1. Importing 1,000,000 police.uk rows (12 monthly files, the generator of
   ``bench_load.py``) into a new workspace, against ``pyarrow.csv.read_csv`` of
   the same files (parsing only): medians of 3, the ratio, and the peak memory
   of a fresh process importing them. Targets: at most 8x, under 1.5 GB.
2. With ``--rows 5000000``: the peak memory of importing 5,000,000 rows
   (target under 3 GB), then reading one quarter of one crime type out of that
   workspace, against the raw DuckDB query of the same rows: target 0.5 s.
3. ``hotspot-map hotspots`` on a file of 1,000,000 distinct points, end to end
   (a fresh process: imports, reading, wards, clustering, the table, writing),
   from the CSV and from a workspace holding it: targets 5 s and 3 s; the
   baseline is a fresh Python process that only imports pyarrow and parses the
   CSV.

Run: ``.venv/bin/python benchmarks/bench_workspace.py [--rows N] [--skip-hotspots]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import peak_kb, run_child
from bench_hotspots import town_points
from bench_load import write_force_year

HOTSPOT_MAP = str(Path(sys.executable).with_name("hotspot-map"))


def _median(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _parse_only(folder: Path) -> int:
    import pyarrow.csv as pacsv

    return sum(pacsv.read_csv(p).num_rows for p in sorted(folder.rglob("*.csv")))


def _child_import(folder: str, ws: str) -> None:
    from geo.workspace import Workspace

    t = time.perf_counter()
    result = Workspace(ws).import_incidents(folder)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - t,
                "rows": result.quality.kept,
                "peak_mb": peak_kb() / 1024,
            }
        )
    )


def bench_import(tmp: Path, rows: int) -> Path:
    from geo.workspace import Workspace

    folder = tmp / "force"
    write_force_year(folder, rows)
    _parse_only(folder)  # warm the page cache and the imports
    base = _median(lambda: _parse_only(folder))
    runs = iter(range(100))

    def fresh_import() -> None:
        Workspace(tmp / f"ws{next(runs)}.duckdb").import_incidents(folder)

    ours = _median(fresh_import) if rows <= 1_000_000 else None
    child = run_child(__file__, "--child-import", str(folder), str(tmp / "big.duckdb"))
    timing = (
        f"{ours:.2f} s (median of 3) against {base:.2f} s for pyarrow.csv.read_csv "
        f"of the same files: {ours / base:.1f}x"
        if ours is not None
        else f"{child['seconds']:.1f} s (one run); pyarrow parses them in {base:.2f} s"
    )
    print(
        f"import {child['rows']:,} police.uk rows (12 files) into a new workspace: "
        f"{timing}; peak memory of a fresh process importing them "
        f"{child['peak_mb']:.0f} MB"
    )
    return tmp / "big.duckdb"


def bench_read(ws_path: Path) -> None:
    import duckdb

    from geo.periods import parse_period
    from geo.workspace import Workspace

    ws = Workspace(ws_path)
    period = parse_period("2023-Q2")
    ws.load(periods=[period], types=["Burglary"])  # warm
    n = len(ws.load(periods=[period], types=["Burglary"]).incidents)
    ours = _median(lambda: ws.load(periods=[period], types=["Burglary"]), repeat=5)

    def raw() -> None:
        with duckdb.connect(str(ws_path), read_only=True) as con:
            con.sql(
                "SELECT * FROM incidents WHERE crime_type = 'Burglary' AND month "
                "BETWEEN '2023-04' AND '2023-06' ORDER BY seq"
            ).to_arrow_table()

    base = _median(raw, repeat=5)
    total = ws.summary().rows
    print(
        f"read one quarter of burglary ({n:,} rows) out of a {total:,}-row "
        f"workspace, as a frame with quality report and geometry: {ours:.3f} s "
        f"(median of 5); the raw DuckDB query of those rows: {base:.3f} s"
    )


def _distinct_points_file(tmp: Path) -> tuple[Path, Path]:
    """A police.uk-style CSV of 1,000,000 rows, each on its own point, and wards."""
    import geopandas as gpd
    from pyproj import Transformer
    from shapely.geometry import box

    origin = np.array([330_000.0, 420_000.0])
    xy = town_points(1_000_000, extent=20_000, seed=2) + origin
    xy = xy[(xy >= origin).all(axis=1) & (xy < origin + 20_000).all(axis=1)]
    lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(
        xy[:, 0], xy[:, 1]
    )
    frame = pd.DataFrame(
        {
            "Crime ID": "",
            "Month": "2023-05",
            "Reported by": "Benchmark Constabulary",
            "Falls within": "Benchmark Constabulary",
            "Longitude": np.round(lon, 7),
            "Latitude": np.round(lat, 7),
            "Location": "On or near Somewhere",
            "LSOA code": "E01000001",
            "LSOA name": "",
            "Crime type": "Anti-social behaviour",
            "Last outcome category": "",
            "Context": "",
        }
    )
    csv = tmp / "2023-05-benchmark-street.csv"
    frame.to_csv(csv, index=False)
    x0, y0 = origin
    cells = [
        box(x0 + i * 5000, y0 + j * 5000, x0 + (i + 1) * 5000, y0 + (j + 1) * 5000)
        for i in range(4)
        for j in range(4)
    ]
    wards = gpd.GeoDataFrame(
        {"ward_code": [f"W{k:02d}" for k in range(16)],
         "ward_name": [f"Ward {k}" for k in range(16)]},
        geometry=cells, crs=27700,
    )  # fmt: skip
    wfile = tmp / "wards.geojson"
    wards.to_crs(4326).to_file(wfile)
    return csv, wfile


def _run(*args: str) -> float:
    t = time.perf_counter()
    subprocess.run([HOTSPOT_MAP, *args], check=True, capture_output=True)
    return time.perf_counter() - t


def bench_hotspots(tmp: Path) -> None:
    csv, wfile = _distinct_points_file(tmp)
    out = str(tmp / "h.geojson")
    ws = str(tmp / "points.duckdb")
    _run("import", str(csv), "--workspace", ws)
    _run("import", "--boundaries", str(wfile), "--name", "grid", "--workspace", ws)
    from_file = statistics.median(
        _run("hotspots", str(csv), "--wards", str(wfile), "--out", out)
        for _ in range(3)
    )
    from_ws = statistics.median(
        _run("hotspots", "--workspace", ws, "--wards", "grid", "--out", out)
        for _ in range(3)
    )
    base = statistics.median(
        _timed_process(
            "import pyarrow.csv as c, sys; c.read_csv(sys.argv[1])", str(csv)
        )
        for _ in range(3)
    )
    found = json.loads(Path(out).read_text())["features"]
    print(
        f"hotspot-map hotspots, 1,000,000 distinct points, end to end (medians of "
        f"3 fresh processes): from the CSV {from_file:.2f} s, from a workspace "
        f"{from_ws:.2f} s; a process that only parses the CSV with pyarrow "
        f"{base:.2f} s ({from_file / base:.1f}x, {from_ws / base:.1f}x); "
        f"{len(found)} hotspots"
    )


def _timed_process(code: str, *args: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-hotspots", action="store_true")
    parser.add_argument("--child-import", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        _child_import(*args.child_import)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ws = bench_import(tmp, args.rows)
        bench_read(ws)
        if not args.skip_hotspots:
            bench_hotspots(tmp)


if __name__ == "__main__":
    main()
