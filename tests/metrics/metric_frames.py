"""Tiny hand-made frames for the metrics tests: one helper per input kind, with plain defaults.

Every value a test asserts on is written in that test; these helpers only save typing the columns
a test does not care about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.facts import attach_listing_values, complaint_item_facts
from takedown.metrics.inputs import (
    EXCHANGE_RATE_SCHEMA,
    ITEM_SCHEMA,
    LISTING_SCHEMA,
    RIGHT_SCHEMA,
    MetricInputs,
)
from takedown.metrics.status import events_of_items

Rows = Sequence[dict[str, object]]
# Events as an outcomes export has them; events_of_items keys them by item_id.
EXPORTED_EVENT_SCHEMA: dict[str, pl.DataType] = {
    "complaint_id": pl.String(), "listing_id": pl.String(), "event": pl.String(), "occurred_at": pl.Datetime("us"),
}

# A quiet Thursday in September 2026, well inside every window the tests use.
T0 = dt.datetime(2026, 9, 10, 0, 0)
# Listings are detected two days before T0 unless a test says otherwise; facts are taken 30 days after.
DETECTED = T0 - dt.timedelta(hours=48)
LATER = T0 + dt.timedelta(days=30)


def hours(count: float) -> dt.timedelta:
    return dt.timedelta(hours=count)


def item(complaint_id: str = "C1", listing_id: str = "L1", *, platform: str = "alibaba", seller_id: str = "S1",
         enforcement_type: str = "listing", ipr_type: str = "trademark", ipr_registration: str | None = None,
         reason: str = "counterfeit", account: str = "acct-a", submitted_at: dt.datetime = T0) -> dict[str, object]:
    return {"complaint_id": complaint_id, "listing_id": listing_id, "platform": platform, "seller_id": seller_id,
            "enforcement_type": enforcement_type, "ipr_type": ipr_type, "ipr_registration": ipr_registration,
            "reason": reason, "account": account, "submitted_at": submitted_at}


def storefront(complaint_id: str = "C9", **fields: object) -> dict[str, object]:
    return item(complaint_id, "", enforcement_type="storefront", **fields)  # type: ignore[arg-type]


def event(complaint_id: str, listing_id: str, name: str, occurred_at: dt.datetime) -> dict[str, object]:
    return {"complaint_id": complaint_id, "listing_id": listing_id, "event": name, "occurred_at": occurred_at}


def listing(listing_id: str = "L1", *, platform: str = "alibaba", seller_id: str = "S1", brand: str = "Acme",
            price: float | None = None, currency: str | None = None, units_sold: int | None = None,
            risk_score: float | None = None, detected_at: dt.datetime = DETECTED) -> dict[str, object]:
    return {"platform": platform, "listing_id": listing_id, "url": f"https://example.com/{listing_id}",
            "title": f"title {listing_id}", "seller_id": seller_id, "seller_name": f"name {seller_id}",
            "brand": brand, "infringement_type": "counterfeit", "price": price, "currency": currency,
            "units_sold": units_sold, "risk_score": risk_score, "detected_at": detected_at}


def right(registration: str, *, expires_on: dt.date | None = None, ipp_status: str | None = "verified",
          brand: str = "Acme", ipr_type: str = "trademark") -> dict[str, object]:
    return {"registration": registration, "ipr_type": ipr_type, "brand": brand, "jurisdiction": "CN",
            "expires_on": expires_on, "ipp_status": ipp_status}


def rate(month: str, currency: str, usd_per_unit: float | None) -> dict[str, object]:
    return {"month": dt.date.fromisoformat(f"{month}-01"), "currency": currency, "usd_per_unit": usd_per_unit}


def frame(rows: Rows, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def items_frame(*rows: dict[str, object]) -> pl.DataFrame:
    """Items numbered 0, 1, 2... in item_id, as the store's row ids would number them."""
    own_columns = {name: dtype for name, dtype in ITEM_SCHEMA.items() if name != "item_id"}
    numbered = frame(rows, own_columns).with_row_index("item_id").with_columns(pl.col("item_id").cast(pl.Int64))
    return numbered.select(list(ITEM_SCHEMA))


def events_frame(*rows: dict[str, object]) -> pl.DataFrame:
    """Events as exported, keyed by (complaint_id, listing_id)."""
    return frame(rows, EXPORTED_EVENT_SCHEMA)


def listings_frame(*rows: dict[str, object]) -> pl.DataFrame:
    return frame(rows, LISTING_SCHEMA)


def rights_frame(*rows: dict[str, object]) -> pl.DataFrame:
    return frame(rows, RIGHT_SCHEMA)


def rates_frame(*rows: dict[str, object]) -> pl.DataFrame:
    return frame(rows, EXCHANGE_RATE_SCHEMA)


def inputs(items: Rows, events: Rows = (), listings: Rows = (), rights: Rows = (), rates: Rows = ()) -> MetricInputs:
    listing_frame = listings_frame(*listings)
    numbered = items_frame(*items)
    return MetricInputs(attach_listing_values(numbered, listing_frame),
                        events_of_items(numbered, events_frame(*events)), listing_frame, rights_frame(*rights),
                        rates_frame(*rates))


def facts(items: Rows, events: Rows = (), listings: Rows = (), rates: Rows = (),
          as_of: dt.datetime = LATER, settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    numbered = items_frame(*items)
    listed_items = attach_listing_values(numbered, listings_frame(*listings))
    return complaint_item_facts(listed_items, events_of_items(numbered, events_frame(*events)), rates_frame(*rates),
                                as_of, settings)
