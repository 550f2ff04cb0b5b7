"""The camera commands: coverage of hotspots, and the impact brief of new cameras.

Each command's sub-parser sits beside it; ``add`` adds them all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from app import exports
from app.cli._common import (
    _add_input_args,
    _camera_list,
    _cameras_at_go_live,
    _data,
    _month_end,
    _say,
    load_from_args,
)
from geo import patrol
from geo.cctv import BRIEF_MONTHS, before_after, cctv_assessment
from geo.errors import GeoInputError
from geo.periods import parse_period
from geo.settings import DEFAULT_CAMERA_RANGE_M


def _add_coverage(sub) -> None:
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
    p.set_defaults(run=_cmd_coverage, clusters=True)


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


def _add_cctv_brief(sub) -> None:
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
        "--months",
        type=int,
        default=BRIEF_MONTHS,
        help="months each side (default %(default)s)",
    )
    p.add_argument(
        "--range-m",
        type=float,
        default=DEFAULT_CAMERA_RANGE_M,
        help="range of cameras that give none (default %(default)s m)",
    )
    p.add_argument("--out", required=True, type=Path, help="F.html")
    p.set_defaults(run=_cmd_cctv_brief)


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


def add(sub) -> None:
    """Add this group's commands to the ``hotspot-map`` sub-parsers."""
    _add_coverage(sub)
    _add_cctv_brief(sub)
