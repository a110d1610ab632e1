"""Seller networks: sellers (platform, seller_id) that share identifiers, grouped (docs/metric_dictionary.md).

Two sellers are linked when their listings share an identifier: the same seller name (on any
platform), the same storefront id on two platforms, the same image URL (or, without an image
column, the same listing URL path), the same price for the same product (title, price and
currency), or at least `min_shared_titles` listing titles in common (one shared title is how a
market copies, not evidence). Linked sellers form networks: the connected components of the links
(union-find). An identifier shared by more than `max_sellers_per_key` sellers is too common to be
evidence ("Wireless earbuds", `/item.htm`) and links nobody.
"""

from __future__ import annotations

import polars as pl

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


def _url_path(column: str) -> pl.Expr:
    # The page's path and query without scheme, host or fragment: the same page on a mirror host.
    return (pl.col(column).str.to_lowercase().str.replace(r"^[a-z]+://[^/]*", "")
            .str.replace(r"#.*$", ""))


def identifiers(listings: pl.DataFrame) -> pl.DataFrame:
    """One row per (platform, seller_id, kind, value) a listing shows; kinds as in the module docstring.

    Uses the `image_url` column when the listings have one (from the export's extra columns),
    else the listing URL's path.
    """
    image = ("image_url", _normalised("image_url")) if "image_url" in listings.columns else (
        "url_path", _url_path("url"))
    title = _normalised("title")
    kinds = [
        ("seller_name", _normalised("seller_name")),
        ("title", title),
        image,
        ("product_price", pl.concat_str([title, pl.col("price").cast(pl.Float64).round(2).cast(pl.String),
                                         pl.col("currency")], separator="|")),
    ]
    frames = [listings.select(*SELLER, pl.lit(kind).alias("kind"), value.alias("value")) for kind, value in kinds]
    # A storefront: the same seller id on more than one platform is one shop.
    storefronts = listings.select(*SELLER, pl.lit("storefront").alias("kind"), pl.col("seller_id").alias("value"))
    return (pl.concat([*frames, storefronts])
            .filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
            .unique(maintain_order=True))


def _links(found: pl.DataFrame, max_sellers_per_key: int, min_shared_titles: int) -> pl.DataFrame:
    # kind, sellers (a list of {platform, seller_id} structs): each row links all its sellers.
    by_key = found.group_by("kind", "value").agg(pl.struct(*SELLER).alias("sellers"),
                                                 pl.col("platform").n_unique().alias("platforms"))
    sizes = pl.col("sellers").list.len()
    useful = (sizes >= 2) & (sizes <= max_sellers_per_key)
    # A storefront id links sellers only across platforms: two shops on one platform cannot share an id.
    useful = useful & ((pl.col("kind") != "storefront") | (pl.col("platforms") >= 2))
    keys = by_key.filter(useful)
    strong = keys.filter(pl.col("kind") != "title").select("kind", "sellers")
    # Titles are copied across a market: a pair of sellers is linked by titles only when it shares several.
    sellers = pl.concat_str("platform", "seller_id", separator="\x1f")
    titles_per_seller = (found.filter(pl.col("kind") == "title").group_by(SELLER)
                         .agg(pl.len().alias("_titles")))
    holders = (keys.filter(pl.col("kind") == "title").select("value", "sellers").explode("sellers").unnest("sellers")
               .join(titles_per_seller, on=list(SELLER), how="left")
               .with_columns(sellers.alias("_seller")))
    pairs = (holders.join(holders, on="value", suffix="_other")
             .filter(pl.col("_seller") < pl.col("_seller_other"))
             .group_by("_seller", "_seller_other")
             .agg(pl.len().alias("shared"), pl.col("platform", "seller_id", "platform_other", "seller_id_other",
                                                   "_titles", "_titles_other").first())
             # ... and when they make up at least half of the smaller seller's titles: a big seller
             # shares a few titles with everyone.
             .filter((pl.col("shared") >= min_shared_titles)
                     & (2 * pl.col("shared") >= pl.min_horizontal("_titles", "_titles_other")))
             .sort("_seller", "_seller_other"))
    weak = pairs.select(pl.lit("title").alias("kind"),
                        pl.concat_list(pl.struct("platform", "seller_id"),
                                       pl.struct(pl.col("platform_other").alias("platform"),
                                                 pl.col("seller_id_other").alias("seller_id"))).alias("sellers"))
    return pl.concat([strong, weak])


def network_members(listings: pl.DataFrame, max_sellers_per_key: int = MAX_SELLERS_PER_KEY,
                    min_shared_titles: int = MIN_SHARED_TITLES) -> pl.DataFrame:
    """The sellers that belong to a network of two or more: network_id, platform, seller_id, linked_by.

    `linked_by` lists the kinds of identifier that joined the network. Networks are numbered N1,
    N2, ... by size, then by their first seller, so the ids are stable for the same listings.
    """
    links = _links(identifiers(listings), max_sellers_per_key, min_shared_titles)
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(node: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    kinds: dict[tuple[str, str], set[str]] = {}
    for kind, sellers in links.iter_rows():
        nodes = [(seller["platform"], seller["seller_id"]) for seller in sellers]
        root = find(nodes[0])
        for node in nodes[1:]:
            other = find(node)
            if other != root:
                parent[other] = root
        kinds.setdefault(nodes[0], set()).add(kind)
    if not parent:
        return pl.DataFrame(schema={**MEMBER_SCHEMA, "linked_by": pl.String})
    rows = [(*node, find(node)) for node in parent]
    components: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for platform, seller_id, root in rows:
        components.setdefault(root, []).append((platform, seller_id))
    ordered = sorted((sorted(members) for members in components.values()), key=lambda members: (-len(members),
                                                                                                 members[0]))
    member_rows = []
    for number, members in enumerate(ordered, start=1):
        linked = sorted({kind for member in members for kind in kinds.get(member, ())})
        member_rows.extend((f"N{number}", platform, seller_id, ", ".join(linked)) for platform, seller_id in members)
    return pl.DataFrame(member_rows, schema={**MEMBER_SCHEMA, "linked_by": pl.String}, orient="row")


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
    members = network_members(listings, max_sellers_per_key, min_shared_titles)
    member_keys = members.select("network_id", *SELLER)
    network_listings = listings.join(member_keys, on=list(SELLER), how="inner").with_columns(
        _normalised("title").alias("_title"))
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
