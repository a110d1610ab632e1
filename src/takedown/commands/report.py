"""`takedown report --month YYYY-MM [--as-of ISO] [--tz ZONE] [--out DIR] [--db PATH]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, fail
from takedown.commands._period_args import UsageError, add_as_of_arguments, period_and_as_of
from takedown.config import resolve_db_path

HELP = "write the monthly Good-Faith call report: report.html, report.pdf and escalations.xlsx"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", metavar="YYYY-MM", required=True, help="the calendar month, in the report time zone")
    add_as_of_arguments(parser)
    parser.add_argument("--out", metavar="DIR", default="report", help="the folder to write into (default: report/)")
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.report.build import build_report
    from takedown.report.pdf import PdfError
    from takedown.store import StoreError, connect_reader, read_source

    # The period helper reads --start/--end too; the report has only --month.
    args.start = args.end = None
    try:
        _, as_of = period_and_as_of(args)
    except UsageError as error:
        return fail("report", str(error), EXIT_USAGE)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return fail("report", f"--out {out} is a file, not a folder", EXIT_USAGE)
    try:
        con = connect_reader(resolve_db_path(args.db))
    except StoreError as error:
        return fail("report", str(error), EXIT_FAILED)
    try:
        files = build_report(con, args.month, as_of, args.tz, out)
        # The snapshot read (a DuckLake's id and commit time): `--store-as-of` it to reproduce the figures.
        source = out / "store.json"
        source.write_text(json.dumps(read_source(con, resolve_db_path(args.db)), indent=2) + "\n", encoding="utf-8")
    except (duckdb.Error, OSError, ValueError, PdfError) as error:
        return fail("report", f"cannot write the report: {error}", EXIT_FAILED)
    finally:
        con.close()
    for path in (files.html, files.pdf, files.xlsx, source):
        print(path)
    return 0
