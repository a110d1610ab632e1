"""`takedown predict (--month YYYY-MM | --start ISO --end ISO) [--as-of ISO] [--tz ZONE] [FILTERS] [--db PATH]
[--json | --out FILE.csv|.xlsx]`: each complaint item's probability of ending removed (SPEC 4, issue 21).

One row per complaint item submitted in the period: complaint_id, listing_id, probability (that it
ends removed, as predicted from what was known at --as-of: the store's newest model trained as of
<= T, else one trained now in memory on the items decided by T; null when too few were decided),
and status at T (null for an item submitted after T, whose features are what the store held at T).
"""

from __future__ import annotations

import argparse
import sys

from takedown.cli import EXIT_FAILED, add_db_argument, fail
from takedown.commands._period_args import (
    UsageError,
    add_filter_arguments,
    add_period_arguments,
    open_period_store,
    warn_unknown_filter_values,
)
from takedown.commands._row_output import add_row_output_arguments, print_json_lines, write_rows
from takedown.escape import terminal_text

HELP = "each complaint item's probability of ending removed, predicted from what was known at --as-of"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
    add_filter_arguments(parser)
    add_row_output_arguments(parser, "item")
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.prediction.registry import predict_items
    from takedown.prediction.summary import describe_training, prediction_rows

    opened = open_period_store("predict", args, lambda: _check_output(args))
    if isinstance(opened, int):
        return opened
    period, as_of, filters, con = opened
    try:
        warn_unknown_filter_values("predict", con, filters, "no item matches it")
        training, predictions = predict_items(con, as_of, period.start, period.end, filters)
    except (duckdb.Error, OSError, ValueError) as error:
        return fail("predict", f"cannot predict: {error}", EXIT_FAILED)
    finally:
        con.close()
    rows = prediction_rows(predictions)
    # The model's sentence (or why there is none) goes to stderr: stdout holds only the rows.
    print(f"takedown predict: {terminal_text(describe_training(training))}", file=sys.stderr)
    if args.json:
        print_json_lines(rows)
    elif args.out is not None:
        return write_rows("predict", rows, args.out, sheet="predictions")
    else:
        _print_rows(rows)
    return 0


def _check_output(args: argparse.Namespace) -> None:
    from takedown.export import out_problem

    if args.out is not None and (problem := out_problem("--out", args.out)):
        raise UsageError(problem)


def _print_rows(rows) -> None:
    from rich.table import Table

    from takedown.display import console, print_line, print_table, shown
    from takedown.prediction.summary import SHOWN_PREDICTION_ROWS

    more = f" (the first {SHOWN_PREDICTION_ROWS}; --out FILE.xlsx or --json for all)" if rows.height > SHOWN_PREDICTION_ROWS else ""
    print_line(console(stderr=True), f"{rows.height:,} items{more}")
    if not rows.height:
        return
    table = Table()
    for name in rows.columns:
        table.add_column(name, justify="right" if name == "probability" else "left")
    for complaint_id, listing_id, probability, status in rows.head(SHOWN_PREDICTION_ROWS).iter_rows():
        table.add_row(shown(complaint_id), shown(listing_id), "" if probability is None else f"{probability:.3f}",
                      "" if status is None else status)
    print_table(console(), table)
