"""`takedown items (--month YYYY-MM | --start ISO --end ISO) [--as-of ISO] [--tz ZONE] [--metric NAME] [FILTERS]
[--db PATH] [--json | --out FILE.csv|.xlsx]`: the complaint items behind a figure.

The rows are chosen by the metric's registry condition, so they add up to what `takedown metrics`
shows with the same flags: their number is the figure (their value_usd sum for value_removed_usd;
the counter-notice events missed for missed_counter_notice_responses).
"""

from __future__ import annotations

import argparse
import dataclasses

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, fail
from takedown.commands._period_args import (
    UsageError,
    add_filter_arguments,
    add_period_arguments,
    open_period_store,
    warn_unknown_filter_values,
)
from takedown.commands._row_output import add_row_output_arguments, print_json_lines, write_rows

HELP = "list the complaint items behind a figure of `takedown metrics` (JSON Lines, CSV or XLSX)"


def _row_metrics() -> tuple[str, ...]:
    from takedown.metrics.registry import ROW_METRICS

    return ROW_METRICS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
    parser.add_argument("--metric", default="submitted", metavar="NAME",
                        help=f"the figure whose items to list (default submitted): {', '.join(_row_metrics())}")
    add_filter_arguments(parser)
    add_row_output_arguments(parser, "row")
    add_db_argument(parser)


def _check_output(args: argparse.Namespace) -> None:
    from takedown.export import out_problem
    from takedown.metrics.registry import METRIC_NAMES

    if args.metric not in _row_metrics():
        problem = "has no rows behind it (a rate or a median)" if args.metric in METRIC_NAMES else "is not a metric"
        raise UsageError(f"--metric {args.metric!r} {problem}; choose one of: {', '.join(_row_metrics())}")
    if args.out is not None and (problem := out_problem("--out", args.out)):
        raise UsageError(problem)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.config import DEFAULT_SETTINGS
    from takedown.metrics.snapshot import load_snapshot

    opened = open_period_store("items", args, lambda: _check_output(args))
    if isinstance(opened, int):
        return opened
    period, as_of, filters, con = opened
    settings = dataclasses.replace(DEFAULT_SETTINGS, report_timezone=args.tz)
    try:
        # The rows are the period's cohort: the snapshot needs no item submitted outside it.
        warn_unknown_filter_values("items", con, filters, "no item matches it")
        snapshot = load_snapshot(con, as_of, filters, since=period.start, until=period.end, settings=settings,
                                 strict=False)
        rows = snapshot.rows(period, args.metric)
    except (duckdb.Error, OSError, ValueError) as error:
        return fail("items", f"cannot list the items: {error}", EXIT_FAILED)
    finally:
        con.close()
    if args.json:
        print_json_lines(rows)
    elif args.out is not None:
        return write_rows("items", rows, args.out, sheet="items")
    else:
        from takedown.display import print_item_rows

        print_item_rows(rows, args.metric)
    return 0

