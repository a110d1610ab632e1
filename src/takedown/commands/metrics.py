"""`takedown metrics (--month YYYY-MM | --start ISO --end ISO) [--as-of ISO] [--tz ZONE] [FILTERS] [--db PATH] [--json]`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, fail, finite_number
from takedown.commands._period_args import (
    UsageError,
    add_filter_arguments,
    add_period_arguments,
    open_period_store,
    warn_unknown_filter_values,
)
from takedown.config import DEFAULT_SETTINGS, Settings

HELP = "compute the program's metrics for a month or a period (SPEC section 3), as a table or JSON"

# Command-line flag -> the Settings field it overrides, its type, what it means, and the range it
# must lie in: wide enough for any real program, narrow enough that date arithmetic cannot overflow.
SETTING_FLAGS = {
    "--response-window-hours": ("response_window_hours", float, "hours the brand has to answer a counter-notice",
                                0, 8_760),  # at most a year
    "--repeat-offender-threshold": ("repeat_offender_threshold", int,
                                    "removed listings that make a seller a repeat offender", 1, 1_000_000),
    "--repeat-offender-window-days": ("repeat_offender_window_days", int, "days the repeat-offender count looks back",
                                      1, 3_660),  # at most ten years
    "--good-faith-min-takedown-rate": ("good_faith_min_takedown_rate", float,
                                       "Good-Faith: lowest takedown rate in good standing (a fraction)", 0, 1),
    "--good-faith-max-counter-notice-success-rate": ("good_faith_max_counter_notice_success_rate", float,
                                                     "Good-Faith: highest counter-notice success rate (a fraction)",
                                                     0, 1),
    "--good-faith-months": ("good_faith_months", int, "Good-Faith: calendar months looked back", 1, 120),
}
FRACTIONS = ("good_faith_min_takedown_rate", "good_faith_max_counter_notice_success_rate")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
    add_filter_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print SPEC's JSON object instead of tables")
    for flag, (field, kind, meaning, low, high) in SETTING_FLAGS.items():
        default = getattr(DEFAULT_SETTINGS, field)
        bounds = f"in [{low}, {high}]" if field in FRACTIONS else f"{'above' if kind is float else 'from'} {low} to {high:,}"
        parser.add_argument(flag, type=kind, dest=field, default=default, metavar="N",
                            help=f"{meaning} (default {default}, {bounds})")
    add_db_argument(parser)


def _settings(args: argparse.Namespace) -> Settings:
    values = {}
    for flag, (field, _, _, low, high) in SETTING_FLAGS.items():
        value = getattr(args, field)
        if field in FRACTIONS:
            if not (math.isfinite(value) and low <= value <= high):
                raise UsageError(f"{flag} is a fraction in [0, 1], not {value:g}")
        elif problem := finite_number(flag, value, low, high, exclusive_minimum=isinstance(value, float)):
            raise UsageError(problem)
        values[field] = value
    return dataclasses.replace(DEFAULT_SETTINGS, report_timezone=args.tz, **values)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.metrics.summary import metrics_from_store

    try:
        settings = _settings(args)
    except UsageError as error:
        return fail("metrics", str(error), EXIT_USAGE)
    opened = open_period_store("metrics", args)
    if isinstance(opened, int):
        return opened
    period, as_of, filters, con = opened
    try:
        warn_unknown_filter_values("metrics", con, filters, "so no item is counted")
        metrics = metrics_from_store(con, period, as_of, args.tz, settings, filters=filters, strict=False)
    except (duckdb.Error, OSError, ValueError) as error:
        return fail("metrics", f"cannot compute the metrics: {error}", EXIT_FAILED)
    finally:
        con.close()
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False))
    else:
        from takedown.display import print_metrics

        print_metrics(metrics)
    return 0
