"""The only cached calls into geo: keyed on paths and scalars, never on frames.

The big loaded frame is a shared resource (``cache_resource``: never copied, never
mutated); analysis results are cached per parameters (``cache_data``), so panning
a map or re-running a page does not re-run the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.cctv import (
    CameraList,
    before_after,
    camera_views,
    coverage,
    read_cameras,
    suggest_sites,
)
from geo.change import WardChange, read_population, ward_change
from geo.displacement import Displacement, WDQResult, displacement, wdq
from geo.evaluate import Evaluation, evaluate_hotspots
from geo.gistar import gi_star_grid
from geo.hotspots import Hotspots, hdbscan_hotspots, hotspots, suggest_parameters
from geo.incidents import LoadedIncidents
from geo.load import load_incidents
from geo.periods import Period, parse_period
from geo.synthetic import DEMO_LABEL, write_demo
from geo.wards import read_wards

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"
DEMO_BOUNDARIES = ROOT / "boundaries" / "demo"


@dataclass(frozen=True)
class Dataset:
    """Where the data in use comes from: paths only (cheap to hash and compare)."""

    label: str
    incidents: tuple[str, ...]
    wards: tuple[tuple[str, str], ...]  # (boundary set label, path)
    cameras: str | None = None
    population: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    synthetic: bool = False

    def wards_path(self, vintage: str) -> str:
        return dict(self.wards)[vintage]

    def population_path(self, vintage: str) -> str | None:
        return dict(self.population).get(vintage)


def demo_dataset() -> Dataset:
    if not (DEMO_DIR / "README.txt").exists():
        write_demo(DEMO_DIR, boundaries_out=DEMO_BOUNDARIES)
    before = "2022 wards (before May 2023)"
    after = "2023 wards (from May 2023)"
    return Dataset(
        label=DEMO_LABEL,
        incidents=(str(DEMO_DIR / "police_uk"),),
        wards=(
            (after, str(DEMO_BOUNDARIES / "sandbay_wards_2023.geojson")),
            (before, str(DEMO_BOUNDARIES / "sandbay_wards_2022.geojson")),
        ),
        cameras=str(DEMO_DIR / "sandbay_cctv_cameras.csv"),
        population=((before, str(DEMO_DIR / "sandbay_ward_population.csv")),),
        synthetic=True,
    )


def current_dataset() -> Dataset:
    if "dataset" not in st.session_state:
        st.session_state["dataset"] = demo_dataset()
    return st.session_state["dataset"]


@st.cache_resource(max_entries=8, show_spinner="Reading boundaries...")
def wards(path: str) -> gpd.GeoDataFrame:
    return read_wards(path)


@st.cache_resource(max_entries=4, show_spinner="Reading incidents...")
def loaded(paths: tuple[str, ...], wards_path: str) -> LoadedIncidents:
    return load_incidents(list(paths), wards=wards(wards_path))


@st.cache_data(max_entries=8)
def crime_types(paths: tuple[str, ...], wards_path: str) -> list[str]:
    """The crime types in the loaded data, sorted."""
    return sorted(
        loaded(paths, wards_path).incidents["crime_type"].astype(str).unique()
    )


@st.cache_data(max_entries=8)
def population(path: str | None) -> pd.DataFrame | None:
    return read_population(path) if path else None


@st.cache_data(max_entries=32)
def select(
    paths: tuple[str, ...], wards_path: str, types: tuple[str, ...], period: str
) -> gpd.GeoDataFrame:
    """Incidents of the chosen types in one period (all types when none chosen)."""
    inc = loaded(paths, wards_path).incidents
    return inc.loc[parse_period(period).contains(inc["month"]) & _of_types(inc, types)]


def _of_types(inc: pd.DataFrame, types: tuple[str, ...]) -> pd.Series:
    """Rows of the chosen crime types (every row when none is chosen)."""
    if not types:
        return pd.Series(True, index=inc.index)
    return inc["crime_type"].astype(str).isin(types)


@st.cache_resource(max_entries=8)
def study_area(wards_path: str):
    """The union of the wards: computed once per boundary file."""
    return wards(wards_path).union_all()


def area_m2(wards_path: str) -> float:
    return float(study_area(wards_path).area)


@st.cache_data(max_entries=32, show_spinner="Finding hotspots...")
def hotspot_result(
    paths: tuple[str, ...],
    wards_path: str,
    types: tuple[str, ...],
    period: str,
    eps: float | None,
    min_samples: int | None,
) -> Hotspots:
    inc = select(paths, wards_path, types, period)
    return hotspots(inc, eps=eps, min_samples=min_samples, area_m2=area_m2(wards_path))


@st.cache_data(max_entries=32)
def suggested(paths, wards_path, types, period):
    inc = select(paths, wards_path, types, period)
    return suggest_parameters(inc, area_m2=area_m2(wards_path))


@st.cache_data(max_entries=16, show_spinner="Scoring last period's hotspots...")
def evaluation(
    paths, wards_path, types, before: str, after: str, eps, min_samples
) -> Evaluation:
    """PAI and hit rate of the before period's hotspots on the after period."""
    found = hotspot_result(paths, wards_path, types, before, eps, min_samples)
    nxt = select(paths, wards_path, types, after)
    n_before = len(select(paths, wards_path, types, before))
    return evaluate_hotspots(
        found.table, nxt, area_m2=area_m2(wards_path), before_total=n_before
    )


@dataclass(frozen=True)
class HotspotView:
    """What the hotspot page shows for one period: hotspots, incidents, PAI."""

    found: Hotspots
    incidents: gpd.GeoDataFrame
    evaluation: Evaluation | None  # of the earlier period's hotspots on this one


def hotspot_view(
    paths, wards_path, types, period: str, earlier: str | None, eps, min_samples
) -> HotspotView:
    """The hotspot page's analysis (each part cached); ``earlier`` is scored on
    ``period`` when it ends before ``period`` starts."""
    ev = None
    if earlier and parse_period(earlier).end < parse_period(period).start:
        ev = evaluation(paths, wards_path, types, earlier, period, eps, min_samples)
    return HotspotView(
        found=hotspot_result(paths, wards_path, types, period, eps, min_samples),
        incidents=select(paths, wards_path, types, period),
        evaluation=ev,
    )


@st.cache_data(max_entries=16, show_spinner="Gi* on a grid...")
def gi_grid(paths, wards_path, types, period, cell_m: float) -> gpd.GeoDataFrame:
    inc = select(paths, wards_path, types, period)
    return gi_star_grid(inc, cell_m=cell_m, area=study_area(wards_path))


@st.cache_data(max_entries=16, show_spinner="HDBSCAN...")
def hdbscan_count(paths, wards_path, types, period, min_cluster_size: int) -> int:
    inc = select(paths, wards_path, types, period)
    return int(hdbscan_hotspots(inc, min_cluster_size=min_cluster_size).max())


@st.cache_data(max_entries=16, show_spinner="Comparing wards...")
def change(
    paths, wards_path, types, before: str, after: str, population_path: str | None
) -> WardChange:
    both = loaded(paths, wards_path)
    b = select(paths, wards_path, types, before)
    a = select(paths, wards_path, types, after)
    return ward_change(
        pd.concat([b, a]),
        wards(wards_path),
        before=parse_period(before),
        after=parse_period(after),
        population=population(population_path),
        months_with_data=both.quality.months_in_data,
    )


def financial_years(months: list[str]) -> list[Period]:
    """Financial years (April-March) that lie within the data's first and last month."""
    if not months:
        return []
    first, last = min(months), max(months)
    out = []
    for year in range(int(first[:4]) - 1, int(last[:4]) + 1):
        p = parse_period(f"{year}/{(year + 1) % 100:02d}")
        if p.start >= first and p.end <= last:
            out.append(p)
    return out


@st.cache_data(max_entries=16, show_spinner="Matching hotspots...")
def displacement_result(
    paths, wards_path, types, before: str, after: str
) -> Displacement:
    return displacement(
        select(paths, wards_path, types, before),
        select(paths, wards_path, types, after),
        area_m2=area_m2(wards_path),
        history=loaded(paths, wards_path).incidents,
    )


@st.cache_data(max_entries=32, show_spinner="WDQ...")
def wdq_result(
    paths, wards_path, types, before, after, target: str, buffer_m: float
) -> WDQResult:
    w = wards(wards_path)
    if target.startswith("Hotspot "):
        found = displacement_result(paths, wards_path, types, before, after)
        hid = int(target.split()[1])
        table = found.before_hotspots
        shape = table.loc[table["hotspot_id"] == hid].geometry.iloc[0]
    else:
        shape = w.loc[w["ward_name"] == target].union_all()
    return wdq(
        select(paths, wards_path, types, before),
        select(paths, wards_path, types, after),
        shape,
        area=study_area(wards_path),
        buffer_m=buffer_m,
    )


@st.cache_data(max_entries=8)
def cameras(path: str, range_m: float) -> CameraList:
    return read_cameras(path, default_range_m=range_m)


@st.cache_data(max_entries=16, show_spinner="Camera coverage...")
def cctv_result(
    paths, wards_path, types, period: str, cams_path: str, range_m: float, k: int
):
    inc = select(paths, wards_path, types, period)
    cams = cameras(cams_path, range_m)
    found = hotspot_result(paths, wards_path, types, period, None, None)
    cov = coverage(inc, cams.cameras, found.labels)
    return {
        "coverage": cov,
        "hotspots": found.table,
        "views": camera_views(cams.cameras),
        "sites": suggest_sites(inc, cams.cameras, found.labels, k=k, range_m=range_m),
        "notes": cams.notes,
    }


@st.cache_data(max_entries=16)
def cctv_before_after(paths, wards_path, types, cams_path, range_m, go_live):
    inc = loaded(paths, wards_path).incidents
    return before_after(
        inc.loc[_of_types(inc, types)],
        cameras(cams_path, range_m).cameras,
        go_live=go_live,
    )


@st.cache_data(max_entries=8, show_spinner="Writing the report...")
def report_html(
    paths, wards_path, types, before, after, population_path, cams_path, vintage
):
    from app.report import build_report

    both = loaded(paths, wards_path)
    b, a = parse_period(before), parse_period(after)
    keep = b.contains(both.incidents["month"]) | a.contains(both.incidents["month"])
    subset = LoadedIncidents(incidents=both.incidents.loc[keep], quality=both.quality)
    return build_report(
        subset,
        wards(wards_path),
        before=b,
        after=a,
        types=list(types),
        population=population(population_path),
        cameras=cameras(cams_path, 100.0) if cams_path else None,
        boundary_label=vintage,
    )


@st.cache_data(max_entries=8, show_spinner="Trends over the months...")
def trends_result(
    paths, wards_path, types, before: str, after: str
) -> gpd.GeoDataFrame:
    from geo.trends import emerging_hotspots

    b, a = parse_period(before), parse_period(after)
    start, end = min(b.start, a.start), max(b.end, a.end)
    span = parse_period(f"{start}:{end}")
    return emerging_hotspots(
        select(paths, wards_path, types, span.label), area=study_area(wards_path)
    )
