"""App speed: first page, re-render after a control change, and map sizes.

1. Map HTML size of each page's map for one year of data (target: under 2 MB).
2. Re-render after changing a control (the hotspot page's min_samples, set by
   hand) with Streamlit's AppTest, caches warm, on one year of Blackpool data in
   a workspace when ../shared/data is present (else the demo): median of 5
   (target: under 1 s). Baseline in the same run: the first, cold render.
3. First page in a real headless Chromium, the server started as ``make run``
   starts it (five fresh servers each): seconds from the request to the page's
   figures and to the Leaflet map being drawn, on the demo workspace and on a
   workspace holding three years of a synthetic force (about 540,000 rows;
   target: map drawn within 2 s), on the browser's own clock from the start of
   the navigation (and, for comparison, as the test driver sees it from
   outside). Also a returning visitor: a browser that has opened the app
   before (Streamlit's scripts, which it may keep a year, in its cache) on a
   freshly started server. And the patrol view (``/patrol``, plain HTML beside
   the Streamlit pages), first visit on a fresh server. Baseline in the same
   run, in rounds with ours: a one-metric Streamlit page, the front end's own
   floor (first visit).
4. Static files: milliseconds per script on one kept-alive connection, the app's
   server against a plain ``streamlit run`` (which leaves TCP_NODELAY off).

Run: ``.venv/bin/python benchmarks/bench_app.py [--servers N]``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = Path(os.environ.get("HOTSPOT_SHARED_DATA", ROOT.parent / "shared" / "data"))


def dataset(tmp: Path):
    """One year of Blackpool in a workspace (the demo when ../shared is absent)."""
    from app import data
    from geo.workspace import Workspace

    if (SHARED / "police_uk" / "blackpool").is_dir():
        ws = Workspace(tmp / "blackpool.duckdb")
        ws.import_incidents(
            sorted((SHARED / "police_uk" / "blackpool").rglob("2021-*.csv"))
        )
        ws.import_boundaries(
            SHARED / "boundaries" / "blackpool_wards_2013.geojson", name="2013 wards"
        )
        ds = data.Dataset(label="Blackpool 2021 (benchmark)", workspace=str(ws.path))
        return ds, "2021-01:2021-06", "2021-07:2021-12"
    return data.demo_dataset(), "2022/23", "2023/24"


def force_workspace(tmp: Path) -> Path:
    """Three years of the synthetic force (about 540,000 rows) in a workspace."""
    from geo.synthetic_force import generate_force, write_force
    from geo.workspace import Workspace

    force = generate_force(months=36, per_month=15_000, first="2020-01")
    folder, wards = write_force(force, tmp)
    ws = Workspace(tmp / "force.duckdb")
    ws.import_boundaries(wards, name="force wards")
    ws.import_incidents(folder)
    return ws.path


def map_sizes(tmp: Path) -> None:
    from app import maps
    from geo.change import ward_change
    from geo.hotspots import hotspots
    from geo.periods import parse_period
    from geo.workspace import Workspace

    ds, before, after = dataset(tmp)
    ws = Workspace(ds.workspace)
    name = ws.boundary_sets()[0]
    wards = ws.wards(name)
    inc = ws.load(wards=name).incidents
    b, a = parse_period(before), parse_period(after)
    year = inc[b.contains(inc["month"]) | a.contains(inc["month"])]
    table = hotspots(year, area_m2=wards.union_all().area).table
    hmap = maps.hotspot_map(table, incidents=year, wards=wards).get_root().render()
    change = ward_change(year, wards, before=b, after=a)
    wmap = maps.ward_map(wards, change.table, column="pct_change", caption="Change (%)",
                         diverging=True).get_root().render()  # fmt: skip
    print(
        f"{ds.label}: {len(year):,} incidents (all types, one year); hotspot map "
        f"{len(hmap) / 1e6:.2f} MB, ward map {len(wmap) / 1e6:.2f} MB of HTML"
    )


def rerender(tmp: Path) -> None:
    from streamlit.testing.v1 import AppTest

    ds, before, after = dataset(tmp)
    at = AppTest.from_file(str(ROOT / "app" / "streamlit_app.py"), default_timeout=300)
    at.session_state["dataset"] = ds
    t = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t
    types = at.sidebar.multiselect[0]
    types.set_value(list(types.options)).run()  # all crime types: about 30,000 a year
    at.sidebar.selectbox[1].set_value("Custom...").run()
    at.sidebar.selectbox[2].set_value("Custom...").run()
    at.sidebar.text_input[0].set_value(before).run()
    at.sidebar.text_input[1].set_value(after).run()
    at.toggle[0].set_value(True).run()  # eps and min_samples set by hand
    ms = at.number_input[1]
    base = int(ms.value)
    times = []
    for i in range(5):
        ms.set_value(base + 5 * (i + 1))
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        ms = at.number_input[1]
    assert not at.exception, at.exception
    hot = next(m.value for m in at.metric if m.label == "Hotspots")
    print(
        f"{ds.label}: re-render after changing min_samples "
        f"{statistics.median(times):.2f} s "
        f"(median of 5, new parameters each time, {hot} hotspots); first cold render "
        f"{cold:.2f} s"
    )


BASELINE_APP = """
import streamlit as st
st.set_page_config(layout="wide")
st.sidebar.selectbox("Boundary set", ["a", "b"])
st.title("Baseline")
st.metric("Hotspots", 7)
"""


FIGURE = "[data-testid=stMetric], .figures .figure"
"""A headline figure: a Streamlit metric, or one of the patrol view's figures."""

CLOCK = (
    f"const FIGURE = {FIGURE!r};"
    + """
// the browser's own clock, in every frame (the map is a srcdoc iframe): when the
// first metric and the map's canvas appear, and the frame after (drawn)
window.__hm = {};
const now = () => performance.timeOrigin + performance.now();
new MutationObserver(() => {
  const hm = window.__hm;
  if (!hm.figures && document.querySelector(FIGURE)) {
    hm.figures = now();
  }
  if (!hm.canvas && document.querySelector(".leaflet-overlay-pane canvas")) {
    hm.canvas = now();
    requestAnimationFrame(() => requestAnimationFrame(() => { hm.map = now(); }));
  }
}).observe(document, {subtree: true, childList: true});
"""
)


def _visits(
    browser,
    command: list[str],
    n: int,
    map_drawn: bool,
    env: dict | None = None,
    port: int | None = None,
    path: str = "",
) -> list[dict]:
    """Start a server, then open its first page ``n`` times (fresh tabs).

    ``browser`` is a Playwright browser (each tab a new profile, nothing cached)
    or a browser context (tabs share its cache, as a returning visitor's do);
    ``port`` fixes the server's port (a cache is per address); ``path`` is the
    page asked for ("" the app, "/patrol" the patrol view).

    Seconds from the request to the first figure (a metric) shown and to the
    Leaflet map drawn (``map_drawn``: its canvas in the page, and the frame after),
    twice: on the browser's own clock from the start of the navigation
    (``figures``, ``map``), and from outside as the test driver sees it, from
    asking for the page to noticing the element (``figures_out``, ``map_out``:
    these add the driver's own latency, 0.1-0.5 s on two busy cores). ``start``
    is the server's start-up, from the process starting to its health check.
    """
    from app.serve import running

    t = time.perf_counter()
    with running(command, timeout_s=300, env=env, port=port) as url:
        start = time.perf_counter() - t
        out = []
        for _ in range(n):
            page = browser.new_page()
            page.add_init_script(CLOCK)
            t = time.perf_counter()
            page.goto(url + path)
            page.wait_for_selector(FIGURE, timeout=60_000)
            row = {"start": start, "figures_out": time.perf_counter() - t}
            if map_drawn:
                page.frame_locator("iframe").first.locator(
                    ".leaflet-overlay-pane canvas"
                ).first.wait_for(timeout=60_000)
                row["map_out"] = time.perf_counter() - t
            origin = page.evaluate("performance.timeOrigin")
            page.wait_for_function("window.__hm.figures", timeout=60_000)
            row["figures"] = (page.evaluate("window.__hm.figures") - origin) / 1000
            if map_drawn:
                frame = next(f for f in page.frames if f != page.main_frame)
                frame.wait_for_function("window.__hm.map", timeout=60_000)
                row["map"] = (frame.evaluate("window.__hm.map") - origin) / 1000
            out.append(row)
            page.close()
        return out


def _baseline_file() -> Path:
    """The baseline page (``BASELINE_APP``) written where ``streamlit run`` reads it."""
    path = ROOT / "artifacts" / "bench_baseline_app.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(BASELINE_APP)
    return path


def static_files(n: int = 40) -> None:
    """Milliseconds per static file fetched on one kept-alive connection, as a
    browser loads the page's scripts: the app's server (``app.serve``) against a
    plain ``streamlit run`` in the same run.

    The plain server leaves TCP_NODELAY off, so each reply after the first on a
    connection waits for the client's delayed acknowledgement (about 40 ms).
    """
    import http.client
    from urllib.parse import urlsplit

    import streamlit

    from app.serve import running

    folder = Path(streamlit.__file__).parent / "static" / "static" / "js"
    names = sorted(f.name for f in folder.iterdir() if f.stat().st_size < 3000)[:n]
    baseline_file = _baseline_file()
    figures = {}
    for label, command in (
        ("app server", [sys.executable, "-m", "app.serve"]),
        ("plain streamlit run", [sys.executable, "-m", "streamlit", "run",
                                 str(baseline_file)]),
    ):  # fmt: skip
        with running(command, timeout_s=300) as url:
            where = urlsplit(url)
            conn = http.client.HTTPConnection(where.hostname, where.port)
            times = []
            for name in names:
                t = time.perf_counter()
                conn.request("GET", f"/static/js/{name}")
                conn.getresponse().read()
                times.append((time.perf_counter() - t) * 1000)
            conn.close()
        figures[label] = statistics.median(times[1:])  # after the first
    ours, plain = figures.values()
    print(
        f"static files, {len(names)} small scripts on one kept-alive connection, "
        f"median per file after the first: app server {ours:.1f} ms, plain "
        f"`streamlit run` {plain:.1f} ms (ratio {ours / plain:.2f})"
    )


def _median(rows: list[dict], key: str) -> str:
    values = [r[key] for r in rows]
    return (
        f"{statistics.median(values):.2f} s (range {min(values):.2f}-{max(values):.2f})"
    )


def first_page(workspaces: dict[str, str | None], servers: int = 5) -> None:
    """The first page on a fresh server, as `make run` starts it, ``servers`` times
    for each workspace (None: the demo, as on a new machine).

    Baseline in the same run: a one-metric Streamlit page, the floor that
    Streamlit's own front end sets on this machine.
    """
    from app.serve import free_port

    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("first page: skipped (no Chromium/Playwright)")
        return
    baseline_file = _baseline_file()
    ours = [sys.executable, "-m", "app.serve"]  # as `make run` starts it
    floor = [sys.executable, "-m", "streamlit", "run", str(baseline_file)]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        base = []
        first = {label: [] for label in workspaces}
        later = {label: [] for label in workspaces}
        back = {label: [] for label in workspaces}
        light = {label: [] for label in workspaces}
        # rounds, each with the baseline and every workspace in turn: a slower
        # spell of the machine falls on both sides of the ratio alike
        for _ in range(servers):
            base.extend(_visits(browser, floor, 1, map_drawn=False))
            for label, path in workspaces.items():
                ws = path or str(ROOT / "artifacts" / "none.duckdb")
                env = {"HOTSPOT_WORKSPACE": ws}
                visits = _visits(browser, ours, 2, map_drawn=True, env=env)
                first[label].append(visits[0])
                later[label].append(visits[1])
                # a returning visitor: a browser that has opened the app before
                # (Streamlit's scripts in its cache) on a server just started
                profile, port = browser.new_context(), free_port()
                _visits(profile, ours, 1, map_drawn=True, env=env, port=port)
                back[label].extend(
                    _visits(profile, ours, 1, map_drawn=True, env=env, port=port)
                )
                profile.close()
                # the patrol view (/patrol), first visit on a server just started
                light[label].extend(
                    _visits(browser, ours, 1, map_drawn=True, env=env, path="/patrol")
                )
        for label in workspaces:
            ratio = statistics.median(
                r["map"] for r in first[label]
            ) / statistics.median(r["figures"] for r in base)
            once, twice = first[label], later[label]
            print(
                f"first page ({label}) in headless Chromium, {servers} fresh "
                f"servers, medians:\n"
                f"  server start (process to health check) {_median(once, 'start')}\n"
                f"  first visit: figures shown {_median(once, 'figures')}, "
                f"map drawn {_median(once, 'map')}\n"
                f"    (seen from outside: {_median(once, 'figures_out')}, "
                f"{_median(once, 'map_out')})\n"
                f"  second visit: figures shown {_median(twice, 'figures')}, "
                f"map drawn {_median(twice, 'map')}\n"
                f"  returning visitor (browser cache kept, fresh server): figures "
                f"shown {_median(back[label], 'figures')}, map drawn "
                f"{_median(back[label], 'map')}\n"
                f"  patrol view (/patrol), first visit: figures shown "
                f"{_median(light[label], 'figures')}, map drawn "
                f"{_median(light[label], 'map')}\n"
                f"  ours / baseline (map drawn, first visit) {ratio:.2f}"
            )
        browser.close()
    print(
        f"baseline, a one-metric Streamlit page: figure shown "
        f"{_median(base, 'figures')} (seen from outside: "
        f"{_median(base, 'figures_out')})"
    )


if __name__ == "__main__":
    import argparse
    import logging
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=5)
    args = parser.parse_args()
    import streamlit  # noqa: F401  (creates the loggers quietened here)

    # cached functions called outside a running app (the map sizes) warn once a
    # call that there is no runtime; the figures are the same
    for name in ("caching.cache_data_api", "scriptrunner_utils.script_run_context"):
        logging.getLogger(f"streamlit.runtime.{name}").addFilter(
            lambda record: record.levelno >= logging.ERROR
        )  # a filter, as Streamlit sets its loggers' levels when it reads its config
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        map_sizes(tmp)
        rerender(tmp)
        static_files()
        force = force_workspace(tmp)
        first_page(
            {
                "demo workspace": None,
                "three years of a force, ~540,000 rows": str(force),
            },
            servers=args.servers,
        )
