"""Seller populations with a heavy tail, and each seller's id, name, country and market.

Each platform has a population of sellers; a listing's seller is drawn from it. A head of 3% of the
population carries a fixed share of the probability mass, the rest is spread with a mild
log-normal spread, so the observed top 3% of sellers hold over 20% of the complaint items at any
scale (Incopro: 3% of sellers accounted for over 20% of the issues in 1.5M removed listings). The
head sellers are the repeat offenders: they relist after takedowns.

A seller's id, name, country and market are pure functions of (seed, platform, seller number),
computed by hashing, so no per-seller table is kept and every chunk agrees on them.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from takedown.demo.networks import PlantedNetworks, generic_name_decoys, plan_networks
from takedown.demo.profile import LAZADA_CROSS_BORDER_SHARE, PLATFORM_NAMES, PLATFORMS
from takedown.demo.text import SELLER_NAME_PARTS

# The head of the seller population, as a share of its sellers (Incopro's 3%).
HEAD_SHARE_OF_SELLERS = 0.03
# The head's share of listings: the observed top 3% then hold ~27%, safely "over 20%" (Incopro).
HEAD_SHARE_OF_ITEMS = 0.28
# Within the head, the n-th seller's weight falls as n^-0.5: a few dominant counterfeit factories.
HEAD_DECAY = 0.5
# Spread of the other sellers' weights (log-normal sigma): most list a handful of items.
TAIL_SPREAD = 0.7
# Average complaint items per seller over the program: sizes each platform's population. At 3, about two
# thirds of removed listings come from sellers with 3+ removals a year (the repeat offenders).
ITEMS_PER_SELLER = 3
# The smallest population of a platform, so that a small demo still has a tail.
MIN_SELLERS = 40
# Random stream of the seller populations (after the seed).
SELLER_STREAM = 1

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
# Seller numbers map to ids by multiplication modulo 10^9: a bijection, since it is coprime with 10.
# Each platform's ids start with its own digit (1 + its code), so two platforms never show the same
# id by chance: a shared id across platforms is a planted storefront (takedown.demo.networks).
_ID_MULTIPLIER = 2_654_435_761
_ID_MODULUS = 1_000_000_000


def mix(values: np.ndarray, salt: int) -> np.ndarray:
    """A 64-bit hash (splitmix64) of each value with a salt: stable, fast, well spread."""
    with np.errstate(over="ignore"):
        x = values.astype(np.uint64) + np.uint64(salt % (1 << 64)) * _GOLDEN
        x = (x ^ (x >> np.uint64(30))) * _MIX_1
        x = (x ^ (x >> np.uint64(27))) * _MIX_2
        return x ^ (x >> np.uint64(31))


def unit_interval(hashed: np.ndarray) -> np.ndarray:
    """Floats in [0, 1) from 64-bit hashes."""
    return (hashed >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


class SellerPools:
    """One seller population per platform; draws seller numbers for listings."""

    def __init__(self, seed: int, platform_items: dict[str, int]) -> None:
        self.seed = seed
        self.sizes: list[int] = []
        self.heads: list[int] = []
        self._cdfs: list[np.ndarray] = []
        for code, name in enumerate(PLATFORM_NAMES):
            rng = np.random.default_rng([seed, SELLER_STREAM, code])
            size = max(MIN_SELLERS, math.ceil(platform_items.get(name, 0) / ITEMS_PER_SELLER))
            head = max(1, math.ceil(size * HEAD_SHARE_OF_SELLERS))
            head_weights = (np.arange(head) + 1.0) ** -HEAD_DECAY
            head_weights *= HEAD_SHARE_OF_ITEMS / head_weights.sum()
            tail_weights = rng.lognormal(0.0, TAIL_SPREAD, size - head)
            tail_weights *= (1.0 - HEAD_SHARE_OF_ITEMS) / tail_weights.sum()
            cdf = np.cumsum(np.concatenate([head_weights, tail_weights]))
            self._cdfs.append(cdf / cdf[-1])
            self.sizes.append(size)
            self.heads.append(head)
        self.networks = self._planted(plan_networks(seed, self.heads, sum(platform_items.values())))

    def _planted(self, planted: PlantedNetworks) -> PlantedNetworks:
        """The planted networks with the id each storefront member shows: its network's first member's."""
        members = planted.members
        anchor = members.get_column("storefront").struct.unnest()
        anchor_ids = seller_ids(self.seed, anchor["platform_code"].fill_null(0).to_numpy(),
                                anchor["seller_number"].fill_null(0).to_numpy())
        shown = pl.select(pl.when(members["storefront"].is_not_null()).then(anchor_ids).otherwise(None)).to_series()
        return PlantedNetworks(members.with_columns(shown.alias("seller_id")))

    def seller_ids(self, platform_codes: np.ndarray, sellers: np.ndarray) -> pl.Series:
        """Each seller's id on its platform (seller_ids), a storefront network's members showing one id."""
        return self.networks.overlay("seller_id", platform_codes, sellers,
                                     seller_ids(self.seed, platform_codes, sellers))

    def seller_names(self, platform_codes: np.ndarray, sellers: np.ndarray) -> pl.Series:
        """Each seller's shop name (seller_names): a name network's members trade under its name, a few
        other sellers under a generic one (a decoy)."""
        names = seller_names(self.seed, platform_codes, sellers)
        hashed = mix(sellers.astype(np.uint64) * np.uint64(8) + platform_codes.astype(np.uint64), self.seed + 41)
        draw = np.where(self.networks.is_member(platform_codes, sellers), 1.0, unit_interval(hashed))
        chinese = pl.Series([platform.language == "zh" for platform in PLATFORMS]).gather(platform_codes)
        names = generic_name_decoys(hashed, draw, chinese, names)
        return self.networks.overlay("name", platform_codes, sellers, names)

    def network_truth(self) -> pl.DataFrame:
        """The planted networks' members as the exports show them (takedown.demo.networks.TRUTH_FILE)."""
        members = self.networks.members
        codes = members.get_column("platform_code").to_numpy()
        numbers = members.get_column("seller_number").to_numpy()
        return self.networks.truth(self.seller_ids(codes, numbers))

    def draw(self, rng: np.random.Generator, platform_codes: np.ndarray) -> np.ndarray:
        """A seller number for each listing, drawn from its platform's population."""
        sellers = np.empty(platform_codes.shape[0], dtype=np.int64)
        uniforms = rng.random(platform_codes.shape[0])
        for code, cdf in enumerate(self._cdfs):
            mask = platform_codes == code
            sellers[mask] = np.minimum(np.searchsorted(cdf, uniforms[mask], side="right"), cdf.shape[0] - 1)
        return sellers

    def draw_resellers(self, rng: np.random.Generator, platform_codes: np.ndarray) -> np.ndarray:
        """A seller number for each retail-priced listing nobody files on: a reseller, one of as many
        as the platform's population, numbered after it (no complaint, no network, never a head)."""
        sizes = np.array(self.sizes, dtype=np.int64)[platform_codes]
        return sizes + np.minimum((rng.random(platform_codes.shape[0]) * sizes).astype(np.int64), sizes - 1)

    def draw_head(self, rng: np.random.Generator, platform_codes: np.ndarray) -> np.ndarray:
        """A seller from the head (the big repeat offenders), e.g. for storefront complaints."""
        uniforms = rng.random(platform_codes.shape[0])
        heads = np.array(self.heads, dtype=np.int64)[platform_codes]
        return np.minimum((uniforms * heads).astype(np.int64), heads - 1)

    def is_head(self, platform_codes: np.ndarray, sellers: np.ndarray) -> np.ndarray:
        """Whether each seller is in its platform's head."""
        return sellers < np.array(self.heads, dtype=np.int64)[platform_codes]


def seller_ids(seed: int, platform_codes: np.ndarray, sellers: np.ndarray) -> pl.Series:
    """Each seller's id on its platform (the platform's id style: a prefix, then ten digits)."""
    salts = mix(platform_codes.astype(np.uint64), seed).astype(np.uint64) % np.uint64(_ID_MODULUS)
    with np.errstate(over="ignore"):
        numbers = ((sellers.astype(np.uint64) * np.uint64(_ID_MULTIPLIER) + salts) % np.uint64(_ID_MODULUS)
                   + (platform_codes.astype(np.uint64) + np.uint64(1)) * np.uint64(_ID_MODULUS))
    prefixes = pl.Series([platform.seller_id_prefix for platform in PLATFORMS]).gather(platform_codes)
    return (prefixes + pl.Series(numbers.astype(np.int64)).cast(pl.Utf8)).alias("seller_id")


def seller_names(seed: int, platform_codes: np.ndarray, sellers: np.ndarray) -> pl.Series:
    """Each seller's shop name: Chinese on the domestic sites, English elsewhere."""
    hashed = mix(sellers.astype(np.uint64) * np.uint64(8) + platform_codes.astype(np.uint64), seed + 17)
    chinese = pl.Series("chinese", [platform.language == "zh" for platform in PLATFORMS]).gather(platform_codes)
    pieces: dict[str, pl.Series] = {}
    for language in ("en", "zh"):
        for position, words in enumerate(SELLER_NAME_PARTS[language]):
            index = ((hashed >> np.uint64(8 * position + 3)) % np.uint64(len(words))).astype(np.int64)
            pieces[f"{language}{position}"] = pl.Series(words).gather(index)
    frame = pl.DataFrame(pieces).with_columns(chinese)
    english = pl.concat_str([pl.col(n) for n in pieces if n.startswith("en")], separator=" ")
    chinese_name = pl.concat_str([pl.col(n) for n in pieces if n.startswith("zh")], separator="")
    return frame.select(pl.when(pl.col("chinese")).then(chinese_name).otherwise(english)
                        .alias("seller_name")).to_series()


def seller_markets(seed: int, platform_codes: np.ndarray, sellers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each seller's market (index into its platform's markets) and whether it ships cross-border from China."""
    hashed = mix(sellers.astype(np.uint64) * np.uint64(8) + platform_codes.astype(np.uint64), seed + 29)
    draw = unit_interval(hashed)
    markets = np.zeros(platform_codes.shape[0], dtype=np.int64)
    for code, platform in enumerate(PLATFORMS):
        mask = platform_codes == code
        weights = np.array([market.weight for market in platform.markets])
        cdf = np.cumsum(weights / weights.sum())
        markets[mask] = np.minimum(np.searchsorted(cdf, draw[mask], side="right"), len(weights) - 1)
    cross_border = unit_interval(mix(hashed, 31)) < LAZADA_CROSS_BORDER_SHARE
    cross_border &= platform_codes == PLATFORM_NAMES.index("lazada")
    return markets, cross_border
