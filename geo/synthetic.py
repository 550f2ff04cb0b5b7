"""The demo dataset: a synthetic town, "Sandbay", NOT REAL DATA.

It mimics the structure of police.uk street-level data so that every part of the
tool can be shown and tested without real data: monthly CSVs in the police.uk
layout, locations snapped to a fixed set of anonymised map points, ASB peaking in
summer, several crime types, planted hotspots, one planted displacement, a camera
list with install dates, ward populations, and two boundary vintages (wards
redrawn in May 2023). Every file it writes says it is synthetic. The same seed
always gives the same files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.settings import ASB, WORKING_CRS

__all__ = [
    "DEMO_LABEL",
    "DEMO_SETS",
    "Demo",
    "PlantedHotspot",
    "generate_demo",
    "write_demo",
]

DEMO_LABEL = "SYNTHETIC DEMO DATA - a made-up place; no figure here is real"
"""Said on everything made from synthetic data: the demo (Sandbay) and the
synthetic force of the tests and benchmarks alike."""

DEMO_SETS = ("2023 wards (from May 2023)", "2022 wards (before May 2023)")
"""Names of the demo workspace's boundary sets: after and before the redraw."""

_CENTRE = (360_000.0, 460_000.0)  # BNG; open moorland, far from any real town data
_SEMI_AXES = (3_500.0, 4_500.0)
_FORCE = "Sandbay Constabulary (synthetic)"
_FIRST, _LAST = "2021-01", "2024-03"
_WARD_NAMES = [
    "Harbour",
    "Northgate",
    "Old Town",
    "Beacon",
    "Marsh End",
    "Kingsway",
    "Dunes",
    "Millfield",
    "Priory",
    "Southshore",
    "Westcliff",
    "Brookside",
]
_STREETS = [
    "Albert",
    "Victoria",
    "Station",
    "Church",
    "Park",
    "Queen",
    "Mill",
    "Chapel",
    "Bank",
    "Market",
    "Castle",
    "Bridge",
    "King",
    "North",
    "South",
    "West",
    "Grange",
    "Holly",
    "Orchard",
    "Marine",
    "Sea View",
    "Harbour",
    "Dock",
    "Vale",
]
_BACKGROUND = {  # mean incidents per month across the town
    ASB: 420,
    "Violence and sexual offences": 360,
    "Criminal damage and arson": 90,
    "Public order": 60,
    "Other theft": 60,
    "Shoplifting": 45,
    "Burglary": 40,
    "Vehicle crime": 35,
    "Drugs": 20,
}
_OUTCOMES = [
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Offender given a caution",
    "Awaiting court outcome",
    "Local resolution",
]


@dataclass(frozen=True, kw_only=True)
class PlantedHotspot:
    """A hotspot the generator planted: where, how big, when, what."""

    hotspot_id: str
    name: str
    centre: tuple[float, float]
    sigma_m: float
    per_month: float
    types: tuple[str, ...]
    start: str = _FIRST
    end: str = _LAST
    after_factor: float = 1.0
    after_month: str | None = None


@dataclass(frozen=True, kw_only=True)
class Demo:
    """The demo dataset in memory, with its planted truth."""

    rows: pd.DataFrame
    wards_before: gpd.GeoDataFrame
    wards_after: gpd.GeoDataFrame
    cameras: pd.DataFrame
    population: pd.DataFrame
    hotspots: tuple[PlantedHotspot, ...]
    displacement: dict = field(default_factory=dict)
    label: str = DEMO_LABEL


def generate_demo(seed: int = 20_230_501) -> Demo:
    """Generate the synthetic Sandbay dataset.

    Parameters
    ----------
    seed : int
        Random seed; the same seed gives the same data.

    Returns
    -------
    Demo
        ``rows`` in police.uk street CSV columns (2021-01 to 2024-03), two ward
        vintages, cameras, ward populations, and the planted hotspots and
        displacement (coordinates in EPSG:27700).
    """
    rng = np.random.default_rng(seed)
    outline = _outline()
    seeds = _ward_seeds(rng, outline)
    wards_before = _wards(seeds, outline, vintage="22")
    moved = seeds.copy()
    moved[[1, 4, 7]] += np.array([[420.0, -300.0], [-380.0, 350.0], [300.0, 420.0]])
    wards_after = _wards(moved, outline, vintage="23")
    hotspots, displacement = _planted()
    points = _map_points(rng, outline, busy=[h.centre for h in hotspots])
    rows = _incidents(rng, points, hotspots)
    cameras = _cameras(hotspots)
    population = _population(wards_before, points)
    return Demo(
        rows=rows,
        wards_before=wards_before,
        wards_after=wards_after,
        cameras=cameras,
        population=population,
        hotspots=hotspots,
        displacement=displacement,
    )


def _outline() -> shapely.Polygon:
    circle = shapely.Point(0, 0).buffer(1.0, quad_segs=32)
    scaled = shapely.affinity.scale(circle, *_SEMI_AXES, origin=(0, 0))
    return shapely.affinity.translate(scaled, *_CENTRE)


def _ward_seeds(rng: np.random.Generator, outline: shapely.Polygon) -> np.ndarray:
    cx, cy = _CENTRE
    angles = np.linspace(0, 2 * np.pi, 9, endpoint=False) + 0.3
    ring = np.column_stack([cx + 2400 * np.cos(angles), cy + 3100 * np.sin(angles)])
    inner = np.array([[cx - 700, cy + 600], [cx + 800, cy + 300], [cx, cy - 900]])
    seeds = np.vstack([inner, ring]) + rng.normal(0, 120, (12, 2))
    return seeds


def _wards(
    seeds: np.ndarray, outline: shapely.Polygon, *, vintage: str
) -> gpd.GeoDataFrame:
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=outline)
    cells = np.asarray(shapely.get_parts(cells))
    order = [
        int(np.flatnonzero(shapely.contains(cells, shapely.points(s)))[0])
        for s in seeds
    ]
    clipped = shapely.intersection(cells[order], outline)
    codes = [f"X050{vintage}{i:03d}" for i in range(1, len(seeds) + 1)]
    return gpd.GeoDataFrame(
        {f"WD{vintage}CD": codes, f"WD{vintage}NM": _WARD_NAMES[: len(seeds)]},
        geometry=clipped,
        crs=WORKING_CRS,
    )


def _map_points(
    rng: np.random.Generator, outline: shapely.Polygon, *, busy: list[tuple]
) -> pd.DataFrame:
    """Anonymised map points on a jittered 90 m lattice, about half of it kept."""
    minx, miny, maxx, maxy = outline.bounds
    xs = np.arange(minx, maxx, 90.0)
    ys = np.arange(miny, maxy, 90.0)
    gx, gy = np.meshgrid(xs, ys)
    col, row = np.meshgrid(np.arange(xs.size), np.arange(ys.size))
    x = gx.ravel() + rng.uniform(-30, 30, gx.size)
    y = gy.ravel() + rng.uniform(-30, 30, gy.size)
    # about half the lattice: police.uk's points sit on streets, not everywhere;
    # busy places (within 150 m of a planted hotspot) keep every street point
    near = np.zeros(x.size, bool)
    for bx, by in busy:
        near |= np.hypot(x - bx, y - by) < 150
    keep = (rng.random(gx.size) < 0.5) | near
    inside = shapely.contains_xy(outline, x, y) & keep
    row, col = row.ravel()[inside], col.ravel()[inside]
    street = np.where(
        (row + col) % 2 == 0,
        [f"{_STREETS[r % len(_STREETS)]} Road" for r in row],
        [f"{_STREETS[(c * 7) % len(_STREETS)]} Street" for c in col],
    )
    return pd.DataFrame(
        {"x": x[inside], "y": y[inside], "location": "On or near " + pd.Series(street)}
    )


def _planted() -> tuple[tuple[PlantedHotspot, ...], dict]:
    cx, cy = _CENTRE
    park = (cx - 1500.0, cy - 1800.0)
    moved = (park[0] + 450.0, park[1])
    hotspots = (
        PlantedHotspot(
            hotspot_id="H1",
            name="Town centre night-time economy",
            centre=(cx + 200, cy + 300),
            sigma_m=70,
            per_month=45,
            types=("Violence and sexual offences", ASB, "Public order"),
        ),
        PlantedHotspot(
            hotspot_id="H2",
            name="Retail park",
            centre=(cx + 1600, cy + 1200),
            sigma_m=60,
            per_month=32,
            types=("Shoplifting", ASB),
            after_factor=0.6,
            after_month="2022-10",
        ),
        PlantedHotspot(
            hotspot_id="H3",
            name="Seafront park (moves east in 2023)",
            centre=park,
            sigma_m=60,
            per_month=34,
            types=(ASB,),
            end="2022-12",
        ),
        PlantedHotspot(
            hotspot_id="H3b",
            name="Seafront park, displaced",
            centre=moved,
            sigma_m=60,
            per_month=34,
            types=(ASB,),
            start="2023-01",
        ),
        PlantedHotspot(
            hotspot_id="H4",
            name="Millfield estate",
            centre=(cx - 1800, cy + 2000),
            sigma_m=80,
            per_month=30,
            types=("Burglary", "Criminal damage and arson", ASB),
        ),
        PlantedHotspot(
            hotspot_id="H5",
            name="Station approach",
            centre=(cx + 900, cy - 1500),
            sigma_m=60,
            per_month=26,
            types=(ASB, "Other theft"),
        ),
    )
    displacement = {
        "hotspot": "H3",
        "to": "H3b",
        "month": "2023-01",
        "from_xy": park,
        "to_xy": moved,
        "shift_m": 450.0,
        "bearing_deg": 90.0,
    }
    return hotspots, displacement


def _months() -> list[str]:
    return [str(p) for p in pd.period_range(_FIRST, _LAST, freq="M")]


def _season(month: str) -> float:
    m = int(month[5:7])
    return 1.0 + 0.35 * np.cos(2 * np.pi * (m - 7) / 12)


def _incidents(
    rng: np.random.Generator, points: pd.DataFrame, hotspots: tuple[PlantedHotspot, ...]
) -> pd.DataFrame:
    px, py = points["x"].to_numpy(), points["y"].to_numpy()
    cx, cy = _CENTRE
    dist = np.hypot(px - cx, py - cy)
    weight = 0.35 + np.exp(-((dist / 1800.0) ** 2))
    weight /= weight.sum()
    tree = shapely.STRtree(shapely.points(px, py))
    parts = []
    for month in _months():
        for ctype, mean in _BACKGROUND.items():
            rate = mean * (_season(month) if ctype == ASB else 1.0)
            n = rng.poisson(rate)
            idx = rng.choice(px.size, size=n, p=weight)
            parts.append(pd.DataFrame({"point": idx, "month": month, "type": ctype}))
        for h in hotspots:
            if not h.start <= month <= h.end:
                continue
            factor = h.after_factor if h.after_month and month >= h.after_month else 1.0
            n = rng.poisson(h.per_month * factor * _season(month))
            xy = rng.normal(h.centre, h.sigma_m, size=(n, 2))
            idx = tree.nearest(shapely.points(xy))
            types = rng.choice(list(h.types), size=n)
            parts.append(pd.DataFrame({"point": idx, "month": month, "type": types}))
    events = pd.concat(parts, ignore_index=True)
    return _police_uk_rows(rng, events, points)


def _police_uk_rows(
    rng: np.random.Generator, events: pd.DataFrame, points: pd.DataFrame
) -> pd.DataFrame:
    to_lonlat = Transformer.from_crs(WORKING_CRS, "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(points["x"].to_numpy(), points["y"].to_numpy())
    p = events["point"].to_numpy()
    n = len(events)
    is_asb = (events["type"] == ASB).to_numpy()
    ids = np.array([f"{v:064x}" for v in rng.integers(0, 2**62, n)], dtype=object)
    lsoa = (points["x"] // 700).astype(int) * 1000 + (points["y"] // 700).astype(int)
    lsoa_code = "X01" + (lsoa.rank(method="dense").astype(int)).map("{:06d}".format)
    rows = pd.DataFrame(
        {
            "Crime ID": np.where(is_asb, "", ids),
            "Month": events["month"].to_numpy(),
            "Reported by": _FORCE,
            "Falls within": _FORCE,
            "Longitude": np.round(lon[p], 6),
            "Latitude": np.round(lat[p], 6),
            "Location": points["location"].to_numpy()[p],
            "LSOA code": lsoa_code.to_numpy()[p],
            "LSOA name": "Sandbay " + lsoa_code.str[-3:].to_numpy()[p],
            "Crime type": events["type"].to_numpy(),
            "Last outcome category": np.where(
                is_asb, "", rng.choice(_OUTCOMES, size=n)
            ),
            "Context": "",
        }
    )
    no_location = rng.random(n) < 0.005
    rows["Longitude"] = rows["Longitude"].astype(object)
    rows["Latitude"] = rows["Latitude"].astype(object)
    rows.loc[no_location, ["Longitude", "Latitude", "LSOA code", "LSOA name"]] = ""
    rows.loc[no_location, "Location"] = "No Location"
    return rows.sort_values("Month", kind="stable").reset_index(drop=True)


def _cameras(hotspots: tuple[PlantedHotspot, ...]) -> pd.DataFrame:
    by_id = {h.hotspot_id: h.centre for h in hotspots}
    cx, cy = _CENTRE
    spec = [  # (near, dx, dy, range_m, bearing, fov, install_date, purpose)
        ("H1", -60, 40, None, None, None, "", "Town centre"),
        ("H1", 70, -50, None, None, None, "", "Town centre"),
        ("H1", 10, 110, 120, 180, 90, "", "Town centre"),
        ("H1", -120, -90, 100, 45, 70, "", "Town centre"),
        ("H2", -40, 0, 110, 90, 100, "2022-10-01", "Retail park (new)"),
        ("H2", 60, 50, 110, 225, 100, "2022-10-01", "Retail park (new)"),
        ("H2", 20, -70, 110, 0, 100, "2022-10-01", "Retail park (new)"),
        ("H5", 150, 120, None, None, None, "", "Station car park"),
        ("C", 0, 0, None, None, None, "", "Civic centre"),
        ("C", -900, 1100, None, None, None, "", "Library"),
        ("C", 1300, -400, 80, 270, 60, "", "Bus station"),
        ("C", -400, -2600, None, None, None, "", "Leisure centre"),
    ]
    rows = []
    to_lonlat = Transformer.from_crs(WORKING_CRS, "EPSG:4326", always_xy=True)
    for i, (near, dx, dy, rng_m, bearing, fov, date, purpose) in enumerate(spec, 1):
        bx, by = by_id.get(near, (cx, cy))
        lon, lat = to_lonlat.transform(bx + dx, by + dy)
        rows.append(
            {
                "camera_id": f"SB{i:03d}",
                "location": f"{purpose} camera {i}",
                "longitude": round(lon, 6),
                "latitude": round(lat, 6),
                "range_m": rng_m,
                "bearing": bearing,
                "fov": fov,
                "install_date": date,
                "purpose": purpose,
            }
        )
    return pd.DataFrame(rows)


def _population(wards: gpd.GeoDataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Residents per ward: proportional to the map points (streets) it holds."""
    pts = shapely.points(points["x"].to_numpy(), points["y"].to_numpy())
    _, ward_idx = wards.sindex.query(pts, predicate="intersects")
    per_ward = np.bincount(ward_idx, minlength=len(wards))
    return pd.DataFrame(
        {
            "ward_code": wards.iloc[:, 0].to_numpy(),
            "ward_name": wards.iloc[:, 1].to_numpy(),
            "population": (per_ward * 21 + 1500).astype(int),
        }
    )


def write_demo(
    out: str | Path, *, boundaries_out: str | Path | None = None, seed: int = 20_230_501
) -> dict[str, Path]:
    """Write the demo dataset as files, in the layouts real data comes in.

    Parameters
    ----------
    out : str or Path
        Folder for ``police_uk/YYYY-MM/YYYY-MM-sandbay-street.csv``, the camera
        list, the population file, ``planted_truth.json``, the demo workspace
        ``sandbay.duckdb`` (all of it imported) and ``README.txt`` (last).
    boundaries_out : str or Path, optional
        Folder for the two ward GeoJSON files (``out`` when omitted).
    seed : int
        Random seed.

    Returns
    -------
    dict
        Paths of what was written, by role.
    """
    demo = generate_demo(seed)
    out = Path(out)
    bounds = Path(boundaries_out) if boundaries_out else out
    for folder in (out, bounds):
        folder.mkdir(parents=True, exist_ok=True)
    for month, rows in demo.rows.groupby("Month", sort=True):
        folder = out / "police_uk" / month
        folder.mkdir(parents=True, exist_ok=True)
        rows.to_csv(folder / f"{month}-sandbay-street.csv", index=False)
    paths = {
        "incidents": out / "police_uk",
        "wards_before": bounds / "sandbay_wards_2022.geojson",
        "wards_after": bounds / "sandbay_wards_2023.geojson",
        "cameras": out / "sandbay_cctv_cameras.csv",
        "population": out / "sandbay_ward_population.csv",
        "truth": out / "planted_truth.json",
    }
    demo.wards_before.to_crs("EPSG:4326").to_file(
        paths["wards_before"], driver="GeoJSON"
    )
    demo.wards_after.to_crs("EPSG:4326").to_file(paths["wards_after"], driver="GeoJSON")
    demo.cameras.to_csv(paths["cameras"], index=False)
    demo.population.to_csv(paths["population"], index=False)
    truth = {
        "label": DEMO_LABEL,
        "seed": seed,
        "hotspots": [h.__dict__ for h in demo.hotspots],
        "displacement": demo.displacement,
    }
    paths["truth"].write_text(json.dumps(truth, indent=2, default=list))
    paths["workspace"] = _demo_workspace(out / "sandbay.duckdb", paths)
    (out / "README.txt").write_text(
        f"{DEMO_LABEL}\n\nGenerated by `hotspot-map demo` (seed {seed}). police.uk "
        "street CSV layout, 2021-01 to 2024-03; wards redrawn in May 2023 "
        "(sandbay_wards_2022/2023.geojson). planted_truth.json lists the planted "
        "hotspots and the displacement. sandbay.duckdb is the demo workspace: "
        "all of it imported, as `hotspot-map import` would.\n"
    )
    return paths


def _demo_workspace(path: Path, paths: dict[str, Path]) -> Path:
    """Import the demo files into a fresh workspace, as a user would."""
    from geo.workspace import Workspace  # the store needs the readers: import late

    path.unlink(missing_ok=True)
    ws = Workspace(path)
    ws.import_boundaries(paths["wards_after"], name=DEMO_SETS[0])
    ws.import_boundaries(
        paths["wards_before"], name=DEMO_SETS[1], population=paths["population"]
    )
    ws.import_incidents(paths["incidents"])
    ws.import_cameras(paths["cameras"])
    return path
