"""A listing's free text (url, title, seller_name) never sits in a snapshot's frames: the rows behind a
figure and the backlog fetch it by key, from the store or from hand-made listings, and get the same."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from takedown.metrics.inputs import load_metric_inputs
from takedown.metrics.listing_text import LISTING_TEXT_COLUMNS
from takedown.metrics.periods import month_period
from takedown.metrics.registry import ROW_METRICS
from takedown.metrics.snapshot import load_snapshot, snapshot_from_inputs
from takedown.store import connect_reader

AS_OF = dt.datetime(2026, 10, 15)
SEPTEMBER = month_period("2026-09", "UTC")


@pytest.fixture()
def con(program_store):
    connection = connect_reader(program_store)
    yield connection
    connection.close()


def _frames(snapshot) -> dict[str, pl.DataFrame]:
    frames = {"facts": snapshot.facts, "listings": snapshot.listings, "rights": snapshot.rights,
              "missed_counter_notices": snapshot.missed_counter_notices,
              "listing_sightings": snapshot.listing_sightings, "repeat_items": snapshot.repeat_items}
    return {name: frame for name, frame in frames.items() if frame is not None}


def test_a_snapshot_s_frames_hold_no_listing_text(con):
    store = load_snapshot(con, AS_OF)
    hand_made = snapshot_from_inputs(load_metric_inputs(con, AS_OF), AS_OF)
    for snapshot in (store, hand_made):
        for name, frame in _frames(snapshot).items():
            assert not set(LISTING_TEXT_COLUMNS) & set(frame.columns), name


def test_the_rows_and_the_backlog_carry_each_listing_s_own_text(con):
    store = load_snapshot(con, AS_OF)
    text = con.sql("select platform, listing_id, url, title, seller_name from listings").pl()
    rows = store.rows(SEPTEMBER, "submitted")
    assert rows.height == 4
    expected = rows.select("platform", "listing_id").join(text, on=["platform", "listing_id"], how="left",
                                                          maintain_order="left")
    assert_frame_equal(rows.select(LISTING_TEXT_COLUMNS), expected.select(LISTING_TEXT_COLUMNS))
    # A storefront item has no listing: its text is null, the row is still there.
    storefront = rows.filter(pl.col("listing_id") == "")
    assert storefront.select(pl.col(LISTING_TEXT_COLUMNS).is_null().all()).row(0) == (True, True, True)
    backlog = store.high_risk_backlog()
    assert backlog.select("listing_id", "url", "title", "seller_name").rows() == [
        ("A2", "https://www.alibaba.com/A2.html", "Acme pro", "Shop one")]


def test_the_store_and_hand_made_frames_give_the_same_rows_and_queues(con):
    store = load_snapshot(con, AS_OF)
    hand_made = snapshot_from_inputs(load_metric_inputs(con, AS_OF), AS_OF)
    for name in ROW_METRICS:
        assert_frame_equal(store.rows(SEPTEMBER, name), hand_made.rows(SEPTEMBER, name), check_exact=True)
    for queue in ("high_risk_backlog", "repeat_offenders_queue", "repeat_offenders", "repeat_offender_figures"):
        assert_frame_equal(getattr(store, queue)(), getattr(hand_made, queue)(), check_exact=True)


def test_text_is_fetched_for_the_rows_asked_only(con):
    store = load_snapshot(con, AS_OF)
    keys = store.facts.filter(pl.col("listing_id") == "T1").select("platform", "listing_id", "listing_key")
    assert store.listing_text(keys).rows() == [("https://item.taobao.com/T1", "Bolt case", "Shop two")]
    assert store.listing_text(keys.head(0)).height == 0
