"""A national workspace: a town's and a force's questions against one force's.

Builds 43 synthetic forces x 36 months (about 18,000,000 rows; each force is
``geo.synthetic_force`` with its own seed, moved onto its own 60 km square of
England and named "Force NN"), then two workspaces: the national one (every
force) and a one-force one (force 00 alone), each with two boundary sets of
force 00: its 49 wards ("force") and the wards of its largest town ("town").

Prints, each beside the one-force workspace in the same run:

1. import: time and peak memory (a fresh process each);
2. ``hotspots --wards town`` and ``--wards force`` for the last 6 months of
   ASB: time and peak memory of the whole command (median of 3, fresh
   processes), and whether the hotspot tables are identical;
3. the app's first map on a fresh server (the Streamlit page and the patrol
   view, median of 3 servers), opening on the force set.

Targets: each question within 1.2x of the one-force workspace's time and
memory; import peak memory under 1.5 GB at any size.

Run: ``.venv/bin/python benchmarks/bench_national.py [--forces N] [--months M]``
(defaults 43 and 36; the data is written under a temporary folder, ~3.3 GB).
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PER_MONTH = 11_600  # rows a force-month: 43 x 36 x 11,600 = about 18M
PERIOD = "2021-01:2021-06"  # the first 6 months (every run holds them)


def write_forces(out: Path, forces: int, months: int) -> tuple[list[Path], Path]:
    """Write every force's monthly files; return force 00's files and the folder."""
    import numpy as np
    from pyproj import Transformer

    from geo.synthetic_force import generate_force

    to_bng = Transformer.from_crs(4326, 27700, always_xy=True)
    to_ll = Transformer.from_crs(27700, 4326, always_xy=True)
    folder = out / "police_uk"
    first_force: list[Path] = []
    for k in range(forces):
        force = generate_force(seed=k, months=months, per_month=PER_MONTH,
                               first="2021-01")  # fmt: skip
        rows = force.rows
        if k:  # its own square: 60 km steps on a 7 x 7 grid, force 00 the middle
            x, y = to_bng.transform(rows["Longitude"].to_numpy(),
                                    rows["Latitude"].to_numpy())  # fmt: skip
            g = (k + 24) % 49  # square 24 is the middle: force 00's own
            dx, dy = (g % 7 - 3) * 60_000.0, (g // 7 - 3) * 60_000.0
            lon, lat = to_ll.transform(np.asarray(x) + dx, np.asarray(y) + dy)
            rows = rows.assign(Longitude=np.round(lon, 6), Latitude=np.round(lat, 6))
        label = f"Force {k:02d}"
        rows = rows.assign(**{"Reported by": label, "Falls within": label})
        for month, part in rows.groupby("Month"):
            path = folder / month / f"{month}-force-{k:02d}-street.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            part.to_csv(path, index=False)
            if k == 0:
                first_force.append(path)
        if k == 0:
            wards = force.wards
            town = force.towns[0]
            import shapely

            disc = shapely.Point(town.centre).buffer(town.radius_m)
            wards.to_crs(4326).to_file(out / "force_wards.geojson")
            wards[wards.intersects(disc)].to_crs(4326).to_file(
                out / "town_wards.geojson"
            )
        print(f"  force {k:02d} written", flush=True)
    return first_force, folder


CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from _common import peak_kb
t = time.perf_counter()
{body}
print(json.dumps({{"s": time.perf_counter() - t, "mb": peak_kb() / 1024}}))
"""


def child(body: str) -> dict:
    code = CHILD.format(root=str(ROOT), bench=str(ROOT / "benchmarks"), body=body)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def build(ws: Path, inputs: list[Path] | Path, out: Path) -> dict:
    """Import into a new workspace in a fresh process: time and peak memory."""
    listed = [str(p) for p in inputs] if isinstance(inputs, list) else [str(inputs)]
    got = child(
        "from geo.workspace import Workspace\n"
        f"ws = Workspace({str(ws)!r})\n"
        f"ws.import_boundaries({str(out / 'force_wards.geojson')!r}, name='force')\n"
        f"ws.import_boundaries({str(out / 'town_wards.geojson')!r}, name='town')\n"
        f"ws.import_incidents({listed!r})\n"
    )
    import duckdb

    with duckdb.connect(str(ws), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM incident_data").fetchall()[0][0]
    return got | {"rows": int(rows)}


def question(ws: Path, set_name: str, out: Path) -> dict:
    """``hotspots`` on ``set_name`` in a fresh process: time, peak memory, table."""
    csv = out / f"{ws.stem}_{set_name}.csv"
    got = child(
        "from app.cli import main\n"
        f"rc = main(['hotspots', '--workspace', {str(ws)!r}, '--wards', "
        f"{set_name!r}, '--period', {PERIOD!r}, '--type', 'ASB', '--out', "
        f"{str(csv)!r}])\n"
        "assert rc == 0\n"
    )
    return got | {"table": csv.read_text(encoding="utf-8")}


def first_map(ws: Path, servers: int) -> dict:
    """The app's first map (page and patrol view) on fresh servers: medians."""
    import shutil

    from bench_app import _visits
    from playwright.sync_api import sync_playwright

    ours = [sys.executable, "-m", "app.serve"]
    env = {"HOTSPOT_WORKSPACE": str(ws)}
    page, view = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        for _ in range(servers):
            page += _visits(browser, ours, 1, map_drawn=True, env=env)
            view += _visits(browser, ours, 1, map_drawn=True, env=env, path="/patrol")
        browser.close()
    return {
        "page": statistics.median(r["map"] for r in page),
        "view": statistics.median(r["map"] for r in view),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forces", type=int, default=43)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--servers", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        out = Path(tmp)
        t = time.perf_counter()
        first, folder = write_forces(out, args.forces, args.months)
        print(f"data written in {time.perf_counter() - t:.0f} s", flush=True)
        one, nation = out / "one.duckdb", out / "nation.duckdb"
        built = {"one force": build(one, first, out),
                 "national": build(nation, folder, out)}  # fmt: skip
        for label, b in built.items():
            print(f"import, {label}: {b['rows']:,} rows in {b['s']:.1f} s, "
                  f"peak {b['mb']:,.0f} MB", flush=True)  # fmt: skip
        for set_name in ("town", "force"):
            runs = {label: [question(ws, set_name, out) for _ in range(3)]
                    for label, ws in (("one", one), ("nation", nation))}  # fmt: skip
            same = runs["one"][0]["table"] == runs["nation"][0]["table"]
            s = {k: statistics.median(r["s"] for r in v) for k, v in runs.items()}
            mb = {k: statistics.median(r["mb"] for r in v) for k, v in runs.items()}
            print(
                f"hotspots --wards {set_name}: one force {s['one']:.2f} s "
                f"{mb['one']:,.0f} MB; national {s['nation']:.2f} s "
                f"{mb['nation']:,.0f} MB; ratio {s['nation'] / s['one']:.2f}x time, "
                f"{mb['nation'] / mb['one']:.2f}x memory; same table: {same}",
                flush=True,
            )
        maps = {label: first_map(ws, args.servers)
                for label, ws in (("one", one), ("nation", nation))}  # fmt: skip
        for where in ("page", "view"):
            a, b = maps["one"][where], maps["nation"][where]
            print(f"first map ({where}): one force {a:.2f} s; national {b:.2f} s; "
                  f"ratio {b / a:.2f}x", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
