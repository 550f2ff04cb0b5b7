"""Every command on a force's half-year, end to end, from files and a workspace.

The synthetic force of ``geo.synthetic_force`` (about 3,100 km², a dozen towns,
86,000 rows in 2022, of which about 54,000 ASB) is written as police.uk monthly
CSVs and imported into a workspace. Each command then runs in a fresh process,
as a user would run it, on ASB January-June against July-December 2022: medians
of 3. The baseline, in the same run, is a fresh process that only imports
pyarrow and parses the CSVs. Target: every command under 5 s.

Also timed: ``displacement`` with ``--min-samples 3``, which gives thousands of
hotspots a period (the old default's failure on a force), to show that matching
them stays fast.

Run: ``.venv/bin/python benchmarks/bench_force.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.synthetic_force import generate_force, write_force

HOTSPOT_MAP = str(Path(sys.executable).with_name("hotspot-map"))
PERIODS = ["--before", "2022-01:2022-06", "--after", "2022-07:2022-12"]


def timed(*args: str) -> float:
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - t


def median3(*args: str) -> float:
    return statistics.median(timed(*args) for _ in range(3))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder, wards = write_force(generate_force(seed=7, months=12), tmp)
        ws = str(tmp / "force.duckdb")
        t_import = timed(HOTSPOT_MAP, "import", str(folder), "--workspace", ws)
        timed(HOTSPOT_MAP, "import", "--boundaries", str(wards), "--name", "wards",
              "--workspace", ws)  # fmt: skip
        base = median3(
            sys.executable,
            "-c",
            "import pyarrow.csv as c, pathlib, sys; "
            "[c.read_csv(p) for p in pathlib.Path(sys.argv[1]).rglob('*.csv')]",
            str(folder),
        )
        print(
            f"synthetic force, 12 months: import {t_import:.1f} s; a fresh process "
            f"parsing the CSVs with pyarrow (baseline) {base:.2f} s"
        )
        commands = {
            "hotspots": ["--period", "2022-01:2022-06", "--type", "ASB", "--out",
                         "h.geojson"],
            "wards": [*PERIODS, "--type", "ASB", "--out", "w.csv"],
            "displacement": [*PERIODS, "--type", "ASB", "--out", "d.geojson"],
            "report": [*PERIODS, "--type", "ASB", "--out", "r.html"],
        }  # fmt: skip
        for name, args in commands.items():
            out = [a if not a.endswith((".geojson", ".csv", ".html")) else
                   str(tmp / a) for a in args]  # fmt: skip
            files = median3(HOTSPOT_MAP, name, str(folder), "--wards", str(wards), *out)
            stored = median3(HOTSPOT_MAP, name, "--workspace", ws, "--wards", "wards",
                             *out)  # fmt: skip
            print(
                f"{name:13s} from the files {files:5.2f} s ({files / base:4.1f}x), "
                f"from the workspace {stored:5.2f} s ({stored / base:4.1f}x)"
            )
        many = median3(HOTSPOT_MAP, "displacement", "--workspace", ws, "--wards",
                       "wards", *PERIODS, "--type", "ASB", "--min-samples", "3",
                       "--out", str(tmp / "many.geojson"))  # fmt: skip
        import json

        n = len(json.loads((tmp / "many.geojson").read_text())["features"])
        print(
            f"displacement --min-samples 3 ({n:,} hotspots in the two periods) from "
            f"the workspace: {many:.2f} s"
        )


if __name__ == "__main__":
    main()
