"""One unit of the program, end to end: complaint items, their events, and the listings.

`ProgramGenerator.unit(unit)` returns three frames in the contract's columns (times still as epoch
seconds, formatted only when written) and depends on nothing but the seed, the plan and the unit,
so any unit can be generated again (the live feed does, to continue the history's pending items).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from takedown.demo.items import generate_items
from takedown.demo.listings import build_listings, listing_ids
from takedown.demo.outcomes import decide
from takedown.demo.plan import Plan, Unit, to_epoch
from takedown.demo.profile import (
    ACCOUNT_NAMES,
    PLATFORM_NAMES,
    PLATFORMS,
    PORTAL_ACCOUNT,
    PORTAL_MONTHS,
    PORTAL_PLATFORMS,
    REASONS,
    RIGHTS,
)
from takedown.demo.sellers import SellerPools

# Random stream of the history's units (after the seed); the live feed uses another.
UNIT_STREAM = 2
_NEVER = np.iinfo(np.int64).max


@dataclass
class UnitData:
    """A unit's rows: complaint items, outcome events and listings (times in epoch seconds)."""

    complaints: pl.DataFrame  # contract columns + `portal` (bool: goes into the portal export)
    events: pl.DataFrame  # complaint_id, listing_id, event, occurred_at, detail
    listings: pl.DataFrame  # contract columns + relisted_from, image_url, product_line

    @staticmethod
    def concat(parts: list[UnitData]) -> UnitData:
        """Several units' rows as one."""
        return UnitData(pl.concat([p.complaints for p in parts]), pl.concat([p.events for p in parts]),
                        pl.concat([p.listings for p in parts]))

    def until(self, moment: int) -> UnitData:
        """The rows known at `moment`: nothing detected, submitted or occurring after it."""
        return UnitData(self.complaints.filter(pl.col("submitted_at") <= moment),
                        self.events.filter(pl.col("occurred_at") <= moment),
                        self.listings.filter(pl.col("detected_at") <= moment))


def right_expiry_dates(end: dt.datetime) -> list[dt.date | None]:
    """Each right's expiry date, relative to the program's end."""
    return [None if right.expires_in_days is None else end.date() + dt.timedelta(days=right.expires_in_days)
            for right in RIGHTS]


class ProgramGenerator:
    """Generates any unit of a plan; holds the seller populations shared by all units."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.pools = SellerPools(plan.seed, plan.platform_items)
        # A right cited after its expiry date (from the day after it) counts as expired.
        self.right_expiry = np.array([
            _NEVER if date is None else to_epoch(dt.datetime.combine(date, dt.time(), dt.UTC)) + 86_400
            for date in right_expiry_dates(plan.end_datetime)
        ], dtype=np.int64)

    def unit(self, unit: Unit, stream: int = UNIT_STREAM) -> UnitData:
        """Every row of one unit, with events after the program's end included (callers cut them)."""
        rng = np.random.default_rng([self.plan.seed, stream, *unit.stream])
        items = generate_items(rng, unit, self.pools)
        chinese = np.array([p.language == "zh" for p in PLATFORMS])[items.platform]
        decisions = decide(rng, items, unit, self.right_expiry, chinese)
        listings = build_listings(rng, self.plan.seed, unit, items, decisions, self.pools)
        complaint_numbers = pl.Series(items.complaint).cast(pl.Utf8).str.zfill(6)
        complaint_ids = f"IPP-{unit.code}-" + complaint_numbers
        listing_id = listing_ids(items.platform, np.maximum(items.listing_number, 0))
        listing_id = pl.select(pl.when(pl.Series(items.storefront)).then(None).otherwise(listing_id)).to_series()
        portal_platforms = np.isin(items.platform, [PLATFORM_NAMES.index(p) for p in PORTAL_PLATFORMS])
        portal = ((items.account == ACCOUNT_NAMES.index(PORTAL_ACCOUNT)) & portal_platforms
                  & (0 <= unit.months_before_end < PORTAL_MONTHS))
        complaints = pl.DataFrame({
            "complaint_id": complaint_ids,
            "platform": pl.Series(PLATFORM_NAMES).gather(items.platform),
            "listing_id": listing_id,
            "seller_id": self.pools.seller_ids(items.platform, items.seller),
            "enforcement_type": pl.select(pl.when(pl.Series(items.storefront)).then(pl.lit("storefront"))
                                          .otherwise(pl.lit("listing"))).to_series(),
            "ipr_type": pl.Series([r.ipr_type for r in REASONS]).gather(items.reason),
            "ipr_registration": pl.Series([r.registration for r in RIGHTS] + [None]).gather(
                np.where(items.right >= 0, items.right, len(RIGHTS))),
            "reason": pl.Series([r.text for r in REASONS]).gather(items.reason),
            "account": pl.Series(ACCOUNT_NAMES).gather(items.account),
            "submitted_at": pl.Series(items.submitted, dtype=pl.Int64),
            "portal": portal,
        })
        keys = complaints.select("complaint_id", pl.col("listing_id").fill_null("")).with_row_index("item")
        events = (decisions.events.with_columns(pl.col("item").cast(pl.UInt32))
                  .join(keys, on="item", how="left")
                  .select("complaint_id", "listing_id", "event", "occurred_at", "detail"))
        return UnitData(complaints, events, listings)

