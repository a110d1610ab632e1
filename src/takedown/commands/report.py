"""`takedown report --month YYYY-MM [--as-of ISO] [--tz ZONE] [--out DIR] [--db PATH]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from takedown.cli import add_db_argument
from takedown.commands._period_args import UsageError, period_and_as_of
from takedown.config import DEFAULT_SETTINGS, resolve_db_path

HELP = "write the monthly Good-Faith call report: report.html, report.pdf and escalations.xlsx"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", metavar="YYYY-MM", required=True, help="the calendar month, in the report time zone")
    parser.add_argument("--as-of", metavar="ISO", help="see the store as it was known at this time (default: now)")
    parser.add_argument("--tz", metavar="ZONE", default=DEFAULT_SETTINGS.report_timezone,
                        help="report time zone: month boundaries, and times given without an offset (default UTC)")
    parser.add_argument("--out", metavar="DIR", default="report", help="the folder to write into (default: report/)")
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.report.build import build_report
    from takedown.report.pdf import PdfError
    from takedown.store import StoreError, connect_reader

    # The period helper reads --start/--end too; the report has only --month.
    args.start = args.end = None
    try:
        _, as_of = period_and_as_of(args)
    except UsageError as error:
        print(f"takedown report: {error}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"takedown report: --out {out} is a file, not a folder", file=sys.stderr)
        return 2
    try:
        con = connect_reader(resolve_db_path(args.db))
    except StoreError as error:
        print(f"takedown report: {error}", file=sys.stderr)
        return 1
    try:
        files = build_report(con, args.month, as_of, args.tz, out)
    except (duckdb.Error, OSError, ValueError, PdfError) as error:
        print(f"takedown report: cannot write the report: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()
    for path in (files.html, files.pdf, files.xlsx):
        print(path)
    return 0
