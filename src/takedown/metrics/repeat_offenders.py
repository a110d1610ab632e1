"""Repeat offenders as of T (SPEC section 3), and the queue of them an operator works through.

A seller is (platform, seller_id) of a complaint item. It is a repeat offender when at least
`Settings.repeat_offender_threshold` distinct listings of it (listing enforcement items) have
status removed at T and submitted_at in [T - window, T], both ends included. Counted as of T
whatever the report's period.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.status import known_listings

SELLER = ("platform", "seller_id")


def repeat_window_start(as_of: dt.datetime, settings: Settings = DEFAULT_SETTINGS) -> dt.datetime:
    """The first instant of the repeat-offender window [as_of - window days, as_of]."""
    return as_of - dt.timedelta(days=settings.repeat_offender_window_days)


def removed_listing_items(facts: pl.DataFrame, as_of: dt.datetime,
                          settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """The listing items with status removed at `as_of` and submitted in [as_of - window, as_of].

    `facts` are complaint item facts or any frame with platform, seller_id, listing_id,
    enforcement_type, status and submitted_at (status.status_as_of of items, say).
    Columns: those six.
    """
    window_start = repeat_window_start(as_of, settings)
    return facts.select(*SELLER, "listing_id", "enforcement_type", "status", "submitted_at").filter(
        (pl.col("enforcement_type") == "listing")
        & (pl.col("status") == "removed")
        & pl.col("submitted_at").is_between(window_start, as_of, closed="both")
    )


def seller_removals(facts: pl.DataFrame, as_of: dt.datetime, settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """Per seller with a removed listing item in the window: removed_listings (distinct) and removed_items."""
    return (removed_listing_items(facts, as_of, settings)
            .group_by(SELLER)
            .agg(pl.col("listing_id").n_unique().cast(pl.Int64).alias("removed_listings"),
                 pl.len().cast(pl.Int64).alias("removed_items")))


def repeat_offender_sellers(facts: pl.DataFrame, as_of: dt.datetime, settings: Settings = DEFAULT_SETTINGS,
                            removals: pl.DataFrame | None = None) -> pl.DataFrame:
    """The repeat offenders at `as_of`: platform, seller_id, removed_listings, removed_items, most first.

    `removals`: seller_removals(facts, as_of, settings) when already computed (a snapshot keeps it).
    """
    return (_removals(facts, as_of, settings, removals)
            .filter(pl.col("removed_listings") >= settings.repeat_offender_threshold)
            .sort(["removed_listings", "removed_items", "platform", "seller_id"],
                  descending=[True, True, False, False]))


def repeat_offender_figures(facts: pl.DataFrame | None, as_of: dt.datetime, settings: Settings = DEFAULT_SETTINGS,
                            removals: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row: count, share_of_removed (null when nothing was removed), threshold, window_days.

    share_of_removed = removed listing items of repeat offenders / all removed listing items, both
    in the window. `removals`: seller_removals(facts, as_of, settings) when already computed (then
    `facts` is not read and may be None).
    """
    removals = _removals(facts, as_of, settings, removals)
    offenders = removals.filter(pl.col("removed_listings") >= settings.repeat_offender_threshold)
    all_removed = int(removals.get_column("removed_items").sum())
    offender_removed = int(offenders.get_column("removed_items").sum())
    return pl.DataFrame(
        {"count": [offenders.height], "share_of_removed": [offender_removed / all_removed if all_removed else None],
         "threshold": [settings.repeat_offender_threshold], "window_days": [settings.repeat_offender_window_days]},
        schema={"count": pl.Int64, "share_of_removed": pl.Float64, "threshold": pl.Int64, "window_days": pl.Int64},
    )


def _removals(facts: pl.DataFrame | None, as_of: dt.datetime, settings: Settings,
              removals: pl.DataFrame | None) -> pl.DataFrame:
    if removals is not None:
        return removals
    if facts is None:
        raise ValueError("give the facts or their seller_removals")
    return seller_removals(facts, as_of, settings)


def repeat_offender_record(figures: pl.DataFrame) -> dict[str, object]:
    """SPEC 4 `repeat_offenders` from repeat_offender_figures' row."""
    return figures.row(0, named=True)


def repeat_offender_summary(facts: pl.DataFrame, as_of: dt.datetime,
                            settings: Settings = DEFAULT_SETTINGS) -> dict[str, object]:
    """SPEC 4 `repeat_offenders`: count, share_of_removed (null when nothing was removed), threshold, window_days."""
    return repeat_offender_record(repeat_offender_figures(facts, as_of, settings))


def seller_history(facts: pl.DataFrame) -> pl.DataFrame:
    """Per seller (platform, seller_id) of `facts`: seller_complaint_items against it, its distinct
    seller_removed_listings, hit_by_storefront_complaint, and first_submitted_at / last_submitted_at
    of its items."""
    removed_listing = (pl.col("status") == "removed") & (pl.col("enforcement_type") == "listing")
    return facts.group_by(SELLER).agg(
        pl.len().cast(pl.Int64).alias("seller_complaint_items"),
        pl.col("listing_id").filter(removed_listing).n_unique().cast(pl.Int64).alias("seller_removed_listings"),
        (pl.col("enforcement_type") == "storefront").any().alias("hit_by_storefront_complaint"),
        pl.col("submitted_at").min().alias("first_submitted_at"),
        pl.col("submitted_at").max().alias("last_submitted_at"),
    )


def listing_sightings(listings: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """Per seller with listings detected by `as_of`: first_detected_at and last_detected_at."""
    return (known_listings(listings, as_of)
            .group_by(SELLER).agg(pl.col("detected_at").min().alias("first_detected_at"),
                                  pl.col("detected_at").max().alias("last_detected_at")))


def repeat_offenders_queue(facts: pl.DataFrame, listings: pl.DataFrame, as_of: dt.datetime,
                           settings: Settings = DEFAULT_SETTINGS, offenders: pl.DataFrame | None = None,
                           history: pl.DataFrame | None = None, sightings: pl.DataFrame | None = None) -> pl.DataFrame:
    """The repeat offenders at `as_of` with their history, the most removed listings first.

    Columns: platform, seller_id, removed_listings and removed_items (in the window),
    complaint_items (every item against the seller by as_of), first_seen and last_seen (earliest
    and latest of its listings' detected_at and its items' submitted_at, by as_of),
    hit_by_storefront_complaint, and storefront_candidate (never hit by one: the next step up).
    Needs the facts and listings of the whole store. `offenders` (repeat_offender_sellers),
    `history` (seller_history of the facts) and `sightings` (listing_sightings): when already computed.
    """
    if offenders is None:
        offenders = repeat_offender_sellers(facts, as_of, settings)
    # Only the offenders' own rows are summed up: the same figures, over a fraction of the rows.
    keys = offenders.select(SELLER)
    if history is None:
        history = seller_history(facts.join(keys, on=SELLER, how="semi"))
    if sightings is None:
        sightings = listing_sightings(listings.join(keys, on=SELLER, how="semi"), as_of)
    return (offenders
            .join(history, on=SELLER, how="left", maintain_order="left")
            .join(sightings, on=SELLER, how="left", maintain_order="left")
            .with_columns(
                pl.col("seller_complaint_items").alias("complaint_items"),
                pl.min_horizontal("first_submitted_at", "first_detected_at").alias("first_seen"),
                pl.max_horizontal("last_submitted_at", "last_detected_at").alias("last_seen"),
                (~pl.col("hit_by_storefront_complaint")).alias("storefront_candidate"))
            .select(*SELLER, "removed_listings", "removed_items", "complaint_items", "first_seen", "last_seen",
                    "hit_by_storefront_complaint", "storefront_candidate"))
