"""Listings the monitoring tools detected: the listings complained about, relists, and the backlog.

Each listing carries what a monitoring export shows: title, seller, price in the market's
currency, units sold, a risk score, when and by what it was detected. Repeat offenders relist:
when a seller's earlier listing was taken down before this one was detected, this listing is often
the same product put back up (same title and product line), and the tool links it in an extra
`relisted_from` column (unknown to the contract, kept with the row). The tool also exports the
product line a listing sells (`product_line`, extra): the abnormal-price flag's peer group.
Counterfeits sell 15-50% below the genuine price on their platform and every other listing near
it, so the flag has a truth to be measured against (benchmarks/check_prices.py). Most of what the
tools detect is not counterfeit and never filed: resellers' listings near the retail price
(genuine goods under the brand's name or photos, lookalikes; plan.RETAIL_DETECTION_SHARE per
complaint item, by sellers of their own), so retail prices are most of a product's listings on a
platform, as the flag's peer group expects. The image-matching tool also exports the product photo
it matched (`image_url`, another extra column; takedown.demo.networks).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from takedown.demo.items import Items, choose, choose_by_group
from takedown.demo.outcomes import Decisions
from takedown.demo.plan import BACKLOG_SHARE, RETAIL_DETECTION_SHARE, Unit
from takedown.demo.profile import (
    BRANDS,
    INFRINGEMENT_TYPES,
    PLATFORMS,
    REASONS,
    RETAIL_DETECTION_TYPES,
    USD_RATES,
    WHOLE_UNIT_CURRENCIES,
)
from takedown.demo.networks import listing_photos
from takedown.demo.sellers import SellerPools, mix, seller_markets, unit_interval
from takedown.demo.text import listing_titles
from takedown.metrics.exchange_rates import with_price_usd
from takedown.metrics.inputs import read_exchange_rates

HOUR = 3600
# Detection comes before the complaint: a gamma-distributed lag with a mean of about three days.
DETECTION_LAG_SHAPE = 1.5
DETECTION_LAG_MEAN_HOURS = 72
# A counterfeit sells 15% to 50% below the genuine product's price on its platform (MarkMonitor's
# published range), uniformly in between ...
COUNTERFEIT_DISCOUNT = (0.15, 0.50)
# ... while the other listings (genuine goods sold under a misused mark, copied photos or designs,
# resellers) sell near it: a log-normal scatter of about 5%.
NEAR_RETAIL_SPREAD = 0.05
# Share of prices ending in .99, as shops price them.
CHARM_PRICE_SHARE = 0.6
# Risk scores of the retail-priced detections nobody files on (beta parameters): mostly low.
RETAIL_RISK_BETA = (1.5, 5.0)
# Units sold scatter widely around the platform's median (log-normal sigma).
UNITS_SPREAD = 1.2
# Share of listings whose page shows no sales count.
UNITS_UNKNOWN_SHARE = 0.08
# A head seller's later listing, detected after an earlier takedown, is a relist this often ...
HEAD_RELIST_SHARE = 0.6
# ... and another seller's this often.
TAIL_RELIST_SHARE = 0.15
# The detecting tools and how much each finds; "manual review" rows come in a separate workbook.
SOURCES = ("marketplace-crawler", "image-match", "test purchase", "manual review")
SOURCE_WEIGHTS = np.array([0.66, 0.30, 0.02, 0.02])
MANUAL_REVIEW = "manual review"
IMAGE_MATCH = "image-match"
# The platforms' item ids: a prefix, then this many digits (ids map one-to-one to listing numbers).
LISTING_ID_DIGITS = 11
_LISTING_MODULUS = 10 ** LISTING_ID_DIGITS
# Listing numbers map to id digits by multiplication modulo 10^11 (coprime with 10: a bijection);
# the product stays below 2^64 for every number under 3.8e11, far beyond any program or live feed.
_LISTING_MULTIPLIER = 48_271_379


def listing_ids(platform_codes: np.ndarray, numbers: np.ndarray) -> pl.Series:
    """The platform's item id of each listing number (unique per platform)."""
    with np.errstate(over="ignore"):
        digits = (numbers.astype(np.uint64) * np.uint64(_LISTING_MULTIPLIER)) % np.uint64(_LISTING_MODULUS)
    prefixes = pl.Series([p.listing_id_prefix for p in PLATFORMS]).gather(platform_codes)
    return (prefixes + pl.Series(digits.astype(np.int64)).cast(pl.Utf8).str.zfill(LISTING_ID_DIGITS)).alias(
        "listing_id")


def format_minor_units(minor: np.ndarray, whole: np.ndarray) -> pl.Series:
    """Prices from hundredths: "12.99", or "125000" in whole-unit currencies."""
    series = pl.Series(minor, dtype=pl.Int64)
    decimal = (series // 100).cast(pl.Utf8) + "." + (series % 100).cast(pl.Utf8).str.zfill(2)
    return pl.select(pl.when(pl.Series(whole)).then((series // 100).cast(pl.Utf8)).otherwise(decimal)).to_series()


def _local_per_usd(currencies: pl.Series, detected: np.ndarray) -> np.ndarray:
    """Units of each listing's currency per US dollar in the UTC month of its detection, from the rate
    table the metrics convert prices back with (exchange_rates.with_price_usd, the one rule), so a
    seller prices at the month's rate; where the table has no rate (a currency or month it lacks),
    the approximate USD_RATES."""
    one_unit = pl.DataFrame({"price": np.ones(detected.shape[0]), "currency": currencies,
                             "detected_at": pl.from_epoch(pl.Series(detected, dtype=pl.Int64), time_unit="s")})
    usd_per_unit = with_price_usd(one_unit, read_exchange_rates(), "detected_at").get_column("price_usd")
    fallback = currencies.replace_strict(USD_RATES, return_dtype=pl.Float64)
    return pl.select(pl.when(usd_per_unit.is_not_null()).then(1.0 / usd_per_unit).otherwise(fallback)).to_series()\
        .to_numpy()


def _prices(rng: np.random.Generator, brands: np.ndarray, platforms: np.ndarray, infringements: np.ndarray,
            currencies: pl.Series, detected: np.ndarray) -> pl.Series:
    """Prices in the market's currency at the month's rate: counterfeits below the genuine price, the
    rest near it."""
    genuine = np.array([b.retail_usd for b in BRANDS])[brands] * np.array([p.price_factor for p in PLATFORMS])[platforms]
    low, high = COUNTERFEIT_DISCOUNT
    discount = low + (high - low) * rng.random(brands.shape[0])
    near = rng.lognormal(0.0, NEAR_RETAIL_SPREAD, brands.shape[0])
    counterfeit = infringements == INFRINGEMENT_TYPES.index("counterfeit")
    usd = genuine * np.where(counterfeit, 1.0 - discount, near)
    rate = _local_per_usd(currencies, detected)
    whole = currencies.is_in(list(WHOLE_UNIT_CURRENCIES)).to_numpy()
    local = usd * rate
    # Whole-unit currencies are priced in round hundreds; others in cents, often ending .99.
    minor = np.where(whole, np.round(local / 100) * 100 * 100, np.round(local * 100)).astype(np.int64)
    charm = ~whole & (rng.random(brands.shape[0]) < CHARM_PRICE_SHARE) & (minor >= 200)
    minor = np.where(charm, (minor // 100) * 100 + 99, np.maximum(minor, 1))
    return format_minor_units(minor, whole)


def _one_decimal(values: np.ndarray) -> pl.Series:
    tenths = pl.Series(np.round(values * 10).astype(np.int64))
    return (tenths // 10).cast(pl.Utf8) + "." + (tenths % 10).cast(pl.Utf8)


def build_listings(rng: np.random.Generator, seed: int, unit: Unit, items: Items, decisions: Decisions,
                   pools: SellerPools) -> pl.DataFrame:
    """The unit's listings (complained-about, backlog, and the retail-priced ones nobody files on), one
    row per listing, times in epoch seconds."""
    exported = items.exported
    platform = items.platform[exported]
    seller = items.seller[exported]
    brand = items.brand[exported]
    infringement = items.infringement[exported]
    number = items.listing_number[exported]
    lag = rng.gamma(DETECTION_LAG_SHAPE, DETECTION_LAG_MEAN_HOURS / DETECTION_LAG_SHAPE, platform.shape[0]) * HOUR
    detected = items.submitted[exported] - 600 - lag.astype(np.int64)
    risk = rng.beta(6, 2, platform.shape[0]) * 100
    # The first removal of each item (the moment after which a relist makes sense).
    removed_at = np.where(decisions.removed, decisions.decided_at, np.iinfo(np.int64).max)[exported]

    backlog_count = int(np.ceil(len(items) * BACKLOG_SHARE)) if len(items) else 0
    backlog_platform = items.platform[rng.integers(0, len(items), backlog_count)] if backlog_count else \
        np.zeros(0, dtype=np.int64)
    backlog_brand = choose(rng, np.array([b.share for b in BRANDS]), backlog_count)
    backlog_reason = choose_by_group(rng, backlog_brand, [
        np.array([b.reasons.get(r.text, 0.0) for r in REASONS]) for b in BRANDS])
    backlog_infringement = choose_by_group(rng, backlog_reason, [
        np.array([r.infringement_types.get(t, 0.0) for t in INFRINGEMENT_TYPES]) for r in REASONS])
    first_backlog_number = unit.listing_offset + int((items.listing_number >= 0).sum())
    backlog_number = first_backlog_number + np.arange(backlog_count)
    backlog_detected = rng.integers(unit.start, max(unit.stop, unit.start + 1), backlog_count)

    platform = np.concatenate([platform, backlog_platform])
    seller = np.concatenate([seller, pools.draw(rng, backlog_platform)])
    brand = np.concatenate([brand, backlog_brand])
    infringement = np.concatenate([infringement, backlog_infringement])
    number = np.concatenate([number, backlog_number])
    detected = np.concatenate([detected, backlog_detected])
    # Nobody has acted on the backlog because the tools scored it lower.
    risk = np.concatenate([risk, rng.beta(2, 4, backlog_count) * 100])
    removed_at = np.concatenate([removed_at, np.full(backlog_count, np.iinfo(np.int64).max)])
    frame = _mark_relists(rng, _listing_frame(rng, seed, pools, platform, seller, brand, infringement, number,
                                              detected, risk, removed_at))
    # The retail-priced detections come from a stream of their own: every other row stays as it was.
    retail = _retail_detections(rng.spawn(1)[0], seed, unit, pools, platform, brand,
                                first_backlog_number + backlog_count,
                                int(np.ceil(len(items) * RETAIL_DETECTION_SHARE)))
    return pl.concat([frame, retail]).sort("detected_at", "platform_code", "number").drop("platform_code", "number")


def _retail_detections(rng: np.random.Generator, seed: int, unit: Unit, pools: SellerPools, platforms: np.ndarray,
                       brands: np.ndarray, first_number: int, count: int) -> pl.DataFrame:
    """`count` listings detected near the retail price that nobody files on, numbered from
    `first_number`: each on the platform and brand of one of the unit's other listings (`platforms`,
    `brands`; drawn at random, so they follow the unit's mix), by a reseller, any time in the unit."""
    count = count if platforms.shape[0] else 0
    chosen = rng.integers(0, max(platforms.shape[0], 1), count)
    platform, brand = platforms[chosen], brands[chosen]
    infringement = choose(rng, np.array([RETAIL_DETECTION_TYPES.get(t, 0.0) for t in INFRINGEMENT_TYPES]), count)
    detected = rng.integers(unit.start, max(unit.stop, unit.start + 1), count)
    # The tools score a listing at the retail price low: nothing about it looks fake.
    risk = rng.beta(*RETAIL_RISK_BETA, count) * 100
    frame = _listing_frame(rng, seed, pools, platform, pools.draw_resellers(rng, platform), brand, infringement,
                           first_number + np.arange(count), detected, risk, np.full(count, np.iinfo(np.int64).max))
    return frame.drop("removed_at", "head").with_columns(pl.lit(None, pl.String).alias("relisted_from"))


def _listing_frame(rng: np.random.Generator, seed: int, pools: SellerPools, platform: np.ndarray,
                   seller: np.ndarray, brand: np.ndarray, infringement: np.ndarray, number: np.ndarray,
                   detected: np.ndarray, risk: np.ndarray, removed_at: np.ndarray) -> pl.DataFrame:
    """The export's columns of the listings given by their platform, seller, brand, infringement type,
    number, detection time, risk score and first removal (with platform_code, seller_number, number,
    removed_at and head, which _mark_relists and the sort use)."""
    count = platform.shape[0]
    market, cross_border = seller_markets(seed, platform, seller)
    market_country = [[m.country for m in p.markets] for p in PLATFORMS]
    flat = [value for markets in market_country for value in markets]
    market_offsets = np.cumsum([0] + [len(m) for m in market_country])[platform] + market
    countries = pl.Series(flat).gather(market_offsets)
    currencies = pl.Series([m.currency for p in PLATFORMS for m in p.markets]).gather(market_offsets)
    domains = pl.Series([m.domain for p in PLATFORMS for m in p.markets]).gather(market_offsets)
    chinese = np.array([p.language == "zh" for p in PLATFORMS])[platform]
    ids = listing_ids(platform, number)
    units_median = np.array([p.units_median for p in PLATFORMS])[platform]
    units = np.floor(units_median * rng.lognormal(0.0, UNITS_SPREAD, count)).astype(np.int64)
    templates = pl.Series([p.url_template for p in PLATFORMS]).gather(platform)
    titles = listing_titles(rng, brand, infringement, chinese)
    frame = pl.DataFrame({
        "platform_code": platform, "seller_number": seller, "number": number,
        "platform": pl.Series([p.name for p in PLATFORMS]).gather(platform),
        "listing_id": ids,
        "url": pl.select(templates.str.replace("{domain}", domains, literal=True)
                         .str.replace("{listing_id}", ids, literal=True)).to_series(),
        "title": titles.get_column("title"),
        "seller_id": pools.seller_ids(platform, seller),
        "seller_name": pools.seller_names(platform, seller),
        "brand": pl.Series([b.name for b in BRANDS]).gather(brand),
        "infringement_type": pl.Series(INFRINGEMENT_TYPES).gather(infringement),
        "price": _prices(rng, brand, platform, infringement, currencies, detected),
        "currency": currencies,
        "units_sold": pl.select(pl.when(pl.Series(rng.random(count) < UNITS_UNKNOWN_SHARE)).then(None)
                                .otherwise(pl.Series(units, dtype=pl.Int64).cast(pl.Utf8))).to_series(),
        "seller_country": pl.select(pl.when(pl.Series(cross_border)).then(pl.lit("CN")).otherwise(countries))
        .to_series(),
        "risk_score": _one_decimal(risk),
        "detected_at": pl.Series(detected, dtype=pl.Int64),
        "source": pl.Series(SOURCES).gather(choose(rng, SOURCE_WEIGHTS, count)),
        "removed_at": pl.Series(removed_at, dtype=pl.Int64),
        "head": pools.is_head(platform, seller),
        "product_line": titles.get_column("product_line"),
    })
    # The image-matching tool records the product photo (drawn from the listing number: the random
    # stream, and so every other column, stays as it was before photos were exported).
    photos = listing_photos(seed, mix(number, seed + 53), unit_interval(mix(number, seed + 59)),
                            (frame.get_column("source") == IMAGE_MATCH).to_numpy())
    frame = frame.with_columns(pools.networks.overlay("photo", platform, seller, photos))
    return frame


def _mark_relists(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """Link a listing to its seller's previous listing when that one was removed before it was detected."""
    frame = frame.sort("platform_code", "seller_number", "detected_at", "number")
    previous = pl.col("listing_id").shift(1).over("platform_code", "seller_number")
    previous_removed = pl.col("removed_at").shift(1).over("platform_code", "seller_number")
    share = pl.when(pl.col("head")).then(HEAD_RELIST_SHARE).otherwise(TAIL_RELIST_SHARE)
    frame = frame.with_columns(pl.Series("draw", rng.random(frame.height)))
    relist = previous.is_not_null() & (previous_removed < pl.col("detected_at")) & (pl.col("draw") < share)
    frame = frame.with_columns(
        pl.when(relist).then(previous).otherwise(None).alias("relisted_from"),
        pl.when(relist).then(pl.col("title").shift(1).over("platform_code", "seller_number"))
        .otherwise(pl.col("title")).alias("title"),
        pl.when(relist).then(pl.col("product_line").shift(1).over("platform_code", "seller_number"))
        .otherwise(pl.col("product_line")).alias("product_line"),
    )
    return frame.drop("draw", "removed_at", "head")
