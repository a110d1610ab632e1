"""Work queues an operator acts on: counter-notices awaiting the brand, and the high-risk backlog.

Each queue is a frame, most urgent first, built from complaint item facts computed as of T over
the whole store (load_metric_inputs without bounds). The rights queues are in rights.py and the
repeat offenders' in repeat_offenders.py.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.durations import days_between, hours_between
from takedown.metrics.exchange_rates import with_value_usd
from takedown.metrics.listing_text import ListingText, listing_text_from_frame, with_listing_keys, with_listing_text
from takedown.metrics.prices import with_abnormal_price
from takedown.metrics.repeat_offenders import SELLER, repeat_offender_sellers, seller_history
from takedown.metrics.status import known_listings


def counter_notices_awaiting_response(facts: pl.DataFrame, as_of: dt.datetime,
                                      settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """Items whose last event at `as_of` is a seller's counter-notice the brand has not answered yet.

    Columns: complaint_id, listing_id, platform, account, reason, brand, seller_id, submitted_at,
    counter_noticed_at, response_deadline (counter_noticed_at + response window), hours_left
    (negative once overdue) and overdue (the deadline has come: SPEC counts such a counter-notice
    as a missed response). The earliest deadline first.
    """
    deadline = pl.col("status_at") + dt.timedelta(hours=settings.response_window_hours)
    awaiting = (facts.filter(pl.col("last_event") == "counter_notice")
                .with_columns(pl.col("status_at").alias("counter_noticed_at"), deadline.alias("response_deadline")))
    return (with_time_left(awaiting, as_of)
            .select("complaint_id", "listing_id", "platform", "account", "reason", "brand", "seller_id",
                    "submitted_at", "counter_noticed_at", "response_deadline", "hours_left", "overdue")
            .sort(["response_deadline", "complaint_id", "listing_id"]))


def with_time_left(queue: pl.DataFrame, now: dt.datetime) -> pl.DataFrame:
    """`queue` (with response_deadline) with hours_left (negative once overdue) and overdue, seen at `now`.

    The counter-notice queue's clock-bound columns: a live dashboard recomputes them at each render
    from the cached deadlines, so the queue it caches per store version never shows a stale clock.
    """
    return queue.with_columns(hours_between(pl.lit(now), pl.col("response_deadline")).alias("hours_left"),
                              (pl.col("response_deadline") <= now).alias("overdue"))


def unreported_listings(listings: pl.DataFrame, facts: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """The `listings` detected by `as_of` that no listing item of `facts` names: the backlog's candidates.

    With listing_key (listing_text.with_listing_keys). A snapshot loads only these
    (inputs.load_unreported_listings): asking again returns them all.
    """
    listings, facts = with_listing_keys(listings, facts)
    reported = facts.filter(pl.col("enforcement_type") == "listing").select("listing_key")
    return known_listings(listings, as_of).join(reported, on="listing_key", how="anti")


def high_risk_backlog(listings: pl.DataFrame, facts: pl.DataFrame, exchange_rates: pl.DataFrame,
                      as_of: dt.datetime, settings: Settings = DEFAULT_SETTINGS,
                      listing_text: ListingText | None = None, price_flags: pl.DataFrame | None = None) -> pl.DataFrame:
    """Listings detected by `as_of` that no complaint item names yet, the riskiest first.

    Ranked by risk_score (unknown last), then sellers who are repeat offenders, then the seller's
    removed listings, then the listing's value (price x units_sold in USD at the rate of the month
    of detected_at; unknown last), then the longest waiting. Columns: rank, the listing's own
    columns, seller_complaint_items, seller_removed_listings, repeat_offender, value_usd,
    abnormal_price (prices.price_flags as of `as_of`: `price_flags`; None: null), days_waiting. The
    url, title and seller_name come from `listing_text` (None: from `listings`).
    """
    if listing_text is None:
        listing_text = listing_text_from_frame(listings)
    candidates = unreported_listings(listings, facts, as_of)
    return rank_backlog(candidates, facts, exchange_rates, as_of, settings, listing_text, price_flags=price_flags)


def rank_backlog(candidates: pl.DataFrame, facts: pl.DataFrame, exchange_rates: pl.DataFrame,
                 as_of: dt.datetime, settings: Settings, listing_text: ListingText,
                 offenders: pl.DataFrame | None = None, history: pl.DataFrame | None = None,
                 price_flags: pl.DataFrame | None = None) -> pl.DataFrame:
    """high_risk_backlog of its candidates (unreported_listings, with listing_key) already chosen.

    `offenders` (repeat_offenders.repeat_offender_sellers) and `history` (seller_history of the
    facts): when already computed (a snapshot keeps them).
    """
    waiting_listings = candidates
    # The sellers' histories are summed over their own items only: the same figures, fewer rows.
    if history is None:
        sellers = waiting_listings.select(SELLER).unique()
        history = seller_history(facts.join(sellers, on=SELLER, how="semi"))
    history = history.select(*SELLER, "seller_complaint_items", "seller_removed_listings")
    if offenders is None:
        offenders = repeat_offender_sellers(facts, as_of, settings)
    offenders = offenders.select(*SELLER, pl.lit(True).alias("repeat_offender"))
    backlog = (waiting_listings
               .join(history, on=SELLER, how="left", maintain_order="left")
               .join(offenders, on=SELLER, how="left", maintain_order="left"))
    backlog = with_value_usd(backlog, exchange_rates, priced_at="detected_at")
    waiting = days_between(pl.col("detected_at"), pl.lit(as_of))
    ranked = (backlog
              .with_columns(pl.col("seller_complaint_items", "seller_removed_listings").fill_null(0),
                            pl.col("repeat_offender").fill_null(False),
                            waiting.alias("days_waiting"))
              .sort(["risk_score", "repeat_offender", "seller_removed_listings", "value_usd", "detected_at",
                     "platform", "listing_id"],
                    descending=[True, True, True, True, False, False, False], nulls_last=True))
    ranked = with_abnormal_price(with_listing_text(ranked.with_row_index("rank", offset=1), listing_text), price_flags)
    return ranked.with_columns(pl.col("rank").cast(pl.Int64)).select(
        "rank", "platform", "listing_id", "url", "title", "seller_id", "seller_name", "brand", "infringement_type",
        "risk_score", "seller_complaint_items", "seller_removed_listings", "repeat_offender", "price", "currency",
        "units_sold", "value_usd", "abnormal_price", "detected_at", "days_waiting",
    )
