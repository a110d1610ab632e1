"""A complaint item's status at time T, and the milestones of its life (SPEC section 3).

Only what was known at T counts: items submitted by T and events that occurred by T. An item's
status comes from its last event; events on the same instant are ordered by EVENT_TIE_ORDER (the
later in that order wins). An item without events is `submitted`. The rule is written once, in
queries/metrics/item_milestones.sql: the loader runs it inside the store, so events never reach
Polars, and event_milestones runs it over frames (hand-made inputs, tests).

Items and events meet on `item_id`, an integer that stands for the item's key (complaint_id,
listing_id): the loader takes it from the store, events_of_items assigns it to exported events.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from takedown.config import DEFAULT_SETTINGS
from takedown.contract import EVENT_TIE_ORDER, STATUS_OF_EVENT
from takedown.frames import register_frame
from takedown.milestones import (  # noqa: F401 (the rule's parts, named here as before)
    DECISION_EVENTS,
    RESPONSE_EVENTS,
    milestone_parameters,
    milestones_query,
)

ITEM_KEY = ("complaint_id", "listing_id")
ITEM_ID = ("item_id",)
STATUSES = ("submitted", "counter_noticed", "withdrawn", "removed", "rejected", "restored")
# Statuses that count a counter-notice as successful for the seller (SPEC 3).
COUNTER_NOTICE_SUCCESS_STATUSES = ("restored", "withdrawn", "rejected")

# The tie order as an enumeration: an event's physical value is its tie rank (0 to 6).
EVENT_ENUM = pl.Enum(list(EVENT_TIE_ORDER))
# Statuses as an enumeration: one byte per item instead of a string.
STATUS_ENUM = pl.Enum(list(STATUSES))
# The status each event gives, in tie order (indexed by tie rank).
_STATUS_BY_RANK = pl.Series([STATUS_OF_EVENT[event] for event in EVENT_TIE_ORDER], dtype=STATUS_ENUM)
# item_milestones.sql packs the tie rank into the low bits of an event's order: microseconds x 8 + rank.
assert len(EVENT_TIE_ORDER) < 8
MILESTONE_COLUMNS = ("item_id", "last_event", "status_at", "first_removed_at", "first_decision_at",
                     "has_counter_notice", "missed_notices")


def known_items(items: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """The complaint items submitted by `as_of` (`items` itself when they all were: no copy)."""
    latest = items.get_column("submitted_at").max()
    if latest is None or latest <= as_of:  # type: ignore[operator]
        return items
    return items.filter(pl.col("submitted_at") <= as_of)


def known_listings(listings: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """The listings detected by `as_of` (SPEC 3: the store as known at T; staging/listings_known in SQL)."""
    return listings.filter(pl.col("detected_at") <= as_of)


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


def check_event_names(events: pl.DataFrame) -> None:
    """A ValueError naming the events of `events` that are not in EVENT_TIE_ORDER (none: nothing)."""
    names = events.get_column("event").cast(pl.String).unique().drop_nulls().to_list()
    unknown = sorted(name for name in names if name not in EVENT_TIE_ORDER)
    if unknown:
        raise ValueError(f"unknown event name(s) {unknown}; expected one of {list(EVENT_TIE_ORDER)}")


def last_event(last_rank: pl.Expr) -> pl.Expr:
    """The event (an EVENT_ENUM) at item_milestones.sql's last_rank (a position in EVENT_TIE_ORDER)."""
    return pl.lit(pl.Series(list(EVENT_TIE_ORDER), dtype=EVENT_ENUM)).gather(last_rank)


def typed_milestones(raw: pl.DataFrame) -> pl.DataFrame:
    """A frame with item_milestones.sql's columns (and any others) typed: last_rank becomes
    last_event (an EVENT_ENUM), instants microseconds, missed_notices a list of instants."""
    return raw.with_columns(
        last_event(pl.col("last_rank")).alias("last_event"),
        pl.col("status_at", "first_removed_at", "first_decision_at").cast(pl.Datetime("us")),
        pl.col("has_counter_notice").cast(pl.Boolean),
        pl.col("missed_notices").cast(pl.List(pl.Datetime("us"))),
    ).drop("last_rank")


def event_milestones(events: pl.DataFrame, as_of: dt.datetime,
                     response_window_hours: float = DEFAULT_SETTINGS.response_window_hours) -> pl.DataFrame:
    """One row per item that has events: its last event (tie order applied), when, and its milestones.

    Columns MILESTONE_COLUMNS: item_id, last_event (an EVENT_ENUM), status_at, first_removed_at,
    first_decision_at, has_counter_notice, missed_notices (the counter-notices whose response was
    missed by as_of). Pass events (item_id, event, occurred_at) already limited to what was known
    at `as_of` (see known_events). Computed by queries/metrics/item_milestones.sql, the one
    definition, in a private in-memory DuckDB; the loader runs the same query inside the store.
    """
    check_event_names(events)
    known = events.select(pl.col("item_id").cast(pl.Int64), pl.col("event").cast(pl.String),
                          pl.col("occurred_at").cast(pl.Datetime("us")))
    con = duckdb.connect()
    try:
        register_frame(con, "known_events", known)
        raw = con.execute(milestones_query(), milestone_parameters(as_of, response_window_hours)).pl()
    finally:
        con.close()
    return typed_milestones(raw).select(MILESTONE_COLUMNS)


def status_of_last_event(last_event: pl.Expr) -> pl.Expr:
    """The status (a STATUS_ENUM) an item's last event (an EVENT_ENUM) gives it; `submitted` when none."""
    return pl.lit(_STATUS_BY_RANK).gather(last_event.to_physical()).fill_null("submitted")


def status_as_of(items: pl.DataFrame, events: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """Every item submitted by `as_of` with its status at `as_of`.

    Columns: the item's own, then last_event (null when none), status_at (null when none), status.
    Rows keep the order of `items`.
    """
    items_known = known_items(items, as_of)
    milestones = event_milestones(known_events(events, items_known, as_of), as_of)
    # Aligned to the items' rows and added beside them: the items' columns are shared, not copied.
    aligned = (items_known.select("item_id")
               .join(milestones.select("item_id", "last_event", "status_at"), on="item_id", how="left",
                     maintain_order="left")
               .drop("item_id"))
    return (items_known.hstack(aligned.get_columns())
            .with_columns(status_of_last_event(pl.col("last_event")).alias("status")))
