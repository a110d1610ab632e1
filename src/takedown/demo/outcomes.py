"""What happens to each complaint item: the platform's decision, counter-notices, restorations.

The life of an item (times are drawn, never after the unit's generation is cut at the program's
end by the caller):

- the brand withdraws a few items before any decision;
- the platform decides: most items within 24 hours (the platform's `within_24h` share is met
  per unit to within one item by choosing which items are late, not left to chance), the rest later;
- it rejects some (more for a slipping account, most of those citing an expired right), with its
  reason in the event's detail; the others are removed;
- the seller of a removed listing may file a counter-notice (sellers get three days); the account
  answers within the 72-hour window (rejects it: the platform then upholds the takedown or, after
  review, restores the listing; or accepts it: the complaint is withdrawn) or misses the window,
  and the listing is restored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from takedown.demo.items import Items
from takedown.demo.plan import Unit
from takedown.demo.profile import ACCOUNTS, EXPIRED_RIGHT_REJECTION_RATE, PLATFORMS
from takedown.demo.text import (
    ACCEPTED_DETAIL,
    COUNTER_NOTICE_DETAILS,
    EXPIRED_RIGHT_DETAIL,
    REJECTION_DETAILS,
    RESTORED_MISSED_DETAIL,
    RESTORED_REVIEW_DETAIL,
    UPHELD_DETAIL,
    WITHDRAWN_DETAIL,
    fixed_text,
    pick_text,
)

HOUR = 3600
# Share of items the brand withdraws before the platform decides (filed in error).
WITHDRAWN_SHARE = 0.006
# Shape of the on-time decision delay (beta distribution over the first 24 hours).
ON_TIME_SHAPE = 1.6
# The quickest decision: IPP's review is never instant.
MIN_DECISION_SECONDS = 10 * 60
# Sellers counter-notify within their three-day window after the takedown.
COUNTER_NOTICE_AFTER_HOURS = (3, 72)
# Answered counter-notices come inside the 72-hour response window.
ANSWER_AFTER_HOURS = (1, 66)
# A missed window lapses at 72 hours; the platform restores the listing within a day after.
RESPONSE_WINDOW_HOURS = 72
RESTORE_AFTER_LAPSE_HOURS = (1, 24)
# After the account rejects a counter-notice the platform reviews the seller's evidence ...
REVIEW_HOURS = (2, 48)
# ... and upholds most takedowns.
UPHELD_SHARE = 0.9
# How much likelier the platform is to reject a complaint against each infringement type
# (profile.INFRINGEMENT_TYPES order): a lookalike is arguable, a counterfeit plain. Normalised over
# each unit's items, so every platform's and account's rejection rate is kept on average; it makes
# outcomes depend on what a title tells (issue 21's predicted success has something to learn).
INFRINGEMENT_REJECTION_FACTOR = (0.5, 3.0, 1.2, 1.0, 1.5, 1.0)
# The slip sets in gradually: in the month before the Good-Faith window it is this far along.
SLIP_ONSET_BLEND = 0.5

EVENT_NAMES = ("counter_notice", "counter_notice_rejected", "counter_notice_accepted", "removed", "rejected",
               "restored", "withdrawn")


@dataclass
class Decisions:
    """Per item: when its first decision came (epoch seconds, -1 if withdrawn) and whether removed."""

    decided_at: np.ndarray
    removed: np.ndarray
    events: pl.DataFrame  # item (row of Items), event, occurred_at (epoch s), detail


def _quality_columns(items: Items, unit: Unit) -> dict[str, np.ndarray]:
    """Each item's account quality, with the slipping account's slip in its latest months."""
    fields = ("rejection_factor", "counter_notice_rate", "missed_response_share", "accepted_share")
    columns = {}
    for name in fields:
        steady = np.array([getattr(a.quality, name) for a in ACCOUNTS])
        slipped = np.array([getattr(a.slipping or a.quality, name) for a in ACCOUNTS])
        months = np.array([a.slipping_months for a in ACCOUNTS])
        account_months = months[items.account]
        if unit.months_before_end < 0:
            weight = np.zeros(len(items))
        else:
            weight = np.where(unit.months_before_end < account_months, 1.0,
                              np.where(unit.months_before_end == account_months, SLIP_ONSET_BLEND, 0.0))
        columns[name] = steady[items.account] * (1 - weight) + slipped[items.account] * weight
    return columns


def exact_share(rng: np.random.Generator, groups: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """A flag on n * share randomly chosen rows of each group of n rows.

    The count is n * share rounded down, plus one with the probability of the fraction dropped: the
    share is met to within one row per group, and without the bias plain rounding would add up to
    over many small groups.
    """
    flags = np.zeros(groups.shape[0], dtype=bool)
    order = rng.permutation(groups.shape[0])
    fractions = rng.random(len(shares))
    for group, share in enumerate(shares):
        members = order[groups[order] == group]
        wanted = members.shape[0] * share
        count = int(wanted) + int(fractions[group] < wanted - int(wanted))
        flags[members[:count]] = True
    return flags


def _uniform_hours(rng: np.random.Generator, bounds: tuple[float, float], count: int) -> np.ndarray:
    return (rng.uniform(bounds[0], bounds[1], count) * HOUR).astype(np.int64)


def decide(rng: np.random.Generator, items: Items, unit: Unit, right_expiry: np.ndarray,
           chinese: np.ndarray) -> Decisions:
    """Draw every item's events. `right_expiry`: epoch seconds per RIGHTS entry (max int when none)."""
    count = len(items)
    quality = _quality_columns(items, unit)
    withdrawn = rng.random(count) < WITHDRAWN_SHARE
    late = exact_share(rng, items.platform, np.array([1.0 - p.within_24h for p in PLATFORMS]))
    on_time_mean = np.array([p.on_time_mean_hours / 24 for p in PLATFORMS])[items.platform]
    on_time = rng.beta(ON_TIME_SHAPE, ON_TIME_SHAPE * (1 - on_time_mean) / on_time_mean) * 24 * HOUR
    late_extra = rng.gamma(2.0, np.array([p.late_mean_extra_hours / 2 for p in PLATFORMS])[items.platform]) * HOUR
    delay = np.where(late, 24 * HOUR + 60 + late_extra, np.maximum(on_time, MIN_DECISION_SECONDS)).astype(np.int64)
    decided_at = items.submitted + delay

    cited_expired = (items.right >= 0) & (items.submitted > np.where(items.right >= 0, right_expiry[items.right], 0))
    rejection = np.array([p.rejection_rate for p in PLATFORMS])[items.platform] * quality["rejection_factor"]
    factor = np.array(INFRINGEMENT_REJECTION_FACTOR)[items.infringement]
    rejection = np.minimum(rejection * factor / max(float(factor.mean()), 1e-9), 1.0) if count else rejection
    rejection = np.where(cited_expired, EXPIRED_RIGHT_REJECTION_RATE, rejection)
    rejected = ~withdrawn & (rng.random(count) < rejection)
    removed = ~withdrawn & ~rejected
    # Of the rejections on an expired right, the platform names the expiry.
    expired_reason = rejected & cited_expired

    counter = removed & (rng.random(count) < quality["counter_notice_rate"])
    counter_at = decided_at + _uniform_hours(rng, COUNTER_NOTICE_AFTER_HOURS, count)
    answer_draw = rng.random(count)
    missed = counter & (answer_draw < quality["missed_response_share"])
    accepted = counter & ~missed & (answer_draw < quality["missed_response_share"] + quality["accepted_share"])
    answered_rejected = counter & ~missed & ~accepted
    answer_at = counter_at + _uniform_hours(rng, ANSWER_AFTER_HOURS, count)
    lapse_restore_at = counter_at + RESPONSE_WINDOW_HOURS * HOUR + _uniform_hours(rng, RESTORE_AFTER_LAPSE_HOURS,
                                                                                   count)
    upheld = answered_rejected & (rng.random(count) < UPHELD_SHARE)
    review_restored = answered_rejected & ~upheld
    review_at = answer_at + _uniform_hours(rng, REVIEW_HOURS, count)
    withdrawn_at = items.submitted + np.minimum(delay - 60, _uniform_hours(rng, (0.2, 20), count))

    rows = np.arange(count)
    parts = [
        _events(rows[withdrawn], "withdrawn", withdrawn_at[withdrawn],
                fixed_text(WITHDRAWN_DETAIL, chinese[withdrawn])),
        _events(rows[rejected & ~expired_reason], "rejected", decided_at[rejected & ~expired_reason],
                pick_text(rng, REJECTION_DETAILS, chinese[rejected & ~expired_reason])),
        _events(rows[expired_reason], "rejected", decided_at[expired_reason],
                fixed_text(EXPIRED_RIGHT_DETAIL, chinese[expired_reason])),
        _events(rows[removed], "removed", decided_at[removed], None),
        _events(rows[counter], "counter_notice", counter_at[counter],
                pick_text(rng, COUNTER_NOTICE_DETAILS, chinese[counter])),
        _events(rows[missed], "restored", lapse_restore_at[missed],
                fixed_text(RESTORED_MISSED_DETAIL, chinese[missed])),
        _events(rows[accepted], "counter_notice_accepted", answer_at[accepted],
                fixed_text(ACCEPTED_DETAIL, chinese[accepted])),
        _events(rows[answered_rejected], "counter_notice_rejected", answer_at[answered_rejected], None),
        _events(rows[upheld], "removed", review_at[upheld], fixed_text(UPHELD_DETAIL, chinese[upheld])),
        _events(rows[review_restored], "restored", review_at[review_restored],
                fixed_text(RESTORED_REVIEW_DETAIL, chinese[review_restored])),
    ]
    events = pl.concat(parts).sort("occurred_at", "item", "event")
    return Decisions(decided_at=np.where(withdrawn, -1, decided_at), removed=removed, events=events)


def _events(rows: np.ndarray, event: str, times: np.ndarray, detail: pl.Series | None) -> pl.DataFrame:
    return pl.DataFrame({
        "item": pl.Series(rows, dtype=pl.Int64),
        "event": pl.Series([event]).gather(np.zeros(rows.shape[0], dtype=np.int64)),
        "occurred_at": pl.Series(times, dtype=pl.Int64),
        "detail": detail if detail is not None else pl.Series([None] * rows.shape[0], dtype=pl.Utf8),
    }, schema={"item": pl.Int64, "event": pl.Utf8, "occurred_at": pl.Int64, "detail": pl.Utf8})
