"""The only cached calls into geo: keyed on paths and scalars."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import streamlit as st

from geo.incidents import LoadedIncidents
from geo.load import load_incidents
from geo.synthetic import DEMO_LABEL, write_demo
from geo.wards import read_wards

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"
DEMO_BOUNDARIES = ROOT / "boundaries" / "demo"


@dataclass(frozen=True)
class Dataset:
    """Where the data in use comes from (hashable: used as a cache key)."""

    label: str
    incidents: tuple[str, ...]
    wards: dict | None = None
    cameras: str | None = None
    population: str | None = None
    synthetic: bool = False

    def __hash__(self) -> int:
        return hash((self.label, self.incidents, str(self.wards), self.cameras))


def demo_dataset() -> Dataset:
    if not (DEMO_DIR / "README.txt").exists():
        write_demo(DEMO_DIR, boundaries_out=DEMO_BOUNDARIES)
    return Dataset(
        label=DEMO_LABEL,
        incidents=(str(DEMO_DIR / "police_uk"),),
        wards={
            "2022 wards (before May 2023)": str(
                DEMO_BOUNDARIES / "sandbay_wards_2022.geojson"
            ),
            "2023 wards (from May 2023)": str(
                DEMO_BOUNDARIES / "sandbay_wards_2023.geojson"
            ),
        },
        cameras=str(DEMO_DIR / "sandbay_cctv_cameras.csv"),
        population=str(DEMO_DIR / "sandbay_ward_population.csv"),
        synthetic=True,
    )


def current_dataset() -> Dataset:
    return st.session_state.setdefault("dataset", demo_dataset())


@st.cache_data(max_entries=8, show_spinner="Reading boundaries...")
def wards(path: str) -> gpd.GeoDataFrame:
    return read_wards(path)


@st.cache_data(max_entries=8, show_spinner="Reading incidents...")
def incidents(paths: tuple[str, ...], wards_path: str) -> LoadedIncidents:
    return load_incidents(list(paths), wards=wards(wards_path))
