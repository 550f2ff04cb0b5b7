"""The ``hotspot-map`` command: batch analysis and exports.

Exit status: 0 on success, 2 for bad input (one clear line on stderr, no
traceback, nothing half-written). Every command prints the load's data-quality
summary to stderr and can write it as JSON with ``--quality``.

One module per command group, each adding its own sub-parsers beside its
commands (as rasterio's ``rio`` does): :mod:`app.cli.data` (load, import,
workspace, export, demo), :mod:`app.cli.hotspots`, :mod:`app.cli.compare`
(wards, years, displacement, wdq, report) and :mod:`app.cli.cctv` (coverage,
cctv-brief); the options and readers they share are in :mod:`app.cli._common`.
A new command goes in its group's module, with an ``_add_...`` beside it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from app.cli import cctv, compare, data, hotspots
from app.cli._common import EXIT_BAD_INPUT, _Parser
from geo.errors import GeoInputError
from geo.hotspots import prepare

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "FLAGS", "build_parser", "main", "run"]

EXIT_OK = 0

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
    "replace": "--replace",
}
"""The flag of each geo argument an error may name (GeoInputError.worded)."""


def build_parser() -> _Parser:
    """The ``hotspot-map`` parser: every group's commands."""
    parser = _Parser(
        prog="hotspot-map",
        description="Crime and ASB hotspot mapping from police.uk data.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for group in (data, hotspots, compare, cctv):
        group.add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if getattr(args, "clusters", False):
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
