"""The hotspots command: a period's ranked hotspots and the patrol pack.

Each command's sub-parser sits beside it; ``add`` adds them all.
"""

from __future__ import annotations

import argparse
import sys
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
from geo.periods import parse_period


def _add_hotspots(sub) -> None:
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
    p.set_defaults(run=_cmd_hotspots, clusters=True)


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


def add(sub) -> None:
    """Add this group's commands to the ``hotspot-map`` sub-parsers."""
    _add_hotspots(sub)
