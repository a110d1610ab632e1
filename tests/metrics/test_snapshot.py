"""One snapshot behind every figure: the rows behind each figure add up to it, filters equal breakdowns,
and a snapshot loaded too narrowly refuses instead of answering too little."""

from __future__ import annotations

import datetime as dt
import json
import math
import random

import polars as pl
import pytest
from test_kpis import EVENTS, ITEMS, LISTINGS, RATES

from metric_frames import inputs
from takedown.config import Settings
from takedown.metrics.filters import Filters
from takedown.metrics.item_rows import MISSED_COLUMNS, ROW_COLUMNS
from takedown.metrics.kpis import cohort_metrics
from takedown.metrics.periods import Period, month_period
from takedown.metrics.registry import METRIC_BY_NAME, ROW_METRICS
from takedown.metrics.snapshot import (
    BREAKDOWN_COLUMNS,
    NarrowSnapshotError,
    load_snapshot,
    round_as_of,
    snapshot_from_inputs,
)
from takedown.metrics.summary import compute_metrics, metrics_from_store, metrics_json, metrics_since
from takedown.store import connect_reader

AS_OF = dt.datetime(2026, 10, 15)
SEPTEMBER = month_period("2026-09", "UTC")


@pytest.fixture(scope="module")
def september():
    """The hand-computed September cohort of test_kpis, as one snapshot."""
    return snapshot_from_inputs(inputs(ITEMS, EVENTS, LISTINGS, rates=RATES), AS_OF)


@pytest.fixture()
def con(program_store):
    connection = connect_reader(program_store)
    yield connection
    connection.close()


def _figure(frame: pl.DataFrame, name: str):
    return frame.get_column(name)[0]


def _assert_rows_add_up(snapshot, period, name, figure, by=None):
    rows = snapshot.rows(period, name, by=by)
    if METRIC_BY_NAME[name].aggregation == "sum":
        assert math.fsum(rows.get_column("value_usd").drop_nulls().to_list()) == figure, (name, by)
    else:
        assert rows.height == figure, (name, by)


@pytest.mark.parametrize("name", ROW_METRICS)
def test_the_rows_behind_every_total_add_up_to_it(september, name):
    figure = _figure(september.totals(SEPTEMBER), name)
    _assert_rows_add_up(september, SEPTEMBER, name, figure)


@pytest.mark.parametrize("by", BREAKDOWN_COLUMNS)
def test_the_rows_behind_every_breakdown_cell_add_up_to_it(september, by):
    breakdown = september.breakdown(SEPTEMBER, by)
    assert breakdown.height >= 1
    for cell in breakdown.iter_rows(named=True):
        for name in ROW_METRICS:
            _assert_rows_add_up(september, SEPTEMBER, name, cell[name], by=(by, cell[by]))


def test_the_hand_computed_rows(september):
    removed = september.rows(SEPTEMBER, "removed")
    assert removed.columns == list(ROW_COLUMNS)
    # A, B and G (the storefront, which has no listing: no title, url or value); F is counter-noticed.
    assert removed.select("complaint_id", "listing_id", "title", "value_usd").rows() == [
        ("C1", "L1", "title L1", 1000.0), ("C1", "L2", "title L2", 62.5), ("C4", "", None, None)]
    missed = september.rows(SEPTEMBER, "missed_counter_notice_responses")
    assert missed.columns == list(MISSED_COLUMNS)
    # E's counter-notice was never answered; I's was answered 73 h later (after its 72 h deadline).
    assert missed.select("complaint_id", "counter_noticed_at", "response_deadline").rows() == [
        ("C3", dt.datetime(2026, 9, 12, 5), dt.datetime(2026, 9, 15, 5)),
        ("C6", dt.datetime(2026, 9, 14, 1), dt.datetime(2026, 9, 17, 1)),
    ]


def test_a_rate_has_no_rows(september):
    with pytest.raises(ValueError, match="takedown_rate is a rate, not a count"):
        september.rows(SEPTEMBER, "takedown_rate")


@pytest.mark.parametrize("by", BREAKDOWN_COLUMNS)
def test_a_filtered_snapshot_s_figures_equal_the_breakdown_s(september, by):
    program = inputs(ITEMS, EVENTS, LISTINGS, rates=RATES)
    for cell in september.breakdown(SEPTEMBER, by).iter_rows(named=True):
        if cell[by] is None:
            continue  # no filter selects the unknown brand
        filtered = snapshot_from_inputs(program, AS_OF, filters=Filters(**{by: cell[by]}))
        totals = filtered.totals(SEPTEMBER).row(0, named=True)
        assert totals == {name: cell[name] for name in totals}, (by, cell[by])
        assert filtered.rows(SEPTEMBER, "submitted").height == cell["submitted"]


def test_the_store_filtered_in_sql_equals_the_breakdowns(con):
    whole = metrics_from_store(con, month_period("2026-09", "UTC"), AS_OF, "UTC")
    for flag, key, value in [("platform", "by_platform", "taobao.com"), ("account", "by_account", "acct-b"),
                             ("reason", "by_reason", " Counterfeit"), ("ipr_type", "by_ipr_type", "Design Right"),
                             ("brand", "by_brand", "Acme")]:
        filtered = metrics_from_store(con, month_period("2026-09", "UTC"), AS_OF, "UTC",
                                      filters=Filters(**{flag: value}))
        expected_key = Filters(**{flag: value}).normalised().__getattribute__(flag)
        assert filtered["totals"] == whole[key][expected_key], flag
        assert list(filtered[key]) == [expected_key]


def test_a_filter_that_matches_nothing_gives_an_empty_cohort(con):
    result = metrics_from_store(con, month_period("2026-09", "UTC"), AS_OF, "UTC", filters=Filters(brand="Nobody"),
                                strict=False)  # the default raises UnknownFilterValue (tests/metrics/test_filters.py)
    assert result["totals"]["submitted"] == 0 and result["by_platform"] == {}


def test_an_unknown_ipr_type_is_refused():
    with pytest.raises(ValueError, match="unknown ipr_type 'trade mark'"):
        Filters(ipr_type="trade mark").normalised()
    with pytest.raises(ValueError, match="the brand filter is empty"):
        Filters(brand="  ")


def test_a_snapshot_loaded_too_late_refuses_what_it_cannot_answer(con):
    snapshot = load_snapshot(con, AS_OF, since=dt.datetime(2026, 9, 1))
    assert snapshot.totals(SEPTEMBER).get_column("submitted")[0] == 4  # the period itself is covered
    with pytest.raises(NarrowSnapshotError, match="Good-Faith standing needs every item submitted from 2026-07-01"):
        snapshot.good_faith(SEPTEMBER)
    with pytest.raises(NarrowSnapshotError, match="repeat offenders needs every item submitted from 2025-10-15"):
        snapshot.repeat_offender_figures()
    with pytest.raises(NarrowSnapshotError, match="a 3-month trend to 2026-09 needs"):
        snapshot.trend("2026-09", 3)
    with pytest.raises(NarrowSnapshotError, match="the cohort of 2026-08-01"):
        snapshot.totals(month_period("2026-08", "UTC"))
    for queue in ("counter_notices_awaiting_response", "high_risk_backlog", "repeat_offenders_queue",
                  "expiring_rights", "complaint_items_on_weak_rights"):
        with pytest.raises(NarrowSnapshotError, match="needs the whole store"):
            getattr(snapshot, queue)()
    without_listings = load_snapshot(con, AS_OF, listings=False)
    with pytest.raises(NarrowSnapshotError, match="loaded without them"):
        without_listings.rows(SEPTEMBER, "removed")


def test_one_whole_store_snapshot_answers_everything(con):
    snapshot = load_snapshot(con, AS_OF)
    assert metrics_json(snapshot, SEPTEMBER) == metrics_from_store(con, SEPTEMBER, AS_OF, "UTC")
    trend = snapshot.trend("2026-09", 2)
    assert trend.get_column("submitted").to_list() == [1, 4]  # K1 in August; K2, K3, K4, K5
    by_platform = snapshot.trend("2026-09", 2, metrics=["submitted", "removed"], by="platform")
    assert by_platform.filter(pl.col("month") == "2026-09").select("platform", "submitted").rows() == [
        ("alibaba", 2), ("lazada", 1), ("taobao", 1)]
    assert snapshot.counter_notices_awaiting_response().get_column("complaint_id").to_list() == ["K5"]
    assert snapshot.high_risk_backlog().get_column("listing_id").to_list() == ["A2"]


def test_the_json_from_a_snapshot_is_the_json_of_compute_metrics():
    # The same hand-made inputs through the old entry point and a snapshot: byte for byte.
    program = inputs(ITEMS, EVENTS, LISTINGS, rates=RATES)
    for timezone in ("UTC", "Asia/Shanghai"):
        settings = Settings(report_timezone=timezone)
        snapshot = snapshot_from_inputs(program, AS_OF, settings)
        period = month_period("2026-09", timezone)
        assert json.dumps(metrics_json(snapshot, period)) == json.dumps(
            compute_metrics(program, period, AS_OF, timezone))


def test_metrics_since_reaches_back_to_the_repeat_window_and_the_good_faith_window():
    assert metrics_since(SEPTEMBER, AS_OF) == dt.datetime(2025, 10, 15)
    assert metrics_since(SEPTEMBER, dt.datetime(2027, 9, 15)) == dt.datetime(2026, 7, 1)


def test_value_removed_usd_does_not_depend_on_the_order_of_the_rows(september):
    # A float sum's last digit depends on the order it adds in; the figure must not.
    facts = pl.DataFrame({"status": ["removed"] * 3, "value_usd": [1e16, 1.0, -1e16]}).with_columns(
        pl.col("status").cast(pl.Enum(["removed"])))
    frames = [facts[list(order)] for order in ([0, 1, 2], [0, 2, 1], [2, 1, 0])]
    figures = {cohort_metrics(_as_facts(frame)).get_column("value_removed_usd")[0] for frame in frames}
    assert figures == {1.0}


def _as_facts(frame: pl.DataFrame) -> pl.DataFrame:
    blank = {"hours_to_removal": pl.Float64, "handled_in_time": pl.Boolean, "has_counter_notice": pl.Boolean,
             "successful_counter_notice": pl.Boolean, "missed_counter_notice_responses": pl.Int64}
    return frame.with_columns(pl.lit(None, dtype=dtype).alias(name) for name, dtype in blank.items()).with_columns(
        pl.col("has_counter_notice", "successful_counter_notice").fill_null(False),
        pl.col("missed_counter_notice_responses").fill_null(0))


def test_round_as_of_floors_to_the_step():
    instant = dt.datetime(2026, 10, 15, 8, 41, 59, 999999)
    assert round_as_of(instant) == dt.datetime(2026, 10, 15, 8, 41)
    assert round_as_of(instant, dt.timedelta(hours=1)) == dt.datetime(2026, 10, 15, 8)
    assert round_as_of(dt.datetime(2026, 10, 15, 8, 41)) == dt.datetime(2026, 10, 15, 8, 41)


def test_rows_keep_their_order_whatever_the_input_order():
    shuffled = list(ITEMS)
    random.Random(3).shuffle(shuffled)
    one = snapshot_from_inputs(inputs(ITEMS, EVENTS, LISTINGS, rates=RATES), AS_OF).rows(SEPTEMBER)
    two = snapshot_from_inputs(inputs(shuffled, EVENTS, LISTINGS, rates=RATES), AS_OF).rows(SEPTEMBER)
    assert one.equals(two)
    assert Period(SEPTEMBER.start, SEPTEMBER.end) == SEPTEMBER


def test_a_snapshot_read_in_slices_holds_what_one_read_holds(con, monkeypatch):
    from polars.testing import assert_frame_equal

    from takedown.metrics import snapshot as snapshot_module

    whole = load_snapshot(con, AS_OF)
    # One item a slice: every slice's items cast by the categories read once for the load.
    monkeypatch.setattr(snapshot_module, "_ITEMS_PER_SLICE", 1)
    sliced = load_snapshot(con, AS_OF)
    assert_frame_equal(sliced.facts.sort("item_id"), whole.facts.sort("item_id"), categorical_as_str=True)
    assert metrics_json(sliced, SEPTEMBER) == metrics_json(whole, SEPTEMBER)
