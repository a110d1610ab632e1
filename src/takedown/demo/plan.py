"""The shape of a demo program in time: its months, how many items each gets, and the chunks.

A program is cut into *units* (a calendar month, or part of one when a month alone exceeds the
chunk size), each generated from its own random stream, so a unit's content depends only on the
seed, the program's end and its own place: memory stays flat at any scale and the output is the
same however units are grouped into files.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from takedown.demo.settings import CHUNK_ITEMS, HISTORY_MONTHS

# Listings the monitoring tools detected but nobody complained about yet (the enforcement backlog),
# as a share of complaint items.
BACKLOG_SHARE = 0.12
# Listings the tools detected near the retail price, per complaint item: genuine goods from resellers
# under the brand's name or photos, which nobody files on. Most of what a monitoring tool exports is
# such a listing, so retail-priced listings are most of a product's listings on a platform (about
# 78%, counterfeits about 22%): the peer group the abnormal-price flag compares a price with.
RETAIL_DETECTION_SHARE = 2.0
# Counterfeiters stock up before Singles' Day (11.11) and the 618 festival: more listings, more work.
SEASON = {6: 1.15, 10: 1.25, 11: 1.35}
# The program grows as monitoring expands: the first month runs at this share of the last one's pace.
RAMP_START = 0.6

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def to_epoch(moment: dt.datetime) -> int:
    """Whole seconds since 1970 for an aware (or naive UTC) datetime."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int((moment - EPOCH).total_seconds())


def from_epoch(seconds: int) -> dt.datetime:
    """The aware UTC datetime of whole seconds since 1970."""
    return EPOCH + dt.timedelta(seconds=int(seconds))


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` later (or earlier), the day clamped to the month's length."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_index = year * 12 + month
    days_in_month = (dt.datetime(next_index // 12, next_index % 12 + 1, 1) - dt.datetime(year, month, 1)).days
    return moment.replace(year=year, month=month, day=min(moment.day, days_in_month))


def month_start(moment: dt.datetime) -> dt.datetime:
    """Midnight UTC on the first day of the moment's month."""
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Unit:
    """One generation unit: a time window and its share of the program's complaint items."""

    code: str  # e.g. "2026-03" or "2026-03.2"; part of every complaint id
    start: int  # epoch seconds, inclusive
    stop: int  # epoch seconds, exclusive
    items: int  # complaint items submitted in the window
    listing_offset: int  # the first listing number this unit may use (listing ids are unique)
    months_before_end: int  # 0 for the program's last calendar month
    stream: tuple[int, ...]  # the unit's random stream, after the seed

    @property
    def listing_capacity(self) -> int:
        """Listing numbers reserved: one per item, the backlog, the retail-priced detections, and room
        for relists and bad rows."""
        return (self.items + math.ceil(self.items * BACKLOG_SHARE) + math.ceil(self.items * RETAIL_DETECTION_SHARE)
                + 16)


@dataclass(frozen=True)
class Plan:
    """Everything about a program's shape, before any row is drawn."""

    seed: int
    scale: int
    start: int  # epoch seconds
    end: int  # epoch seconds: nothing happens after this
    units: tuple[Unit, ...]
    platform_items: dict[str, int]  # expected items per platform over the whole program (seller pools)

    @property
    def end_datetime(self) -> dt.datetime:
        return from_epoch(self.end)


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split `total` into integers proportional to `weights` (largest remainder): they sum to total."""
    shares = weights / weights.sum() * total
    counts = np.floor(shares).astype(np.int64)
    remainder = int(total - counts.sum())
    if remainder:
        order = np.argsort(-(shares - counts), kind="stable")
        counts[order[:remainder]] += 1
    return counts


def make_plan(seed: int, scale: int, end: dt.datetime, chunk_items: int = CHUNK_ITEMS,
              months: int = HISTORY_MONTHS) -> Plan:
    """The program's units: calendar months from `end` minus `months` to `end`, split to chunk size."""
    from takedown.demo.profile import ACCOUNTS, BRANDS

    if scale < 1:
        raise ValueError("scale must be at least 1 complaint item")
    end = end.astimezone(dt.UTC).replace(microsecond=0)
    start = add_months(end, -months)
    windows: list[tuple[dt.datetime, dt.datetime]] = []
    cursor = start
    while cursor < end:
        following = min(add_months(month_start(cursor), 1), end)
        windows.append((cursor, following))
        cursor = following
    span = (end - start).total_seconds()
    weights = np.array([
        (b - a).total_seconds() * (RAMP_START + (1 - RAMP_START) * ((a - start).total_seconds() / span))
        * SEASON.get(a.month, 1.0)
        for a, b in windows
    ])
    counts = apportion(scale, weights)
    units: list[Unit] = []
    offset = 0
    # The month of the program's last instant (an `end` at midnight on the 1st closes the month before).
    last_instant = end - dt.timedelta(seconds=1)
    last_month = last_instant.year * 12 + last_instant.month
    for (a, b), count in zip(windows, counts):
        parts = max(1, math.ceil(count / chunk_items))
        edges = np.linspace(to_epoch(a), to_epoch(b), parts + 1).round().astype(np.int64)
        part_counts = apportion(int(count), np.diff(edges).astype(float)) if count else np.zeros(parts, np.int64)
        for part in range(parts):
            code = f"{a:%Y-%m}" if parts == 1 else f"{a:%Y-%m}.{part + 1}"
            unit = Unit(code, int(edges[part]), int(edges[part + 1]), int(part_counts[part]), offset,
                        last_month - (a.year * 12 + a.month), (a.year, a.month, part))
            units.append(unit)
            offset += unit.listing_capacity
    # Expected items per platform, to size each platform's seller population.
    platform_items: dict[str, float] = {}
    for brand in BRANDS:
        for account_name, account_share in brand.accounts.items():
            account = next(a for a in ACCOUNTS if a.name == account_name)
            for platform, platform_share in account.platform_weights.items():
                platform_items[platform] = platform_items.get(platform, 0.0) + (
                    scale * brand.share * account_share * platform_share)
    return Plan(seed, scale, to_epoch(start), to_epoch(end), tuple(units),
                {name: math.ceil(value) for name, value in platform_items.items()})


def write_groups(plan: Plan, chunk_items: int = CHUNK_ITEMS) -> list[list[Unit]]:
    """Consecutive units packed into files of at most `chunk_items` complaint items (one unit at least)."""
    groups: list[list[Unit]] = []
    current: list[Unit] = []
    total = 0
    for unit in plan.units:
        if current and total + unit.items > chunk_items:
            groups.append(current)
            current, total = [], 0
        current.append(unit)
        total += unit.items
    if current:
        groups.append(current)
    return groups
