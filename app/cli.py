"""The ``hotspot-map`` command: batch analysis and exports.

Exit status: 0 on success, 2 for bad input (one clear line on stderr, no
traceback, nothing half-written). Every command prints the load's data-quality
summary to stderr and can write it as JSON with ``--quality``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import geopandas as gpd

from app import exports
from geo import patrol
from geo.cctv import before_after, coverage, read_cameras, suggest_sites
from geo.change import read_population, ward_change
from geo.displacement import displacement, wdq
from geo.errors import GeoInputError
from geo.hotspots import hotspots
from geo.incidents import Columns, LoadedIncidents
from geo.load import load_incidents, resolve_types
from geo.periods import Period, parse_period
from geo.settings import DEFAULT_CAMERA_RANGE_M, WARD_TOLERANCE_M
from geo.synthetic import DEMO_LABEL, write_demo
from geo.wards import read_area, read_wards

EXIT_OK = 0
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


def _add_input_args(p: argparse.ArgumentParser, *, wards: str = "optional") -> None:
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="police.uk CSVs, folders, zips, tables or GeoJSON points",
    )
    p.add_argument(
        "--wards",
        required=wards == "required",
        type=Path,
        help="ward boundary file (any vector format, any CRS)",
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
    p.add_argument("--population", type=Path, help="CSV of ward_code, population")
    p.add_argument("--out", required=True, type=Path, help="F.csv, one row per ward")
    p.set_defaults(run=_cmd_wards)

    p = sub.add_parser("displacement", help="hotspots of two periods, matched")
    _add_input_args(p, wards="required")
    _add_periods(p)
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
        "--cameras", required=True, type=Path, help="camera list (CSV or GeoJSON)"
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
    p.add_argument("--population", type=Path, help="CSV of ward_code, population")
    p.add_argument("--cameras", type=Path, help="camera list for the CCTV lines")
    p.add_argument("--out", required=True, type=Path, help="F.html")
    p.set_defaults(run=_cmd_report)

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


def wards_from_args(args: argparse.Namespace) -> gpd.GeoDataFrame | None:
    """Read the boundary file named by ``--wards``, if any."""
    if args.wards is None:
        return None
    return read_wards(
        args.wards,
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
) -> LoadedIncidents:
    """Read incidents as the shared options say; print and save the quality report.

    ``types`` overrides ``--type`` (the report loads every type).
    """
    loaded = load_incidents(
        args.inputs,
        wards=wards,
        periods=periods,
        types=args.types if types is None else types,
        columns=_columns(args),
        tolerance_m=args.tolerance_m,
        progress=_progress(),
        allow_empty=allow_empty,
    )
    sys.stderr.write(loaded.quality.summary() + "\n")
    if args.quality is not None:
        exports.write_json(loaded.quality.to_dict(), args.quality)
    return loaded


def _cmd_load(args: argparse.Namespace) -> None:
    periods = [parse_period(args.period)] if args.period else []
    loaded = load_from_args(args, periods, wards=wards_from_args(args))
    path = exports.write_incidents(loaded.incidents, args.out)
    sys.stderr.write(f"wrote {len(loaded.incidents):,} incidents to {path}\n")


def _cmd_hotspots(args: argparse.Namespace) -> None:
    wards = wards_from_args(args)
    period = parse_period(args.period) if args.period else None
    following = period.shifted(1) if period else None
    periods = [period, following] if period else []
    loaded = load_from_args(args, periods, wards=wards, allow_empty=[following])
    result = patrol.patrol_hotspots(
        loaded.incidents,
        wards=wards,
        period=period,
        eps=args.eps,
        min_samples=args.min_samples,
    )
    for line in result.notes:
        sys.stderr.write(line + "\n")
    path = exports.write_hotspots(
        result, args.out, wards=wards, top=args.top, synthetic=_is_demo(loaded)
    )
    sys.stderr.write(f"wrote {len(result.hotspots.table)} hotspots to {path}\n")


def _is_demo(loaded: LoadedIncidents) -> str | None:
    return DEMO_LABEL if loaded.quality.synthetic else None


def _cmd_wards(args: argparse.Namespace) -> None:
    before, after = parse_period(args.before), parse_period(args.after)
    population = read_population(args.population) if args.population else None
    wards = wards_from_args(args)
    loaded = load_from_args(args, [before, after], wards=wards)
    result = ward_change(
        loaded.incidents,
        wards,
        before=before,
        after=after,
        population=population,
        months_with_data=loaded.quality.months_in_data,
    )
    for line in [*result.headlines, *result.caveats]:
        sys.stderr.write(line + "\n")
    path = exports.write_table(result.table, args.out)
    sys.stderr.write(f"wrote {len(result.table)} wards to {path}\n")


def _split(incidents: gpd.GeoDataFrame, before: Period, after: Period):
    return (
        incidents.loc[before.contains(incidents["month"])],
        incidents.loc[after.contains(incidents["month"])],
    )


def _cmd_displacement(args: argparse.Namespace) -> None:
    before, after = parse_period(args.before), parse_period(args.after)
    if before.overlaps(after):
        msg = f"periods {before.label} and {after.label} overlap; choose separate ones."
        raise GeoInputError(msg)
    wards = wards_from_args(args)
    loaded = load_from_args(args, [before, after], wards=wards)
    b, a = _split(loaded.incidents, before, after)
    result = displacement(
        b,
        a,
        area_m2=float(wards.union_all().area),
        eps=args.eps,
        min_samples=args.min_samples,
        max_shift_m=args.max_shift_m,
    )
    for line in result.notes:
        sys.stderr.write(line + "\n")
    matched = result.matched.to_crs("EPSG:4326")
    path = exports.write_atomic(args.out, lambda p: _geojson(matched, p))
    sys.stderr.write(f"wrote {len(matched)} hotspots to {path}\n")


def _geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    if path.suffix.lower() not in (".geojson", ".json"):
        msg = f"--out {str(path)!r}: this output is written as .geojson."
        raise GeoInputError(msg)
    gdf.to_file(path, driver="GeoJSON")


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
    wards = wards_from_args(args)
    target = _area(args.target, wards, "target")
    control = _area(args.control, wards, "control") if args.control else None
    loaded = load_from_args(args, [before, after], wards=wards)
    b, a = _split(loaded.incidents, before, after)
    area = wards.union_all() if wards is not None else None
    result = wdq(b, a, target, area=area, control=control, buffer_m=args.buffer_m)
    sys.stderr.write(result.interpretation + "\n")
    path = exports.write_json(result.to_dict(), args.out)
    sys.stderr.write(f"wrote the WDQ to {path}\n")


def _cmd_coverage(args: argparse.Namespace) -> None:
    cams = read_cameras(args.cameras, default_range_m=args.range_m)
    wards = wards_from_args(args)
    period = parse_period(args.period) if args.period else None
    loaded = load_from_args(args, [], wards=wards)
    inc = loaded.incidents
    current = inc.loc[period.contains(inc["month"])] if period else inc
    if current.empty:
        msg = f"no incidents in {period.label}; choose another period."
        raise GeoInputError(msg)
    area = float(wards.union_all().area) if wards is not None else None
    found = hotspots(current, area_m2=area)
    result = coverage(current, cams.cameras, found.labels)
    for line in [*cams.notes, found.parameters.reason]:
        sys.stderr.write(line + "\n")
    everything = result.table.iloc[-1]
    sys.stderr.write(
        f"{everything['covered_incidents']:,} of {everything['incidents']:,} incidents "
        f"({everything['covered_share']:.1%}) are in camera view; "
        f"{len(result.uncovered)} hotspot(s) have under half their incidents in view.\n"
    )
    sites = suggest_sites(
        current, cams.cameras, found.labels, k=args.sites, range_m=args.range_m
    )
    for row in sites.itertuples():
        sys.stderr.write(
            f"new site {row.order}: +{row.gain} incidents in view "
            f"({row.cumulative_share:.1%} of the period covered)\n"
        )
    try:
        sys.stderr.write(
            before_after(inc, cams.cameras, go_live=args.go_live).interpretation + "\n"
        )
    except GeoInputError as err:
        sys.stderr.write(f"before/after: {err}\n")
    path = exports.write_table(result.table, args.out)
    sys.stderr.write(f"wrote {len(result.table)} rows to {path}\n")


def _cmd_report(args: argparse.Namespace) -> None:
    from app.report import build_report

    before, after = parse_period(args.before), parse_period(args.after)
    if Path(args.out).suffix.lower() not in (".html", ".htm"):
        msg = f"--out {str(args.out)!r}: the report is written as .html."
        raise GeoInputError(msg)
    population = read_population(args.population) if args.population else None
    cams = read_cameras(args.cameras) if args.cameras else None
    wards = wards_from_args(args)
    # every type is loaded: the headline table covers them all
    loaded = load_from_args(args, [before, after], wards=wards, types=())
    chosen = resolve_types(loaded.incidents, args.types) if args.types else []
    html = build_report(
        loaded,
        wards,
        before=before,
        after=after,
        types=chosen,
        population=population,
        cameras=cams,
        boundary_label=str(args.wards),
    )
    path = exports.write_atomic(
        args.out, lambda p: p.write_text(html, encoding="utf-8")
    )
    sys.stderr.write(f"wrote the report to {path}\n")


def _cmd_demo(args: argparse.Namespace) -> None:
    paths = write_demo(args.out, boundaries_out=args.boundaries_out, seed=args.seed)
    sys.stderr.write(f"{DEMO_LABEL}\n")
    for role, path in paths.items():
        sys.stderr.write(f"  {role}: {path}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        args.run(args)
    except GeoInputError as err:
        sys.stderr.write(f"hotspot-map: error: {err}\n")
        return EXIT_BAD_INPUT
    except OSError as err:
        sys.stderr.write(f"hotspot-map: error: {err}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
