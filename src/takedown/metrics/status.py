"""A complaint item's status at time T, and the milestones of its life (SPEC section 3).

Only what was known at T counts: items submitted by T and events that occurred by T. An item's
status comes from its last event; events on the same instant are ordered by EVENT_TIE_ORDER (the
later in that order wins). An item without events is `submitted`.

Items and events meet on `item_id`, an integer that stands for the item's key (complaint_id,
listing_id): the loader takes it from the store, events_of_items assigns it to exported events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from takedown.contract import EVENT_TIE_ORDER, STATUS_OF_EVENT

ITEM_KEY = ("complaint_id", "listing_id")
ITEM_ID = ("item_id",)
STATUSES = ("submitted", "counter_noticed", "withdrawn", "removed", "rejected", "restored")
# The brand's answers to a counter-notice (SPEC 3, missed_counter_notice_responses).
RESPONSE_EVENTS = ("counter_notice_accepted", "counter_notice_rejected", "withdrawn")
# The platform's decisions on a complaint (SPEC 3, handled_within_24h_rate).
DECISION_EVENTS = ("removed", "rejected")
# Statuses that count a counter-notice as successful for the seller (SPEC 3).
COUNTER_NOTICE_SUCCESS_STATUSES = ("restored", "withdrawn", "rejected")

# The tie order as an enumeration: an event's physical value is its tie rank (0 to 6).
EVENT_ENUM = pl.Enum(list(EVENT_TIE_ORDER))
# Statuses as an enumeration: one byte per item instead of a string.
STATUS_ENUM = pl.Enum(list(STATUSES))
# The status each event gives, in tie order (indexed by tie rank).
_STATUS_BY_RANK = pl.Series([STATUS_OF_EVENT[event] for event in EVENT_TIE_ORDER], dtype=STATUS_ENUM)
# The tie rank packs into the low bits of an event's order: occurred_at in microseconds x 8 + rank.
_RANK_SLOTS = 8
assert len(EVENT_TIE_ORDER) < _RANK_SLOTS


def known_items(items: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """The complaint items submitted by `as_of`."""
    return items.filter(pl.col("submitted_at") <= as_of)


def events_of_items(items: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Events as exported (complaint_id, listing_id, event, occurred_at) keyed by their item's item_id.

    Events whose (complaint_id, listing_id) is no item of `items` (orphans) are dropped.
    """
    return (events.join(items.select(*ITEM_KEY, "item_id"), on=ITEM_KEY, how="inner")
            .select("item_id", "event", "occurred_at"))


def known_events(events: pl.DataFrame, items: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """The events that occurred by `as_of` of the given items (matched on item_id); others are ignored."""
    return (events.filter(pl.col("occurred_at") <= as_of)
            .join(items.select("item_id"), on="item_id", how="semi"))


def with_tie_rank(events: pl.DataFrame) -> pl.DataFrame:
    """`events` plus `tie_rank`, each event's position in EVENT_TIE_ORDER; a ValueError names unknown events."""
    try:
        return events.with_columns(pl.col("event").cast(EVENT_ENUM).to_physical().cast(pl.Int64).alias("tie_rank"))
    except pl.exceptions.InvalidOperationError:
        unknown = events.filter(~pl.col("event").is_in(EVENT_TIE_ORDER)).get_column("event").unique().to_list()
        raise ValueError(f"unknown event name(s) {sorted(map(str, unknown))}; expected one of "
                         f"{list(EVENT_TIE_ORDER)}") from None


def event_milestones(events: pl.DataFrame, key: Sequence[str] = ITEM_ID) -> pl.DataFrame:
    """One row per item that has events: its last event (tie order applied), when, and its milestones.

    Columns: the `key` columns, last_event (an EVENT_ENUM), status_at, first_removed_at,
    first_decision_at, has_counter_notice. Pass events already limited to what was known at T (see
    known_events).
    """
    # One integer orders an item's events by (occurred_at, tie rank): the last event is its maximum.
    order = pl.col("occurred_at").dt.epoch("us") * _RANK_SLOTS + pl.col("tie_rank")
    summary = (
        with_tie_rank(events)
        .group_by(key)
        .agg(
            order.max().alias("_last_order"),
            pl.col("occurred_at").filter(pl.col("event") == "removed").min().alias("first_removed_at"),
            pl.col("occurred_at").filter(pl.col("event").is_in(DECISION_EVENTS)).min().alias("first_decision_at"),
            (pl.col("event") == "counter_notice").any().alias("has_counter_notice"),
        )
    )
    # Floor division keeps the rank in [0, 8) for instants before 1970 too.
    last_rank = pl.col("_last_order") - (pl.col("_last_order") // _RANK_SLOTS) * _RANK_SLOTS
    return summary.select(
        *key,
        pl.lit(pl.Series(list(EVENT_TIE_ORDER), dtype=EVENT_ENUM)).gather(last_rank).alias("last_event"),
        pl.from_epoch(pl.col("_last_order") // _RANK_SLOTS, time_unit="us").alias("status_at"),
        "first_removed_at", "first_decision_at", "has_counter_notice",
    )


def status_of_last_event(last_event: pl.Expr) -> pl.Expr:
    """The status (a STATUS_ENUM) an item's last event (an EVENT_ENUM) gives it; `submitted` when none."""
    return pl.lit(_STATUS_BY_RANK).gather(last_event.to_physical()).fill_null("submitted")


def status_as_of(items: pl.DataFrame, events: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """Every item submitted by `as_of` with its status at `as_of`.

    Columns: the item's own, then last_event (null when none), status_at (null when none), status.
    Rows keep the order of `items`.
    """
    items_known = known_items(items, as_of)
    milestones = event_milestones(known_events(events, items_known, as_of))
    # Aligned to the items' rows and added beside them: the items' columns are shared, not copied.
    aligned = (items_known.select("item_id")
               .join(milestones.select("item_id", "last_event", "status_at"), on="item_id", how="left",
                     maintain_order="left")
               .drop("item_id"))
    return (items_known.hstack(aligned.get_columns())
            .with_columns(status_of_last_event(pl.col("last_event")).alias("status")))
