"""Seller networks: sellers (platform, seller_id) that share identifiers, grouped (docs/metric_dictionary.md).

Two sellers are linked when their listings share an identifier: the same seller name (on any
platform), the same storefront id on two platforms, the same image URL (or, without an image
column, the same listing URL path), the same price for the same product (title, price and
currency), or at least `min_shared_titles` listing titles in common (one shared title is how a
market copies, not evidence). Linked sellers form networks: the connected components of the links
(minimum-label propagation). An identifier shared by more than `max_sellers_per_key` sellers is too common to be
evidence ("Wireless earbuds", `/item.htm`) and links nobody.
"""

from __future__ import annotations

import polars as pl

from takedown.metrics.snapshot import plain

SELLER = ("platform", "seller_id")
# A value shared by more sellers than this says nothing about who is behind them.
MAX_SELLERS_PER_KEY = 10
# Two sellers with this many listing titles in common are one operation, not a coincidence.
MIN_SHARED_TITLES = 2
MEMBER_SCHEMA = {"network_id": pl.String, "platform": pl.String, "seller_id": pl.String}


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


def identifiers(listings: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct (platform, seller_id, kind, value) the listings show; kinds as in the module docstring.

    Uses the `image_url` column when the listings have one (from the export's extra columns),
    else the listing URL's path.
    """
    titled = _normalise_values(listings.select(*SELLER, "title", "price", "currency").unique(), "title", "_title")
    named = _normalise_values(listings.select(*SELLER, "seller_name").unique(), "seller_name", "_name")
    if "image_url" in listings.columns:
        pages = listings.select(*SELLER, pl.lit("image_url").alias("kind"), _normalised("image_url").alias("value"))
    else:
        pages = listings.select(*SELLER, pl.lit("url_path").alias("kind"), _url_path("url").alias("value"))
    price = pl.col("price").cast(pl.Float64).round(2).cast(pl.String)
    frames = [
        named.select(*SELLER, pl.lit("seller_name").alias("kind"), pl.col("_name").alias("value")),
        titled.select(*SELLER, pl.lit("title").alias("kind"), pl.col("_title").alias("value")),
        pages,
        titled.select(*SELLER, pl.lit("product_price").alias("kind"),
                      pl.concat_str(["_title", price, "currency"], separator="|").alias("value")),
        # A storefront: the same seller id on more than one platform is one shop.
        listings.select(*SELLER).unique().select(*SELLER, pl.lit("storefront").alias("kind"),
                                                 pl.col("seller_id").alias("value")),
    ]
    return pl.concat(frame.filter(pl.col("value").is_not_null() & (pl.col("value") != "")).unique()
                     for frame in frames)


_KEY = "_seller"


def _seller_key() -> pl.Expr:
    # One string per seller: a platform name never holds the unit separator.
    return pl.concat_str("platform", "seller_id", separator="\x1f").alias(_KEY)


def _links(found: pl.DataFrame, max_sellers_per_key: int, min_shared_titles: int) -> pl.DataFrame:
    """kind, a, b: one row per link between two sellers (seller keys), star-shaped per shared value."""
    keyed = found.with_columns(_seller_key())
    by_key = keyed.group_by("kind", "value").agg(pl.col(_KEY).alias("sellers"),
                                                 pl.col("platform").n_unique().alias("platforms"))
    sizes = pl.col("sellers").list.len()
    useful = (sizes >= 2) & (sizes <= max_sellers_per_key)
    # A storefront id links sellers only across platforms: two shops on one platform cannot share an id.
    useful = useful & ((pl.col("kind") != "storefront") | (pl.col("platforms") >= 2))
    keys = by_key.filter(useful)
    strong = (keys.filter(pl.col("kind") != "title")
              .select("kind", pl.col("sellers").list.first().alias("a"), pl.col("sellers").list.slice(1).alias("b"))
              .explode("b"))
    # Titles are copied across a market: a pair of sellers is linked by titles only when it shares
    # several, and they make up at least half of the smaller seller's titles (a big seller shares a
    # few titles with everyone).
    titles_per_seller = keyed.filter(pl.col("kind") == "title").group_by(_KEY).agg(pl.len().alias("titles"))
    holders = (keys.filter(pl.col("kind") == "title").select("value", pl.col("sellers").alias(_KEY)).explode(_KEY)
               .join(titles_per_seller, on=_KEY, how="left"))
    pairs = (holders.join(holders, on="value", suffix="_other")
             .filter(pl.col(_KEY) < pl.col(f"{_KEY}_other"))
             .group_by(_KEY, f"{_KEY}_other")
             .agg(pl.len().alias("shared"), pl.col("titles", "titles_other").first())
             .filter((pl.col("shared") >= min_shared_titles)
                     & (2 * pl.col("shared") >= pl.min_horizontal("titles", "titles_other"))))
    weak = pairs.select(pl.lit("title").alias("kind"), pl.col(_KEY).alias("a"), pl.col(f"{_KEY}_other").alias("b"))
    return pl.concat([strong, weak])


def connected_components(edges: pl.DataFrame) -> pl.DataFrame:
    """node, component: each node of the edges (columns a, b: Int64) labelled with the smallest node it connects to.

    Minimum-label propagation with pointer jumping: every round each node takes the smallest label
    among itself and its neighbours, then its label's label; it stops when nothing changes.
    """
    both = pl.concat([edges.select("a", "b"), edges.select(pl.col("b").alias("a"), pl.col("a").alias("b"))])
    labels = both.select(pl.col("a").unique().alias("node")).with_columns(pl.col("node").alias("component"))
    while True:
        neighbours = (both.join(labels.rename({"node": "b", "component": "seen"}), on="b")
                      .group_by("a").agg(pl.col("seen").min()).rename({"a": "node"}))
        updated = (labels.join(neighbours, on="node", how="left")
                   .select("node", pl.min_horizontal("component", "seen").alias("component")))
        updated = (updated.join(updated.rename({"node": "component", "component": "jump"}), on="component",
                                how="left")
                   .select("node", pl.min_horizontal("component", "jump").alias("component")))
        changed = updated.join(labels, on="node", suffix="_before").filter(
            pl.col("component") != pl.col("component_before")).height
        labels = updated
        if not changed:
            return labels


def network_members(listings: pl.DataFrame, max_sellers_per_key: int = MAX_SELLERS_PER_KEY,
                    min_shared_titles: int = MIN_SHARED_TITLES) -> pl.DataFrame:
    """The sellers that belong to a network of two or more: network_id, platform, seller_id, linked_by.

    `linked_by` lists the kinds of identifier that joined the network. Networks are numbered N1,
    N2, ... by size, then by their first seller, so the ids are stable for the same listings.
    """
    links = _links(identifiers(listings), max_sellers_per_key, min_shared_titles)
    if links.is_empty():
        return pl.DataFrame(schema={**MEMBER_SCHEMA, "linked_by": pl.String})
    sellers = (pl.concat([links.select(pl.col("a").alias(_KEY)), links.select(pl.col("b").alias(_KEY))])
               .unique().sort(_KEY).with_row_index("node").with_columns(pl.col("node").cast(pl.Int64)))
    edges = (links.join(sellers.rename({_KEY: "a", "node": "a_node"}), on="a")
             .join(sellers.rename({_KEY: "b", "node": "b_node"}), on="b")
             .select("kind", pl.col("a_node").alias("a"), pl.col("b_node").alias("b")))
    components = connected_components(edges)
    linked_by = (edges.join(components.rename({"node": "a"}), on="a")
                 .group_by("component").agg(pl.col("kind").unique().sort().str.join(", ").alias("linked_by")))
    members = (sellers.join(components, on="node")
               .with_columns(pl.col(_KEY).str.split_exact("\x1f", 1).struct.rename_fields(["platform", "seller_id"])
                             .alias("_parts"))
               .unnest("_parts"))
    order = (members.group_by("component").agg(pl.len().alias("size"), pl.col(_KEY).min().alias("first"))
             .sort(["size", "first"], descending=[True, False])
             .with_row_index("number", offset=1)
             .select("component", pl.format("N{}", "number").alias("network_id")))
    return (members.join(order, on="component").join(linked_by, on="component")
            .sort("network_id", "platform", "seller_id")
            .select("network_id", "platform", "seller_id", "linked_by")
            .sort(pl.col("network_id").str.slice(1).cast(pl.Int64), "platform", "seller_id"))


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
    network_listings = _normalise_values(listings.join(member_keys, on=list(SELLER), how="inner"), "title",
                                         "_title")
    items = facts.join(member_keys, on=list(SELLER), how="inner")
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
    names = (listings.join(member_keys, on=list(SELLER), how="inner")
             .group_by("network_id").agg(pl.col("seller_name").drop_nulls().unique().sort().alias("_names"),
                                         pl.len().cast(pl.Int64).alias("listings")))
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
