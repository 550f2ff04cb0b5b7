"""The commands that compare periods: wards, years, displacement, wdq, report.

Each command's sub-parser sits beside it; ``add`` adds them all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd

from app import exports
from app.cli._common import (
    _add_basis,
    _add_input_args,
    _add_periods,
    _basis,
    _camera_list,
    _data,
    _population,
    _say,
    load_from_args,
)
from geo.change import ward_change
from geo.displacement import displacement_analysis, wdq_analysis
from geo.errors import GeoInputError
from geo.load import resolve_types
from geo.periods import parse_period
from geo.wards import read_area


def _add_wards(sub) -> None:
    p = sub.add_parser("wards", help="ward by ward change between two periods")
    _add_input_args(p, wards="required")
    _add_periods(p)
    _add_basis(p)
    p.add_argument("--population", type=Path, help="CSV of ward_code, population")
    p.add_argument("--out", required=True, type=Path, help="F.csv, one row per ward")
    p.set_defaults(run=_cmd_wards)


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


def _add_years(sub) -> None:
    p = sub.add_parser(
        "years",
        help="ward by ward across several years, with a trend test",
        description=(
            "Counts per ward and year (financial years by default) on like-for-like "
            "months across all the years, a trend test per ward (log-linear "
            "regression on year, negative-binomial variance estimated across wards, "
            "Benjamini-Hochberg across wards) and committee sentences on stderr."
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


def _add_displacement(sub) -> None:
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
    p.set_defaults(run=_cmd_displacement, clusters=True)


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


def _add_wdq(sub) -> None:
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


def _add_report(sub) -> None:
    p = sub.add_parser("report", help="the committee's performance report (HTML)")
    _add_input_args(p, wards="required")
    _add_periods(p)
    _add_basis(p)
    p.add_argument("--population", type=Path, help="CSV of ward_code, population")
    p.add_argument("--cameras", type=Path, help="camera list for the CCTV lines")
    p.add_argument(
        "--from",
        dest="first",
        help="first year of the section across years, e.g. 2019/20 or 2019 "
        "(default: every whole year held, to the --after period's year)",
    )
    p.add_argument("--to", dest="last", help="last year of that section")
    p.add_argument("--out", required=True, type=Path, help="F.html")
    p.set_defaults(run=_cmd_report, clusters=True)


def _cmd_report(args: argparse.Namespace) -> None:
    from app.report import build_report

    before, after = parse_period(args.before), parse_period(args.after)
    if Path(args.out).suffix.lower() not in (".html", ".htm"):
        msg = f"--out {str(args.out)!r}: the report is written as .html."
        raise GeoInputError(msg)
    ws, wards = _data(args)
    population = _population(args, ws, wards)
    cams = _camera_list(args, ws, after.end, required=False)
    if (args.first is None) != (args.last is None):
        msg = "give both --from and --to for the years, or neither (every year held)."
        raise GeoInputError(msg)
    # every type and every month held: the headline table covers every type,
    # the section across years every year
    loaded = load_from_args(args, [], wards=wards, types=(), workspace=ws)
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
        years=(args.first, args.last) if args.first else None,
    )
    path = exports.write_atomic(
        args.out, lambda p: p.write_text(html, encoding="utf-8")
    )
    sys.stderr.write(f"wrote the report to {path}\n")


def add(sub) -> None:
    """Add this group's commands to the ``hotspot-map`` sub-parsers."""
    _add_wards(sub)
    _add_years(sub)
    _add_displacement(sub)
    _add_wdq(sub)
    _add_report(sub)
