"""A listing's free text (url, title, seller_name), fetched only for the rows a view shows.

That text is untrusted and long: a snapshot keeps it out of its frames and asks a ListingText for
the few rows it returns (the rows behind a figure, the high-risk backlog). Listings and items meet
on listing_key, an integer that stands for the listing's key (platform, listing_id): the loader
takes the store's row id (inputs.listing_text_from_store reads the text by it); with_listing_keys
numbers hand-made listings.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

LISTING_TEXT_COLUMNS = ("url", "title", "seller_name")
LISTING_KEY = ("platform", "listing_id")

# Given rows with platform, listing_id and (from a store) listing_key, their listing's url, title and seller_name,
# one row per row asked for, in the same order (nulls: no such listing).
ListingText = Callable[[pl.DataFrame], pl.DataFrame]


def listing_text_from_frame(listings: pl.DataFrame) -> ListingText:
    """A ListingText reading `listings` (with their url, title and seller_name), matched on (platform, listing_id)."""
    text = listings.select(*LISTING_KEY, *LISTING_TEXT_COLUMNS).with_columns(pl.col("platform").cast(pl.String))

    def fetch(keys: pl.DataFrame) -> pl.DataFrame:
        wanted = keys.select(pl.col("platform").cast(pl.String), "listing_id")
        return (wanted.join(text, on=list(LISTING_KEY), how="left", maintain_order="left")
                .select(LISTING_TEXT_COLUMNS))
    return fetch


def with_listing_text(frame: pl.DataFrame, listing_text: ListingText) -> pl.DataFrame:
    """`frame` (with platform, listing_id and, from a store, listing_key) plus its listings' url, title and seller_name.

    Text columns `frame` already has are replaced.
    """
    frame = frame.drop(LISTING_TEXT_COLUMNS, strict=False)
    if frame.height == 0:
        return frame.with_columns(pl.lit(None, pl.String).alias(name) for name in LISTING_TEXT_COLUMNS)
    keys = [name for name in (*LISTING_KEY, "listing_key") if name in frame.columns]
    return frame.hstack(listing_text(frame.select(keys)).get_columns())


def with_listing_keys(listings: pl.DataFrame, items: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`listings` and `items` both with listing_key (the items': their listing's; null without one).

    Frames loaded by a snapshot carry it already; hand-made listings are numbered in row order.
    """
    if "listing_key" in listings.columns and "listing_key" in items.columns:
        return listings, items
    if "listing_key" not in listings.columns:
        listings = listings.with_row_index("listing_key").with_columns(pl.col("listing_key").cast(pl.Int32))
    keys = listings.select(*LISTING_KEY, "listing_key")
    items = items.drop("listing_key", strict=False).join(keys, on=list(LISTING_KEY), how="left",
                                                         maintain_order="left")
    return listings, items
