"""The period, as-of, time-zone and filter flags `takedown metrics` and `takedown items` share.

    (--month YYYY-MM | --start ISO --end ISO) [--as-of ISO] [--tz ZONE]
    [--platform P] [--account A] [--reason R] [--ipr-type I] [--brand B]
"""

from __future__ import annotations

import argparse

from takedown.config import DEFAULT_SETTINGS

# The bounds of periods and --as-of live beside the periods: the dashboard's URL parameters share them.
from takedown.metrics.periods import AS_OF_CLOCK_SKEW, EARLIEST, LATEST  # noqa: F401 (EARLIEST, LATEST: re-exported)

# Filter flag -> what it keeps (the Filters field of the same name, dashes as underscores).
FILTER_FLAGS = {
    "--platform": "a platform's name or one of its aliases (taobao, taobao.com, 淘宝)",
    "--account": "the IPP account that filed the complaint",
    "--reason": "the reason chosen in IPP (compared lower-cased and trimmed)",
    "--ipr-type": "trademark, copyright, patent or design",
    "--brand": "the brand of the item's listing (items without a known listing have none)",
}


class UsageError(ValueError):
    """A bad combination or value of arguments (exit status 2)."""


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    """--month or --start/--end, --as-of and --tz."""
    period = parser.add_mutually_exclusive_group(required=True)
    period.add_argument("--month", metavar="YYYY-MM", help="a calendar month in the report time zone")
    period.add_argument("--start", metavar="ISO", help="start of the period (inclusive); needs --end")
    parser.add_argument("--end", metavar="ISO", help="end of the period (exclusive)")
    add_as_of_arguments(parser)


def add_as_of_arguments(parser: argparse.ArgumentParser) -> None:
    """--as-of and --tz (a command with a period of its own, such as `report --month`, adds just these)."""
    parser.add_argument("--as-of", metavar="ISO",
                        help="see the store as it was known at this time (default: now); not in the future, "
                             f"beyond {AS_OF_CLOCK_SKEW.seconds // 60} minutes of clock skew")
    parser.add_argument("--tz", metavar="ZONE", default=DEFAULT_SETTINGS.report_timezone,
                        help="report time zone: month boundaries, and times given without an offset (default UTC)")


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """--platform, --account, --reason, --ipr-type, --brand: a filtered figure equals its breakdown's."""
    filters = parser.add_argument_group("filters (a filtered figure equals the matching breakdown's)")
    for flag, meaning in FILTER_FLAGS.items():
        filters.add_argument(flag, metavar=flag.removeprefix("--").replace("-", "_").upper(), help=meaning)


def period_and_as_of(args: argparse.Namespace):
    """(Period, as_of) from the flags, naive UTC; UsageError on a bad or missing value.

    --as-of in the future is refused: the figures would count deadlines that have not passed yet.
    """
    from takedown.metrics.periods import (
        Period,
        checked_as_of,
        checked_instant,
        checked_month,
        month_period,
        time_zone,
        utc_now,
    )

    try:
        time_zone(args.tz)
        if args.month:
            if args.end:
                raise UsageError("--end goes with --start, not with --month")
            checked_month(args.month, "--month")
            period = month_period(args.month, args.tz)
        else:
            if not args.end:
                raise UsageError("--start needs --end")
            start, end = (checked_instant(text, args.tz, flag) for flag, text in (("--start", args.start),
                                                                                  ("--end", args.end)))
            period = Period(start, end)
        now = utc_now()
        as_of = checked_as_of(args.as_of, args.tz, now, "--as-of") if args.as_of else now
    except (ValueError, OverflowError) as error:  # UsageError is a ValueError
        raise UsageError(str(error)) from error
    return period, as_of


def filters_from_args(args: argparse.Namespace):
    """The Filters of the flags, normalised (platform aliases resolved); UsageError on a bad value."""
    from takedown.metrics.filters import Filters

    try:
        filters = Filters(platform=args.platform, account=args.account, reason=args.reason,
                          ipr_type=args.ipr_type, brand=args.brand)
        filters.normalised()
    except ValueError as error:
        raise UsageError(str(error)) from error
    return filters


def warn_unknown_filter_values(command: str, con, filters, consequence: str) -> None:
    """One warning line per filter value the store does not hold, naming its flag and the values it
    holds: the command still runs (its figures are zeros), but nobody mistakes a typo for an answer."""
    from takedown.cli import warn
    from takedown.metrics.filters import unknown_filter_values

    for unknown in unknown_filter_values(con, filters):
        warn(command, f"{unknown.describe('--' + unknown.name.replace('_', '-'))}; {consequence}")


def open_period_store(command: str, args: argparse.Namespace, check=None):
    """(period, as_of, filters, con) from the flags and the store of --db (read-only); or, when a flag
    is bad (exit 2) or the store cannot be opened (exit 1), the exit status after the one-line
    failure. `check()` validates the command's own flags (it raises UsageError). The caller closes con."""
    from takedown.cli import EXIT_FAILED, EXIT_USAGE, fail
    from takedown.config import resolve_db_path
    from takedown.store import StoreError, connect_reader

    try:
        period, as_of = period_and_as_of(args)
        filters = filters_from_args(args)
        if check is not None:
            check()
    except UsageError as error:
        return fail(command, str(error), EXIT_USAGE)
    try:
        con = connect_reader(resolve_db_path(args.db))
    except StoreError as error:
        return fail(command, str(error), EXIT_FAILED)
    return period, as_of, filters, con
