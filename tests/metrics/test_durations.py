"""Hours and days between instants are exact quotients, the same in the facts and in the queues."""

from __future__ import annotations

import datetime as dt

import polars as pl
from metric_frames import event, facts, hours, item, listing, listings_frame, rates_frame

from takedown.metrics.durations import calendar_days, days_between, hours_between
from takedown.metrics.queues import counter_notices_awaiting_response, high_risk_backlog

AS_OF = dt.datetime(2026, 9, 20, 12)
# Microseconds whose quotient by an hour (or a day) a multiplication by the reciprocal rounds wrongly.
AWKWARD_FOR_HOURS = 23_757
AWKWARD_FOR_DAYS = 71_271


def test_hours_and_days_are_the_correctly_rounded_quotients_python_s_timedelta_division_gives():
    start = dt.datetime(2026, 9, 1)
    ends = [start + dt.timedelta(microseconds=m) for m in (AWKWARD_FOR_HOURS, AWKWARD_FOR_DAYS, -AWKWARD_FOR_HOURS)]
    frame = pl.DataFrame({"start": [start] * 3, "end": ends})
    got = frame.select(hours_between(pl.col("start"), pl.col("end")).alias("hours"),
                       days_between(pl.col("start"), pl.col("end")).alias("days"))
    assert got.get_column("hours").to_list() == [(end - start) / dt.timedelta(hours=1) for end in ends]
    assert got.get_column("days").to_list() == [(end - start) / dt.timedelta(days=1) for end in ends]


def test_calendar_days_count_whole_days_between_dates():
    frame = pl.DataFrame({"start": [dt.date(2026, 9, 20)] * 3,
                          "end": [dt.date(2026, 9, 20), dt.date(2026, 12, 19), dt.date(2026, 9, 19)]})
    assert frame.select(calendar_days(pl.col("start"), pl.col("end"))).to_series().to_list() == [0, 90, -1]


def test_the_counter_notice_queue_s_hours_left_are_exact():
    # 62 h less a few microseconds left: quotients a multiplication by the reciprocal rounds wrongly.
    noticed = [AS_OF - hours(10) - dt.timedelta(microseconds=m) for m in (2, 3, 6)]
    items = [item(f"C{n}", submitted_at=dt.datetime(2026, 9, 1)) for n in range(len(noticed))]
    events = [event(f"C{n}", "L1", "counter_notice", at) for n, at in enumerate(noticed)]
    queue = counter_notices_awaiting_response(facts(items, events, as_of=AS_OF), AS_OF)
    assert queue.get_column("hours_left").to_list() == [
        (at + hours(72) - AS_OF) / dt.timedelta(hours=1) for at in sorted(noticed)]


def test_the_backlog_s_days_waiting_are_exact():
    # 3 days and a few microseconds: quotients a multiplication by the reciprocal rounds wrongly.
    detected = [AS_OF - dt.timedelta(days=3, microseconds=m) for m in (104, 2_000_000, 6_000_000)]
    listings = listings_frame(*(listing(f"L{n}", detected_at=at) for n, at in enumerate(detected, start=2)))
    backlog = high_risk_backlog(listings, facts([item("C1", listing_id="L1")], [], as_of=AS_OF), rates_frame(), AS_OF)
    assert sorted(backlog.get_column("days_waiting").to_list()) == sorted(
        (AS_OF - at) / dt.timedelta(days=1) for at in detected)
