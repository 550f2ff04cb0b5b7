"""The ``hotspot-map`` command: batch analysis and exports.

Exit status: 0 on success, 2 for bad input (one clear line on stderr, no
traceback, nothing half-written). Every command prints the load's data-quality
summary to stderr and can write it as JSON with ``--quality``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from app import exports
from geo import patrol
from geo.cctv import CameraList, before_after, cctv_assessment, read_cameras
from geo.change import read_population, ward_change
from geo.displacement import displacement_analysis, wdq_analysis
from geo.errors import GeoInputError
from geo.hotspots import prepare
from geo.incidents import Columns, LoadedIncidents
from geo.load import load_incidents, resolve_types
from geo.periods import Period, parse_month, parse_period
from geo.settings import DEFAULT_CAMERA_RANGE_M, WARD_TOLERANCE_M
from geo.synthetic import DEMO_LABEL, write_demo
from geo.wards import read_area, read_wards
from geo.workspace import DEFAULT_WORKSPACE, Workspace, default_workspace

EXIT_OK = 0
EXIT_BAD_INPUT = 2

FLAGS = {
    "month_col": "--month-col",
    "lon_col": "--lon-col",
    "lat_col": "--lat-col",
    "x_col": "--x-col",
    "y_col": "--y-col",
    "code_col": "--code-col",
    "name_col": "--name-col",
    "wards_crs": "--wards-crs",
    "first": "--from",
    "last": "--to",
    "calendar": "--calendar",
    "name": "--name",
    "out": "--out",
    "before": "--before",
    "after": "--after",
    "period": "--period",
}
"""The flag of each geo argument an error may name (GeoInputError.worded)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for bad input
        self.print_usage(sys.stderr)
        sys.stderr.write(f"hotspot-map: error: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _progress(stream=sys.stderr) -> Callable[[int, int, str], None]:
    tty = stream.isatty()
    step = {"next": 0.0}

    def report(done: int, total: int, name: str) -> None:
        share = done / total
        if tty:
            stream.write(f"\rreading files: {done}/{total}")
            if done == total:
                stream.write("\n")
        elif share >= step["next"] or done == total:
            stream.write(f"reading files: {done}/{total} ({share:.0%})\n")
            step["next"] = share + 0.25
        stream.flush()

    return report


def _add_workspace_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workspace",
        type=Path,
        metavar="W",
        help=(
            "the workspace file (default: $HOTSPOT_WORKSPACE, else "
            f"{DEFAULT_WORKSPACE})"
        ),
    )


def _add_input_args(p: argparse.ArgumentParser, *, wards: str = "optional") -> None:
    p.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help=(
            "police.uk CSVs, folders, zips, tables or GeoJSON points; none: read "
            "the workspace"
        ),
    )
    _add_workspace_arg(p)
    p.add_argument(
        "--wards",
        required=wards == "required",
        help=(
            "ward boundary file (any vector format, any CRS), or the name of a "
            "boundary set stored in the workspace"
        ),
    )
    p.add_argument("--code-col", help="ward code column (detected when omitted)")
    p.add_argument("--name-col", help="ward name column (detected when omitted)")
    p.add_argument(
        "--wards-crs", help="CRS of a boundary file that declares none, e.g. EPSG:27700"
    )
    p.add_argument(
        "--tolerance-m",
        type=float,
        default=WARD_TOLERANCE_M,
        help=(
            "metres outside every ward within which the nearest ward is given "
            "(default %(default)s)"
        ),
    )
    p.add_argument(
        "--type",
        action="append",
        default=[],
        dest="types",
        metavar="T",
        help=(
            "police.uk crime type to keep (repeatable; 'ASB' for anti-social behaviour)"
        ),
    )
    p.add_argument("--lon-col", help="longitude column of a non-police.uk table")
    p.add_argument("--lat-col", help="latitude column of a non-police.uk table")
    p.add_argument("--x-col", help="easting column (metres, EPSG:27700)")
    p.add_argument("--y-col", help="northing column (metres, EPSG:27700)")
    p.add_argument("--month-col", help="month or date column")
    p.add_argument("--type-col", help="crime type column")
    p.add_argument(
        "--quality",
        type=Path,
        metavar="F.json",
        help="write the data-quality report here",
    )


def _add_periods(p: argparse.ArgumentParser) -> None:
    p.add_argument("--before", required=True, help="the earlier period")
    p.add_argument("--after", required=True, help="the later period")


def _add_basis(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--per-month",
        action="store_true",
        help=(
            "compare per month of data instead of like-for-like months (by default "
            "a month missing from either period is left out of both)"
        ),
    )


def _basis(args: argparse.Namespace) -> str:
    return "per-month" if args.per_month else "like-for-like"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hotspot-map",
        description="Crime and ASB hotspot mapping from police.uk data.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("load", help="clean, ward-tag and export incidents")
    _add_input_args(p)
    p.add_argument(
        "--period",
        help="keep one period (2022, 2022/23, 2022-Q1, 2022-03, 2021-01:2021-10)",
    )
    p.add_argument("--out", required=True, type=Path, help="F.csv, F.gpkg or F.parquet")
    p.set_defaults(run=_cmd_load)

    p = sub.add_parser("hotspots", help="ranked DBSCAN hotspots: the patrol pack")
    _add_input_args(p, wards="required")
    p.add_argument(
        "--period", help="the period to find hotspots in (default: all data)"
    )
    p.add_argument(
        "--eps",
        type=float,
        help="neighbourhood radius in metres (default: chosen from the data)",
    )
    p.add_argument(
        "--min-samples",
        type=int,
        help=(
            "incidents within eps that make a hotspot core "
            "(default: 10x the average density)"
        ),
    )
    p.add_argument(
        "--top",
        type=int,
        default=10,
        help="hotspots shown in the HTML patrol pack (default %(default)s)",
    )
    p.add_argument(
        "--out",
        required=True,
        type=Path,
        help="F.geojson, F.csv or F.html (printable patrol pack)",
    )
    p.set_defaults(run=_cmd_hotspots)

    p = sub.add_parser("wards", help="ward by ward change between two periods")
    _add_input_args(p, wards="required")
    _add_periods(p)
    _add_basis(p)
    p.add_argument("--population", type=Path, help="CSV of ward_code, population")
    p.add_argument("--out", required=True, type=Path, help="F.csv, one row per ward")
    p.set_defaults(run=_cmd_wards)

    p = sub.add_parser(
        "years",
        help="ward by ward across several years, with a trend test",
        description=(
            "Counts per ward and year (financial years by default) on like-for-like "
            "months across all the years, a trend test per ward (Poisson regression "
            "on year, over-dispersion estimated across wards, Benjamini-Hochberg "
            "across wards) and committee sentences on stderr."
        ),
    )
    _add_input_args(p, wards="required")
    p.add_argument(
        "--from", dest="first", required=True, help="first year, e.g. 2019/20"
    )
    p.add_argument("--to", dest="last", required=True, help="last year, e.g. 2022/23")
    p.add_argument(
        "--calendar",
        action="store_true",
        help="calendar years (2019, 2020 ...) instead of financial years",
    )
    p.add_argument("--population", type=Path, help="CSV of ward_code, population")
    p.add_argument("--out", required=True, type=Path, help="F.csv, one row per ward")
    p.set_defaults(run=_cmd_years)

    p = sub.add_parser("displacement", help="hotspots of two periods, matched")
    _add_input_args(p, wards="required")
    _add_periods(p)
    _add_basis(p)
    p.add_argument("--eps", type=float, help="metres (default: from the before period)")
    p.add_argument("--min-samples", type=int, help="(default: from the before period)")
    p.add_argument(
        "--max-shift-m",
        type=float,
        default=500.0,
        help="largest move of a hotspot counted as 'shifted' (default %(default)s)",
    )
    p.add_argument("--out", required=True, type=Path, help="F.geojson")
    p.set_defaults(run=_cmd_displacement)

    p = sub.add_parser("wdq", help="weighted displacement quotient of a target area")
    _add_input_args(p)
    p.add_argument(
        "--target",
        required=True,
        help="polygon file, or with --wards a ward code or name",
    )
    _add_periods(p)
    _add_basis(p)
    p.add_argument(
        "--buffer-m",
        type=float,
        default=250.0,
        help="width of the ring round the target (default %(default)s m)",
    )
    p.add_argument(
        "--control",
        help="control area: polygon file, or with --wards ward codes/names "
        "separated by commas (default: the rest of the boundaries)",
    )
    p.add_argument("--out", required=True, type=Path, help="F.json")
    p.set_defaults(run=_cmd_wdq)

    p = sub.add_parser("coverage", help="CCTV coverage of hotspots and incidents")
    _add_input_args(p)
    p.add_argument(
        "--cameras",
        type=Path,
        help="camera list (CSV or GeoJSON); default: the workspace's register",
    )
    p.add_argument("--period", help="the period (default: all data)")
    p.add_argument(
        "--range-m",
        type=float,
        default=DEFAULT_CAMERA_RANGE_M,
        help="range of cameras that give none (default %(default)s m, full circle)",
    )
    p.add_argument("--sites", type=int, default=3, help="new camera sites to suggest")
    p.add_argument(
        "--go-live", help="month new cameras went live (YYYY-MM) for before/after"
    )
    p.add_argument("--out", required=True, type=Path, help="F.csv, one row per hotspot")
    p.set_defaults(run=_cmd_coverage)

    p = sub.add_parser("report", help="the committee's performance report (HTML)")
    _add_input_args(p, wards="required")
    _add_periods(p)
    _add_basis(p)
    p.add_argument("--population", type=Path, help="CSV of ward_code, population")
    p.add_argument("--cameras", type=Path, help="camera list for the CCTV lines")
    p.add_argument("--out", required=True, type=Path, help="F.html")
    p.set_defaults(run=_cmd_report)

    p = sub.add_parser(
        "import",
        help="import incidents, a boundary set or cameras into the workspace",
        description=(
            "Import police.uk files (or other incident tables) into the workspace "
            "once; every analysis command can then read it with --workspace. The "
            "same file twice adds nothing; a newer police.uk release of a month "
            "replaces the one held."
        ),
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="incident files")
    _add_workspace_arg(p)
    p.add_argument("--boundaries", type=Path, help="a boundary file to store")
    p.add_argument("--name", help="the boundary set's name, e.g. '2023 wards'")
    p.add_argument(
        "--population",
        type=Path,
        help="ward population CSV for the boundary set named by --name",
    )
    p.add_argument("--cameras", type=Path, help="a camera list for the register")
    p.add_argument("--code-col", help="ward code column (detected when omitted)")
    p.add_argument("--name-col", help="ward name column (detected when omitted)")
    p.add_argument("--wards-crs", help="CRS of a boundary file that declares none")
    p.add_argument(
        "--tolerance-m",
        type=float,
        default=WARD_TOLERANCE_M,
        help="metres outside every ward within which the nearest ward is given",
    )
    for col in ("lon", "lat", "x", "y", "month", "type"):
        p.add_argument(f"--{col}-col", help=f"{col} column of a non-police.uk table")
    p.add_argument(
        "--quality", type=Path, metavar="F.json", help="write the import's report"
    )
    p.set_defaults(run=_cmd_import)

    p = sub.add_parser("workspace", help="what the workspace holds")
    _add_workspace_arg(p)
    p.set_defaults(run=_cmd_workspace)

    p = sub.add_parser("export", help="the workspace as a GeoPackage for QGIS")
    _add_workspace_arg(p)
    p.add_argument("--out", required=True, type=Path, help="F.gpkg")
    p.set_defaults(run=_cmd_export)

    p = sub.add_parser(
        "cctv-brief",
        help="the written CCTV impact brief (HTML) for a go-live month",
        description=(
            "Incidents in view of new or upgraded cameras before and after "
            "go-live, against the rest of the area, overall and by crime type, "
            "with a map and what the figures can and cannot say. Cameras come "
            "from the workspace's register as it stood at go-live."
        ),
    )
    _add_input_args(p)
    p.add_argument("--go-live", required=True, help="the go-live month, YYYY-MM")
    p.add_argument(
        "--cameras",
        nargs="+",
        default=[],
        metavar="ID",
        help="ids of the new or upgraded cameras (default: those installed in the "
        "go-live month, else all: a control centre going live)",
    )
    p.add_argument(
        "--camera-list", type=Path, help="a camera list file instead of the register"
    )
    p.add_argument(
        "--months", type=int, default=12, help="months each side (default 12)"
    )
    p.add_argument(
        "--range-m",
        type=float,
        default=DEFAULT_CAMERA_RANGE_M,
        help="range of cameras that give none (default %(default)s m)",
    )
    p.add_argument("--out", required=True, type=Path, help="F.html")
    p.set_defaults(run=_cmd_cctv_brief)

    p = sub.add_parser("demo", help="write the synthetic demo dataset")
    p.add_argument("--out", required=True, type=Path, help="folder for the demo data")
    p.add_argument("--boundaries-out", type=Path, help="folder for the demo wards")
    p.add_argument("--seed", type=int, default=20_230_501)
    p.set_defaults(run=_cmd_demo)
    return parser


def _columns(args: argparse.Namespace) -> Columns:
    return Columns(
        lon=args.lon_col,
        lat=args.lat_col,
        x=args.x_col,
        y=args.y_col,
        month=args.month_col,
        crime_type=args.type_col,
    )


def workspace_from_args(args: argparse.Namespace) -> Workspace | None:
    """The workspace to read from: ``--workspace``, or with no INPUT the default.

    None when INPUT files are given (they are read instead).
    """
    if getattr(args, "inputs", None):
        if args.workspace is not None:
            msg = (
                "give INPUT files or --workspace, not both; import the files into "
                "the workspace first (hotspot-map import FILES --workspace W)."
            )
            raise GeoInputError(msg)
        return None
    path = args.workspace or default_workspace()
    if not Path(path).exists():
        msg = (
            f"no INPUT files given and no workspace at {str(path)!r}; name police.uk "
            "files, or import them once with: hotspot-map import FILES "
            f"--workspace {path}"
        )
        raise GeoInputError(msg)
    ws = Workspace(path)
    resources = getattr(args, "resources", None)
    if resources is not None:  # one read connection for the whole command
        resources.enter_context(ws.reading())
    return ws


def wards_from_args(
    args: argparse.Namespace, workspace: Workspace | None = None
) -> gpd.GeoDataFrame | None:
    """Boundaries named by ``--wards``: a file, or a set stored in the workspace."""
    if args.wards is None:
        return None
    path = Path(args.wards)
    if workspace is not None and not path.exists():
        return workspace.wards(args.wards)
    return read_wards(
        path,
        code_col=args.code_col,
        name_col=args.name_col,
        assume_crs=args.wards_crs,
    )


def load_from_args(
    args: argparse.Namespace,
    periods: Sequence[Period] = (),
    *,
    wards: gpd.GeoDataFrame | None = None,
    allow_empty: Sequence[Period] = (),
    types: Sequence[str] | None = None,
    workspace: Workspace | None = None,
) -> LoadedIncidents:
    """Read incidents as the shared options say; print and save the quality report.

    From ``workspace`` when given (a stored boundary set's wards come from the
    workspace), else from the INPUT files. ``types`` overrides ``--type`` (the
    report loads every type).
    """
    types = args.types if types is None else types
    if workspace is not None:
        stored = wards.attrs.get("boundary_set") if wards is not None else None
        loaded = workspace.load(
            wards=stored or wards,
            periods=periods,
            types=types,
            tolerance_m=args.tolerance_m,
            allow_empty=allow_empty,
        )
    else:
        loaded = load_incidents(
            args.inputs,
            wards=wards,
            periods=periods,
            types=types,
            columns=_columns(args),
            tolerance_m=args.tolerance_m,
            progress=_progress(),
            allow_empty=allow_empty,
        )
    sys.stderr.write(loaded.quality.summary() + "\n")
    if args.quality is not None:
        exports.write_json(loaded.quality.to_dict(), args.quality)
    return loaded


def _data(args: argparse.Namespace):
    """The workspace (or None for INPUT files) and the boundaries of a command."""
    workspace = workspace_from_args(args)
    return workspace, wards_from_args(args, workspace)


def _population(args, ws: Workspace | None, wards) -> pd.DataFrame | None:
    """``--population``, else the stored population of a stored boundary set."""
    if args.population is not None:
        return read_population(args.population)
    stored = wards.attrs.get("boundary_set") if wards is not None else None
    return ws.population(stored) if ws is not None and stored else None


def _camera_list(
    args, ws: Workspace | None, month: str | None, *, required: bool = True
) -> CameraList | None:
    """``--cameras``, else the workspace's register (cameras in service at the
    end of ``month``, or today)."""
    if args.cameras is not None:
        kwargs = {"default_range_m": args.range_m} if hasattr(args, "range_m") else {}
        return read_cameras(args.cameras, **kwargs)
    if ws is not None:
        on = pd.Period(month, freq="M").end_time.date() if month else None
        cams = _register_on(args, ws, on)
        if not cams.cameras.empty:
            return cams
    if required:
        msg = (
            "no cameras: give --cameras FILE, or import a camera list into the "
            "workspace (hotspot-map import --cameras FILE)."
        )
        raise GeoInputError(msg)
    return None


def _month_end(month: str):
    return parse_month(month, role="go-live month").end_time.date()


def _cameras_at_go_live(
    args, ws: Workspace | None, cams: CameraList | None
) -> CameraList:
    """The cameras a before/after assesses from: a file as given, or the
    workspace register as it stood at the end of the go-live month."""
    if getattr(args, "camera_list", None) is not None:
        return read_cameras(args.camera_list, default_range_m=args.range_m)
    named_file = isinstance(getattr(args, "cameras", None), Path)  # coverage's file
    if ws is None or args.go_live is None or named_file:
        if cams is None:
            msg = "no cameras: give a camera list or use a workspace holding one."
            raise GeoInputError(msg)
        return cams
    on = _month_end(args.go_live)
    then = _register_on(args, ws, on)
    if then.cameras.empty:
        msg = (
            f"the workspace's camera register holds no camera in service on {on}; "
            "import the camera list (hotspot-map import --cameras F)."
        )
        raise GeoInputError(msg)
    return then


def _register_on(args, ws: Workspace, on) -> CameraList:
    """The register's cameras watching on a date (today if None); ``--range-m``
    for those that give no range."""
    range_m = getattr(args, "range_m", DEFAULT_CAMERA_RANGE_M)
    return ws.camera_list(on, default_range_m=range_m)


def _cmd_load(args: argparse.Namespace) -> None:
    periods = [parse_period(args.period)] if args.period else []
    ws, wards = _data(args)
    loaded = load_from_args(args, periods, wards=wards, workspace=ws)
    path = exports.write_incidents(loaded.incidents, args.out)
    sys.stderr.write(f"wrote {len(loaded.incidents):,} incidents to {path}\n")


def _cmd_hotspots(args: argparse.Namespace) -> None:
    ws, wards = _data(args)
    period = parse_period(args.period) if args.period else None
    periods = patrol.patrol_periods(period) if period else []
    loaded = load_from_args(
        args, periods, wards=wards, allow_empty=periods[::2], workspace=ws
    )
    result = patrol.patrol_hotspots(
        loaded.incidents,
        wards=wards,
        period=period,
        eps=args.eps,
        min_samples=args.min_samples,
        months_with_data=loaded.quality.months_in_data,
    )
    _say(result.notes)
    path = exports.write_hotspots(
        result, args.out, wards=wards, top=args.top, synthetic=_is_demo(loaded)
    )
    sys.stderr.write(f"wrote {len(result.hotspots.table)} hotspots to {path}\n")


def _is_demo(loaded: LoadedIncidents) -> str | None:
    return DEMO_LABEL if loaded.quality.synthetic else None


def _cmd_wards(args: argparse.Namespace) -> None:
    before, after = parse_period(args.before), parse_period(args.after)
    ws, wards = _data(args)
    population = _population(args, ws, wards)
    loaded = load_from_args(args, [before, after], wards=wards, workspace=ws)
    result = ward_change(
        loaded.incidents,
        wards,
        before=before,
        after=after,
        population=population,
        months_with_data=loaded.quality.months_in_data,
        basis=_basis(args),
    )
    for line in [*result.headlines, *result.caveats]:
        sys.stderr.write(line + "\n")
    path = exports.write_table(result.table, args.out)
    sys.stderr.write(f"wrote {len(result.table)} wards to {path}\n")


def _cmd_years(args: argparse.Namespace) -> None:
    from geo.years import year_periods, years_change

    years = year_periods(args.first, args.last, calendar=args.calendar)
    ws, wards = _data(args)
    population = _population(args, ws, wards)
    loaded = load_from_args(args, years, wards=wards, workspace=ws)
    result = years_change(
        loaded.incidents,
        wards,
        years,
        months_with_data=loaded.quality.months_in_data,
        population=population,
    )
    _say([*result.headlines, *result.caveats])
    path = exports.write_table(result.table, args.out)
    sys.stderr.write(f"wrote {len(result.table)} wards to {path}\n")


def _cmd_displacement(args: argparse.Namespace) -> None:
    before, after = parse_period(args.before), parse_period(args.after)
    ws, wards = _data(args)
    loaded = load_from_args(args, [before, after], wards=wards, workspace=ws)
    result = displacement_analysis(
        loaded.incidents,
        before=before,
        after=after,
        area_m2=float(wards.union_all().area),
        months_with_data=loaded.quality.months_in_data,
        basis=_basis(args),
        eps=args.eps,
        min_samples=args.min_samples,
        max_shift_m=args.max_shift_m,
    )
    _say(result.notes)
    path = exports.write_geojson(result.matched, args.out)
    sys.stderr.write(f"wrote {len(result.matched)} hotspots to {path}\n")


def _area(spec: str, wards: gpd.GeoDataFrame | None, role: str):
    """A polygon from a file, or from ward codes/names of the boundary set."""
    path = Path(spec)
    if path.exists():
        return read_area(path, role=f"{role} file")
    if wards is None:
        msg = f"{role} {spec!r} is not a file; to name wards, give --wards too."
        raise GeoInputError(msg)
    names = [s.strip().lower() for s in spec.split(",") if s.strip()]
    hit = wards["ward_code"].str.lower().isin(names) | wards[
        "ward_name"
    ].str.lower().isin(names)
    if not hit.any():
        msg = (
            f"{role} {spec!r} matches no ward code or name; wards are: "
            f"{', '.join(wards['ward_name'])}."
        )
        raise GeoInputError(msg)
    return wards.loc[hit].union_all()


def _cmd_wdq(args: argparse.Namespace) -> None:
    before, after = parse_period(args.before), parse_period(args.after)
    ws, wards = _data(args)
    target = _area(args.target, wards, "target")
    control = _area(args.control, wards, "control") if args.control else None
    loaded = load_from_args(args, [before, after], wards=wards, workspace=ws)
    result = wdq_analysis(
        loaded.incidents,
        target,
        before=before,
        after=after,
        area=wards.union_all() if wards is not None else None,
        control=control,
        buffer_m=args.buffer_m,
        months_with_data=loaded.quality.months_in_data,
        basis=_basis(args),
    )
    _say([*result.notes, result.interpretation])
    path = exports.write_json(result.to_dict(), args.out)
    sys.stderr.write(f"wrote the WDQ to {path}\n")


def _cmd_coverage(args: argparse.Namespace) -> None:
    ws, wards = _data(args)
    period = parse_period(args.period) if args.period else None
    cams = _camera_list(args, ws, period.end if period else None)
    loaded = load_from_args(args, [], wards=wards, workspace=ws)
    inc = loaded.incidents
    found = patrol.patrol_hotspots(
        inc,
        period=period,
        wards=wards,
        months_with_data=loaded.quality.months_in_data,
    )
    result = cctv_assessment(
        found.incidents,
        cams,
        found=found.hotspots,
        sites=args.sites,
        range_m=args.range_m,
        unit=found.unit,
    )
    _say([found.hotspots.parameters.reason, *result.notes])
    for row in result.sites.itertuples():
        sys.stderr.write(
            f"new site {row.order}: +{row.gain} {found.unit} in view "
            f"({row.cumulative_share:.1%} of the period covered)\n"
        )
    try:
        then = _cameras_at_go_live(args, ws, cams)
        sys.stderr.write(
            before_after(inc, then.cameras, go_live=args.go_live).interpretation + "\n"
        )
    except GeoInputError as err:
        sys.stderr.write(f"before/after: {err}\n")
    path = exports.write_table(result.coverage.table, args.out)
    sys.stderr.write(f"wrote {len(result.coverage.table)} rows to {path}\n")


def _cmd_report(args: argparse.Namespace) -> None:
    from app.report import build_report, report_periods

    before, after = parse_period(args.before), parse_period(args.after)
    if Path(args.out).suffix.lower() not in (".html", ".htm"):
        msg = f"--out {str(args.out)!r}: the report is written as .html."
        raise GeoInputError(msg)
    ws, wards = _data(args)
    population = _population(args, ws, wards)
    cams = _camera_list(args, ws, after.end, required=False)
    # every type is loaded: the headline table covers them all
    periods, optional = report_periods(before, after)
    loaded = load_from_args(
        args, periods, wards=wards, allow_empty=optional, types=(), workspace=ws
    )
    chosen = resolve_types(loaded.incidents, args.types) if args.types else []
    html = build_report(
        loaded,
        wards,
        before=before,
        after=after,
        types=chosen,
        population=population,
        cameras=cams,
        boundary_label=wards.attrs.get("boundary_set") or Path(args.wards).name,
        basis=_basis(args),
    )
    path = exports.write_atomic(
        args.out, lambda p: p.write_text(html, encoding="utf-8")
    )
    sys.stderr.write(f"wrote the report to {path}\n")


def _cmd_import(args: argparse.Namespace) -> None:
    if not (args.inputs or args.boundaries or args.cameras or args.population):
        msg = (
            "nothing to import; give police.uk files, --boundaries F --name NAME, "
            "--population F --name NAME or --cameras F."
        )
        raise GeoInputError(msg)
    if (args.boundaries or args.population) and not args.name:
        msg = "a boundary set needs a name: add --name, e.g. --name '2023 wards'."
        raise GeoInputError(msg)
    ws = Workspace(args.workspace or default_workspace())
    if args.boundaries is not None:
        done = ws.import_boundaries(
            args.boundaries,
            name=args.name,
            code_col=args.code_col,
            name_col=args.name_col,
            assume_crs=args.wards_crs,
            tolerance_m=args.tolerance_m,
            population=args.population,
        )
        _say(done.lines())
    elif args.population is not None:
        n = ws.import_population(args.name, args.population)
        _say([f"population of boundary set {args.name!r}: {n} ward(s) stored."])
    if args.inputs:
        result = ws.import_incidents(
            args.inputs, columns=_columns(args), progress=_progress()
        )
        _say([result.quality.summary(), *result.lines()])
        if args.quality is not None:
            exports.write_json(result.quality.to_dict(), args.quality)
    if args.cameras is not None:
        cams, n = ws.import_cameras(args.cameras)
        _say([*cams.notes, f"camera register: {n} change(s) recorded."])
    sys.stderr.write(f"workspace: {ws.path}\n")


def _say(lines: Sequence[object]) -> None:
    """Print sentences and notes to stderr, one a line."""
    for line in lines:
        sys.stderr.write(f"{line}\n")


def _cmd_workspace(args: argparse.Namespace) -> None:
    path = args.workspace or default_workspace()
    sys.stdout.write("\n".join(Workspace(path).summary().lines()) + "\n")


def _cmd_export(args: argparse.Namespace) -> None:
    ws = Workspace(args.workspace or default_workspace())
    layers = ws.export(args.out)
    sys.stderr.write(f"wrote layers {', '.join(layers)} to {args.out}\n")


def _cmd_cctv_brief(args: argparse.Namespace) -> None:
    from app.brief import brief_html
    from geo.cctv import impact

    if Path(args.out).suffix.lower() not in (".html", ".htm"):
        msg = f"--out {str(args.out)!r}: the brief is written as .html."
        raise GeoInputError(msg)
    ws, wards = _data(args)
    if ws is None and args.camera_list is None:
        msg = "give --workspace (its camera register) or --camera-list F."
        raise GeoInputError(msg)
    on = pd.Period(_month_end(args.go_live), freq="M")
    if ws is not None:
        months = ws.catalogue()[1]
        if not months or not months[0] < str(on) < months[-1]:
            msg = (
                f"go-live month {on} needs data before and after it; the workspace "
                f"holds {months[0] if months else 'nothing'} to "
                f"{months[-1] if months else ''}."
            )
            raise GeoInputError(msg)
    cams = _cameras_at_go_live(args, ws, None)
    span = parse_period(f"{on - args.months}:{on + args.months}")
    loaded = load_from_args(args, [span], wards=wards, workspace=ws)
    if wards is None and ws is not None and ws.boundary_sets():
        wards = ws.wards(ws.boundary_sets()[0])
    result = impact(
        loaded.incidents, cams.cameras, go_live=args.go_live,
        camera_ids=args.cameras, months=args.months,
    )  # fmt: skip
    html = brief_html(
        result,
        cams.cameras,
        wards=wards,
        synthetic=loaded.quality.synthetic,
        source=f"cameras: {result.overall.selection}",
    )
    _say([*cams.notes, result.overall.interpretation])
    path = exports.write_atomic(args.out, lambda p: p.write_text(html, "utf-8"))
    sys.stderr.write(f"wrote the brief to {path}\n")


def _cmd_demo(args: argparse.Namespace) -> None:
    paths = write_demo(args.out, boundaries_out=args.boundaries_out, seed=args.seed)
    sys.stderr.write(f"{DEMO_LABEL}\n")
    for role, path in paths.items():
        sys.stderr.write(f"  {role}: {path}\n")


_CLUSTERING = (_cmd_hotspots, _cmd_displacement, _cmd_coverage, _cmd_report)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.run in _CLUSTERING:
        prepare()  # load the clustering code while the data is read
    try:
        with contextlib.ExitStack() as args.resources:
            args.run(args)
    except GeoInputError as err:
        sys.stderr.write(f"hotspot-map: error: {err.worded(FLAGS)}\n")
        return EXIT_BAD_INPUT
    except OSError as err:
        sys.stderr.write(f"hotspot-map: error: {err}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK


def run() -> None:
    """Run the command line as the ``hotspot-map`` command, then exit at once.

    Everything is written and closed by then; exiting without tearing down
    the heap (a million-row frame, the loaded libraries) saves ~0.2 s a command.
    """
    status = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
