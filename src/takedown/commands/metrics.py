"""`takedown metrics (--month YYYY-MM | --start ISO --end ISO) [--as-of ISO] [--tz ZONE] [FILTERS] [--db PATH] [--json]`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from takedown.cli import add_db_argument
from takedown.commands._period_args import (
    UsageError,
    add_filter_arguments,
    add_period_arguments,
    filters_from_args,
    period_and_as_of,
)
from takedown.config import DEFAULT_SETTINGS, Settings, resolve_db_path

HELP = "compute the program's metrics for a month or a period (SPEC section 3), as a table or JSON"

# Command-line flag -> the Settings field it overrides, its type, and what it means.
SETTING_FLAGS = {
    "--response-window-hours": ("response_window_hours", float, "hours the brand has to answer a counter-notice"),
    "--repeat-offender-threshold": ("repeat_offender_threshold", int,
                                    "removed listings that make a seller a repeat offender"),
    "--repeat-offender-window-days": ("repeat_offender_window_days", int, "days the repeat-offender count looks back"),
    "--good-faith-min-takedown-rate": ("good_faith_min_takedown_rate", float,
                                       "Good-Faith: lowest takedown rate in good standing (a fraction)"),
    "--good-faith-max-counter-notice-success-rate": ("good_faith_max_counter_notice_success_rate", float,
                                                     "Good-Faith: highest counter-notice success rate (a fraction)"),
    "--good-faith-months": ("good_faith_months", int, "Good-Faith: calendar months looked back"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
    add_filter_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print SPEC's JSON object instead of tables")
    for flag, (field, kind, meaning) in SETTING_FLAGS.items():
        default = getattr(DEFAULT_SETTINGS, field)
        parser.add_argument(flag, type=kind, dest=field, default=default, metavar="N",
                            help=f"{meaning} (default {default})")
    add_db_argument(parser)


def _settings(args: argparse.Namespace) -> Settings:
    values = {field: getattr(args, field) for field, _, _ in SETTING_FLAGS.values()}
    for field in ("response_window_hours", "repeat_offender_threshold", "repeat_offender_window_days",
                  "good_faith_months"):
        if values[field] <= 0:
            raise UsageError(f"--{field.replace('_', '-')} must be positive, not {values[field]}")
    for field in ("good_faith_min_takedown_rate", "good_faith_max_counter_notice_success_rate"):
        if not 0 <= values[field] <= 1:
            raise UsageError(f"--{field.replace('_', '-')} is a fraction in [0, 1], not {values[field]}")
    return dataclasses.replace(DEFAULT_SETTINGS, report_timezone=args.tz, **values)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.metrics.summary import metrics_from_store
    from takedown.store import StoreError, connect_reader

    try:
        settings = _settings(args)
        period, as_of = period_and_as_of(args)
        filters = filters_from_args(args)
    except UsageError as error:
        print(f"takedown metrics: {error}", file=sys.stderr)
        return 2
    try:
        con = connect_reader(resolve_db_path(args.db))
    except StoreError as error:
        print(f"takedown metrics: {error}", file=sys.stderr)
        return 1
    try:
        metrics = metrics_from_store(con, period, as_of, args.tz, settings, filters=filters)
    except (duckdb.Error, OSError, ValueError) as error:
        print(f"takedown metrics: cannot compute the metrics: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False))
    else:
        print_metrics(metrics)
    return 0


# --- human output: the headline figures as tables ---

def _percent(rate: object) -> str:
    return "-" if rate is None else f"{float(rate):.1%}"  # type: ignore[arg-type]


def _hours(hours: object) -> str:
    return "-" if hours is None else f"{float(hours):.1f} h"  # type: ignore[arg-type]


def _count(value: object) -> str:
    return f"{int(value):,}"  # type: ignore[call-overload]


def _usd(value: object) -> str:
    return f"${float(value):,.0f}"  # type: ignore[arg-type]


HEADLINE_ROWS = (
    ("complaint items submitted", "submitted", _count),
    ("removed", "removed", _count),
    ("rejected", "rejected", _count),
    ("restored", "restored", _count),
    ("withdrawn", "withdrawn", _count),
    ("pending", "pending", _count),
    ("takedown rate", "takedown_rate", _percent),
    ("median time to removal", "median_hours_to_removal", _hours),
    ("handled within 24 h", "handled_within_24h_rate", _percent),
    ("counter-notices", "counter_notices", _count),
    ("counter-notice rate", "counter_notice_rate", _percent),
    ("successful counter-notices", "successful_counter_notices", _count),
    ("counter-notice success rate", "counter_notice_success_rate", _percent),
    ("missed counter-notice responses", "missed_counter_notice_responses", _count),
    ("value removed (USD)", "value_removed_usd", _usd),
    ("removed items of unknown value", "value_unknown_items", _count),
)
PLATFORM_COLUMNS = (
    ("items", "submitted", _count), ("removed", "removed", _count), ("takedown", "takedown_rate", _percent),
    ("median", "median_hours_to_removal", _hours), ("<= 24 h", "handled_within_24h_rate", _percent),
    ("CN", "counter_notices", _count), ("USD removed", "value_removed_usd", _usd),
)


def print_metrics(metrics: dict) -> None:
    """The headline figures, the platforms, repeat offenders and Good-Faith standing as rich tables."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    period = metrics["period"]
    console.print(f"[bold]Takedown metrics[/bold] for {period['start']} to {period['end']} "
                  f"(report time zone {escape(metrics['timezone'])}), as of {metrics['as_of']}")
    headline = Table(title="headline figures", title_justify="left")
    headline.add_column("metric")
    headline.add_column("value", justify="right")
    for label, key, shown in HEADLINE_ROWS:
        headline.add_row(label, shown(metrics["totals"][key]))
    console.print(headline)

    platforms = Table(title="by platform (CN: counter-notices)", title_justify="left")
    platforms.add_column("platform")
    for label, _, _ in PLATFORM_COLUMNS:
        platforms.add_column(label, justify="right")
    for platform, figures in metrics["by_platform"].items():
        platforms.add_row(escape(platform), *(shown(figures[key]) for _, key, shown in PLATFORM_COLUMNS))
    console.print(platforms)

    repeat = metrics["repeat_offenders"]
    console.print(f"Repeat offenders (>= {repeat['threshold']} removed listings in {repeat['window_days']} days): "
                  f"{repeat['count']:,}, {_percent(repeat['share_of_removed'])} of removed listing items.")

    good_faith = metrics["good_faith"]
    standing = Table(title=f"Good-Faith standing {good_faith['start']} to {good_faith['end']}", title_justify="left")
    for label in ("account", "takedown rate", "counter-notice success", "at risk", "reasons at risk"):
        standing.add_column(label, justify="left" if label in ("account", "reasons at risk") else "right")
    for account, figures in good_faith["accounts"].items():
        risky = [reason for reason, by_reason in figures["by_reason"].items() if by_reason["at_risk"]]
        standing.add_row(escape(account), _percent(figures["takedown_rate"]),
                         _percent(figures["counter_notice_success_rate"]),
                         "[red]yes[/red]" if figures["at_risk"] else "no", escape(", ".join(risky)))
    console.print(standing)
