"""`takedown items (--month YYYY-MM | --start ISO --end ISO) [--as-of ISO] [--tz ZONE] [--metric NAME] [FILTERS]
[--db PATH] [--json | --out FILE.csv|.xlsx]`: the complaint items behind a figure.

The rows are chosen by the metric's registry condition, so they add up to what `takedown metrics`
shows with the same flags: their number is the figure (their value_usd sum for value_removed_usd;
the counter-notice events missed for missed_counter_notice_responses).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from takedown.cli import add_db_argument
from takedown.commands._period_args import (
    UsageError,
    add_filter_arguments,
    add_period_arguments,
    filters_from_args,
    period_and_as_of,
)
from takedown.config import resolve_db_path

HELP = "list the complaint items behind a figure of `takedown metrics` (JSON Lines, CSV or XLSX)"
# The terminal shows this many rows; --out or --json give them all.
SHOWN_ROWS = 50
OUT_FORMATS = (".csv", ".xlsx")


def _row_metrics() -> tuple[str, ...]:
    from takedown.metrics.registry import ROW_METRICS

    return ROW_METRICS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
    parser.add_argument("--metric", default="submitted", metavar="NAME",
                        help=f"the figure whose items to list (default submitted): {', '.join(_row_metrics())}")
    add_filter_arguments(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object per row (JSON Lines)")
    output.add_argument("--out", type=Path, metavar="FILE", help="write the rows to a .csv or .xlsx file")
    add_db_argument(parser)


def _check_output(args: argparse.Namespace) -> None:
    from takedown.metrics.registry import METRIC_NAMES

    if args.metric not in _row_metrics():
        problem = "has no rows behind it (a rate or a median)" if args.metric in METRIC_NAMES else "is not a metric"
        raise UsageError(f"--metric {args.metric!r} {problem}; choose one of: {', '.join(_row_metrics())}")
    if args.out is not None and args.out.suffix.lower() not in OUT_FORMATS:
        raise UsageError(f"--out {args.out} must end in .csv or .xlsx")


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.config import DEFAULT_SETTINGS
    from takedown.metrics.snapshot import load_snapshot
    from takedown.store import StoreError, connect_reader

    try:
        period, as_of = period_and_as_of(args)
        filters = filters_from_args(args)
        _check_output(args)
    except UsageError as error:
        print(f"takedown items: {error}", file=sys.stderr)
        return 2
    try:
        con = connect_reader(resolve_db_path(args.db))
    except StoreError as error:
        print(f"takedown items: {error}", file=sys.stderr)
        return 1
    settings = dataclasses.replace(DEFAULT_SETTINGS, report_timezone=args.tz)
    try:
        # The rows are the period's cohort: the snapshot needs no item submitted before it.
        snapshot = load_snapshot(con, as_of, filters, since=period.start, settings=settings)
        rows = snapshot.rows(period, args.metric)
    except (duckdb.Error, OSError, ValueError) as error:
        print(f"takedown items: cannot list the items: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if args.json:
        _print_json_lines(rows)
    elif args.out is not None:
        try:
            _write(rows, args.out)
        except OSError as error:
            print(f"takedown items: cannot write {args.out}: {error}", file=sys.stderr)
            return 1
        print(f"{rows.height:,} rows written to {args.out}", file=sys.stderr)
    else:
        _print_table(rows, args.metric)
    return 0


def _jsonable(value: object) -> object:
    import datetime as dt

    from takedown.metrics.periods import iso_utc

    return iso_utc(value) if isinstance(value, dt.datetime) else value


def _print_json_lines(rows) -> None:
    out = sys.stdout
    for row in rows.iter_rows(named=True):
        out.write(json.dumps({name: _jsonable(value) for name, value in row.items()}, ensure_ascii=False) + "\n")


def _write(rows, path: Path) -> None:
    """CSV or XLSX with every text cell a spreadsheet would run as a formula escaped (SPEC 2)."""
    from takedown.escape import escape_cells

    safe = escape_cells(rows)
    if path.suffix.lower() == ".csv":
        safe.write_csv(path)
    else:
        safe.write_excel(path, worksheet="items", autofit=True)


def _print_table(rows, metric: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    more = f" (the first {SHOWN_ROWS}; --out FILE.xlsx or --json for all)" if rows.height > SHOWN_ROWS else ""
    Console(stderr=True).print(f"{rows.height:,} rows behind {metric}{more}")
    if not rows.height:
        return
    console = Console()
    columns = ("complaint_id", "listing_id", "platform", "account", "status", "submitted_at", "value_usd", "title")
    table = Table()
    for name in columns:
        table.add_column(name, justify="right" if name == "value_usd" else "left")
    for row in rows.head(SHOWN_ROWS).select(columns).iter_rows():
        # Titles are untrusted seller text: rich markup in them must show as text.
        table.add_row(*("" if value is None else escape(str(value)) for value in row))
    console.print(table)
