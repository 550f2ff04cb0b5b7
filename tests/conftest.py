"""Shared fixtures: tiny geometries checkable on paper, and the real data folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import box

from geo.settings import WORKING_CRS

ROOT = Path(__file__).resolve().parents[1]
POLICE_COLUMNS = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
    "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category",
    "Context",
]  # fmt: skip
TO_LONLAT = Transformer.from_crs(WORKING_CRS, "EPSG:4326", always_xy=True)
APP = str(ROOT / "app" / "streamlit_app.py")
"""The Streamlit app's entry point, for AppTest."""
PAGES = [
    "app_pages/hotspots_page.py",
    "app_pages/wards_page.py",
    "app_pages/years_page.py",
    "app_pages/displacement_page.py",
    "app_pages/cctv_page.py",
    "app_pages/data_page.py",
]
"""The app's pages, in the order of its navigation."""
ORIGIN = (330_000.0, 436_000.0)
"""BNG origin of the tiny fixtures (Blackpool), so lon/lat round trips are real."""


def shared_data() -> Path | None:
    env = os.environ.get("HOTSPOT_SHARED_DATA")
    path = Path(env) if env else ROOT.parent / "shared" / "data"
    return path if (path / "police_uk").is_dir() else None


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real police.uk/ONS folder; skips the test when it is absent."""
    path = shared_data()
    if path is None:
        pytest.skip(
            "real data not found: set HOTSPOT_SHARED_DATA or add ../shared/data"
        )
    return path


@pytest.fixture
def wards() -> gpd.GeoDataFrame:
    """Two 100 m squares from ORIGIN: ward A spans x 0-100, ward B x 100-200."""
    ox, oy = ORIGIN
    squares = [box(ox, oy, ox + 100, oy + 100), box(ox + 100, oy, ox + 200, oy + 100)]
    return gpd.GeoDataFrame(
        {"ward_code": ["A", "B"], "ward_name": ["Ward A", "Ward B"]},
        geometry=squares,
        crs=WORKING_CRS,
    )


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    """Longitude/latitude of the point (dx, dy) metres from ORIGIN."""
    lon, lat = TO_LONLAT.transform(ORIGIN[0] + dx, ORIGIN[1] + dy)
    return round(lon, 8), round(lat, 8)


def police_row(
    dx: float | None, dy: float | None, month: str = "2022-01", **kw
) -> dict:
    """One police.uk street row at (dx, dy) metres from ORIGIN (None: no location)."""
    lon, lat = ("", "") if dx is None else lonlat(dx, dy)
    row = dict.fromkeys(POLICE_COLUMNS, "")
    row.update(
        {
            "Month": month,
            "Reported by": "Test Constabulary",
            "Falls within": "Test Constabulary",
            "Longitude": lon,
            "Latitude": lat,
            "Location": "On or near Test Street",
            "LSOA code": "E01000001",
            "Crime type": "Anti-social behaviour",
        }
    )
    row.update(kw)
    return row


@pytest.fixture
def write_police(tmp_path: Path) -> Callable[..., Path]:
    """Write police.uk street rows to ``tmp_path/name`` and return the path."""

    def write(rows: list[dict], name: str = "2022-01-test-street.csv") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows, columns=POLICE_COLUMNS).to_csv(path, index=False)
        return path

    return write


def mixed_rows() -> list[dict]:
    """Six police.uk rows around the ``wards`` fixture: ASB over three months,
    one burglary, one 30 m outside ward B (nearest), one far outside."""
    return [
        police_row(50, 50, month="2022-01"),
        police_row(150, 50, month="2022-02"),
        police_row(150, 50, month="2022-02", **{"Crime type": "Burglary"}),
        police_row(50, 50, month="2022-06"),
        police_row(150, 130, month="2022-01"),  # 30 m north of B: nearest
        police_row(900, 50, month="2022-01"),  # far away: outside
    ]
