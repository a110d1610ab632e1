"""The pages that once read the whole store (Action queue, Repeat offenders, IP portfolio, Escalations)
read only the items they show (dashboard_lib.narrow, through metrics.narrow), and every figure and row
they show equals, digit for digit, the whole-store snapshot's: on a store with history before the repeat
window and items after the as-of, in two time zones, with filters and with a viewer scoped to a brand or
an account."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from program_stores import ingest_program
from test_view_spans import AS_OF, _program

from takedown.config import DEFAULT_SETTINGS
from takedown.dashboard_lib import data as dashboard_data
from takedown.dashboard_lib import narrow
from takedown.metrics import escalations as calls
from takedown.metrics import narrow as metrics_narrow
from takedown.metrics.filters import Filters
from takedown.metrics.periods import parse_instant
from takedown.metrics.snapshot import load_snapshot, plain
from takedown.report.data import load_escalation_record
from takedown.store import Reader

# TM-0 verified and expiring within the warning days, TM-1 expired in 2025 (items filed before and after),
# TM-2 pending, TM-3 not in the register.
IP_RIGHTS = [["registration", "ipr_type", "brand", "jurisdiction", "expires_on", "ipp_status"],
             ["TM-0", "trademark", "Acme", "CN", "2026-07-31", "verified"],
             ["TM-1", "design", "Zenith", "CN", "2025-09-01", "verified"],
             ["TM-2", "trademark", "Acme", "EU", "2026-08-15", "pending"]]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db, _ = ingest_program(tmp_path_factory.mktemp("narrow"), {"ip_rights": IP_RIGHTS, **_program()})
    connection = Reader(db).cursor()
    yield connection
    connection.close()


CASES = [(timezone, filters) for timezone in ("UTC", "Asia/Shanghai")
         for filters in (Filters(), Filters(account="acct-b"), Filters(platform="tmall", reason="counterfeit"),
                         Filters(brands=("Acme",)), Filters(accounts=("acct-a",)))]


def _whole(con, timezone: str, filters: Filters, as_of: dt.datetime = AS_OF):
    """The whole store's snapshot (and its settings), loaded once per module for each view: the tests
    compare narrow reads with it and never change it."""
    return _whole_of(con, timezone, filters, as_of)


@functools.cache
def _whole_of(con, timezone: str, filters: Filters, as_of: dt.datetime):
    settings = dataclasses.replace(DEFAULT_SETTINGS, report_timezone=timezone)
    return load_snapshot(con, as_of, filters, settings=settings), settings


@pytest.mark.parametrize("timezone, filters", CASES)
def test_the_action_queues_read_narrowly_are_the_whole_store_s(con, timezone, filters):
    whole, settings = _whole(con, timezone, filters)
    for queue in dashboard_data.ACTION_QUEUES:
        expected = dashboard_data.action_queue(whole, queue)
        shown = narrow.action_queue(con, AS_OF, filters, settings, queue)
        assert_frame_equal(shown, expected, check_dtypes=False)
    # The store holds every kind of row the queues show (the comparison is not of empty frames).
    if filters == Filters():
        assert all(dashboard_data.action_queue(whole, queue).height for queue in dashboard_data.ACTION_QUEUES)


def test_the_high_risk_backlog_read_narrowly_is_the_whole_store_s(con):
    whole, settings = _whole(con, "UTC", Filters())
    expected = whole.high_risk_backlog()
    assert expected.height
    assert_frame_equal(narrow.high_risk_backlog(con, AS_OF, Filters(), settings), expected, check_dtypes=False)


@pytest.mark.parametrize("timezone, filters", CASES)
def test_the_repeat_offenders_read_narrowly_are_the_whole_store_s(con, timezone, filters):
    whole, settings = _whole(con, timezone, filters)
    assert_frame_equal(narrow.repeat_offender_figures(con, AS_OF, filters, settings),
                       dashboard_data.repeat_offender_figures(whole))
    queue = dashboard_data.repeat_offenders_queue(whole)
    assert_frame_equal(narrow.repeat_offenders_queue(con, AS_OF, filters, settings), queue, check_dtypes=False)
    for platform, seller in queue.select("platform", "seller_id").rows()[:3]:
        assert_frame_equal(narrow.seller_complaints(con, AS_OF, filters, settings, platform, seller),
                           plain(dashboard_data.seller_complaints(whole, platform, seller)), check_dtypes=False)
        assert_frame_equal(narrow.seller_outcomes_by_month(con, AS_OF, filters, settings, platform, seller),
                           dashboard_data.seller_outcomes_by_month(whole, platform, seller), check_dtypes=False)
    if filters == Filters():
        assert queue.height  # the comparison is not of empty frames


@pytest.mark.parametrize("timezone, filters", CASES)
def test_the_ip_portfolio_read_a_few_rights_at_a_time_is_the_whole_store_s(monkeypatch, con, timezone, filters):
    # Several loads on this store's four registrations (the library's reading: metrics.narrow.rights_usage).
    monkeypatch.setattr(metrics_narrow, "REGISTRATIONS_PER_LOAD", 2)
    whole, settings = _whole(con, timezone, filters)
    assert_frame_equal(narrow.rights_portfolio(con, AS_OF, filters, settings), dashboard_data.rights_portfolio(whole),
                       check_dtypes=False)


@pytest.mark.parametrize("month", ["2026-09", "2026-10"])
@pytest.mark.parametrize("filters", [Filters(), Filters(account="acct-b"), Filters(brands=("Acme",)),
                                     Filters(accounts=("acct-a",))])
def test_the_escalations_read_narrowly_are_the_whole_store_s(dashboard_store, month, filters):
    from dashboard_fixtures import AS_OF as FIXTURE_AS_OF

    connection = Reader(dashboard_store).cursor()
    as_of = parse_instant(FIXTURE_AS_OF, "UTC")
    whole, settings = _whole(connection, "UTC", filters, as_of)
    escalations, log = load_escalation_record(connection)
    assert escalations.height
    facts = plain(whole.facts)
    expected = calls.within_view(calls.escalation_status(escalations, log, facts, month, as_of), facts)
    shown = narrow.escalation_view(connection, as_of, filters, settings, escalations, log, month)
    assert_frame_equal(shown, expected, check_dtypes=False)
    connection.close()


def test_a_narrow_load_holds_only_the_items_it_needs(con):
    # The point of it all: the counter-notice queue's facts are those of the counter-noticed items only.
    whole, settings = _whole(con, "UTC", Filters())
    noticed = con.sql("select count(distinct (complaint_id, listing_id)) from outcome_events "
                      "where event = 'counter_notice'").fetchall()[0][0]
    keys = con.sql("select distinct complaint_id, listing_id from outcome_events where event = 'counter_notice'").pl()
    facts = narrow.facts_of(con, AS_OF, Filters(), settings, keys)
    assert 0 < facts.height <= noticed < whole.facts.height
    assert_frame_equal(plain(facts).sort("item_id"),
                       plain(whole.facts).join(keys, on=["complaint_id", "listing_id"], how="semi").sort("item_id"),
                       check_dtypes=False)
    assert pl.Series(facts.get_column("item_id")).is_unique().all()


@pytest.mark.parametrize("page", ["action_queue", "repeat_offenders", "ip_portfolio", "escalations", "model"])
def test_the_pages_of_every_item_load_no_snapshot(monkeypatch, dashboard_store, page):
    from dashboard_fixtures import APP
    from dashboard_fixtures import AS_OF as FIXTURE_AS_OF
    from streamlit.testing.v1 import AppTest

    from takedown.dashboard_lib import state

    loads: list[object] = []

    def recording(*args, **options):
        loads.append(options.get("since"))
        return load_snapshot(*args, **options)

    monkeypatch.setattr(state, "load_snapshot", recording)
    monkeypatch.setenv("TAKEDOWN_DB", str(dashboard_store))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"month": "2026-09", "as_of": FIXTURE_AS_OF})
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception
    assert loads == []
    # The page drew its figures (the Model page on this small store: why it has no model).
    assert (app.metric and app.dataframe) if page != "model" else (app.metric or app.info)
    state.narrowed.clear(), state.escalation_view.clear()
