"""CCTV: camera coverage of hotspots, the gaps, new sites, and before/after.

A camera with a bearing and field of view sees a sector (bearing in degrees
clockwise from north, field of view in degrees, range in metres); without them a
full circle. A camera without a range gets :data:`DEFAULT_CAMERA_RANGE_M`, said so
in every output. Coverage is computed exactly (distance and angle), not from the
polygon drawn on the map: a point at exactly the range, or on a sector's edge,
counts as covered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo._columns import CAMERA_ALIASES, match_aliases, parse_dates
from geo._points import point_xy
from geo._stats import binomial_p
from geo._validate import require_min_int, require_positive, require_projected
from geo._vector import read_vector
from geo.errors import GeoInputError
from geo.periods import parse_month
from geo.settings import DEFAULT_CAMERA_RANGE_M, WORKING_CRS

__all__ = [
    "BRIEF_MONTHS",
    "COVERAGE_COLUMNS",
    "UNDER_COVERED",
    "BeforeAfter",
    "CCTVAssessment",
    "CameraList",
    "Coverage",
    "Impact",
    "assessed_cameras",
    "before_after",
    "camera_views",
    "cctv_assessment",
    "coverage",
    "covered_by",
    "impact",
    "read_cameras",
    "register_cameras",
    "suggest_sites",
]

UNDER_COVERED = 0.5
"""A hotspot is under-covered when less than this share of its incidents are
in camera view."""

BRIEF_MONTHS = 12
"""Months either side of the go-live month that a before/after compares."""

COVERAGE_COLUMNS = [
    "hotspot_id",
    "incidents",
    "covered_incidents",
    "covered_share",
    "cameras",
]
"""The contract's coverage columns."""


@dataclass(frozen=True)
class CameraList:
    """Cameras in the working CRS, and what was dropped or questionable."""

    cameras: gpd.GeoDataFrame
    read: int
    dropped: dict[str, int]
    notes: list[str] = field(default_factory=list)


def read_cameras(
    path: str | Path, *, default_range_m: float = DEFAULT_CAMERA_RANGE_M
) -> CameraList:
    """Read a camera list: CSV (longitude/latitude, easting/northing) or vector file.

    Optional columns: range in metres, bearing, field of view, install date,
    purpose. Cameras without coordinates are dropped and counted; duplicate ids
    are kept and reported, never merged.

    Raises
    ------
    GeoInputError
        An unreadable file, no coordinate columns, a negative or zero range, a
        bearing outside 0-360 or a field of view outside 1-360 (naming the row).
    """
    require_positive(default_range_m, name="default_range_m", unit=" metres")
    raw, xy = _read(Path(path))
    cols = match_aliases(raw.columns, CAMERA_ALIASES)
    if xy is None:
        xy = _coordinates(raw, cols, path)
    missing = ~np.isfinite(xy).all(axis=1)
    n = len(raw)
    ids = (
        raw[cols["camera_id"]].astype(str)
        if "camera_id" in cols
        else pd.Series([f"camera {i + 1}" for i in range(n)], index=raw.index)
    )
    out = pd.DataFrame(
        {
            "camera_id": ids.to_numpy(),
            "location": _text(raw, cols, "location"),
            "range_m": _number(raw, cols, "range_m", path),
            "bearing": _number(raw, cols, "bearing", path),
            "fov": _number(raw, cols, "fov", path),
            "install_date": _dates(_text(raw, cols, "install_date")),
            "purpose": _text(raw, cols, "purpose"),
        }
    )
    _check_values(out, path)
    out["range_source"] = np.where(out["range_m"].isna(), "default", "given")
    cams = gpd.GeoDataFrame(
        out.loc[~missing],
        geometry=gpd.points_from_xy(xy[~missing, 0], xy[~missing, 1]),
        crs=WORKING_CRS,
    ).reset_index(drop=True)
    cams, notes = _default_range(cams, default_range_m)
    dup = cams["camera_id"][cams["camera_id"].duplicated(keep=False)].unique()
    if dup.size:
        notes.append(
            "Duplicate camera ids kept as separate cameras: "
            f"{', '.join(map(str, dup[:10]))}."
        )
    dropped = {"no coordinates": int(missing.sum())} if missing.any() else {}
    if missing.any():
        notes.append(
            f"{int(missing.sum())} camera(s) without coordinates were left out."
        )
    if cams.empty:
        msg = f"camera list {str(path)!r} has no camera with coordinates."
        raise GeoInputError(msg)
    return CameraList(cameras=cams, read=n, dropped=dropped, notes=notes)


def register_cameras(
    cameras: gpd.GeoDataFrame, *, default_range_m: float, note: str = ""
) -> CameraList:
    """Make a :class:`CameraList` of cameras from a workspace's register.

    Cameras that gave no range get ``default_range_m``, said in the notes as
    for a file.
    """
    require_positive(default_range_m, name="default_range_m", unit=" metres")
    cams, notes = _default_range(cameras, default_range_m)
    return CameraList(cams, len(cams), {}, [note, *notes] if note else notes)


def _default_range(
    cams: gpd.GeoDataFrame, default_range_m: float
) -> tuple[gpd.GeoDataFrame, list[str]]:
    default = (cams["range_source"] == "default").to_numpy()
    cams = cams.copy()
    cams.loc[default, "range_m"] = float(default_range_m)
    if not default.any():
        return cams, []
    note = (
        f"{int(default.sum())} camera(s) have no range: a full circle of "
        f"{default_range_m:g} m is assumed."
    )
    return cams, [note]


def _read(path: Path) -> tuple[pd.DataFrame, np.ndarray | None]:
    if not path.exists():
        msg = f"camera list {str(path)!r} does not exist; check the path."
        raise GeoInputError(msg)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        try:
            raw = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                sep=None,
                engine="python",
                encoding="utf-8-sig",
            )
        except (
            pd.errors.ParserError,
            UnicodeDecodeError,
            pd.errors.EmptyDataError,
        ) as err:
            msg = f"camera list {str(path)!r} is not a readable CSV ({err})."
            raise GeoInputError(msg) from err
        return raw, None
    gdf = read_vector(path, role="camera list")
    geom = gdf.to_crs(WORKING_CRS).geometry
    ok = (geom.geom_type == "Point").to_numpy() & ~geom.is_empty.to_numpy()
    xy = np.full((len(gdf), 2), np.nan)
    xy[ok] = np.column_stack([geom[ok].x, geom[ok].y])
    raw = (
        pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        .astype(str)
        .replace({"None": "", "nan": ""})
    )
    return raw, xy


def _coordinates(raw: pd.DataFrame, cols: dict, path) -> np.ndarray:
    if "lon" in cols and "lat" in cols:
        lon = pd.to_numeric(raw[cols["lon"]], errors="coerce").to_numpy()
        lat = pd.to_numeric(raw[cols["lat"]], errors="coerce").to_numpy()
        tr = Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
        x, y = tr.transform(lon, lat)
        return np.column_stack([x, y])
    if "x" in cols and "y" in cols:
        return np.column_stack(
            [
                pd.to_numeric(raw[cols[c]], errors="coerce").to_numpy()
                for c in ("x", "y")
            ]
        )
    msg = (
        f"camera list {str(path)!r} has no coordinate columns (longitude/latitude or "
        f"easting/northing); it has {list(raw.columns)}."
    )
    raise GeoInputError(msg)


def _dates(text: np.ndarray) -> np.ndarray:
    return parse_dates(pd.Series(text, dtype=str)).to_numpy()


def _text(raw: pd.DataFrame, cols: dict, field_: str) -> np.ndarray:
    if field_ not in cols:
        return np.full(len(raw), "", dtype=object)
    return raw[cols[field_]].astype(str).str.strip().to_numpy()


def _number(raw: pd.DataFrame, cols: dict, field_: str, path) -> np.ndarray:
    if field_ not in cols:
        return np.full(len(raw), np.nan)
    text = raw[cols[field_]].astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & (text != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        msg = (
            f"camera list {str(path)!r}, row {row + 2}: {field_} "
            f"{text.iloc[row]!r} is not a number."
        )
        raise GeoInputError(msg)
    return values.to_numpy(dtype=float)


def _check_values(out: pd.DataFrame, path) -> None:
    checks = [
        ("range_m", lambda v: v > 0, "a range must be above 0 metres"),
        (
            "bearing",
            lambda v: (v >= 0) & (v <= 360),
            "a bearing is 0 to 360 degrees from north",
        ),
        ("fov", lambda v: (v > 0) & (v <= 360), "a field of view is 1 to 360 degrees"),
    ]
    for col, ok, rule in checks:
        values = out[col]
        bad = values.notna() & ~ok(values)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            msg = (
                f"camera list {str(path)!r}, row {row + 2} (camera "
                f"{out['camera_id'].iloc[row]!r}): {col} {values.iloc[row]:g} is not "
                f"valid; {rule}."
            )
            raise GeoInputError(msg)


def camera_views(cameras: gpd.GeoDataFrame, *, segments: int = 24) -> gpd.GeoDataFrame:
    """Each camera's view as a polygon (sector or circle), for maps.

    Coverage itself is computed exactly by :func:`covered_by`, not from these.
    """
    polys = []
    for pt, r, bearing, fov in zip(
        cameras.geometry,
        cameras["range_m"],
        cameras["bearing"],
        cameras["fov"],
        strict=True,
    ):
        if pd.isna(bearing) or pd.isna(fov) or fov >= 360:
            polys.append(pt.buffer(r, quad_segs=segments // 4 * 2))
            continue
        angles = np.radians(np.linspace(bearing - fov / 2, bearing + fov / 2, segments))
        arc = np.column_stack([pt.x + r * np.sin(angles), pt.y + r * np.cos(angles)])
        polys.append(shapely.Polygon([(pt.x, pt.y), *arc.tolist()]))
    out = cameras.drop(columns="geometry").copy()
    return gpd.GeoDataFrame(out, geometry=polys, crs=cameras.crs)


def covered_by(
    points: gpd.GeoDataFrame, cameras: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (point position, camera position) where the camera sees the point.

    A point is seen when its distance is at most the camera's range and, for a
    camera with a bearing and field of view, its direction is within half the
    field of view of the bearing (edges included).

    Examples
    --------
    >>> cams = gpd.GeoDataFrame({"range_m": [100.0], "bearing": [90.0], "fov": [60.0]},
    ...     geometry=gpd.points_from_xy([0], [0]), crs=WORKING_CRS)
    >>> pts = gpd.GeoDataFrame(
    ...     geometry=gpd.points_from_xy([50, 0, 100, 101], [0, 50, 0, 0]),
    ...     crs=WORKING_CRS)
    >>> covered_by(pts, cams)[0].tolist()
    [0, 2]
    """
    require_projected(points, name="points")
    if points.empty or cameras.empty:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    reach = float(cameras["range_m"].max())
    tree = shapely.STRtree(cameras.geometry.to_numpy())
    pt, cam = tree.query(
        points.geometry.to_numpy(), predicate="dwithin", distance=reach
    )
    px, py = (v[pt] for v in point_xy(points))
    cx, cy = (v[cam] for v in point_xy(cameras))
    dx, dy = px - cx, py - cy
    within = np.hypot(dx, dy) <= cameras["range_m"].to_numpy()[cam] * (1 + 1e-12)
    bearing = cameras["bearing"].to_numpy(dtype=float)[cam]
    fov = cameras["fov"].to_numpy(dtype=float)[cam]
    directed = np.isfinite(bearing) & np.isfinite(fov) & (fov < 360)
    angle = np.degrees(np.arctan2(dx, dy)) % 360
    off = np.abs((angle - np.nan_to_num(bearing) + 180) % 360 - 180)
    at_camera = (dx == 0) & (dy == 0)
    in_view = ~directed | at_camera | (off <= np.nan_to_num(fov) / 2 + 1e-9)
    keep = within & in_view
    return pt[keep], cam[keep]


@dataclass(frozen=True)
class Coverage:
    """Camera coverage of a period's incidents and hotspots."""

    table: pd.DataFrame
    uncovered: pd.DataFrame
    covered: np.ndarray
    notes: list[str] = field(default_factory=list)


def coverage(
    incidents: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    hotspot_labels: pd.Series,
) -> Coverage:
    """Share of each hotspot's incidents inside camera coverage, and overall.

    Parameters
    ----------
    incidents : GeoDataFrame
        One period's incidents.
    cameras : GeoDataFrame
        From :func:`read_cameras`.
    hotspot_labels : Series
        Hotspot number of each incident (:func:`geo.hotspots.find_hotspots`).

    Returns
    -------
    Coverage
        ``table``: :data:`COVERAGE_COLUMNS`, one row per hotspot then a row
        ``all`` counting every incident of the period; ``uncovered``: hotspots
        with under :data:`UNDER_COVERED` of their incidents covered, ranked by
        incidents;
        ``covered``: a boolean per incident.
    """
    pt, cam = covered_by(incidents, cameras)
    covered = np.zeros(len(incidents), bool)
    covered[pt] = True
    labels = hotspot_labels.to_numpy()
    ids = cameras["camera_id"].astype(str).to_numpy()
    rows = []
    for h in sorted(set(labels[labels > 0])):
        inside = labels == h
        seen = np.flatnonzero(inside)
        cams = sorted(set(ids[cam[np.isin(pt, seen)]]))
        n, c = int(inside.sum()), int(covered[inside].sum())
        rows.append(
            {
                "hotspot_id": str(h),
                "incidents": n,
                "covered_incidents": c,
                "covered_share": round(c / n, 3),
                "cameras": "; ".join(cams),
            }
        )
    total = len(incidents)
    rows.append(
        {
            "hotspot_id": "all",
            "incidents": total,
            "covered_incidents": int(covered.sum()),
            "covered_share": round(covered.sum() / total, 3) if total else float("nan"),
            "cameras": f"{len(cameras)} cameras",
        }
    )
    table = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    spots = table[table["hotspot_id"] != "all"]
    uncovered = spots[spots["covered_share"] < UNDER_COVERED].sort_values(
        "incidents", ascending=False, kind="stable"
    )
    return Coverage(table=table, uncovered=uncovered, covered=covered)


def suggest_sites(
    incidents: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    hotspot_labels: pd.Series,
    *,
    k: int = 3,
    range_m: float = DEFAULT_CAMERA_RANGE_M,
) -> gpd.GeoDataFrame:
    """Pick K new camera sites that cover the most incidents not yet covered.

    Greedy maximal covering: candidate sites are the distinct locations of the
    hotspots' incidents; each new camera sees a full circle of ``range_m``; at
    each step the site covering the most still-uncovered incidents is taken
    (ties: the lower candidate position). The existing cameras stay fixed.

    Returns
    -------
    GeoDataFrame
        ``order`` (1 = first pick), ``gain`` (incidents newly covered),
        ``cumulative_share`` of the period's incidents covered after the pick,
        and the circle of each new camera.
    """
    require_min_int(k, 1, name="k")
    require_positive(range_m, name="range_m", unit=" metres")
    pt, _ = covered_by(incidents, cameras)
    uncovered = np.ones(len(incidents), bool)
    uncovered[pt] = False
    labels = hotspot_labels.to_numpy()
    xs, ys = point_xy(incidents)
    cand = pd.DataFrame({"x": xs[labels > 0], "y": ys[labels > 0]}).drop_duplicates()
    if cand.empty:
        return gpd.GeoDataFrame(
            {"order": [], "gain": [], "cumulative_share": []},
            geometry=gpd.GeoSeries([], crs=incidents.crs),
        )
    sites = shapely.points(cand["x"].to_numpy(), cand["y"].to_numpy())
    tree = shapely.STRtree(sites)
    ip, ic = tree.query(
        incidents.geometry.to_numpy(), predicate="dwithin", distance=range_m
    )
    picks, gains = [], []
    total = len(incidents)
    for _ in range(k):
        live = uncovered[ip]
        gain = np.bincount(ic[live], minlength=len(sites))
        best = int(np.argmax(gain))
        if gain[best] == 0:
            break
        picks.append(best)
        gains.append(int(gain[best]))
        uncovered[ip[ic == best]] = False
    covered_start = total - int(uncovered.sum()) - int(np.sum(gains))
    cum = (covered_start + np.cumsum(gains)) / total if total else np.array([])
    return gpd.GeoDataFrame(
        {
            "order": np.arange(1, len(picks) + 1),
            "gain": gains,
            "cumulative_share": np.round(cum, 3),
        },
        geometry=shapely.buffer(sites[picks], range_m, quad_segs=12) if picks else [],
        crs=incidents.crs,
    )


@dataclass(frozen=True)
class BeforeAfter:
    """Incidents inside new cameras' coverage before and after they went live.

    ``cameras`` are the ids assessed and ``selection`` says how they were
    chosen.
    """

    go_live: str
    months: int
    covered_before: int
    covered_after: int
    control_before: int
    control_after: int
    relative_change: float
    p_value: float
    interpretation: str
    cameras: tuple[str, ...] = ()
    selection: str = ""


def assessed_cameras(
    cameras: gpd.GeoDataFrame,
    *,
    go_live: str | None = None,
    camera_ids: Sequence[str] = (),
) -> tuple[gpd.GeoDataFrame, pd.Period, str]:
    """Choose the cameras a before/after assesses, and the go-live month.

    ``camera_ids`` when given (new or upgraded cameras); else, with a go-live
    month, the cameras installed that month, or all of them when none was (a
    control centre going live upgrades every camera); with neither, the
    cameras of the earliest install month.

    Returns the cameras, the go-live month and the choice in words.

    Raises
    ------
    GeoInputError
        An unknown camera id, a go-live month that is not ``YYYY-MM``, or no
        install date to date the cameras by.
    """
    start = None if go_live is None else parse_month(go_live, role="go-live month")
    if camera_ids:
        ids = [str(i).strip() for i in camera_ids]
        unknown = sorted(set(ids) - set(cameras["camera_id"].astype(str)))
        if unknown:
            msg = (
                f"camera id(s) {', '.join(unknown)} are not in the camera list; "
                f"it holds {', '.join(cameras['camera_id'].astype(str).head(10))} ..."
            )
            raise GeoInputError(msg)
        if start is None:
            msg = "name the go-live month (YYYY-MM) of the cameras given."
            raise GeoInputError(msg)
        chosen = cameras.loc[cameras["camera_id"].astype(str).isin(ids)]
        return chosen, start, f"the {len(chosen)} camera(s) named ({', '.join(ids)})"
    dated = cameras.loc[cameras["install_date"].notna()]
    installed = dated["install_date"].dt.to_period("M")
    if start is None:
        if dated.empty:
            msg = "no camera has an install date; give the go-live month (YYYY-MM)."
            raise GeoInputError(msg)
        start = installed.min()
        chosen = dated.loc[installed == start]
        return chosen, start, f"the {len(chosen)} camera(s) installed in {start}"
    new = dated.loc[installed == start]
    if not new.empty:
        return new, start, f"the {len(new)} camera(s) installed in {start}"
    return cameras, start, f"all {len(cameras)} cameras (none was installed in {start})"


def before_after(
    incidents: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    *,
    go_live: str | None = None,
    camera_ids: Sequence[str] = (),
    months: int = BRIEF_MONTHS,
    min_count: int = 20,
) -> BeforeAfter:
    """Compare incidents in new cameras' view before and after they went live.

    The cameras are chosen by :func:`assessed_cameras`. Incidents in the
    ``months`` full months before the go-live month are compared with the
    ``months`` after it, inside the cameras' coverage against the rest of the
    area (control): relative change = (covered after / before) / (control
    after / before), and an exact conditional test of whether the covered
    share of incidents changed.
    """
    require_min_int(months, 1, name="months")
    new, start, selection = assessed_cameras(
        cameras, go_live=go_live, camera_ids=camera_ids
    )
    before = (str(start - months), str(start - 1))
    after = (str(start + 1), str(start + months))
    month = incidents["month"]
    in_b = ((month >= before[0]) & (month <= before[1])).to_numpy()
    in_a = ((month >= after[0]) & (month <= after[1])).to_numpy()
    if not in_b.any() or not in_a.any():
        msg = (
            f"no incidents in {before[0]}..{before[1]} or {after[0]}..{after[1]}; "
            "the data must span the months either side of the go-live month."
        )
        raise GeoInputError(msg)
    pt, _ = covered_by(incidents, new)
    covered = np.zeros(len(incidents), bool)
    covered[pt] = True
    cb, ca = int((covered & in_b).sum()), int((covered & in_a).sum())
    rb, ra = int((~covered & in_b).sum()), int((~covered & in_a).sum())
    rel = (ca / cb) / (ra / rb) if cb and rb and ra else float("nan")
    p = binomial_p(ca, ca + cb, ra / (ra + rb)) if ca + cb and ra + rb else 1.0
    label = f"{len(new)} camera(s) live {start}"
    if cb < min_count:
        text = (
            f"{label}: too few incidents in view before ({cb}; at least {min_count} "
            "needed) to say whether the cameras changed anything."
        )
    else:
        direction = "fell" if rel < 1 else "rose"
        sig = "more than chance" if p < 0.05 else "within what chance would give"
        text = (
            f"{label}: incidents in view {direction} {abs(1 - rel):.0%} relative to "
            f"the rest of the area ({cb:,} -> {ca:,}; elsewhere {rb:,} -> {ra:,}); "
            f"{sig} ({'p < 0.001' if p < 0.001 else f'p = {p:.3f}'}). A "
            "before/after comparison cannot rule out other causes, nor "
            "displacement out of view."
        )
    return BeforeAfter(
        str(start), months, cb, ca, rb, ra, round(rel, 3), p, text,
        tuple(new["camera_id"].astype(str)), selection,
    )  # fmt: skip


@dataclass(frozen=True)
class Impact:
    """New cameras before and after go-live: overall and by crime type.

    ``by_type`` has ``crime_type, covered_before, covered_after,
    control_before, control_after, relative_change, p_value, reading``
    (``reading``: fell, rose, no clear change, or too few to say).
    """

    overall: BeforeAfter
    by_type: pd.DataFrame
    cameras: gpd.GeoDataFrame


def impact(
    incidents: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    *,
    go_live: str,
    camera_ids: Sequence[str] = (),
    months: int = BRIEF_MONTHS,
    min_count: int = 20,
) -> Impact:
    """Run the before/after of :func:`before_after`, overall and by crime type.

    The per-type figures are the same test on that type's incidents; a type
    with fewer than ``min_count`` in view before is counted but not read.
    """
    overall = before_after(
        incidents, cameras, go_live=go_live, camera_ids=camera_ids, months=months,
        min_count=min_count,
    )  # fmt: skip
    rows = []
    types = incidents["crime_type"].astype(str)
    for name in sorted(types.unique()):
        try:
            r = before_after(
                incidents.loc[(types == name).to_numpy()], cameras, go_live=go_live,
                camera_ids=camera_ids, months=months, min_count=min_count,
            )  # fmt: skip
        except GeoInputError:
            continue  # none of the type on one side of go-live
        if r.covered_before < min_count:
            reading = "too few to say"
        elif r.p_value >= 0.05:
            reading = "no clear change"
        else:
            reading = "fell" if r.relative_change < 1 else "rose"
        rows.append(
            {
                "crime_type": name,
                "covered_before": r.covered_before,
                "covered_after": r.covered_after,
                "control_before": r.control_before,
                "control_after": r.control_after,
                "relative_change": r.relative_change,
                "p_value": r.p_value,
                "reading": reading,
            }
        )
    chosen = cameras.loc[cameras["camera_id"].astype(str).isin(overall.cameras)]
    return Impact(overall=overall, by_type=pd.DataFrame(rows), cameras=chosen)


@dataclass(frozen=True, kw_only=True)
class CCTVAssessment:
    """Cameras against a period's hotspots: the CCTV question's one answer.

    Attributes
    ----------
    hotspots : Hotspots
        The hotspots assessed (the period's patrol hotspots, or another
        analysis's, e.g. displacement's).
    coverage : Coverage
        Today's cameras: per hotspot and a row ``all`` for every incident.
    with_proposed : Coverage or None
        The same with the proposed cameras added (the what-if).
    sites : GeoDataFrame
        Suggested new sites (:func:`suggest_sites`), around the cameras and
        proposed cameras together.
    views : GeoDataFrame
        What every camera, proposed ones too, sees (:func:`camera_views`).
    cameras, proposed : int
        How many cameras watch today, and how many are proposed.
    notes : list of str
        The camera list's notes (default ranges said) and the headline.
    """

    hotspots: object
    coverage: Coverage
    with_proposed: Coverage | None
    sites: gpd.GeoDataFrame
    views: gpd.GeoDataFrame
    cameras: int
    proposed: int
    notes: list[str] = field(default_factory=list)

    @property
    def covered_share(self) -> float:
        """The share of the period's incidents in today's cameras' view."""
        return float(self.coverage.table.iloc[-1]["covered_share"])


def cctv_assessment(
    incidents: gpd.GeoDataFrame,
    cameras: CameraList,
    *,
    found,
    proposed: gpd.GeoDataFrame | None = None,
    sites: int = 3,
    range_m: float = DEFAULT_CAMERA_RANGE_M,
    unit: str = "incidents",
) -> CCTVAssessment:
    """Assess the cameras against a period's hotspots, with a what-if and new sites.

    Parameters
    ----------
    incidents : GeoDataFrame
        The period's incidents (the ones ``found`` clustered).
    cameras : CameraList
        The cameras watching (e.g. ``Workspace.camera_list()``).
    found : Hotspots
        The hotspots to assess: their ``labels`` align with ``incidents``.
    proposed : GeoDataFrame, optional
        Proposed cameras (register rows with a range) for the what-if.
    sites : int
        How many new sites to suggest.
    range_m : float
        The range of a suggested site's camera, metres.
    unit : str
        What is counted ("reports" for ASB), for the headline.

    Returns
    -------
    CCTVAssessment
    """
    today = cameras.cameras
    cov = coverage(incidents, today, found.labels)
    every = today
    with_proposed = None
    if proposed is not None and not proposed.empty:
        every = pd.concat([today, proposed.to_crs(today.crs)])
        with_proposed = coverage(incidents, every, found.labels)
    total = cov.table.iloc[-1]
    headline = (
        f"{total['covered_incidents']:,} of {total['incidents']:,} {unit} "
        f"({total['covered_share']:.1%}) are in camera view; "
        f"{len(cov.uncovered)} of {len(cov.table) - 1} hotspot(s) have under "
        f"{UNDER_COVERED:.0%} of their {unit} in view."
    )
    return CCTVAssessment(
        hotspots=found,
        coverage=cov,
        with_proposed=with_proposed,
        sites=suggest_sites(incidents, every, found.labels, k=sites, range_m=range_m),
        views=camera_views(every),
        cameras=len(today),
        proposed=len(every) - len(today),
        notes=[*cameras.notes, headline],
    )
