"""Complaints and their items for one unit: who filed what, on which platform, against which seller.

A complaint is drawn first (brand, account, platform, reason, the right it cites, when it was
filed, how many listings it names), then expanded into its items, one per listing named. All
columns are numpy arrays; nothing loops per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from takedown.demo.plan import Unit
from takedown.demo.profile import (
    ACCOUNT_INDEX,
    ACCOUNTS,
    BRANDS,
    INFRINGEMENT_TYPES,
    PLATFORM_INDEX,
    PLATFORM_NAMES,
    REASONS,
    RIGHTS,
)
from takedown.demo.sellers import SellerPools

# Complaint sizes: most name a few listings, some a batch, a few a big sweep (IPP allows up to 300).
SMALL_COMPLAINT_SHARE = 0.86
# Mean listings named by a small complaint (geometric, at least one).
SMALL_COMPLAINT_MEAN = 2.5
MEDIUM_COMPLAINT_SIZES = (5, 30)
LARGE_COMPLAINT_SHARE = 0.015
LARGE_COMPLAINT_SIZES = (30, 200)
# Storefront complaints (a whole shop) are rare and aimed at the biggest offenders.
STOREFRONT_SHARE = 0.015
# Items whose listing no monitoring export holds (found by hand): orphans in data quality.
UNEXPORTED_LISTING_SHARE = 0.01
# Office hours (local time) in which teams file complaints: weight per hour of the day.
OFFICE_HOURS = np.array([0, 0, 0, 0, 0, 0, 0, 1, 3, 8, 10, 9, 5, 7, 10, 10, 9, 7, 4, 2, 2, 1, 0.5, 0.2])


@dataclass
class Items:
    """One row per complaint item, as numpy columns (epoch seconds for times)."""

    complaint: np.ndarray  # complaint number within the unit
    brand: np.ndarray
    account: np.ndarray
    platform: np.ndarray
    reason: np.ndarray
    right: np.ndarray  # index into RIGHTS, -1 when none is cited
    storefront: np.ndarray  # bool
    submitted: np.ndarray
    seller: np.ndarray  # seller number in the platform's population
    infringement: np.ndarray  # index into INFRINGEMENT_TYPES
    listing_number: np.ndarray  # -1 for storefront items
    exported: np.ndarray  # bool: the listing appears in a monitoring export

    def __len__(self) -> int:
        return self.complaint.shape[0]


def choose(rng: np.random.Generator, weights: np.ndarray, count: int) -> np.ndarray:
    """Indices drawn with the given weights."""
    cdf = np.cumsum(weights / weights.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(count), side="right"), weights.shape[0] - 1)


def choose_by_group(rng: np.random.Generator, groups: np.ndarray, tables: list[np.ndarray]) -> np.ndarray:
    """For each row, an index drawn with the weights of its group (tables[group])."""
    result = np.zeros(groups.shape[0], dtype=np.int64)
    uniforms = rng.random(groups.shape[0])
    for group, weights in enumerate(tables):
        mask = groups == group
        if mask.any():
            cdf = np.cumsum(weights / weights.sum())
            result[mask] = np.minimum(np.searchsorted(cdf, uniforms[mask], side="right"), weights.shape[0] - 1)
    return result


def complaint_sizes(rng: np.random.Generator, storefront: np.ndarray) -> np.ndarray:
    """How many listings each complaint names."""
    count = storefront.shape[0]
    kind = rng.random(count)
    small = rng.geometric(1.0 / SMALL_COMPLAINT_MEAN, count)
    medium = rng.integers(*MEDIUM_COMPLAINT_SIZES, count, endpoint=True)
    large = rng.integers(*LARGE_COMPLAINT_SIZES, count, endpoint=True)
    sizes = np.where(kind < SMALL_COMPLAINT_SHARE, small,
                     np.where(kind < 1.0 - LARGE_COMPLAINT_SHARE, medium, large))
    return np.where(storefront, 1, sizes).astype(np.int64)


def office_hours(rng: np.random.Generator, start: int, stop: int, offsets_hours: np.ndarray) -> np.ndarray:
    """Moments in [start, stop) on working hours of each row's local time (UTC offset in hours)."""
    count = offsets_hours.shape[0]
    moments = rng.integers(start, stop, count) if stop > start else np.full(count, start)
    offsets = offsets_hours * 3600
    local_day = (moments + offsets) // 86_400 * 86_400
    hours = choose(rng, OFFICE_HOURS, count)
    shifted = local_day + hours * 3600 + rng.integers(0, 3600, count) - offsets
    return np.where((shifted >= start) & (shifted < stop), shifted, moments)


def _right_tables() -> dict[tuple[int, str, int, int], np.ndarray]:
    """(brand, ipr_type, platform, account) -> the rights a complaint may cite."""
    tables: dict[tuple[int, str, int, int], list[int]] = {}
    for index, right in enumerate(RIGHTS):
        brand = next(b for b, profile in enumerate(BRANDS) if profile.name == right.brand)
        accounts = right.accounts or tuple(BRANDS[brand].accounts)
        for platform in right.platforms:
            for account in accounts:
                key = (brand, right.ipr_type, PLATFORM_INDEX[platform], ACCOUNT_INDEX[account])
                tables.setdefault(key, []).append(index)
    return {key: np.array(value) for key, value in tables.items()}


_RIGHTS_BY_USE = _right_tables()


def generate_items(rng: np.random.Generator, unit: Unit, pools: SellerPools) -> Items:
    """The unit's complaint items: exactly unit.items rows."""
    target = unit.items
    # Draw complaints until they name enough listings; the last one is trimmed to fit.
    drawn = max(8, target // 4)
    while True:
        brand = choose(rng, np.array([b.share for b in BRANDS]), drawn)
        reason = choose_by_group(rng, brand, [
            np.array([b.reasons.get(r.text, 0.0) for r in REASONS]) for b in BRANDS])
        trademark = np.array([r.ipr_type == "trademark" for r in REASONS])[reason]
        storefront = trademark & (rng.random(drawn) < STOREFRONT_SHARE)
        sizes = complaint_sizes(rng, storefront)
        if sizes.sum() >= target:
            break
        drawn *= 2
    ends = np.cumsum(sizes)
    last = int(np.searchsorted(ends, target))
    keep = slice(0, last + 1)
    brand, reason, storefront, sizes = brand[keep], reason[keep], storefront[keep], sizes[keep].copy()
    sizes[-1] -= int(ends[last] - target)
    complaints = sizes.shape[0]

    account_tables = [np.array([b.accounts.get(a.name, 0.0) for a in ACCOUNTS]) for b in BRANDS]
    account = choose_by_group(rng, brand, account_tables)
    platform = choose_by_group(rng, account, [
        np.array([a.platform_weights.get(p, 0.0) for p in PLATFORM_NAMES]) for a in ACCOUNTS])
    ipr_types = np.array([r.ipr_type for r in REASONS])[reason]
    right = np.full(complaints, -1, dtype=np.int64)
    uniforms = rng.random(complaints)
    for (b, ipr_type, p, a), candidates in _RIGHTS_BY_USE.items():
        mask = (brand == b) & (ipr_types == ipr_type) & (platform == p) & (account == a)
        if mask.any():
            right[mask] = candidates[(uniforms[mask] * candidates.shape[0]).astype(np.int64)]
    offsets = np.array([a.utc_offset_hours for a in ACCOUNTS])[account]
    submitted = office_hours(rng, unit.start, unit.stop, offsets)

    # Expand complaints into items.
    item_complaint = np.repeat(np.arange(complaints), sizes)
    item_platform = platform[item_complaint]
    item_storefront = storefront[item_complaint]
    seller = pools.draw(rng, item_platform)
    if item_storefront.any():
        seller[item_storefront] = pools.draw_head(rng, item_platform[item_storefront])
    item_reason = reason[item_complaint]
    infringement = choose_by_group(rng, item_reason, [
        np.array([r.infringement_types.get(t, 0.0) for t in INFRINGEMENT_TYPES]) for r in REASONS])
    listing_number = np.full(target, -1, dtype=np.int64)
    listing_items = ~item_storefront
    listing_number[listing_items] = unit.listing_offset + np.arange(int(listing_items.sum()))
    exported = listing_items & (rng.random(target) >= UNEXPORTED_LISTING_SHARE)
    return Items(
        complaint=item_complaint, brand=brand[item_complaint], account=account[item_complaint],
        platform=item_platform, reason=item_reason, right=right[item_complaint], storefront=item_storefront,
        submitted=submitted[item_complaint], seller=seller, infringement=infringement,
        listing_number=listing_number, exported=exported,
    )

