"""A synthetic police force, NOT REAL DATA: towns in a large, mostly rural area.

For tests and benchmarks at force scale: about 3,100 km² (56 km square) holding
a dozen towns of different sizes, whose police.uk-style map points are dense in
town centres and sparse in one small town and across the countryside. Incidents
follow the towns, with planted hotspots, one of them a compact hotspot spread
over a few map points about 110 m apart. Every incident is snapped to its nearest
map point, as police.uk does. The same seed gives the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geo.settings import ASB, WORKING_CRS

__all__ = ["FORCE_LABEL", "ForceDemo", "Town", "generate_force", "write_force"]

FORCE_LABEL = "Shirefold Constabulary (synthetic)"
"""The synthetic force's name: every row says it is not real."""

_ORIGIN = (400_000.0, 300_000.0)
_SIDE = 56_000.0
_TYPES = {
    ASB: 0.62,
    "Violence and sexual offences": 0.25,
    "Criminal damage and arson": 0.13,
}


@dataclass(frozen=True, kw_only=True)
class Town:
    """A town: where, how big, how busy, and how far apart its map points are."""

    name: str
    centre: tuple[float, float]
    radius_m: float
    share: float
    spacing_m: float


@dataclass(frozen=True, kw_only=True)
class ForceDemo:
    """The synthetic force: police.uk rows, wards, towns and planted hotspots.

    ``hotspots`` has ``name, x, y, sigma_m, per_month, sparse`` (sparse: spread
    over map points about 110 m apart).
    """

    rows: pd.DataFrame
    wards: gpd.GeoDataFrame
    towns: tuple[Town, ...]
    hotspots: pd.DataFrame
    area_m2: float


def _towns() -> tuple[Town, ...]:
    ox, oy = _ORIGIN
    spec = [
        ("Ashbury", (14_000, 40_000), 4_000, 0.20, 55),
        ("Brackton", (41_000, 16_000), 3_800, 0.18, 55),
        ("Colne Vale", (30_000, 30_000), 2_600, 0.10, 60),
        ("Dunmere", (45_000, 44_000), 2_400, 0.09, 60),
        ("Elmstead", (10_000, 12_000), 2_300, 0.08, 65),
        ("Fairholm", (24_000, 50_000), 2_000, 0.07, 65),
        ("Garth", (50_000, 28_000), 1_300, 0.035, 70),
        ("Hollin", (6_000, 28_000), 1_200, 0.03, 70),
        ("Ivybridge", (34_000, 6_000), 1_100, 0.03, 75),
        ("Kelda", (20_000, 22_000), 1_000, 0.025, 110),  # sparse map points
        ("Lanthorn", (38_000, 52_000), 1_000, 0.025, 75),
        ("Marlow End", (52_000, 8_000), 900, 0.02, 80),
    ]
    return tuple(
        Town(
            name=name,
            centre=(ox + dx, oy + dy),
            radius_m=r,
            share=share,
            spacing_m=spacing,
        )
        for name, (dx, dy), r, share, spacing in spec
    )


def _planted(towns: tuple[Town, ...]) -> pd.DataFrame:
    """Two compact hotspots in each large or medium town; one on sparse points."""
    rows = []
    for town in towns[:6]:
        cx, cy = town.centre
        rows.append((f"{town.name} centre", cx + 150, cy - 100, 45.0, 70.0, False))
        rows.append((f"{town.name} station", cx - 900, cy + 700, 40.0, 45.0, False))
    kelda = next(t for t in towns if t.name == "Kelda")
    rows.append(("Kelda market", kelda.centre[0], kelda.centre[1], 110.0, 60.0, True))
    return pd.DataFrame(
        rows, columns=["name", "x", "y", "sigma_m", "per_month", "sparse"]
    )


def _map_points(rng: np.random.Generator, towns: tuple[Town, ...]) -> np.ndarray:
    """Jittered street lattices in towns, and sparse points across the country."""
    parts = []
    for town in towns:
        cx, cy = town.centre
        step = town.spacing_m
        g = np.arange(-town.radius_m, town.radius_m + step, step)
        gx, gy = np.meshgrid(g, g)
        x = cx + gx.ravel() + rng.uniform(-0.2, 0.2, gx.size) * step
        y = cy + gy.ravel() + rng.uniform(-0.2, 0.2, gy.size) * step
        inside = np.hypot(x - cx, y - cy) <= town.radius_m
        keep = inside & (rng.random(x.size) < 0.8)
        parts.append(np.column_stack([x[keep], y[keep]]))
    rural = rng.uniform(0, _SIDE, (int(_SIDE**2 / 1e6 * 2.5), 2)) + np.array(_ORIGIN)
    parts.append(rural)
    return np.unique(np.round(np.vstack(parts), 1), axis=0)


def generate_force(
    seed: int = 7,
    *,
    months: int = 12,
    per_month: float = 6_500.0,
    first: str = "2022-01",
) -> ForceDemo:
    """Generate the synthetic force's incidents for ``months`` months.

    Parameters
    ----------
    seed : int
        Random seed.
    months : int
        Months of data, from ``first``.
    per_month : float
        Mean incidents a month across the force (all types).
    first : str
        The first month, ``YYYY-MM``.

    Returns
    -------
    ForceDemo
    """
    rng = np.random.default_rng(seed)
    towns = _towns()
    planted = _planted(towns)
    points = _map_points(rng, towns)
    tree = cKDTree(points)
    parts = []
    for month in pd.period_range(first, periods=months, freq="M").astype(str):
        n = rng.poisson(per_month)
        n_rural = int(n * 0.04)
        xy = [rng.uniform(0, _SIDE, (n_rural, 2)) + np.array(_ORIGIN)]
        share = np.array([t.share for t in towns])
        counts = rng.multinomial(n - n_rural, share / share.sum())
        for town, c in zip(towns, counts, strict=True):
            spread = town.radius_m / 2.2
            xy.append(rng.normal(town.centre, spread, (c, 2)))
        for h in planted.itertuples():
            c = rng.poisson(h.per_month)
            xy.append(rng.normal((h.x, h.y), h.sigma_m, (c, 2)))
        xy = np.vstack(xy)
        _, idx = tree.query(xy)  # snapped to the nearest map point
        parts.append(pd.DataFrame({"point": idx, "month": month}))
    events = pd.concat(parts, ignore_index=True)
    events["type"] = rng.choice(list(_TYPES), size=len(events), p=list(_TYPES.values()))
    return ForceDemo(
        rows=_rows(events, points),
        wards=_wards(),
        towns=towns,
        hotspots=planted,
        area_m2=_SIDE**2,
    )


def write_force(force: ForceDemo, out: Path) -> tuple[Path, Path]:
    """Write the force as police.uk monthly files and its wards as GeoJSON.

    Returns the folder of ``YYYY-MM/YYYY-MM-shirefold-street.csv`` files and
    the wards file (``out/force_wards.geojson``).
    """
    folder = Path(out) / "police_uk"
    for month, rows in force.rows.groupby("Month"):
        (folder / month).mkdir(parents=True, exist_ok=True)
        rows.to_csv(folder / month / f"{month}-shirefold-street.csv", index=False)
    wards = Path(out) / "force_wards.geojson"
    force.wards.to_crs("EPSG:4326").to_file(wards)
    return folder, wards


def _rows(events: pd.DataFrame, points: np.ndarray) -> pd.DataFrame:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(WORKING_CRS, "EPSG:4326", always_xy=True).transform(
        points[:, 0], points[:, 1]
    )
    p = events["point"].to_numpy()
    return pd.DataFrame(
        {
            "Crime ID": "",
            "Month": events["month"].to_numpy(),
            "Reported by": FORCE_LABEL,
            "Falls within": FORCE_LABEL,
            "Longitude": np.round(lon[p], 6),
            "Latitude": np.round(lat[p], 6),
            "Location": [f"On or near Street {i % 4000}" for i in p],
            "LSOA code": "X01000001",
            "LSOA name": "Shirefold 001A",
            "Crime type": events["type"].to_numpy(),
            "Last outcome category": "",
            "Context": "",
        }
    )


def _wards() -> gpd.GeoDataFrame:
    """Cut the force into a 7 x 7 grid of 8 km squares (its wards)."""
    ox, oy = _ORIGIN
    step = _SIDE / 7
    cells = [
        shapely.box(
            ox + i * step, oy + j * step, ox + (i + 1) * step, oy + (j + 1) * step
        )
        for i in range(7)
        for j in range(7)
    ]
    codes = [f"X05{k:06d}" for k in range(len(cells))]
    return gpd.GeoDataFrame(
        {"ward_code": codes, "ward_name": [f"Ward {k + 1}" for k in range(len(cells))]},
        geometry=cells,
        crs=WORKING_CRS,
    )
