"""`takedown metrics (--month YYYY-MM | --start ISO --end ISO) [--as-of ISO] [--tz ZONE] [--db PATH] [--json]`."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, fail, finite_number
from takedown.config import DEFAULT_SETTINGS, Settings, resolve_db_path

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
# --as-of may lie this little after now: another machine's clock may run a little ahead of this one's.
AS_OF_CLOCK_SKEW = dt.timedelta(minutes=5)
# Periods and --as-of must lie within these years (UTC), so that every look-back stays a valid date.
EARLIEST = dt.datetime(1970, 1, 1)
LATEST = dt.datetime(3000, 1, 1)


class UsageError(ValueError):
    """A bad combination or value of arguments (exit status 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    period = parser.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="YYYY-MM", help="a calendar month in the report time zone")
    period.add_argument("--start", metavar="ISO", help="start of the period (inclusive); needs --end")
    parser.add_argument("--end", metavar="ISO", help="end of the period (exclusive)")
    parser.add_argument("--as-of", metavar="ISO",
                        help="see the store as it was known at this time (default: now); not in the future, "
                             f"beyond {AS_OF_CLOCK_SKEW.seconds // 60} minutes of clock skew")
    parser.add_argument("--tz", metavar="ZONE", default=DEFAULT_SETTINGS.report_timezone,
                        help="report time zone: month boundaries, and times given without an offset (default UTC)")
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


def _period_and_as_of(args: argparse.Namespace):
    from takedown.metrics.periods import Period, month_period, parse_month, time_zone, utc_now

    try:
        time_zone(args.tz)
        if args.month:
            if args.end:
                raise UsageError("--end goes with --start, not with --month")
            year, _ = parse_month(args.month)
            if not EARLIEST.year < year < LATEST.year:
                raise UsageError(f"--month {args.month}: months lie between {EARLIEST.year + 1} and {LATEST.year - 1}")
            period = month_period(args.month, args.tz)
        else:
            if not args.end:
                raise UsageError("--start needs --end")
            start, end = (_instant(flag, text, args.tz) for flag, text in (("--start", args.start), ("--end", args.end)))
            period = Period(start, end)
        now = utc_now()
        as_of = _instant("--as-of", args.as_of, args.tz) if args.as_of else now
    except (ValueError, OverflowError) as error:  # UsageError is a ValueError
        raise UsageError(str(error)) from error
    if as_of > now + AS_OF_CLOCK_SKEW:
        raise UsageError(f"--as-of {args.as_of} is in the future (now is {now:%Y-%m-%dT%H:%M}Z): the figures would "
                         "count deadlines that have not passed yet")
    return period, as_of


def _instant(flag: str, text: str, timezone: str) -> dt.datetime:
    """An instant of the command line as naive UTC, within the years the metrics can look back from."""
    from takedown.metrics.periods import parse_instant

    try:
        instant = parse_instant(text, timezone)
    except OverflowError as error:  # e.g. 9999-12-31T23:00-05:00 is past the last representable UTC time
        raise UsageError(f"{flag} {text}: out of range") from error
    if not EARLIEST <= instant < LATEST:
        raise UsageError(f"{flag} {text}: times lie between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return instant


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.metrics.report import metrics_from_store
    from takedown.store import StoreError, connect_reader

    try:
        settings = _settings(args)
        period, as_of = _period_and_as_of(args)
    except UsageError as error:
        return fail("metrics", str(error), EXIT_USAGE)
    try:
        con = connect_reader(resolve_db_path(args.db))
    except StoreError as error:
        return fail("metrics", str(error), EXIT_FAILED)
    try:
        metrics = metrics_from_store(con, period, as_of, args.tz, settings)
    except (duckdb.Error, OSError, ValueError) as error:
        return fail("metrics", f"cannot compute the metrics: {error}", EXIT_FAILED)
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
    from rich.table import Table

    from takedown.display import shown as untrusted  # platforms, accounts and reasons come from the exports

    console = Console()
    period = metrics["period"]
    console.print(f"[bold]Takedown metrics[/bold] for {period['start']} to {period['end']} "
                  f"(report time zone {untrusted(metrics['timezone'])}), as of {metrics['as_of']}")
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
        platforms.add_row(untrusted(platform), *(shown(figures[key]) for _, key, shown in PLATFORM_COLUMNS))
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
        standing.add_row(untrusted(account), _percent(figures["takedown_rate"]),
                         _percent(figures["counter_notice_success_rate"]),
                         "[red]yes[/red]" if figures["at_risk"] else "no", untrusted(", ".join(risky)))
    console.print(standing)
