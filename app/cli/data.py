"""The commands that move data in and out: load, import, workspace, export, demo.

Each command's sub-parser sits beside it; ``add`` adds them all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app import exports
from app.cli._common import (
    _add_input_args,
    _add_workspace_arg,
    _columns,
    _data,
    _progress,
    _say,
    load_from_args,
)
from geo.errors import GeoInputError
from geo.periods import parse_period
from geo.settings import WARD_TOLERANCE_M
from geo.synthetic import DEMO_LABEL, write_demo
from geo.workspace import Workspace, default_workspace


def _add_load(sub) -> None:
    p = sub.add_parser("load", help="clean, ward-tag and export incidents")
    _add_input_args(p)
    p.add_argument(
        "--period",
        help="keep one period (2022, 2022/23, 2022-Q1, 2022-03, 2021-01:2021-10)",
    )
    p.add_argument("--out", required=True, type=Path, help="F.csv, F.gpkg or F.parquet")
    p.set_defaults(run=_cmd_load)


def _cmd_load(args: argparse.Namespace) -> None:
    periods = [parse_period(args.period)] if args.period else []
    ws, wards = _data(args)
    loaded = load_from_args(args, periods, wards=wards, workspace=ws)
    path = exports.write_incidents(loaded.incidents, args.out)
    sys.stderr.write(f"wrote {len(loaded.incidents):,} incidents to {path}\n")


def _add_import(sub) -> None:
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
        "--replace",
        action="store_true",
        help="let a file holding part of a month already held (a district's "
        "extract) replace that month; refused without it",
    )
    p.add_argument(
        "--quality", type=Path, metavar="F.json", help="write the import's report"
    )
    p.set_defaults(run=_cmd_import)


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
            args.inputs,
            columns=_columns(args),
            progress=_progress(),
            replace=args.replace,
        )
        _say([result.quality.summary(), *result.lines()])
        if args.quality is not None:
            exports.write_json(result.quality.to_dict(), args.quality)
    if args.cameras is not None:
        cams, n = ws.import_cameras(args.cameras)
        _say([*cams.notes, f"camera register: {n} change(s) recorded."])
    sys.stderr.write(f"workspace: {ws.path}\n")


def _add_workspace(sub) -> None:
    p = sub.add_parser("workspace", help="what the workspace holds")
    _add_workspace_arg(p)
    p.set_defaults(run=_cmd_workspace)


def _cmd_workspace(args: argparse.Namespace) -> None:
    path = args.workspace or default_workspace()
    sys.stdout.write("\n".join(Workspace(path).summary().lines()) + "\n")


def _add_export(sub) -> None:
    p = sub.add_parser("export", help="the workspace as a GeoPackage for QGIS")
    _add_workspace_arg(p)
    p.add_argument("--out", required=True, type=Path, help="F.gpkg")
    p.set_defaults(run=_cmd_export)


def _cmd_export(args: argparse.Namespace) -> None:
    ws = Workspace(args.workspace or default_workspace())
    layers = ws.export(args.out)
    sys.stderr.write(f"wrote layers {', '.join(layers)} to {args.out}\n")


def _add_demo(sub) -> None:
    p = sub.add_parser("demo", help="write the synthetic demo dataset")
    p.add_argument("--out", required=True, type=Path, help="folder for the demo data")
    p.add_argument("--boundaries-out", type=Path, help="folder for the demo wards")
    p.add_argument("--seed", type=int, default=20_230_501)
    p.set_defaults(run=_cmd_demo)


def _cmd_demo(args: argparse.Namespace) -> None:
    paths = write_demo(args.out, boundaries_out=args.boundaries_out, seed=args.seed)
    sys.stderr.write(f"{DEMO_LABEL}\n")
    for role, path in paths.items():
        sys.stderr.write(f"  {role}: {path}\n")


def add(sub) -> None:
    """Add this group's commands to the ``hotspot-map`` sub-parsers."""
    _add_load(sub)
    _add_import(sub)
    _add_workspace(sub)
    _add_export(sub)
    _add_demo(sub)
