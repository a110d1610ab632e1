"""Each dashboard page reads only the span of months it shows (data.view_span), and its figures equal,
digit for digit, those of a whole-store snapshot: on a store with 18 months of history before and
around the months shown, events before and after the as-of, in two time zones and with filters.
The app itself never loads the whole store for a page that shows a month or a window, and the data
quality page loads no snapshot at all."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import polars as pl
import pytest
from dashboard_fixtures import APP
from polars.testing import assert_frame_equal
from program_stores import ingest_program, random_program
from streamlit.testing.v1 import AppTest

from takedown.config import DEFAULT_SETTINGS
from takedown.dashboard_lib import data as dashboard_data
from takedown.metrics.filters import Filters
from takedown.metrics.periods import iso_utc, month_period, months_ending
from takedown.metrics.queues import with_time_left
from takedown.metrics.snapshot import NarrowSnapshotError, load_snapshot
from takedown.store import Reader

AS_OF = dt.datetime(2026, 6, 20, 12)
MONTHS = ("2026-05", "2026-03")


def _program(items: int = 900) -> dict[str, list[list[str]]]:
    # Items submitted from January 2025 to June 2026 (after the as-of too), 0 to 3 events each within
    # 40 days, some after the as-of; sellers with many listings (repeat offenders), storefront items.
    return random_program(seed=19, sellers=25, days=540, items=items)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db, _ = ingest_program(tmp_path_factory.mktemp("spans"), _program())
    return db


@pytest.fixture(scope="module")
def con(store):
    connection = Reader(store).cursor()
    yield connection
    connection.close()


@functools.cache
def _whole(con, timezone: str, filters: Filters, listings: bool = True):
    """The whole store's snapshot as of AS_OF, loaded once per module for each view: the tests compare
    the narrow reads' figures with it and never change it."""
    settings = dataclasses.replace(DEFAULT_SETTINGS, report_timezone=timezone)
    return load_snapshot(con, AS_OF, filters, settings=settings, listings=listings)


def _snapshots(con, reads: str, month: str, timezone: str, filters: Filters):
    settings = dataclasses.replace(DEFAULT_SETTINGS, report_timezone=timezone)
    since, until = dashboard_data.view_span(reads, month, settings)
    assert since is not None and until is not None
    narrow = load_snapshot(con, AS_OF, filters, since=since, until=until, settings=settings)
    whole = _whole(con, timezone, filters)
    # History before the span (and items after it) exists: the narrow snapshot really holds less.
    assert narrow.facts.height < whole.facts.height
    return narrow, whole


CASES = [(month, timezone, filters) for month in MONTHS for timezone in ("UTC", "Asia/Shanghai")
         for filters in (Filters(), Filters(account="acct-b"))]


@pytest.mark.parametrize("month, timezone, filters", CASES)
def test_the_overview_read_for_its_months_shows_the_whole_store_s_figures(con, month, timezone, filters):
    narrow, whole = _snapshots(con, "overview", month, timezone, filters)
    period = month_period(month, timezone)
    assert_frame_equal(dashboard_data.headline_kpis(narrow, month), dashboard_data.headline_kpis(whole, month))
    assert_frame_equal(dashboard_data.account_verdicts(narrow, period), dashboard_data.account_verdicts(whole, period))
    assert_frame_equal(dashboard_data.funnel(narrow, period, 1000), dashboard_data.funnel(whole, period, 1000))
    for name in dashboard_data.HEADLINE_KPIS:
        assert_frame_equal(dashboard_data.kpi_rows(narrow, period, name), dashboard_data.kpi_rows(whole, period, name))


@pytest.mark.parametrize("month, timezone, filters", CASES)
def test_the_trend_read_a_month_at_a_time_is_the_whole_store_s(con, month, timezone, filters):
    settings = dataclasses.replace(DEFAULT_SETTINGS, report_timezone=timezone)
    rows = []
    for label in months_ending(month, 12):
        since, until = dashboard_data.view_span("month", label, settings)
        alone = load_snapshot(con, AS_OF, filters, since=since, until=until, settings=settings, listings=False)
        rows.append(dashboard_data.trend_month(alone, label))
    whole = _whole(con, timezone, filters, listings=False)
    assert_frame_equal(dashboard_data.trend_of_months(rows), dashboard_data.trend(whole, month, 12))


@pytest.mark.parametrize("month, timezone, filters", CASES)
def test_the_good_faith_page_read_for_its_window_shows_the_whole_store_s_figures(con, month, timezone, filters):
    narrow, whole = _snapshots(con, "good_faith", month, timezone, filters)
    period = month_period(month, timezone)
    for widget in ("account_verdicts", "good_faith_by_reason", "good_faith_projection"):
        assert_frame_equal(getattr(dashboard_data, widget)(narrow, period), getattr(dashboard_data, widget)(whole, period))
    for account in ("acct-a", "acct-b"):
        assert_frame_equal(dashboard_data.good_faith_pull_downs(narrow, period, account),
                           dashboard_data.good_faith_pull_downs(whole, period, account))


@pytest.mark.parametrize("month, timezone, filters", CASES)
def test_the_breakdowns_read_for_their_month_show_the_whole_store_s_figures(con, month, timezone, filters):
    narrow, whole = _snapshots(con, "month", month, timezone, filters)
    period = month_period(month, timezone)
    for by in ("platform", "reason", "ipr_type", "account", "brand"):
        shown = dashboard_data.breakdown(narrow, period, by)
        assert_frame_equal(shown, dashboard_data.breakdown(whole, period, by))
        for value in shown.get_column(by).to_list():
            assert_frame_equal(dashboard_data.breakdown_rows(narrow, period, "removed", by, value),
                               dashboard_data.breakdown_rows(whole, period, "removed", by, value))


def test_a_span_too_narrow_for_a_figure_refuses_it(con):
    narrow, _ = _snapshots(con, "month", "2026-05", "UTC", Filters())
    with pytest.raises(NarrowSnapshotError):
        dashboard_data.headline_kpis(narrow, "2026-05")  # the month before is not in a month's span
    with pytest.raises(NarrowSnapshotError):
        dashboard_data.action_queue(narrow, "counter_notices_awaiting_response")
    with pytest.raises(ValueError, match="the spans are"):
        dashboard_data.view_span("year", "2026-05", DEFAULT_SETTINGS)
    assert dashboard_data.view_span("store", "2026-05", DEFAULT_SETTINGS) == (None, None)


def test_the_counter_notice_queue_s_clock_moves_without_a_new_snapshot(con):
    whole = load_snapshot(con, AS_OF)
    queue = dashboard_data.action_queue(whole, "counter_notices_awaiting_response")
    assert queue.height > 0
    # Seen at the snapshot's own as-of, the clock-bound columns are the snapshot's.
    assert_frame_equal(with_time_left(queue, AS_OF), queue)
    later = with_time_left(queue, AS_OF + dt.timedelta(hours=10))
    assert (later.get_column("hours_left") == queue.get_column("hours_left") - 10).all()
    assert later.get_column("overdue").sum() >= queue.get_column("overdue").sum()
    assert later.get_column("overdue").to_list() == (later.get_column("hours_left") <= 0).to_list()


PAGES = ("overview", "breakdowns", "good_faith", "data_quality")


@pytest.mark.parametrize("page", PAGES)
def test_a_page_that_shows_a_month_never_loads_the_whole_store(monkeypatch, store, page):
    from takedown.dashboard_lib import state

    loads: list[tuple[object, object]] = []

    def recording(con, as_of, filters=Filters(), since=None, until=None, **options):
        loads.append((since, until))
        return load_snapshot(con, as_of, filters, since=since, until=until, **options)

    monkeypatch.setattr(state, "load_snapshot", recording)
    monkeypatch.setenv("TAKEDOWN_DB", str(store))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"month": "2026-05", "as_of": iso_utc(AS_OF)})
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception
    if page == "data_quality":
        assert loads == [] and app.metric
    else:
        assert loads and all(since is not None and until is not None for since, until in loads)
        assert app.metric or app.dataframe
    state._span_snapshot.clear(), state._store_snapshot.clear(), state.derived.clear(), state._trend_block.clear()


@pytest.mark.parametrize("timezone, filters", [("UTC", Filters()), ("Asia/Shanghai", Filters(account="acct-a"))])
def test_the_overview_s_trend_mixes_its_own_months_and_months_read_alone_into_the_whole_store_s(
        monkeypatch, store, con, timezone, filters):
    # state.trend takes the months its Overview snapshot holds from it and reads the others by calendar blocks.
    from takedown.dashboard_lib import state

    monkeypatch.setenv("TAKEDOWN_DB", str(store))
    month, key = "2026-05", filters.key
    settings = dataclasses.replace(DEFAULT_SETTINGS, report_timezone=timezone)
    span = dashboard_data.view_span("overview", month, settings)
    version = state.current_version()
    loaded = state.Loaded(state.View(month=month, timezone=timezone), month,
                          state._snapshot(version, AS_OF, timezone, key, *span), version, AS_OF, timezone, key, span)
    whole = load_snapshot(con, AS_OF, filters, settings=settings, listings=False)
    assert_frame_equal(state.trend(loaded, 12), dashboard_data.trend(whole, month, 12))
    state._span_snapshot.clear(), state.derived.clear(), state._trend_block.clear()
