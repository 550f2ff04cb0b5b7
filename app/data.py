"""The only cached calls into geo: keyed on the workspace and scalars, never frames.

Everything the app shows comes from a workspace (the demo is one too). Each
cached call takes ``ws = (path, state)``: the state token changes whenever an
import changes the workspace, so figures are recomputed then and only then.
Boundaries are a shared resource (``cache_resource``: never copied, never
mutated); analysis results are cached per parameters (``cache_data``).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.cctv import (
    BRIEF_MONTHS,
    CameraList,
    before_after,
    cctv_assessment,
    register_cameras,
)
from geo.change import WardChange, ward_change
from geo.displacement import (
    Displacement,
    WDQResult,
    displacement_analysis,
    wdq_analysis,
)
from geo.errors import GeoInputError, WorkspaceDamagedError
from geo.gistar import gi_star_grid
from geo.hotspots import Hotspots
from geo.incidents import LoadedIncidents
from geo.patrol import (
    PatrolHotspots,
    hdbscan_cross_check,
    patrol_hotspots,
    patrol_periods,
)
from geo.periods import parse_month, parse_period
from geo.settings import DEFAULT_CAMERA_RANGE_M
from geo.synthetic import DEMO_LABEL, write_demo
from geo.workspace import ENV_VAR, Workspace

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"
DEMO_BOUNDARIES = ROOT / "boundaries" / "demo"
DEMO_WORKSPACE = DEMO_DIR / "sandbay.duckdb"

WsKey = tuple[str, tuple]
"""A workspace as a cache key: its path and its state token."""


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """The workspace in use: a path (cheap to hash and compare) and a label."""

    label: str
    workspace: str
    synthetic: bool = False
    problem: str | None = None
    """Why the analysts' workspace is not the one shown (damaged, foreign)."""


def user_workspace() -> Path:
    """The analysts' workspace: ``$HOTSPOT_WORKSPACE``, else the default.

    Relative to the project, as `make run` starts the app there.
    """
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else ROOT / "workspace" / "hotspots.duckdb"


def demo_dataset() -> Dataset:
    """The synthetic demo workspace, written on first use."""
    if not (DEMO_DIR / "README.txt").exists() or not DEMO_WORKSPACE.exists():
        write_demo(DEMO_DIR, boundaries_out=DEMO_BOUNDARIES)
    return Dataset(label=DEMO_LABEL, workspace=str(DEMO_WORKSPACE), synthetic=True)


def user_dataset() -> Dataset | None:
    """The analysts' workspace, if it holds incidents."""
    path = user_workspace()
    if not path.exists():
        return None
    state, synthetic = _facts_now(str(path))
    if not state or not state[2]:
        return None
    return Dataset(
        label=f"Workspace {path.name}", workspace=str(path), synthetic=synthetic
    )


_set_aside: dict[str, str] = {}
"""Analysts' workspaces found damaged while serving: path -> what was wrong."""


def set_aside(err: WorkspaceDamagedError) -> None:
    """Open the demo instead of the damaged workspace from now on (this process)."""
    _set_aside[err.path] = str(err)


def start_dataset() -> Dataset:
    """What the app opens on: the analysts' workspace, else the demo.

    A workspace that cannot be read (damaged, not a workspace, of a newer
    version) gives the demo, with what is wrong as its ``problem``.
    """
    problem = _set_aside.get(str(user_workspace().resolve()))
    if problem is None:
        try:
            return user_dataset() or demo_dataset()
        except GeoInputError as err:
            problem = str(err)
    return dataclasses.replace(demo_dataset(), problem=problem)


def current_dataset() -> Dataset:
    if "dataset" not in st.session_state:
        st.session_state["dataset"] = start_dataset()
    return st.session_state["dataset"]


def ws_key(ds: Dataset) -> WsKey:
    """The dataset's workspace with its current state (read once per page run)."""
    return ds.workspace, _facts_now(ds.workspace)[0]


_SETTLE_S = 2.0
"""Seconds a workspace file must have been left alone before its file-system
stamp is trusted to change with its next write (the coarsest common clock: FAT
and SMB keep modification times to 2 s)."""


def _facts_now(path: str) -> tuple[tuple, bool]:
    """The state token and whether the data is synthetic, as of now.

    Read once per state of the file: an unchanged stamp means the state read
    before still holds, so a page run opens no connection (30-70 ms each). A
    file written in the last ``_SETTLE_S`` is read afresh each time, as a
    second write within the file system's clock tick could keep its stamp.
    """
    stamp = _stamp(path)
    now = time.time_ns()
    if any(s is not None and now - s[2] < _SETTLE_S * 1e9 for s in stamp):
        return _facts.__wrapped__(path, stamp)
    return _facts(path, stamp)


def _stamp(path: str) -> tuple:
    """The workspace file and its write-ahead log as the file system has them.

    Every committed change writes one of the two.
    """
    out = []
    for p in (path, path + ".wal"):
        try:
            s = os.stat(p)
        except FileNotFoundError:
            out.append(None)
        else:
            out.append((s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns))
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _facts(path: str, stamp: tuple) -> tuple[tuple, bool]:
    """Read the state token and whether the data is synthetic (see _facts_now)."""
    ws = Workspace(path)
    if not stamp[0]:
        return ws.state(), False
    with ws.reading():
        state = ws.state()
        return state, bool(state and state[2]) and ws.synthetic()


def _ws(ws: WsKey) -> Workspace:
    return Workspace(ws[0])


@st.cache_data(max_entries=8)
def catalogue(ws: WsKey) -> dict:
    """Boundary sets, crime types and months held."""
    w = _ws(ws)
    types, months = w.catalogue()
    return {"sets": w.boundary_sets(), "types": types, "months": months}


@st.cache_resource(max_entries=8, show_spinner="Reading boundaries...")
def wards(ws: WsKey, set_name: str) -> gpd.GeoDataFrame:
    return _ws(ws).wards(set_name)


@st.cache_data(max_entries=8)
def population(ws: WsKey, set_name: str) -> pd.DataFrame | None:
    return _ws(ws).population(set_name)


@st.cache_data(max_entries=32, show_spinner="Reading incidents...")
def select(
    ws: WsKey, set_name: str, types: tuple[str, ...], period: str
) -> gpd.GeoDataFrame:
    """Incidents of the chosen types in one period (all types when none chosen)."""
    p = parse_period(period)
    return (
        _ws(ws)
        .load(wards=set_name, periods=[p], types=types, allow_empty=[p])
        .incidents
    )


@st.cache_resource(max_entries=8)
def study_area(ws: WsKey, set_name: str):
    """The union of the wards: computed once per boundary set."""
    return wards(ws, set_name).union_all()


def area_m2(ws: WsKey, set_name: str) -> float:
    return float(study_area(ws, set_name).area)


@st.cache_data(max_entries=32, show_spinner="Finding hotspots...")
def hotspot_view(
    ws: WsKey,
    set_name: str,
    types: tuple[str, ...],
    period: str,
    eps: float | None,
    min_samples: int | None,
) -> PatrolHotspots:
    """The patrol hotspots of ``period`` (geo's one answer: the page, the patrol
    view and their downloads show it), with how well the previous period's
    hotspots predicted it."""
    p = parse_period(period)
    around = patrol_periods(p)
    inc = (
        _ws(ws)
        .load(wards=set_name, periods=around, types=types, allow_empty=around[::2])
        .incidents
    )
    return patrol_hotspots(
        inc,
        period=p,
        study_area=study_area(ws, set_name),
        eps=eps,
        min_samples=min_samples,
        months_with_data=catalogue(ws)["months"],
    )


def hotspot_result(ws, set_name, types, period: str, eps, min_samples) -> Hotspots:
    """The hotspots of :func:`hotspot_view` (the CCTV page assesses these)."""
    return hotspot_view(ws, set_name, types, period, eps, min_samples).hotspots


@st.cache_data(max_entries=16, show_spinner="Drawing the map...")
def hotspot_map_html(
    ws, set_name, types, period: str, eps, min_samples, gi_cell_m
) -> str:
    """The hotspot page's map as an HTML page (with Gi* cells of ``gi_cell_m``).

    Cached, so a page shown again (or first, after the server's warm-up) sends
    the same map without building it.
    """
    from app import maps

    view = hotspot_view(ws, set_name, types, period, eps, min_samples)
    grid = gi_grid(ws, set_name, types, period, gi_cell_m) if gi_cell_m else None
    m = maps.hotspot_map(
        view.hotspots.table,
        incidents=view.incidents,
        wards=wards(ws, set_name),
        grid=grid,
        unit=view.unit,
    )
    return maps.page_html(
        m, "Map of the ranked hotspots (the ranked table beside it says the same)"
    )


@st.cache_data(max_entries=16, show_spinner="Gi* on a grid...")
def gi_grid(ws, set_name, types, period, cell_m: float) -> gpd.GeoDataFrame:
    inc = select(ws, set_name, types, period)
    return gi_star_grid(inc, cell_m=cell_m, area=study_area(ws, set_name))


@st.cache_data(max_entries=16, show_spinner="HDBSCAN...")
def hdbscan_count(ws, set_name, types, period, min_cluster_size: int) -> int:
    view = hotspot_view(ws, set_name, types, period, None, None)
    return hdbscan_cross_check(view, min_cluster_size=min_cluster_size)


@st.cache_data(max_entries=16, show_spinner="Comparing wards...")
def change(
    ws, set_name, types, before: str, after: str, basis: str = "like-for-like"
) -> WardChange:
    b = select(ws, set_name, types, before)
    a = select(ws, set_name, types, after)
    return ward_change(
        pd.concat([b, a]),
        wards(ws, set_name),
        before=parse_period(before),
        after=parse_period(after),
        population=population(ws, set_name),
        months_with_data=catalogue(ws)["months"],
        basis=basis,
    )


@st.cache_data(max_entries=16, show_spinner="Counting the years...")
def years_result(ws, set_name, types, first: str, last: str, calendar: bool):
    from geo.years import year_periods, years_change

    years = year_periods(first, last, calendar=calendar)
    span = f"{years[0].start}:{years[-1].end}"
    return years_change(
        select(ws, set_name, types, span),
        wards(ws, set_name),
        years,
        months_with_data=catalogue(ws)["months"],
        population=population(ws, set_name),
    )


def _span(*periods: str) -> str:
    """The period from the first month of any of ``periods`` to the last."""
    ps = [parse_period(p) for p in periods]
    return f"{min(p.start for p in ps)}:{max(p.end for p in ps)}"


def _both(ws, set_name, types, before: str, after: str) -> gpd.GeoDataFrame:
    """The incidents of both periods in one frame (each period's read cached)."""
    return pd.concat(
        [select(ws, set_name, types, before), select(ws, set_name, types, after)]
    )


@st.cache_data(max_entries=16, show_spinner="Matching hotspots...")
def displacement_result(
    ws, set_name, types, before: str, after: str, basis: str = "like-for-like"
) -> Displacement:
    """Displacement on the ward table's basis and months (geo's one answer)."""
    return displacement_analysis(
        _both(ws, set_name, types, before, after),
        before=parse_period(before),
        after=parse_period(after),
        area_m2=area_m2(ws, set_name),
        months_with_data=catalogue(ws)["months"],
        basis=basis,
        history=select(ws, set_name, (), _span(before, after)),
    )


@st.cache_data(max_entries=32, show_spinner="WDQ...")
def wdq_result(
    ws,
    set_name,
    types,
    before,
    after,
    target: str,
    buffer_m: float,
    basis: str = "like-for-like",
) -> WDQResult:
    """The WDQ of a ward or a before hotspot, on the ward table's basis and months."""
    w = wards(ws, set_name)
    if target.startswith("Hotspot "):
        found = displacement_result(ws, set_name, types, before, after, basis)
        hid = int(target.split()[1])
        table = found.before_hotspots
        shape = table.loc[table["hotspot_id"] == hid].geometry.iloc[0]
    else:
        shape = w.loc[w["ward_name"] == target].union_all()
    return wdq_analysis(
        _both(ws, set_name, types, before, after),
        shape,
        before=parse_period(before),
        after=parse_period(after),
        area=study_area(ws, set_name),
        buffer_m=buffer_m,
        months_with_data=catalogue(ws)["months"],
        basis=basis,
    )


@st.cache_data(max_entries=8)
def register(ws: WsKey) -> gpd.GeoDataFrame:
    """The whole camera register today: working, faulty, proposed, decommissioned."""
    return _ws(ws).cameras()


@st.cache_data(max_entries=8)
def cameras(ws: WsKey, range_m: float) -> CameraList:
    """The cameras watching today; ``range_m`` for those with no range."""
    return _ws(ws).camera_list(default_range_m=range_m)


@st.cache_data(max_entries=16, show_spinner="Camera coverage...")
def cctv_result(ws, set_name, types, period: str, range_m: float, k: int):
    """The CCTV assessment of the period's patrol hotspots (geo's one answer)."""
    view = hotspot_view(ws, set_name, types, period, None, None)
    reg = register(ws)
    proposed = register_cameras(
        reg.loc[reg["status"] == "proposed"], default_range_m=range_m
    ).cameras
    return cctv_assessment(
        view.incidents,
        cameras(ws, range_m),
        found=view.hotspots,
        proposed=proposed,
        sites=k,
        range_m=range_m,
        unit=view.unit,
    )


@st.cache_data(max_entries=16)
def cctv_before_after(ws, set_name, types, range_m, go_live):
    months = catalogue(ws)["months"]
    inc = select(ws, set_name, types, f"{months[0]}:{months[-1]}")
    return before_after(inc, _at_go_live(ws, range_m, go_live), go_live=go_live)


def _at_go_live(ws: WsKey, range_m: float, go_live: str | None) -> gpd.GeoDataFrame:
    """The cameras in service at the end of the go-live month (today if none)."""
    on = parse_month(go_live, role="go-live month").end_time.date() if go_live else None
    return _ws(ws).camera_list(on, default_range_m=range_m).cameras


@st.cache_data(max_entries=8, show_spinner="Writing the brief...")
def brief_html(
    ws, set_name, types, range_m: float, go_live: str, synthetic: bool
) -> str:
    from app.brief import brief_html as build
    from geo.cctv import impact

    on = parse_month(go_live, role="go-live month")
    span = f"{on - BRIEF_MONTHS}:{on + BRIEF_MONTHS}"
    cams = _at_go_live(ws, range_m, go_live)
    result = impact(select(ws, set_name, types, span), cams, go_live=go_live)
    return build(result, cams, wards=wards(ws, set_name), synthetic=synthetic)


@st.cache_data(max_entries=8, show_spinner="Writing the report...")
def report_html(
    ws, set_name, types, before, after, basis: str = "like-for-like", years=None
):
    """The committee report (every month held is loaded: the section across
    years covers ``years``, by default every whole year held)."""
    from app.report import build_report

    b, a = parse_period(before), parse_period(after)
    loaded: LoadedIncidents = _ws(ws).load(wards=set_name)
    cams = cameras(ws, DEFAULT_CAMERA_RANGE_M)
    return build_report(
        loaded,
        wards(ws, set_name),
        before=b,
        after=a,
        types=list(types),
        population=population(ws, set_name),
        cameras=cams if not cams.cameras.empty else None,
        boundary_label=set_name,
        basis=basis,
        years=years,
    )


@st.cache_data(max_entries=8, show_spinner="Trends over the months...")
def trends_result(ws, set_name, types, before: str, after: str) -> gpd.GeoDataFrame:
    from geo.trends import emerging_hotspots

    return emerging_hotspots(
        select(ws, set_name, types, _span(before, after)),
        area=study_area(ws, set_name),
    )
