"""Repeat offenders as of T: the 3-listing threshold, the 365-day window, the share and the queue."""

from __future__ import annotations

import datetime as dt

from metric_frames import event, facts, hours, item, listing, listings_frame, storefront

from takedown.config import Settings
from takedown.metrics.repeat_offenders import (
    repeat_offender_sellers,
    repeat_offender_summary,
    repeat_offenders_queue,
)

AS_OF = dt.datetime(2026, 10, 1)
WINDOW_START = AS_OF - dt.timedelta(days=365)  # 2025-10-01
MICROSECOND = dt.timedelta(microseconds=1)


def removed_item(complaint_id, listing_id, seller_id, submitted_at=dt.datetime(2026, 9, 1), platform="alibaba"):
    """An item and its removal an hour later."""
    return (item(complaint_id, listing_id, seller_id=seller_id, submitted_at=submitted_at, platform=platform),
            event(complaint_id, listing_id, "removed", submitted_at + hours(1)))


def build(*pairs, extra_events=()):
    items = [pair[0] for pair in pairs]
    events = [pair[1] for pair in pairs] + list(extra_events)
    return facts(items, events, as_of=AS_OF)


def test_three_removed_listings_make_a_repeat_offender_and_two_do_not():
    built = build(
        removed_item("C1", "L1", "S3"), removed_item("C2", "L2", "S3"), removed_item("C3", "L3", "S3"),
        removed_item("C4", "L4", "S2"), removed_item("C5", "L5", "S2"),
    )
    assert repeat_offender_sellers(built, AS_OF).rows() == [("alibaba", "S3", 3, 3)]
    assert repeat_offender_summary(built, AS_OF) == {
        "count": 1, "share_of_removed": 3 / 5, "threshold": 3, "window_days": 365,
    }


def test_listings_are_counted_once_however_many_complaints_removed_them():
    # Three removed items, but two of them name the same listing: 2 distinct listings.
    built = build(removed_item("C1", "L1", "S1"), removed_item("C2", "L1", "S1"), removed_item("C3", "L2", "S1"))
    assert repeat_offender_sellers(built, AS_OF).height == 0


def test_the_threshold_is_a_setting():
    built = build(removed_item("C1", "L1", "S1"), removed_item("C2", "L2", "S1"))
    assert repeat_offender_sellers(built, AS_OF, Settings(repeat_offender_threshold=2)).rows() == [
        ("alibaba", "S1", 2, 2)]


def test_a_seller_is_per_platform():
    built = build(removed_item("C1", "L1", "S1"), removed_item("C2", "L2", "S1"),
                  removed_item("C3", "L3", "S1", platform="taobao"))
    assert repeat_offender_sellers(built, AS_OF).height == 0


def test_the_365_day_window_includes_its_first_instant_and_as_of():
    built = build(
        removed_item("C1", "L1", "S1", submitted_at=WINDOW_START),
        removed_item("C2", "L2", "S1", submitted_at=AS_OF - hours(2)),
        removed_item("C3", "L3", "S1", submitted_at=dt.datetime(2026, 3, 1)),
    )
    assert repeat_offender_sellers(built, AS_OF).rows() == [("alibaba", "S1", 3, 3)]


def test_an_item_submitted_just_before_the_window_does_not_count():
    built = build(
        removed_item("C1", "L1", "S1", submitted_at=WINDOW_START - MICROSECOND),
        removed_item("C2", "L2", "S1", submitted_at=AS_OF - hours(2)),
        removed_item("C3", "L3", "S1", submitted_at=dt.datetime(2026, 3, 1)),
    )
    assert repeat_offender_sellers(built, AS_OF).height == 0
    assert repeat_offender_summary(built, AS_OF)["share_of_removed"] == 0.0  # 0 of the 2 removed items in the window


def test_only_listing_items_removed_at_as_of_count():
    built = build(
        removed_item("C1", "L1", "S1"), removed_item("C2", "L2", "S1"),
        (storefront("C3", seller_id="S1", submitted_at=dt.datetime(2026, 9, 1)),
         event("C3", "", "removed", dt.datetime(2026, 9, 2))),
        removed_item("C4", "L4", "S1"),
        extra_events=[event("C4", "L4", "restored", dt.datetime(2026, 9, 5))],  # back online: not removed at T
    )
    assert repeat_offender_sellers(built, AS_OF).height == 0


def test_a_removal_after_as_of_does_not_count_yet():
    pairs = [removed_item(f"C{n}", f"L{n}", "S1") for n in (1, 2, 3)]
    late = (pairs[2][0], event("C3", "L3", "removed", AS_OF + hours(1)))
    built = build(pairs[0], pairs[1], late)
    assert repeat_offender_sellers(built, AS_OF).height == 0


def test_without_removals_the_share_is_null():
    assert repeat_offender_summary(facts([item()], as_of=AS_OF), AS_OF) == {
        "count": 0, "share_of_removed": None, "threshold": 3, "window_days": 365,
    }


def test_the_queue_shows_history_and_storefront_candidates():
    built = build(
        removed_item("C1", "L1", "S1", submitted_at=dt.datetime(2026, 6, 1)),
        removed_item("C2", "L2", "S1", submitted_at=dt.datetime(2026, 7, 1)),
        removed_item("C3", "L3", "S1", submitted_at=dt.datetime(2026, 8, 1)),
        (item("C4", "L4", seller_id="S1", submitted_at=dt.datetime(2026, 9, 1)),
         event("C4", "L4", "rejected", dt.datetime(2026, 9, 2))),
        removed_item("C5", "L5", "S2"), removed_item("C6", "L6", "S2"), removed_item("C7", "L7", "S2"),
        removed_item("C8", "L8", "S2"),
        (storefront("C9", seller_id="S2", submitted_at=dt.datetime(2026, 9, 3)),
         event("C9", "", "removed", dt.datetime(2026, 9, 4))),
    )
    listings = listings_frame(
        listing("L1", seller_id="S1", detected_at=dt.datetime(2026, 5, 20)),
        listing("L99", seller_id="S1", detected_at=dt.datetime(2026, 9, 20)),  # detected, never reported
        listing("L100", seller_id="S1", detected_at=AS_OF + hours(1)),         # detected after T: unseen
    )
    queue = repeat_offenders_queue(built, listings, AS_OF)
    assert queue.rows(named=True) == [
        {"platform": "alibaba", "seller_id": "S2", "removed_listings": 4, "removed_items": 4, "complaint_items": 5,
         "first_seen": dt.datetime(2026, 9, 1), "last_seen": dt.datetime(2026, 9, 3),
         "hit_by_storefront_complaint": True, "storefront_candidate": False},
        {"platform": "alibaba", "seller_id": "S1", "removed_listings": 3, "removed_items": 3, "complaint_items": 4,
         "first_seen": dt.datetime(2026, 5, 20), "last_seen": dt.datetime(2026, 9, 20),
         "hit_by_storefront_complaint": False, "storefront_candidate": True},
    ]
