"""The loader reads the store as known at T, within the bounds it is given (through the real ingest)."""

from __future__ import annotations

import datetime as dt

import pytest

from takedown.metrics.inputs import (
    EVENT_SCHEMA,
    EXCHANGE_RATE_SCHEMA,
    LISTED_ITEM_SCHEMA,
    LISTING_SCHEMA,
    RIGHT_SCHEMA,
    load_metric_inputs,
)
from takedown.store import connect_reader

AS_OF = dt.datetime(2026, 10, 15)


@pytest.fixture()
def con(program_store):
    connection = connect_reader(program_store)
    yield connection
    connection.close()


def test_the_whole_store_as_known_at_t(con):
    inputs = load_metric_inputs(con, AS_OF)
    assert inputs.complete
    # Each item carries its listing's brand and value; a storefront (K4) and an orphan (K5) none.
    assert sorted(inputs.items.select("complaint_id", "listing_id", "reason", "brand", "price", "currency",
                                      "units_sold").rows()) == [
        ("K1", "A1", "counterfeit", "Acme", 10.0, "USD", 3),
        ("K2", "T1", "design copy", "Bolt", 7.0, "USD", 2),
        ("K3", "Z1", "counterfeit", "Acme", 100000.0, "VND", 1),
        ("K4", "", "counterfeit", None, None, None, None),
        ("K5", "A9", "counterfeit", None, None, None, None),
    ]
    # K2's removal came from the complaints export's status; K1's restoration (after T) and the
    # orphan K404 are left out. Events refer to their item by item_id.
    events = inputs.events.join(inputs.items.select("item_id", "complaint_id"), on="item_id", how="left")
    assert events.get_column("complaint_id").null_count() == 0
    assert sorted(events.select("complaint_id", "event", "occurred_at").rows()) == [
        ("K1", "removed", dt.datetime(2026, 9, 1)),
        ("K2", "removed", dt.datetime(2026, 9, 15, 20)),
        ("K3", "removed", dt.datetime(2026, 9, 21)),
        ("K5", "counter_notice", dt.datetime(2026, 9, 11)),
    ]
    assert sorted(inputs.listings.get_column("listing_id").to_list()) == ["A1", "A2", "T1", "Z1"]
    assert inputs.listings.filter(inputs.listings["listing_id"] == "Z1").select("price", "currency").row(0) == (
        100000.0, "VND")
    assert sorted(inputs.rights.get_column("registration").to_list()) == ["DES-9", "TM-1"]
    assert dict(inputs.items.schema) == LISTED_ITEM_SCHEMA
    assert dict(inputs.events.schema) == EVENT_SCHEMA
    assert dict(inputs.listings.schema) == LISTING_SCHEMA
    assert dict(inputs.rights.schema) == RIGHT_SCHEMA
    assert dict(inputs.exchange_rates.schema) == EXCHANGE_RATE_SCHEMA


def test_bounds_limit_items_and_their_events_and_leave_out_what_only_queues_read(con):
    inputs = load_metric_inputs(con, AS_OF, since=dt.datetime(2026, 9, 10), until=dt.datetime(2026, 9, 30))
    assert not inputs.complete
    assert sorted(inputs.items.get_column("complaint_id").to_list()) == ["K2", "K3", "K5"]
    events = inputs.events.join(inputs.items.select("item_id", "complaint_id"), on="item_id", how="inner")
    assert sorted(events.get_column("complaint_id").to_list()) == ["K2", "K3", "K5"]
    assert (inputs.listings.height, inputs.rights.height) == (0, 0)


def test_an_earlier_as_of_sees_less(con):
    inputs = load_metric_inputs(con, dt.datetime(2026, 9, 15, 10))
    assert sorted(inputs.items.get_column("complaint_id").to_list()) == ["K1", "K2", "K5"]
    events = inputs.events.join(inputs.items.select("item_id", "complaint_id"), on="item_id", how="inner")
    assert sorted(events.get_column("complaint_id").to_list()) == ["K1", "K5"]
    assert inputs.items.get_column("item_id").is_unique().all()
