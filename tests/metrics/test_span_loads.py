"""A snapshot loaded for a span of submission times (what `takedown metrics` reads) answers exactly
what a whole-store snapshot answers, and refuses what lies outside its span.

The store is made in SQL straight into the schema: 3,000 items over 20 months, sellers with several
listings each, events before and after the as-of instant, so the repeat-offender window reaches
both sides of the cohort the metrics load.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from takedown.config import Settings
from takedown.metrics.filters import Filters
from takedown.metrics.periods import month_period
from takedown.metrics.snapshot import NarrowSnapshotError, load_snapshot
from takedown.metrics.summary import cohort_scope, metrics_from_store, metrics_json
from takedown.store import create_schema

AS_OF = dt.datetime(2026, 6, 10, 12)
EVENTS = ["removed", "removed", "removed", "rejected", "counter_notice", "restored", "withdrawn",
          "counter_notice_rejected", "counter_notice_accepted"]


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    create_schema(connection)
    connection.execute("""
        create macro unit(i, salt) as (hash(i * 7919 + salt) % 1000) / 1000.0;
        insert into listings by name
        select ['taobao', 'tmall', 'lazada'][1 + (l % 3)] as platform, 'L' || l as listing_id,
               'https://example.com/' || l as url, 'title ' || l as title, 'S' || (l % 40) as seller_id,
               'seller ' || (l % 40) as seller_name, ['Acme', 'Zenith'][1 + (l % 2)] as brand,
               10 + l % 90 as price, 'USD' as currency, l % 7 as units_sold,
               timestamp '2025-01-01' + to_days(cast(l % 500 as integer)) as detected_at,
               'counterfeit' as infringement_type, 'b0' as batch_id, l as line
        from range(900) as t(l);
        insert into complaint_items by name
        select 'C' || i as complaint_id, ['taobao', 'tmall', 'lazada'][1 + (l % 3)] as platform,
               case when i % 11 = 0 then '' else 'L' || l end as listing_id, 'S' || (l % 40) as seller_id,
               case when i % 11 = 0 then 'storefront' else 'listing' end as enforcement_type,
               'trademark' as ipr_type, null as ipr_registration, ['counterfeit', 'design copy'][1 + (i % 2)] as reason,
               ['acct-a', 'acct-b'][1 + (i % 2)] as account,
               timestamp '2025-01-01' + to_minutes(cast(unit(i, 1) * 600 * 24 * 60 as bigint)) as submitted_at,
               'b0' as batch_id, i as line
        from (select i, (hash(i) % 900)::bigint as l from range(3000) as t(i));
        insert into outcome_events by name
        select items.complaint_id, items.listing_id,
               $events[1 + (hash(items.complaint_id || e) % 9)::int] as event,
               items.submitted_at + to_hours(cast(unit(items.line * 3 + e, 2) * 24 * 40 as bigint)) as occurred_at,
               'outcomes' as source_kind, 'b0' as batch_id, items.line * 3 + e as line
        from complaint_items as items, range(1 + (hash(items.line) % 3)::int) as t(e);
    """, {"events": EVENTS})
    yield connection
    connection.close()


@pytest.mark.parametrize("month, timezone, filters, settings", [
    ("2026-04", "UTC", Filters(), Settings()),
    ("2026-05", "Asia/Shanghai", Filters(), Settings(repeat_offender_threshold=2)),
    ("2025-11", "UTC", Filters(platform="tmall"), Settings(repeat_offender_window_days=200)),
    ("2026-02", "UTC", Filters(brand="Acme"), Settings(repeat_offender_threshold=2, good_faith_months=2)),
])
def test_the_metrics_read_from_their_span_equal_the_whole_store_s(con, month, timezone, filters, settings):
    settings = Settings(**{**settings.__dict__, "report_timezone": timezone})
    period = month_period(month, timezone)
    whole = metrics_json(load_snapshot(con, AS_OF, filters, settings=settings), period)
    assert whole["repeat_offenders"]["count"] > 0 and whole["totals"]["removed"] > 0  # the test bites
    assert metrics_from_store(con, period, AS_OF, timezone, settings, filters=filters) == whole


def test_the_repeat_window_is_read_on_both_sides_of_the_cohort(con):
    # The cohort's span lies inside the repeat window: the figures need items from before and after it.
    settings = Settings(repeat_offender_threshold=2)
    period = month_period("2026-02", "UTC")
    scope = cohort_scope(period, "UTC", settings)
    whole = load_snapshot(con, AS_OF, settings=settings, listings=False)
    span = load_snapshot(con, AS_OF, since=scope.start, until=scope.end, settings=settings, listings=False,
                         repeat_offenders=True)
    assert span.facts.height < whole.facts.height
    assert span.repeat_offenders().equals(whole.repeat_offenders())
    without_after = load_snapshot(con, AS_OF, since=scope.start, settings=settings, listings=False,
                                  repeat_offenders=True)
    assert without_after.repeat_offenders().equals(whole.repeat_offenders())


def test_a_snapshot_cut_short_refuses_what_lies_after_its_until(con):
    snapshot = load_snapshot(con, AS_OF, since=dt.datetime(2026, 1, 1), until=dt.datetime(2026, 3, 1))
    assert snapshot.totals(month_period("2026-02", "UTC")).get_column("submitted")[0] > 0
    with pytest.raises(NarrowSnapshotError, match="the cohort of 2026-03-01 .* before 2026-03-01"):
        snapshot.totals(month_period("2026-03", "UTC"))
    with pytest.raises(NarrowSnapshotError, match="a 2-month trend to 2026-03"):
        snapshot.trend("2026-03", 2)
    with pytest.raises(NarrowSnapshotError, match="Good-Faith standing"):
        snapshot.good_faith(month_period("2026-03", "UTC"))
    with pytest.raises(NarrowSnapshotError, match="repeat offenders"):
        snapshot.repeat_offender_figures()  # loaded without the rest of the window
    with pytest.raises(NarrowSnapshotError, match="needs the whole store"):
        snapshot.counter_notices_awaiting_response()
    # An until after as_of leaves nothing out.
    late = load_snapshot(con, AS_OF, since=dt.datetime(2026, 1, 1), until=AS_OF + dt.timedelta(days=1))
    assert late.totals(month_period("2026-06", "UTC")).get_column("submitted")[0] > 0
