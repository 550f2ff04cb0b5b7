"""The hotspot commands: a period's ranked hotspots and patrol pack; Gi* cells.

Each command's sub-parser sits beside it; ``add`` adds them all.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from app import exports
from app.cli._common import (
    _add_input_args,
    _data,
    _is_demo,
    _say,
    load_from_args,
)
from geo import patrol
from geo.gistar import gi_star_grid
from geo.periods import parse_period
from geo.words import Note


def _add_hotspots(sub) -> None:
    p = sub.add_parser(
        "hotspots",
        help="ranked DBSCAN hotspots: the patrol pack",
        description="Ranked hotspots of a period. Without --wards (e.g. a force-wide "
        "download and no force-wide boundary file) every row is kept and the study "
        "area is drawn around the incidents (their convex hull); the hotspots then "
        "name no wards.",
    )
    _add_input_args(p, wards="optional")
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
            "(default: each place tested against its surroundings; see the README)"
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
    p.set_defaults(run=_cmd_hotspots, clusters=True)


def _cmd_hotspots(args: argparse.Namespace) -> None:
    ws, wards = _data(args)
    period = parse_period(args.period) if args.period else None
    periods = patrol.patrol_periods(period) if period else []
    loaded = load_from_args(
        args, periods, wards=wards, allow_empty=periods[::2], workspace=ws
    )
    study = None
    if wards is None:  # the area the incidents span, as the study area
        study = patrol.drawn_study_area(loaded.incidents)
    result = patrol.patrol_hotspots(
        loaded.incidents,
        wards=wards,
        study_area=study,
        period=period,
        eps=args.eps,
        min_samples=args.min_samples,
        months_with_data=loaded.quality.months_in_data,
    )
    if study is not None:
        km2 = study.area / 1e6
        said = Note(
            f"No boundaries given: the study area is drawn around the incidents "
            f"(their convex hull, {km2:,.1f} km²), and the hotspots name no wards."
        )
        result = replace(result, notes=[*result.notes, said])
    _say(result.notes)
    path = exports.write_hotspots(
        result, args.out, wards=wards, top=args.top, synthetic=_is_demo(loaded)
    )
    sys.stderr.write(f"wrote {len(result.hotspots.table)} hotspots to {path}\n")


def _add_gistar(sub) -> None:
    p = sub.add_parser(
        "gistar",
        help="Getis-Ord Gi* per grid cell of the study area (for QGIS, as ArcGIS)",
        description=(
            "One polygon per grid cell inside the boundaries: count, z, p, p_fdr "
            "(Benjamini-Hochberg) and gi_bin (-3..3, as ArcGIS's Gi_Bin). Cells "
            "outside the boundaries are not cells of the analysis."
        ),
    )
    _add_input_args(p, wards="required")
    p.add_argument("--period", help="the period (default: all data)")
    p.add_argument(
        "--cell-m",
        type=float,
        default=150.0,
        help="side of a grid cell in metres (default %(default)s)",
    )
    p.add_argument("--out", required=True, type=Path, help="F.geojson")
    p.set_defaults(run=_cmd_gistar)


def _cmd_gistar(args: argparse.Namespace) -> None:
    ws, wards = _data(args)
    periods = [parse_period(args.period)] if args.period else []
    loaded = load_from_args(args, periods, wards=wards, workspace=ws)
    grid = gi_star_grid(
        loaded.incidents, cell_m=args.cell_m, area=wards.union_all()
    ).rename(columns={"gi_z": "z", "p_value": "p"})
    out = grid[["count", "z", "p", "p_fdr", "gi_bin", "geometry"]]
    path = exports.write_geojson(out, args.out)
    hot, cold = int((out["gi_bin"] > 0).sum()), int((out["gi_bin"] < 0).sum())
    sys.stderr.write(
        f"wrote {len(out):,} cells to {path}: {hot} hot, {cold} cold at 90% or "
        "more (false discovery rate)\n"
    )


def add(sub) -> None:
    """Add this group's commands to the ``hotspot-map`` sub-parsers."""
    _add_hotspots(sub)
    _add_gistar(sub)
