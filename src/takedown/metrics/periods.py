"""Periods, calendar months, time zones and the as-of instant (SPEC section 3).

Every instant the metrics handle is a naive `datetime` holding UTC, the store's convention. Time
zones only decide where calendar months begin and end, and how a time written without an offset on
the command line is read. An aware datetime given to the library (a `Period`, an as-of) is converted
to naive UTC on the way in (`naive_utc`); a naive one is taken as UTC already.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of naive UTC instants.

    An aware start or end is converted to naive UTC (`Period(datetime(2026, 9, 1, tzinfo=ZoneInfo(
    "Asia/Shanghai")), ...)` starts at 2026-08-31 16:00 UTC); a naive one is taken as UTC. Anything
    but a datetime (a date, a string) is a TypeError that says how to write one.
    """

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        # Frozen: the converted values are set the way dataclasses set fields.
        object.__setattr__(self, "start", naive_utc(self.start, "a period's start"))
        object.__setattr__(self, "end", naive_utc(self.end, "a period's end"))
        if not self.start < self.end:
            raise ValueError(f"a period must start before it ends: {self.start} is not before {self.end}")

    def contains(self, instant: dt.datetime) -> bool:
        """Whether `instant` (naive UTC, or aware) lies in [start, end)."""
        return self.start <= naive_utc(instant, "the instant") < self.end


def naive_utc(moment: object, what: str = "a time") -> dt.datetime:
    """`moment` as the store's naive UTC: an aware datetime converted, a naive one taken as UTC.

    Anything else is a TypeError naming `what` and how to write a time (a date has no time of
    day, and a string no agreed zone: neither is guessed).
    """
    if not isinstance(moment, dt.datetime):
        hint = (" (a date has no time of day: use datetime(y, m, d) for its midnight, UTC)"
                if isinstance(moment, dt.date) else
                " (parse text with takedown.metrics.periods.parse_instant(text, timezone))"
                if isinstance(moment, str) else "")
        raise TypeError(f"{what} must be a datetime, not {type(moment).__name__} {moment!r}{hint}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=None)
    return to_utc(moment)


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`, or a ValueError that says how to name one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # OSError: a folder of zones, e.g. "America"
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") from error


def to_utc(moment: dt.datetime) -> dt.datetime:
    """An aware datetime as the store's naive UTC."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def utc_now() -> dt.datetime:
    """The current instant as naive UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def parse_instant(text: str, timezone: str) -> dt.datetime:
    """An ISO 8601 instant as naive UTC.

    With an offset or `Z` it is taken as written; without one (including a bare date, read as
    midnight) it is read in `timezone`, the report time zone.
    """
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError(f"not an ISO 8601 time: {text!r} (e.g. 2026-09-01 or 2026-09-01T08:00:00+08:00)") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=time_zone(timezone))
    return to_utc(moment)


def parse_month(text: str) -> tuple[int, int]:
    """`YYYY-MM` as (year, month)."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"not a month: {text!r} (expected YYYY-MM, e.g. 2026-09)")
    return int(match.group(1)), int(match.group(2))


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    """The calendar month `months` after (or before, when negative) year-month."""
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def month_start(year: int, month: int, timezone: str) -> dt.datetime:
    """The first instant of a calendar month in `timezone`, as naive UTC."""
    return to_utc(dt.datetime(year, month, 1, tzinfo=time_zone(timezone)))


def calendar_months(last_year: int, last_month: int, count: int, timezone: str) -> Period:
    """The `count` calendar months in `timezone` that end with last_year-last_month."""
    if count < 1:
        raise ValueError(f"a span of calendar months needs at least one month, not {count}")
    first_year, first_month = shift_month(last_year, last_month, -(count - 1))
    after_year, after_month = shift_month(last_year, last_month, 1)
    return Period(month_start(first_year, first_month, timezone), month_start(after_year, after_month, timezone))


def month_period(month: str, timezone: str) -> Period:
    """`--month YYYY-MM`: that calendar month in the report time zone."""
    year, number = parse_month(month)
    return calendar_months(year, number, 1, timezone)


def month_of(instant: dt.datetime, timezone: str) -> tuple[int, int]:
    """The calendar month, in `timezone`, that contains `instant` (naive UTC)."""
    local = instant.replace(tzinfo=dt.UTC).astimezone(time_zone(timezone))
    return local.year, local.month


def last_month_of(period: Period, timezone: str) -> tuple[int, int]:
    """The calendar month, in `timezone`, that contains the period's last instant."""
    return month_of(period.end - dt.timedelta(microseconds=1), timezone)


def good_faith_window(period: Period, timezone: str, months: int) -> Period:
    """The Good-Faith look-back: `months` calendar months ending with the period's last month.

    For `--month` that is the month itself; for a `--start/--end` period it is the month, in the
    report time zone, that contains the period's last instant.
    """
    year, month = last_month_of(period, timezone)
    return calendar_months(year, month, months, timezone)


def month_label(year: int, month: int) -> str:
    """`YYYY-MM`."""
    return f"{year:04d}-{month:02d}"


def months_ending(last_month: str, count: int) -> list[str]:
    """The `count` month labels ending with `last_month`, oldest first."""
    year, month = parse_month(last_month)
    return [month_label(*shift_month(year, month, offset)) for offset in range(-(count - 1), 1)]


def iso_utc(instant: dt.datetime) -> str:
    """A naive UTC instant as ISO 8601 with `Z` (microseconds only when there are any)."""
    timespec = "microseconds" if instant.microsecond else "seconds"
    return instant.isoformat(timespec=timespec) + "Z"


# --- the bounds every surface applies to a month or an instant a user gives (CLI flags, URL parameters) ---

# Periods and as-of instants lie within these years (UTC), so that every look-back stays a valid date.
EARLIEST = dt.datetime(1970, 1, 1)
LATEST = dt.datetime(3000, 1, 1)
# An as-of may lie this little after now: another machine's clock may run a little ahead of this one's.
AS_OF_CLOCK_SKEW = dt.timedelta(minutes=5)


def _named(name: str, text: str) -> str:
    return f"{name} {text}" if name else text


def checked_month(text: str, name: str = "") -> tuple[int, int]:
    """parse_month, and a ValueError (naming `name`, e.g. `--month`) outside the years the metrics handle."""
    year, month = parse_month(text)
    if not EARLIEST.year < year < LATEST.year:
        raise ValueError(f"{_named(name, text)}: months lie between {EARLIEST.year + 1} and {LATEST.year - 1}")
    return year, month


def checked_instant(text: str, timezone: str, name: str = "") -> dt.datetime:
    """parse_instant, and a ValueError (naming `name`) outside the years the metrics can look back from."""
    try:
        instant = parse_instant(text, timezone)
    except OverflowError as error:  # e.g. 9999-12-31T23:00-05:00 is past the last representable UTC time
        raise ValueError(f"{_named(name, text)}: out of range") from error
    if not EARLIEST <= instant < LATEST:
        raise ValueError(f"{_named(name, text)}: times lie between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return instant


def checked_as_of(text: str, timezone: str, now: dt.datetime, name: str = "") -> dt.datetime:
    """checked_instant, and a ValueError when it lies in the future (beyond AS_OF_CLOCK_SKEW of `now`):
    the figures would count deadlines that have not passed yet."""
    as_of = checked_instant(text, timezone, name)
    if as_of > now + AS_OF_CLOCK_SKEW:
        raise ValueError(f"{_named(name, text)} is in the future (now is {now:%Y-%m-%dT%H:%M}Z): the figures would "
                         "count deadlines that have not passed yet")
    return as_of
