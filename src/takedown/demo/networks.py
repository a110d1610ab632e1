"""Seller networks planted in the demo, with their truth, and the decoys that must not link anyone.

A few operators run several storefronts. Each planted network is a handful of head sellers (the
big repeat offenders, who have listings at any scale) linked by one kind of evidence:

- `seller_name`: every member trades under one distinctive name ("Zhenhaoyuan Official Store",
  "Zhenhaoyuan旗舰店"), a word no other seller uses;
- `storefront`: members on different platforms show one seller id (the first member's);
- `image_url`: every listing of every member shows the network's one product photo.

Decoys look like evidence and are not: generic names ("Official Store", "旗舰店") given to
unrelated sellers, a stock photo on a fifth of the image-matched listings of any seller,
random shop names that repeat by chance, and the equal prices a market's charm pricing makes.

Membership, ids, names and photos are pure functions of the seed and the seller populations, so
every chunk agrees; the truth is written beside the exports (`demo_truth_networks.csv`, not
ingested) for checks such as benchmarks/check_networks.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from takedown.demo.profile import PLATFORM_NAMES, PLATFORMS

TRUTH_FILE = "demo_truth_networks.csv"
# Networks planted per million complaint items, and the fewest and most at any scale.
NETWORKS_PER_MILLION_ITEMS = 14
MIN_NETWORKS = 3
MAX_NETWORKS = 20
# A network's sellers: two to twelve (a storefront network at most one per platform).
MIN_NETWORK_SELLERS = 2
MAX_NETWORK_SELLERS = 12
# Each network's evidence, in turn.
EVIDENCE = ("seller_name", "storefront", "image_url")
# Random stream of the planted networks (after the seed).
NETWORK_STREAM = 4
# Share of the other sellers trading under a generic name (a decoy: it names nobody).
GENERIC_NAME_SHARE = 0.005
GENERIC_NAMES = {"en": ("Official Store", "Factory Store", "Flagship Shop"), "zh": ("旗舰店", "官方旗舰店", "工厂店")}
# Share of image-matched listings showing the catalogue's stock photo (a decoy shared by many sellers:
# from about 1,000 items up, by more than the networks' limit of sellers per value).
STOCK_PHOTO_SHARE = 0.2
STOCK_PHOTO = "stock-catalogue-photo.jpg"
# Syllables of the networks' trade names: three of them make a word the other names never use.
_SYLLABLES = ("zhen", "hao", "yuan", "bao", "chuang", "kun", "qiao", "lan", "mo", "xuan", "pei", "lang", "zhuo",
              "heng", "yao", "ting", "shuo", "miao", "rong", "ke")
_NAME_SUFFIXES = {"en": (" Official Store", " Store", " Trading Co., Ltd.", " Flagship Shop"),
                  "zh": ("旗舰店", "专营店", "有限公司")}
_IMAGE_HOST = "https://img.alicdn.com/imgextra/"


@dataclass(frozen=True)
class PlantedNetworks:
    """The planted members (one row each: network, evidence, platform code, seller number) and their overrides."""

    # network (T1, T2, ...), evidence, platform_code, seller_number, and what the member shows: name,
    # photo and seller_id (null: its own)
    members: pl.DataFrame

    def _lookup(self, platform_codes: np.ndarray, sellers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the member's position in `members` and whether the row's seller is a member."""
        keys = platform_codes.astype(np.int64) * (1 << 40) + sellers.astype(np.int64)
        member_keys = (self.members.get_column("platform_code").to_numpy().astype(np.int64) * (1 << 40)
                       + self.members.get_column("seller_number").to_numpy().astype(np.int64))
        order = np.argsort(member_keys)
        if member_keys.size == 0:
            return np.zeros(keys.shape[0], dtype=np.int64), np.zeros(keys.shape[0], dtype=bool)
        position = np.minimum(np.searchsorted(member_keys[order], keys), member_keys.size - 1)
        return order[position], member_keys[order][position] == keys

    def overlay(self, column: str, platform_codes: np.ndarray, sellers: np.ndarray, values: pl.Series) -> pl.Series:
        """`values`, with each member's planted `column` (null: keep the value) in its rows."""
        position, member = self._lookup(platform_codes, sellers)
        planted = self.members.get_column(column).gather(position)
        use = pl.Series(member) & planted.is_not_null()
        return pl.select(pl.when(use).then(planted).otherwise(values)).to_series().alias(values.name)

    def is_member(self, platform_codes: np.ndarray, sellers: np.ndarray) -> np.ndarray:
        """Whether each row's seller belongs to a planted network."""
        return self._lookup(platform_codes, sellers)[1]

    def truth(self, ids: pl.Series) -> pl.DataFrame:
        """network, evidence, sellers, platform, seller_id: the truth file's rows (`ids`: each member's shown id)."""
        return (self.members.with_columns(ids.alias("seller_id"),
                                          pl.Series(PLATFORM_NAMES).gather(self.members["platform_code"])
                                          .alias("platform"))
                .with_columns(pl.len().over("network").alias("sellers"))
                .select("network", "evidence", "sellers", "platform", "seller_id"))


def network_count(total_items: int) -> int:
    """How many networks a program of `total_items` complaint items plants."""
    return min(MAX_NETWORKS, max(MIN_NETWORKS, round(total_items * NETWORKS_PER_MILLION_ITEMS / 1_000_000)))


def plan_networks(seed: int, heads: list[int], total_items: int) -> PlantedNetworks:
    """Choose the networks' members among the platforms' head sellers, and what links each network."""
    rng = np.random.default_rng([seed, NETWORK_STREAM])
    candidates = [(code, rank) for code, head in enumerate(heads) for rank in range(head)]
    free = [candidates[i] for i in rng.permutation(len(candidates))]
    names = rng.choice(len(_SYLLABLES) ** 3, size=MAX_NETWORKS, replace=False)
    rows: list[dict[str, object]] = []
    for number in range(network_count(total_items)):
        evidence = EVIDENCE[number % len(EVIDENCE)]
        size = int(rng.integers(MIN_NETWORK_SELLERS, MAX_NETWORK_SELLERS + 1))
        if evidence == "storefront":
            chosen: list[tuple[int, int]] = []
            for member in free:
                if member[0] not in {code for code, _ in chosen}:
                    chosen.append(member)
                if len(chosen) == size:
                    break
        else:
            chosen = free[:size]
        if len(chosen) < MIN_NETWORK_SELLERS:
            break
        free = [member for member in free if member not in chosen]
        syllables = [_SYLLABLES[(int(names[number]) // len(_SYLLABLES) ** i) % len(_SYLLABLES)] for i in range(3)]
        core = "".join(syllables).capitalize()
        suffix = {language: suffixes[int(rng.integers(0, len(suffixes)))]
                  for language, suffixes in _NAME_SUFFIXES.items()}
        photo = f"{_IMAGE_HOST}O1CN01{int(rng.integers(0, 1 << 62)):016x}_!!{seed}-0-net{number + 1}.jpg"
        for code, rank in chosen:
            language = PLATFORMS[code].language
            rows.append({"network": f"T{number + 1}", "evidence": evidence, "platform_code": code,
                         "seller_number": rank,
                         "name": core + suffix[language] if evidence == "seller_name" else None,
                         "photo": photo if evidence == "image_url" else None})
    schema = {"network": pl.String, "evidence": pl.String, "platform_code": pl.Int64, "seller_number": pl.Int64,
              "name": pl.String, "photo": pl.String}
    members = pl.DataFrame(rows, schema=schema)
    # A storefront network's members show its first member's id (computed by the caller, who owns ids).
    first = pl.struct("platform_code", "seller_number").first().over("network")
    return PlantedNetworks(members.with_columns(
        pl.when(pl.col("evidence") == "storefront").then(first).otherwise(None).alias("storefront")))


def generic_name_decoys(hashed: np.ndarray, draw: np.ndarray, chinese: pl.Series, names: pl.Series) -> pl.Series:
    """`names`, with a generic shop name for the sellers whose `draw` (in [0, 1)) falls under the decoy share."""
    index = (hashed % np.uint64(len(GENERIC_NAMES["en"]))).astype(np.int64)
    generic = pl.select(pl.when(chinese).then(pl.Series(GENERIC_NAMES["zh"]).gather(index))
                        .otherwise(pl.Series(GENERIC_NAMES["en"]).gather(index))).to_series()
    return pl.select(pl.when(pl.Series(draw < GENERIC_NAME_SHARE)).then(generic).otherwise(names)).to_series() \
        .alias(names.name)


def listing_photos(seed: int, hashed: np.ndarray, draw: np.ndarray, image_matched: np.ndarray) -> pl.Series:
    """The product photo an image-matching tool records: the listing's own, or the stock photo; null when
    another tool found the listing. `hashed`: a 64-bit hash per listing, `draw`: a uniform per listing."""
    own = pl.Series((hashed >> np.uint64(2)).astype(np.int64))
    own_url = _IMAGE_HOST + "O1CN01" + own.cast(pl.String).str.zfill(19) + f"_!!{seed}-0-item.jpg"
    stock_url = pl.lit(_IMAGE_HOST + STOCK_PHOTO)
    return pl.select(pl.when(~pl.Series(image_matched)).then(None)
                     .when(pl.Series(draw < STOCK_PHOTO_SHARE)).then(stock_url)
                     .otherwise(own_url)).to_series().alias("image_url")


def compare_with_truth(truth: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """One row per planted network and per found network holding no planted seller: how they match.

    `truth`: the truth file's rows; `members`: networks.network_members of the demo's store.
    Columns: planted (T1, ...; null for a found network nobody planted), evidence, planted_sellers,
    found (the network ids its sellers are in, comma-separated), found_sellers (their sellers in
    all), exact (the found network is the planted one, no seller more or less).
    """
    key = ["platform", "seller_id"]
    found = members.select("network_id", *key).with_columns(pl.len().over("network_id").alias("size"))
    planted = truth.select("network", "evidence", *key).join(found, on=key, how="left")
    per_planted = planted.group_by("network", "evidence", maintain_order=True).agg(
        pl.len().alias("planted_sellers"), pl.col("network_id").drop_nulls().unique().sort().alias("_found"),
        pl.col("network_id").null_count().alias("_missing"))
    sizes = found.group_by("network_id").agg(pl.col("size").first())
    found_sizes = (per_planted.select("network", "_found").explode("_found")
                   .join(sizes, left_on="_found", right_on="network_id", how="left")
                   .group_by("network").agg(pl.col("size").sum().alias("found_sellers")))
    rows = per_planted.join(found_sizes, on="network", how="left").with_columns(
        pl.col("_found").list.join(", ").alias("found"), pl.col("found_sellers").fill_null(0))
    rows = rows.with_columns(((pl.col("_found").list.len() == 1) & (pl.col("_missing") == 0)
                              & (pl.col("found_sellers") == pl.col("planted_sellers"))).alias("exact"))
    unplanted = (found.join(truth.select(key), on=key, how="anti").group_by("network_id")
                 .agg(pl.col("size").first().alias("found_sellers"))
                 .join(found.join(truth.select(key), on=key, how="semi").select("network_id").unique(),
                       on="network_id", how="anti")
                 .sort("network_id")
                 .select(pl.lit(None, pl.String).alias("network"), pl.lit(None, pl.String).alias("evidence"),
                         pl.lit(0, pl.UInt32).alias("planted_sellers"), pl.col("network_id").alias("found"),
                         pl.col("found_sellers").cast(pl.UInt32), pl.lit(False).alias("exact")))
    return pl.concat([rows.select("network", "evidence", "planted_sellers", "found",
                                  pl.col("found_sellers").cast(pl.UInt32), "exact"), unplanted])
