"""Work queues: counter-notices awaiting the brand, and the high-risk backlog's ranking."""

from __future__ import annotations

import datetime as dt

from metric_frames import event, facts, hours, item, listing, listings_frame, rate, rates_frame

from takedown.metrics.queues import counter_notices_awaiting_response, high_risk_backlog

AS_OF = dt.datetime(2026, 9, 20, 12)


def test_counter_notices_awaiting_response_with_deadline_and_hours_left():
    items = [item(f"C{n}", submitted_at=dt.datetime(2026, 9, 1)) for n in range(1, 6)]
    events = [
        event("C1", "L1", "counter_notice", AS_OF - hours(10)),         # 62 h left
        event("C2", "L1", "counter_notice", AS_OF - hours(72)),         # deadline now: overdue
        event("C3", "L1", "counter_notice", AS_OF - hours(80)),         # 8 h overdue
        event("C4", "L1", "counter_notice", AS_OF - hours(30)),         # answered: not waiting
        event("C4", "L1", "counter_notice_rejected", AS_OF - hours(29)),
        event("C5", "L1", "counter_notice", AS_OF + hours(1)),          # not known at T
    ]
    queue = counter_notices_awaiting_response(facts(items, events, as_of=AS_OF), AS_OF)
    assert queue.select("complaint_id", "counter_noticed_at", "response_deadline", "hours_left", "overdue").rows() == [
        ("C3", AS_OF - hours(80), AS_OF - hours(8), -8.0, True),
        ("C2", AS_OF - hours(72), AS_OF, 0.0, True),
        ("C1", AS_OF - hours(10), AS_OF + hours(62), 62.0, False),
    ]


def test_a_second_counter_notice_after_an_answer_waits_again():
    events = [
        event("C1", "L1", "counter_notice", AS_OF - hours(50)),
        event("C1", "L1", "counter_notice_rejected", AS_OF - hours(40)),
        event("C1", "L1", "counter_notice", AS_OF - hours(2)),
    ]
    queue = counter_notices_awaiting_response(facts([item(submitted_at=dt.datetime(2026, 9, 1))], events,
                                                    as_of=AS_OF), AS_OF)
    assert queue.select("counter_noticed_at", "hours_left").rows() == [(AS_OF - hours(2), 70.0)]


def test_the_backlog_holds_unreported_listings_riskiest_first():
    seller_history = [
        # S1 is a repeat offender: three removed listings.
        item("C1", "L1", seller_id="S1"), item("C2", "L2", seller_id="S1"), item("C3", "L3", seller_id="S1"),
        # S2 has one removed listing.
        item("C4", "L4", seller_id="S2"),
    ]
    removals = [event(f"C{n}", f"L{n}", "removed", dt.datetime(2026, 9, 11)) for n in range(1, 5)]
    listings = listings_frame(
        *(listing(f"L{n}", seller_id="S1" if n < 4 else "S2") for n in range(1, 5)),  # reported: not in backlog
        listing("N1", seller_id="S9", risk_score=50.0),
        listing("N2", seller_id="S2", risk_score=90.0, price=1.0, currency="USD", units_sold=10),
        listing("N3", seller_id="S1", risk_score=90.0),
        listing("N4", seller_id="S9", risk_score=90.0, price=2.0, currency="CNY", units_sold=100,
                detected_at=dt.datetime(2026, 8, 31, 23)),
        listing("N5", seller_id="S9", risk_score=None),
        listing("N6", seller_id="S9", risk_score=99.0, detected_at=AS_OF + hours(1)),  # not detected yet at T
    )
    backlog = high_risk_backlog(listings, facts(seller_history, removals, as_of=AS_OF),
                                rates_frame(rate("2026-08", "CNY", 0.125)), AS_OF)
    assert backlog.select("rank", "listing_id", "risk_score", "repeat_offender", "seller_removed_listings",
                          "value_usd").rows() == [
        (1, "N3", 90.0, True, 3, None),    # the repeat offender's listing first among equal risk
        (2, "N2", 90.0, False, 1, 10.0),   # then the seller with one removal
        (3, "N4", 90.0, False, 0, 25.0),   # 2 CNY x 100 x 0.125 (August's rate: detected in August)
        (4, "N1", 50.0, False, 0, None),
        (5, "N5", None, False, 0, None),   # unknown risk last
    ]
    first = backlog.row(0, named=True)
    # Detected September 8th 00:00 (the helper's default), 12.5 days before T.
    assert (first["seller_complaint_items"], first["days_waiting"]) == (3, 12.5)
