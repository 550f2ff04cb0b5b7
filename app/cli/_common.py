"""Shared options and readers of the ``hotspot-map`` commands.

How every command names its inputs, reads incidents and boundaries (from
files or the workspace), and prints what it found.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from app import exports
from geo.cctv import CameraList, read_cameras
from geo.change import read_population
from geo.errors import GeoInputError
from geo.incidents import Columns, LoadedIncidents
from geo.load import load_incidents
from geo.periods import Period, parse_month
from geo.settings import DEFAULT_CAMERA_RANGE_M, WARD_TOLERANCE_M
from geo.synthetic import DEMO_LABEL
from geo.wards import read_wards
from geo.workspace import DEFAULT_WORKSPACE, Workspace, default_workspace

EXIT_BAD_INPUT = 2


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


def _say(lines: Sequence[object]) -> None:
    """Print sentences and notes to stderr, one a line."""
    for line in lines:
        sys.stderr.write(f"{line}\n")


def _is_demo(loaded: LoadedIncidents) -> str | None:
    return DEMO_LABEL if loaded.quality.synthetic else None
