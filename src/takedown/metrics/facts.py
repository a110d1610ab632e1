"""Complaint item facts: one row per item known at T with everything its metrics read.

Every metric of SPEC section 3 is an aggregate of these columns over a cohort, so the facts are
computed once per as-of instant, in a Snapshot (metrics.snapshot), and then filtered and grouped
(kpis, good_faith, repeat_offenders, trends and the queues read the snapshot's facts).

An item's milestones (status.MILESTONE_COLUMNS: its last event, first removal and decision,
counter-notices missed) are computed in Polars by status.event_milestones (complaint_item_facts, and
a snapshot of loaded MetricInputs) or in DuckDB by inputs.load_item_milestones (a snapshot loaded
from the store, item_milestones.sql);
facts_from_milestones turns either into facts, so both give the same frame.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.durations import hours_between
from takedown.metrics.exchange_rates import with_value_usd
from takedown.metrics.status import (
    COUNTER_NOTICE_SUCCESS_STATUSES,
    event_milestones,
    known_events,
    known_items,
    status_of_last_event,
)

# What an item takes from its listing (joined on platform, listing_id): brand and value.
LISTING_VALUE_COLUMNS = ("brand", "price", "currency", "units_sold")
_ITEM_COLUMNS = ("item_id", "complaint_id", "listing_id", "platform", "seller_id", "enforcement_type", "ipr_type",
                 "ipr_registration", "reason", "account", "submitted_at")

FACT_COLUMNS = (
    # the complaint item itself
    *_ITEM_COLUMNS,
    # its listing's brand (null for a storefront item or an unknown listing)
    "brand",
    # its status at T
    "last_event", "status_at", "status",
    # the first removed event, and the first removed-or-rejected event (null: none by T)
    "first_removed_at", "first_decision_at",
    # hours from submitted_at to the first removed event, and to the first removed-or-rejected event
    "hours_to_removal", "hours_to_decision",
    # the first decision came within Settings.handled_within_hours (null: no decision by T)
    "handled_in_time",
    "has_counter_notice", "successful_counter_notice", "missed_counter_notice_responses",
    # price x units_sold in USD at the rate of submitted_at's month (null: unknown)
    "value_usd",
)
# Facts of items loaded from the store carry one more column, listing_key (listing_text.with_listing_keys).


def attach_listing_values(items: pl.DataFrame, listings: pl.DataFrame) -> pl.DataFrame:
    """`items` plus their listing's brand, price, currency and units_sold (null without a listing).

    load_metric_inputs does this join in DuckDB; use this for items built by hand.
    """
    values = listings.select("platform", "listing_id", *LISTING_VALUE_COLUMNS)
    return items.join(values, on=["platform", "listing_id"], how="left", maintain_order="left")


def _hours_since_submitted(column: str) -> pl.Expr:
    # Exact quotients (durations.hours_between): delta / timedelta(hours=1) to the last digit.
    return hours_between(pl.col("submitted_at"), pl.col(column))


def complaint_item_facts(items: pl.DataFrame, events: pl.DataFrame, exchange_rates: pl.DataFrame,
                         as_of: dt.datetime, settings: Settings = DEFAULT_SETTINGS,
                         events_known: bool = False) -> pl.DataFrame:
    """One row per complaint item submitted by `as_of`, with FACT_COLUMNS, as known at `as_of`.

    `items` carry their listing's values (MetricInputs.items, or attach_listing_values); `events`
    are keyed by item_id (MetricInputs.events, or status.events_of_items). Events after `as_of`,
    and events of items not in `items`, are ignored; `events_known=True` says the loader already
    left them out (load_metric_inputs as of `as_of`), which saves a join. Rows keep the order of `items`.
    """
    items_known = known_items(items, as_of)
    events_known_at = events if events_known else known_events(events, items_known, as_of)
    milestones = event_milestones(events_known_at.select("item_id", "event", "occurred_at"), as_of,
                                  settings.response_window_hours)
    return facts_from_milestones(items_known, milestones, exchange_rates, as_of, settings)


def facts_from_milestones(items: pl.DataFrame, milestones: pl.DataFrame, exchange_rates: pl.DataFrame,
                          as_of: dt.datetime, settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """complaint_item_facts from the items and their status.event_milestones (as of `as_of`, computed
    with settings.response_window_hours). Rows keep the order of `items`."""
    items_known = known_items(items, as_of)
    # Per-item results are aligned to the items' rows and added beside their columns, so the
    # items' own (string) columns are shared, never copied by a join.
    aligned = items_known.select("item_id").join(milestones, on="item_id", how="left", maintain_order="left")
    return facts_of_items_with_milestones(items_known.hstack(aligned.drop("item_id").get_columns()),
                                          exchange_rates, settings)


def facts_of_items_with_milestones(frame: pl.DataFrame, exchange_rates: pl.DataFrame,
                                   settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """complaint_item_facts from items known at T that carry their status.MILESTONE_COLUMNS beside their
    own (null when an item has no event): facts_from_milestones' last step (hours are exact quotients,
    durations.hours_between; value_usd at the rate of submitted_at's month)."""
    value_usd = with_value_usd(frame.select("submitted_at", "price", "currency", "units_sold"),
                               exchange_rates, priced_at="submitted_at").get_column("value_usd")
    hours_to_decision = _hours_since_submitted("first_decision_at")
    status = status_of_last_event(pl.col("last_event"))
    has_counter_notice = pl.col("has_counter_notice").fill_null(False)
    return frame.with_columns(value_usd).with_columns(
        status.alias("status"),
        _hours_since_submitted("first_removed_at").alias("hours_to_removal"),
        hours_to_decision.alias("hours_to_decision"),
        # Compared as durations, exact to the microsecond: 24:00:00 is in time, 24:00:00.000001 is not.
        ((pl.col("first_decision_at") - pl.col("submitted_at"))
         <= dt.timedelta(hours=settings.handled_within_hours)).alias("handled_in_time"),
        has_counter_notice.alias("has_counter_notice"),
        (has_counter_notice & status.is_in(COUNTER_NOTICE_SUCCESS_STATUSES)).alias("successful_counter_notice"),
        pl.col("missed_notices").list.len().fill_null(0).cast(pl.Int64).alias("missed_counter_notice_responses"),
    ).select(*FACT_COLUMNS, *(["listing_key"] if "listing_key" in frame.columns else []))
