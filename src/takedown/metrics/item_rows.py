"""The rows behind a figure: the complaint items a count or sum metric counts (SPEC 4, `takedown items`).

Rows are chosen by the metric's own registry condition, so they add up to the figure by
construction: their number is a count metric's figure, their value_usd sum value_removed_usd's.
missed_counter_notice_responses counts events, so its rows are the counter-notice events missed,
with the deadline each one missed.
"""

from __future__ import annotations

import polars as pl

from takedown.metrics.listing_text import ListingText, listing_text_from_frame, with_listing_text
from takedown.metrics.prices import with_abnormal_price
from takedown.metrics.registry import ROW_METRICS, metric

# One row per complaint item; first_decided_at is the first removed-or-rejected event.
ROW_COLUMNS = (
    "complaint_id", "listing_id", "platform", "account", "reason", "ipr_type", "brand", "seller_id", "seller_name",
    "title", "url", "status", "submitted_at", "first_removed_at", "first_decided_at", "value_usd", "abnormal_price",
)
# missed_counter_notice_responses: one row per counter-notice event missed.
MISSED_COLUMNS = (*ROW_COLUMNS, "counter_noticed_at", "response_deadline")


def rows_behind(cohort_facts: pl.DataFrame, name: str, listings: pl.DataFrame,
                missed_counter_notices: pl.DataFrame, listing_text: ListingText | None = None,
                price_flags: pl.DataFrame | None = None) -> pl.DataFrame:
    """The rows of `cohort_facts` that metric `name` counts, with their listing's seller name, title and url.

    Columns: ROW_COLUMNS (MISSED_COLUMNS for missed_counter_notice_responses); status is text,
    value_usd null when unknown; the oldest submission first. A ValueError names the metrics that
    have rows when `name` is a rate or a median. The text comes from `listing_text` (None: from
    `listings`), asked for the chosen rows only. abnormal_price is the item's listing's flag in
    `price_flags` (prices.price_flags; None or no such listing: null).
    """
    entry = metric(name)
    if not entry.has_rows:
        raise ValueError(f"{name} is a {entry.aggregation}, not a count: the metrics with rows behind them are "
                         f"{', '.join(ROW_METRICS)}")
    chosen = cohort_facts if entry.condition is None else cohort_facts.filter(entry.condition)
    if listing_text is None:
        listing_text = listing_text_from_frame(listings)
    rows = chosen.with_columns(pl.col("status").cast(pl.String), pl.col("first_decision_at").alias("first_decided_at"))
    columns: tuple[str, ...] = ROW_COLUMNS
    if name == "missed_counter_notice_responses":
        rows = rows.join(missed_counter_notices, on="item_id", how="inner", maintain_order="left")
        columns = MISSED_COLUMNS
    order = ["submitted_at", "complaint_id", "listing_id"]
    if name == "missed_counter_notice_responses":
        order.append("counter_noticed_at")
    rows = rows.sort(order, maintain_order=True)
    return with_abnormal_price(with_listing_text(rows, listing_text), price_flags).select(columns)
