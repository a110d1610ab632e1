"""Seller networks: sellers (platform, seller_id) one operator runs, grouped (docs/metric_dictionary.md).

Two sellers are linked only by evidence that they are one operator, each kind enough on its own:
the same storefront id on two platforms; the same product image (when the listings carry one);
the same listing page (URL path and query) on two hosts; or a seller name that is distinctive:
what is left of it once generic words ("official store", "trading co., ltd.", "旗舰店") are dropped
is long enough, and holds a word that few other names use (the
name's rarest word appears in at most `max_names_per_word` distinct names). A price or a title is
not an identity: a market copies both, so neither links anyone. A value shared by more than
`max_sellers_per_key` sellers (a stock photo, a common trade name) links nobody either.

Linked sellers form networks: the connected components of the links (minimum-label
propagation). A component of more than `max_network_sellers` sellers is not shown as a network:
it is a chain of coincidences or a marketplace-wide pattern, too large to act on, and is listed
apart (network id X1, X2, ..., `too_large_to_act_on` true).

At scale (a million listings) every step works on integer seller numbers and drops, before any
join, the values only one seller shows: they cannot link anyone.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from takedown.metrics.snapshot import plain

SELLER = ("platform", "seller_id")
# A value shared by more sellers than this is a market's habit (a stock photo, a trade name every
# city has), not one operator: the demo plants networks of up to 12 sellers.
MAX_SELLERS_PER_KEY = 15
# A linked group larger than this is not a network anyone can act on (one complaint per storefront).
MAX_NETWORK_SELLERS = 50
# A distinctive name's rarest word appears in at most this many distinct seller names (a word in
# many names, "Hongda", "Shenzhen", is a common trade or place name, not an operator's mark).
MAX_NAMES_PER_WORD = 3
# What is left of a distinctive name is at least this long (a CJK character counts two): "ABC" or
# "鸿" names nobody.
MIN_NAME_CHARS = 4
# A storefront id shorter than this ("1", "shop") repeats across platforms by chance.
MIN_STOREFRONT_ID_CHARS = 6
# Words of shop names that say what a shop is, not whose it is; dropped before names are compared.
GENERIC_NAME_WORDS = (
    "official", "store", "shop", "shops", "mall", "flagship", "factory", "outlet", "trading", "trade", "co", "ltd",
    "limited", "company", "corp", "corporation", "inc", "llc", "group", "import", "export", "and", "the", "of",
    "electronics", "electronic", "digital", "technology", "tech", "beauty", "sports", "sport", "outdoor",
    "cosmetics", "garment", "garments", "fashion", "apparel", "online", "global", "international", "wholesale",
    "supplier", "supply", "direct", "boutique", "brand", "brands", "authorized", "genuine", "world", "house",
)
# The same in Chinese (no spaces to split on: each is cut out of the name, longest first).
GENERIC_NAME_WORDS_ZH = (
    "有限责任公司", "股份有限公司", "有限公司", "官方旗舰店", "旗舰店", "专营店", "专卖店", "官方店", "工厂店", "直营店",
    "小店", "商行", "商贸", "贸易", "进出口", "电子商务", "电子", "数码", "科技", "美妆", "化妆品", "运动", "户外",
    "服饰", "服装", "百货", "公司", "官方", "正品", "工厂", "店铺", "店",
)
# A place at the start of a Chinese name: two or three characters and 省, 市, 区 or 县 (深圳市): split off.
_PLACE_ZH = r"^\p{Han}{2,3}?[省市区县]"
# A network's names are listed in full up to this many (a network has at most 50 sellers).
MAX_NAMES_SHOWN = 60
MEMBER_SCHEMA = {"network_id": pl.String, "platform": pl.String, "seller_id": pl.String}
# The listing columns the networks read; url, seller_name (and image_url) are the listing text.
LISTING_COLUMNS = ("platform", "listing_id", "seller_id", "detected_at")
EVIDENCE = ("storefront", "image_url", "url_path", "seller_name")
_NODE = "_seller"
_KEY = "_key"


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
    # (Two single replacements: a million URLs are read once each, and few carry a fragment.)
    return pl.col(column).str.replace(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*", "").str.replace(r"#.*$", "")


def _code(column: str) -> pl.Expr:
    # A number per distinct text of the column (hashing it once): the later steps compare numbers.
    # Numbers are compared only within the one frame they were made in.
    return pl.col(column).cast(pl.String).cast(pl.Categorical).to_physical().cast(pl.Int64)


def name_cores(names: pl.Series) -> pl.DataFrame:
    """name, core, words, weight: each distinct name without its generic words, its leading place a word apart.

    `words` are the core's words (Latin words, and the runs of CJK characters left between generic
    words); `weight` its length with a CJK character counted twice.
    """
    generic_zh = "|".join(sorted(GENERIC_NAME_WORDS_ZH, key=len, reverse=True))
    distinct = pl.DataFrame({"name": names.cast(pl.String).unique().drop_nulls()})
    # The place stays, a word of its own: 百佳 of 东莞市 and 百佳 of 莆田市 are two companies.
    words = (_normalised("name").str.replace(_PLACE_ZH, "$0 ").str.replace_all(generic_zh, " ")
             .str.extract_all(r"\p{Han}+|[\p{L}\p{N}]+")
             .list.eval(pl.element().filter(~pl.element().is_in(GENERIC_NAME_WORDS))))
    return (distinct.with_columns(words.alias("words"))
            .with_columns(pl.col("words").list.join(" ").alias("core"))
            .with_columns((pl.col("core").str.replace_all(" ", "").str.len_chars()
                           + pl.col("core").str.count_matches(r"\p{Han}")).alias("weight")))


def distinctive_names(names: pl.Series, max_names_per_word: int = MAX_NAMES_PER_WORD,
                      min_name_chars: int = MIN_NAME_CHARS) -> pl.DataFrame:
    """name, core: the distinct names that can link sellers, with the core two names must share.

    A name is distinctive when its core is at least `min_name_chars` long and its rarest word
    appears in at most `max_names_per_word` distinct names (of all the names given).
    """
    cores = name_cores(names)
    words = cores.select("name", "words").explode("words").drop_nulls("words").unique()
    rarity = (words.group_by("words").agg(pl.len().alias("names"))
              .join(words, on="words").group_by("name").agg(pl.col("names").min().alias("rarest")))
    return (cores.join(rarity, on="name", how="inner")
            .filter((pl.col("weight") >= min_name_chars) & (pl.col("rarest") <= max_names_per_word))
            .select("name", "core"))


def _sellers(coded: pl.DataFrame) -> pl.DataFrame:
    """_key, _seller (0, 1, ... in (platform, seller_id) order), platform, seller_id: one row per seller."""
    return (coded.select(_KEY, *SELLER).unique(_KEY).sort(*SELLER)
            .with_row_index(_NODE).with_columns(pl.col(_NODE).cast(pl.Int64)))


def _shared(frame: pl.DataFrame, value: str) -> pl.DataFrame:
    """_key and `value`: the distinct (seller, value) rows of `frame` whose value two or more sellers show."""
    # A value on one row only (most pages, most photos) cannot link anyone: dropped in one hashing pass.
    repeated = frame.select(_KEY, value).filter(pl.col(value).is_duplicated() & (pl.col(value) != ""))
    return repeated.drop_nulls(value).unique().filter(pl.col(value).is_duplicated())


def _coded(listings: pl.DataFrame) -> pl.DataFrame:
    """The listings as numbers: _key (one per seller), the seller's id and name, the image and the page."""
    # A photo's address, whatever its case and surrounding blanks.
    image = (pl.col("image_url").cast(pl.String).str.strip_chars().str.to_lowercase() if "image_url" in listings.columns
             else pl.lit(None, pl.String))
    key = _code("platform") * (1 << 32) + _code("seller_id")
    return listings.select(key.alias(_KEY), pl.col(*SELLER).cast(pl.String), pl.col("seller_name").cast(pl.String),
                           image.alias("_image"), _url_path("url").alias("_page"))


def _candidates(listings: pl.DataFrame, max_names_per_word: int) -> tuple[pl.DataFrame, list[tuple[str, pl.DataFrame]]]:
    """The sellers (_sellers) and the (kind, frame) rows that can link them (frame: _seller and _value)."""
    coded = _coded(listings)
    sellers = _sellers(coded)
    numbers = sellers.select(_KEY, _NODE)
    named = coded.select(_KEY, "seller_name").drop_nulls().unique()
    cores = distinctive_names(named.get_column("seller_name"), max_names_per_word)
    named = named.join(cores, left_on="seller_name", right_on="name", how="inner").select(_KEY, "core")
    # A storefront: the same seller id on more than one platform is one shop (sellers are distinct
    # (platform, seller_id), so two sellers with one id are on two platforms).
    storefronts = sellers.filter(pl.col("seller_id").str.len_chars() >= MIN_STOREFRONT_ID_CHARS).select(
        _KEY, "seller_id")
    kinds = [("storefront", storefronts, "seller_id"), ("image_url", coded, "_image"),
             ("url_path", coded, "_page"), ("seller_name", named, "core")]
    found = [(kind, _shared(frame, value).join(numbers, on=_KEY).select(_NODE, pl.col(value).alias("_value")))
             for kind, frame, value in kinds]
    return sellers, found


def _links(found: list[tuple[str, pl.DataFrame]], max_sellers_per_key: int) -> pl.DataFrame:
    """kind, a, b: links between two sellers (seller numbers), star-shaped per shared value from its first seller."""
    links = []
    for kind, frame in found:
        keyed = frame.with_columns(pl.len().over("_value").alias("_n"), pl.col(_NODE).min().over("_value").alias("a"))
        keyed = keyed.filter((pl.col("_n") >= 2) & (pl.col("_n") <= max_sellers_per_key))
        links.append(keyed.filter(pl.col(_NODE) != pl.col("a"))
                     .select(pl.lit(kind).alias("kind"), pl.col("a").cast(pl.Int64), pl.col(_NODE).alias("b")))
    return pl.concat(links)


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
                    max_network_sellers: int = MAX_NETWORK_SELLERS,
                    max_names_per_word: int = MAX_NAMES_PER_WORD) -> pl.DataFrame:
    """The sellers linked into a group of two or more: network_id, platform, seller_id, linked_by, too_large_to_act_on.

    `linked_by` lists the kinds of evidence that joined the group. Networks are numbered N1, N2,
    ... by size, then by their first seller, so the ids are stable for the same listings; groups of
    more than `max_network_sellers` are numbered X1, X2, ... and marked too large to act on.
    """
    sellers, found = _candidates(plain(listings), max_names_per_word)
    edges = _links(found, max_sellers_per_key)
    if edges.is_empty():
        return pl.DataFrame(schema={**MEMBER_SCHEMA, "linked_by": pl.String, "too_large_to_act_on": pl.Boolean})
    components = connected_components(edges)
    linked_by = (edges.join(components.rename({"node": "a"}), on="a")
                 .group_by("component").agg(pl.col("kind").unique().sort().str.join(", ").alias("linked_by")))
    # Seller numbers follow (platform, seller_id): a component's smallest is its first seller.
    too_large = pl.col("size") > max_network_sellers
    order = (components.group_by("component").agg(pl.len().alias("size"))
             .with_columns(too_large.alias("too_large_to_act_on"))
             .sort(["too_large_to_act_on", "size", "component"], descending=[False, True, False])
             .with_columns(pl.int_range(1, pl.len() + 1).over("too_large_to_act_on").alias("number"))
             .with_row_index("_order")
             .select("component", "_order", "too_large_to_act_on",
                     pl.format("{}{}", pl.when(too_large).then(pl.lit("X")).otherwise(pl.lit("N")), "number")
                     .alias("network_id")))
    return (components.rename({"node": _NODE}).join(sellers, on=_NODE)
            .join(order, on="component").join(linked_by, on="component")
            .sort("_order", "platform", "seller_id")
            .select("network_id", "platform", "seller_id", "linked_by", "too_large_to_act_on"))


def _name_list(column: str) -> pl.Expr:
    # A group too large to act on can hold thousands of names: the first few say what it is.
    names = pl.col(column)
    shown = names.list.head(MAX_NAMES_SHOWN).list.join(", ")
    return (pl.when(names.list.len() > MAX_NAMES_SHOWN)
            .then(pl.format("{}, ... ({} names)", shown, names.list.len())).otherwise(shown))


def seller_networks(listings: pl.DataFrame, facts: pl.DataFrame,
                    max_sellers_per_key: int = MAX_SELLERS_PER_KEY,
                    max_network_sellers: int = MAX_NETWORK_SELLERS,
                    members: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per network of two or more sellers, the most removed listings first; groups too large to act on last.

    Columns: network_id, sellers, platforms and seller_names (comma-separated, sorted), linked_by,
    listings (detected), complaint_items, removed_listings (distinct listings whose item has been
    removed at some point, i.e. status removed or restored), restored_items (status restored at T),
    relisted_listings (a listing detected after a listing of the network with the same title was
    removed), relists_after_takedown (restored_items + relisted_listings), too_large_to_act_on
    (more than `max_network_sellers` sellers: listed, not a network). `facts` are complaint item
    facts as of T (status, first_removed_at); `listings` those detected by T. Only the members' items of
    `facts` and the members' listings' titles are read: `members` is network_members(listings, ...) when the
    caller made it already (to read only those facts).
    """
    # A snapshot holds low-variety text as categoricals; joins here compare it as text.
    listings, facts = plain(listings), plain(facts)
    if members is None:
        members = network_members(listings, max_sellers_per_key, max_network_sellers)
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
        pl.col("linked_by", "too_large_to_act_on").first(),
    )
    return (summary
            .join(names, on="network_id", how="left")
            .join(per_items, on="network_id", how="left")
            .join(relisted, on="network_id", how="left")
            .with_columns(_name_list("_names").alias("seller_names"),
                          pl.col("listings", "complaint_items", "removed_listings", "restored_items",
                                 "relisted_listings").fill_null(0))
            .with_columns((pl.col("restored_items") + pl.col("relisted_listings")).alias("relists_after_takedown"))
            .select("network_id", "sellers", "platforms", "seller_names", "linked_by", "listings", "complaint_items",
                    "removed_listings", "restored_items", "relisted_listings", "relists_after_takedown",
                    "too_large_to_act_on")
            .sort(["too_large_to_act_on", "removed_listings", "sellers", "network_id"],
                  descending=[False, True, True, False]))
