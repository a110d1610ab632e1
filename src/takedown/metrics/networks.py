"""Seller networks: sellers (platform, seller_id) that share identifiers, grouped (docs/metric_dictionary.md).

Two sellers are linked when their listings share an identifier: the same seller name (on any
platform), the same storefront id on two platforms, the same image URL (or, without an image
column, the same listing URL path), the same price for the same product (title, price and
currency), or at least `min_shared_titles` listing titles in common (one shared title is how a
market copies, not evidence). Linked sellers form networks: the connected components of the links
(minimum-label propagation). An identifier shared by more than `max_sellers_per_key` sellers is too common to be
evidence ("Wireless earbuds", `/item.htm`) and links nobody.

At scale (a million listings) every step works on integer seller numbers and drops, before any
join, the values only one seller shows: they cannot link anyone.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from takedown.metrics.snapshot import plain

SELLER = ("platform", "seller_id")
# A value shared by more sellers than this says nothing about who is behind them.
MAX_SELLERS_PER_KEY = 10
# Two sellers with this many listing titles in common are one operation, not a coincidence.
MIN_SHARED_TITLES = 2
MEMBER_SCHEMA = {"network_id": pl.String, "platform": pl.String, "seller_id": pl.String}
# The listing columns the networks read; title, url, seller_name (and image_url) are the listing text.
LISTING_COLUMNS = ("platform", "listing_id", "seller_id", "price", "currency", "detected_at")
_NODE = "_seller"


def _normalised(column: str) -> pl.Expr:
    # Case, surrounding and repeated blanks do not make two names or titles different.
    return (pl.col(column).cast(pl.String).str.to_lowercase().str.strip_chars()
            .str.replace_all(r"\s+", " "))


def _normalise_values(frame: pl.DataFrame, column: str, alias: str) -> pl.DataFrame:
    """`frame` plus `alias`: `column` normalised, computed once per distinct value (titles repeat a lot)."""
    values = frame.select(pl.col(column).unique().drop_nulls())
    return frame.join(values.with_columns(_normalised(column).alias(alias)), on=column, how="left")


def _url_path(column: str) -> pl.Expr:
    # The page's path and query without scheme, host or fragment: the same page on a mirror host.
    return pl.col(column).str.replace_all(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*|#.*$", "")


def _code(column: str) -> pl.Expr:
    # A number per distinct text of the column (hashing it once): the later steps compare numbers.
    # Numbers are compared only within the one frame they were made in.
    return pl.col(column).cast(pl.String).cast(pl.Categorical).to_physical().cast(pl.Int64)


def _normalised_codes(coded: pl.DataFrame, code: str, column: str) -> pl.DataFrame:
    """`code` and `column`_norm: a number per normalised text (null for empty text), one row per distinct `code`."""
    values = coded.select(code, column).unique(code).drop_nulls()
    normal = values.with_columns(_normalised(column).alias("_norm"))
    number = pl.when(pl.col("_norm") != "").then(pl.col("_norm").rank("dense").cast(pl.Int64))
    return normal.select(code, number.alias(f"_{column}_norm"))


def _sellers(coded: pl.DataFrame) -> pl.DataFrame:
    """_key, _seller (0, 1, ... in (platform, seller_id) order), platform, seller_id: one row per seller."""
    return (coded.select(_KEY, *SELLER).unique(_KEY).sort(*SELLER)
            .with_row_index(_NODE).with_columns(pl.col(_NODE).cast(pl.Int64)))


_KEY = "_key"


def _shared(frame: pl.DataFrame, value: list[str]) -> pl.DataFrame:
    """_key and `value`: the distinct (seller, value) rows of `frame` whose value two or more sellers show."""
    distinct = frame.select(_KEY, *value).drop_nulls(value).unique()
    duplicated = pl.struct(value).is_duplicated() if len(value) > 1 else pl.col(value[0]).is_duplicated()
    return distinct.filter(duplicated)


def _coded(listings: pl.DataFrame) -> pl.DataFrame:
    """The listings as numbers: _key (one per seller), the text's codes, the rounded price, the page."""
    page = _normalised("image_url") if "image_url" in listings.columns else _url_path("url")
    key = _code("platform") * (1 << 32) + _code("seller_id")
    return listings.select(
        key.alias(_KEY), pl.col(*SELLER).cast(pl.String), pl.col("title", "seller_name").cast(pl.String),
        _code("title").alias("_title_code"), _code("seller_name").alias("_name_code"),
        pl.col("price").cast(pl.Float64).round(2).alias("_price"), _code("currency").alias("_currency"),
        page.alias("_page"))


def _candidates(listings: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[str, pl.DataFrame]], pl.DataFrame]:
    """The sellers (_sellers), the (kind, frame) rows that can link them (frame: _seller and the value columns),
    and per seller its number of distinct titles (_seller, titles) for the title rule."""
    coded = _coded(listings)
    sellers = _sellers(coded)
    # Null text has no number; the left joins keep it null, and nulls link nobody.
    coded = (coded.join(_normalised_codes(coded, "_title_code", "title"), on="_title_code", how="left")
             .join(_normalised_codes(coded, "_name_code", "seller_name"), on="_name_code", how="left"))
    # An empty title is no title, but its price row still names a product ("" | price | currency).
    priced = coded.with_columns(pl.when(pl.col("_title_code").is_not_null())
                                .then(pl.col("_title_norm").fill_null(-1)).alias("_product"))
    pages = coded.filter(pl.col("_page").is_duplicated() & (pl.col("_page") != ""))
    kinds = [("seller_name", coded, ["_seller_name_norm"]), ("title", coded, ["_title_norm"]),
             ("image_url" if "image_url" in listings.columns else "url_path", pages, ["_page"]),
             ("product_price", priced, ["_product", "_price", "_currency"])]
    numbers = sellers.select(_KEY, _NODE)
    found = [(kind, _shared(frame, value).join(numbers, on=_KEY).select(_NODE, *value))
             for kind, frame, value in kinds]
    # A storefront: the same seller id on more than one platform is one shop (sellers are distinct
    # (platform, seller_id), so two sellers with one id are on two platforms).
    found.append(("storefront", sellers.filter(pl.col("seller_id").is_duplicated()).select(_NODE, "seller_id")))
    per_seller = (coded.select(_KEY, "_title_norm").drop_nulls().unique().group_by(_KEY)
                  .agg(pl.len().alias("titles")).join(numbers, on=_KEY).select(_NODE, "titles"))
    return sellers, found, per_seller


def _links(found: list[tuple[str, pl.DataFrame]], titles: pl.DataFrame, max_sellers_per_key: int,
           min_shared_titles: int) -> pl.DataFrame:
    """kind, a, b: links between two sellers (seller numbers), star-shaped per shared value from its first seller."""
    strong, weak = [], []
    for kind, frame in found:
        value = [column for column in frame.columns if column != _NODE]
        keyed = frame.with_columns(pl.len().over(value).alias("_n"), pl.col(_NODE).min().over(value).alias("a"))
        keyed = keyed.filter((pl.col("_n") >= 2) & (pl.col("_n") <= max_sellers_per_key))
        if kind != "title":
            strong.append(keyed.filter(pl.col(_NODE) != pl.col("a"))
                          .select(pl.lit(kind).alias("kind"), "a", pl.col(_NODE).alias("b")))
            continue
        # Titles are copied across a market: a pair of sellers is linked by titles only when it shares
        # several, and they make up at least half of the smaller seller's titles (a big seller shares a
        # few titles with everyone).
        holders = keyed.select(_NODE, *value).join(titles, on=_NODE, how="left")
        pairs = (holders.join(holders, on=value, suffix="_other")
                 .filter(pl.col(_NODE) < pl.col(f"{_NODE}_other"))
                 .group_by(_NODE, f"{_NODE}_other")
                 .agg(pl.len().alias("shared"), pl.col("titles", "titles_other").first())
                 .filter((pl.col("shared") >= min_shared_titles)
                         & (2 * pl.col("shared") >= pl.min_horizontal("titles", "titles_other"))))
        weak.append(pairs.select(pl.lit("title").alias("kind"), pl.col(_NODE).alias("a"),
                                 pl.col(f"{_NODE}_other").alias("b")))
    return pl.concat([*strong, *weak])


def connected_components(edges: pl.DataFrame) -> pl.DataFrame:
    """node, component: each node of the edges (columns a, b: Int64) labelled with the smallest node it connects to.

    Minimum-label propagation with pointer jumping, on arrays: every round each node takes the
    smallest label among itself and its neighbours, then its label's label; it stops when nothing
    changes.
    """
    a = edges.get_column("a").to_numpy().astype(np.int64)
    b = edges.get_column("b").to_numpy().astype(np.int64)
    nodes = np.unique(np.concatenate([a, b]))
    # Dense positions 0..n-1 in node order, so the smallest position is the smallest node.
    a, b = np.searchsorted(nodes, a), np.searchsorted(nodes, b)
    labels = np.arange(nodes.size, dtype=np.int64)
    while True:
        updated = labels.copy()
        np.minimum.at(updated, a, labels[b])
        np.minimum.at(updated, b, labels[a])
        updated = updated[updated]
        if np.array_equal(updated, labels):
            return pl.DataFrame({"node": nodes, "component": nodes[labels]})
        labels = updated


def network_members(listings: pl.DataFrame, max_sellers_per_key: int = MAX_SELLERS_PER_KEY,
                    min_shared_titles: int = MIN_SHARED_TITLES) -> pl.DataFrame:
    """The sellers that belong to a network of two or more: network_id, platform, seller_id, linked_by.

    `linked_by` lists the kinds of identifier that joined the network. Networks are numbered N1,
    N2, ... by size, then by their first seller, so the ids are stable for the same listings.
    """
    sellers, found, titles = _candidates(plain(listings))
    edges = _links(found, titles, max_sellers_per_key, min_shared_titles)
    if edges.is_empty():
        return pl.DataFrame(schema={**MEMBER_SCHEMA, "linked_by": pl.String})
    components = connected_components(edges)
    linked_by = (edges.join(components.rename({"node": "a"}), on="a")
                 .group_by("component").agg(pl.col("kind").unique().sort().str.join(", ").alias("linked_by")))
    # Seller numbers follow (platform, seller_id): a component's smallest is its first seller.
    order = (components.group_by("component").agg(pl.len().alias("size"))
             .sort(["size", "component"], descending=[True, False])
             .with_row_index("number", offset=1)
             .select("component", pl.format("N{}", "number").alias("network_id"), "number"))
    return (components.rename({"node": _NODE}).join(sellers, on=_NODE)
            .join(order, on="component").join(linked_by, on="component")
            .sort("number", "platform", "seller_id")
            .select("network_id", "platform", "seller_id", "linked_by"))


def seller_networks(listings: pl.DataFrame, facts: pl.DataFrame,
                    max_sellers_per_key: int = MAX_SELLERS_PER_KEY,
                    min_shared_titles: int = MIN_SHARED_TITLES) -> pl.DataFrame:
    """One row per network of two or more sellers, the most removed listings first.

    Columns: network_id, sellers, platforms and seller_names (comma-separated, sorted), linked_by,
    listings (detected), complaint_items, removed_listings (distinct listings whose item has been
    removed at some point, i.e. status removed or restored), restored_items (status restored at T),
    relisted_listings (a listing detected after a listing of the network with the same title was
    removed), relists_after_takedown (restored_items + relisted_listings). `facts` are complaint
    item facts as of T (status, first_removed_at); `listings` those detected by T.
    """
    # A snapshot holds low-variety text as categoricals; joins here compare it as text.
    listings, facts = plain(listings), plain(facts)
    members = network_members(listings, max_sellers_per_key, min_shared_titles)
    member_keys = members.select("network_id", *SELLER)
    # The members' listings, read once for the names, the counts and the relists.
    network_listings = _normalise_values(
        listings.select(*SELLER, "listing_id", "title", "seller_name", "detected_at")
        .join(member_keys, on=list(SELLER), how="inner"), "title", "_title")
    items = (facts.select(*SELLER, "listing_id", "enforcement_type", "status", "first_removed_at")
             .join(member_keys, on=list(SELLER), how="inner"))
    was_removed = pl.col("first_removed_at").is_not_null()
    per_items = items.group_by("network_id").agg(
        pl.len().cast(pl.Int64).alias("complaint_items"),
        pl.col("listing_id").filter(was_removed & (pl.col("enforcement_type") == "listing"))
        .n_unique().cast(pl.Int64).alias("removed_listings"),
        (pl.col("status") == "restored").sum().cast(pl.Int64).alias("restored_items"),
    )
    removed_titles = (items.filter(was_removed)
                      .join(network_listings.select("platform", "listing_id", "_title"),
                            on=["platform", "listing_id"], how="inner")
                      .group_by("network_id", "_title").agg(pl.col("first_removed_at").min().alias("_removed_at")))
    relisted = (network_listings.join(removed_titles, on=["network_id", "_title"], how="inner")
                .filter(pl.col("detected_at") > pl.col("_removed_at"))
                .group_by("network_id").agg(pl.struct("platform", "listing_id").n_unique().cast(pl.Int64)
                                            .alias("relisted_listings")))
    names = network_listings.group_by("network_id").agg(
        pl.col("seller_name").drop_nulls().unique().sort().alias("_names"), pl.len().cast(pl.Int64).alias("listings"))
    summary = members.group_by("network_id").agg(
        pl.len().cast(pl.Int64).alias("sellers"),
        pl.col("platform").unique().sort().str.join(", ").alias("platforms"),
        pl.col("linked_by").first(),
    )
    return (summary
            .join(names, on="network_id", how="left")
            .join(per_items, on="network_id", how="left")
            .join(relisted, on="network_id", how="left")
            .with_columns(pl.col("_names").list.join(", ").alias("seller_names"),
                          pl.col("listings", "complaint_items", "removed_listings", "restored_items",
                                 "relisted_listings").fill_null(0))
            .with_columns((pl.col("restored_items") + pl.col("relisted_listings")).alias("relists_after_takedown"))
            .select("network_id", "sellers", "platforms", "seller_names", "linked_by", "listings", "complaint_items",
                    "removed_listings", "restored_items", "relisted_listings", "relists_after_takedown")
            .sort(["removed_listings", "sellers", "network_id"], descending=[True, True, False]))
