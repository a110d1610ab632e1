"""The dashboard's widget functions on the test program's store: the projection is the report's, the
KPI changes and the freshness colour read as a person expects."""

from __future__ import annotations

import datetime as dt

import pytest
from dashboard_fixtures import AS_OF, MONTH

from takedown.dashboard_lib import data as dashboard_data
from takedown.metrics.filters import Filters
from takedown.metrics.periods import month_period, parse_instant
from takedown.metrics.projection import good_faith_projection
from takedown.metrics.snapshot import load_snapshot, plain
from takedown.store import Reader


@pytest.fixture(scope="module")
def snapshot(dashboard_store):
    return load_snapshot(Reader(dashboard_store).cursor(), parse_instant(AS_OF, "UTC"), Filters())


def test_the_good_faith_projection_is_the_reports(snapshot):
    period = month_period(MONTH, "UTC")
    shown = dashboard_data.good_faith_projection(snapshot, period)
    expected = good_faith_projection(plain(snapshot.facts), snapshot.good_faith_window(period), snapshot.settings)
    by_account = {row["account"]: row for row in expected.to_dicts()}
    assert sorted(shown.get_column("account")) == sorted(by_account)
    for row in shown.to_dicts():
        figures = by_account[row["account"]]
        for name in ("pending", "best_takedown_rate", "worst_takedown_rate", "counter_notice_headroom"):
            assert row[name] == figures[name]
        needed = figures["removals_needed"]
        assert row["removals_needed"] == ("out of reach" if needed is None else f"{needed:,}")
    # acct-b (two rejections, one item pending) cannot reach 90%: it comes first, "out of reach".
    first = shown.row(0, named=True)
    assert (first["account"], first["removals_needed"], first["pending"]) == ("acct-b", "out of reach", 1)
    assert first["can_stay_in_good_faith"] is False


@pytest.mark.parametrize("unit, change, shown", [
    ("hours", -0.04, "0.0 h"), ("hours", 0.04, "0.0 h"), ("hours", -5.0, "-5.0 h"), ("hours", 1234.56, "+1,234.6 h"),
    ("fraction", -0.0004, "0.0 pp"), ("fraction", 0.123, "+12.3 pp"), ("items", 6619, "+6,619"),
    ("items", 0, "0"), ("usd", -20.0, "-$20"), ("usd", 87532, "+$87,532"),
])
def test_a_change_is_signed_only_when_it_shows(unit, change, shown):
    assert dashboard_data.format_change(unit, change) == shown
    assert dashboard_data.is_no_change(unit, change) is (shown.lstrip("$").startswith("0"))


NOW = dt.datetime(2026, 10, 15, 12, 0)


@pytest.mark.parametrize("hours_ago, colour", [(0.5, "green"), (23.9, "green"), (24.5, "orange"), (71, "orange"),
                                               (73, "red"), (None, "red")])
def test_the_freshness_colour_follows_the_age_of_the_last_ingest(hours_ago, colour):
    loaded_at = None if hours_ago is None else NOW - dt.timedelta(hours=hours_ago)
    assert dashboard_data.freshness_colour(loaded_at, NOW) == colour


def test_the_freshness_thresholds_are_settings():
    loaded_at = NOW - dt.timedelta(hours=3)
    assert dashboard_data.freshness_colour(loaded_at, NOW, amber_hours=2, red_hours=10) == "orange"
    assert dashboard_data.freshness_colour(loaded_at, NOW, amber_hours=1, red_hours=2) == "red"


def test_the_funnel_has_no_share_without_detected_listings(snapshot):
    stages = dashboard_data.funnel(snapshot, month_period(MONTH, "UTC"), 0)
    assert stages.get_column("share_of_detected").to_list() == [None] * 4
    stages = dashboard_data.funnel(snapshot, month_period(MONTH, "UTC"), 4)
    assert stages.get_column("share_of_detected").to_list() == [1.0, 0.75, 0.25, 0.0]


def test_the_seller_months_come_in_calendar_order(snapshot):
    history = dashboard_data.seller_outcomes_by_month(snapshot, "alibaba", "S1")
    months = history.get_column("month").to_list()
    assert months == sorted(months) and set(months) == {"2026-08", "2026-09", "2026-10"}


def test_the_slowest_platform_comes_first(snapshot):
    breakdown = dashboard_data.breakdown(snapshot, month_period("2026-08", "UTC"), "platform")
    slowest = dashboard_data.slowest_first(breakdown, "platform")
    assert slowest.columns == ["platform", "median_hours_to_removal"]
    hours = slowest.get_column("median_hours_to_removal").to_list()
    known = [value for value in hours if value is not None]
    assert known == sorted(known, reverse=True) and hours[:len(known)] == known


def test_the_filter_choices_include_reason_and_ipr_type(dashboard_store):
    choices = dashboard_data.filter_choices(Reader(dashboard_store).cursor())
    assert choices["reason"] == ["counterfeit", "design copy"]
    assert choices["ipr_type"] == ["design", "trademark"]
