"""Data quality views: events that precede their own item's submission are kept, and listed with the gap."""

from __future__ import annotations

import datetime as dt

from takedown import quality
from takedown.store import connect_reader

COMPLAINTS = ("complaint_id,platform,listing_id,seller_id,enforcement_type,ipr_type,reason,account,submitted_at\n"
              "C1,taobao,L1,S1,listing,trademark,counterfeit,a1,2026-03-10 12:00\n"
              "C2,taobao,,S1,storefront,trademark,counterfeit,a1,2026-03-10 12:00\n")
OUTCOMES = ("complaint_id,listing_id,event,occurred_at\n"
            "C1,L1,removed,2026-03-09 10:30\n"      # 25.5 hours before C1 was submitted
            "C1,L1,restored,2026-03-10 12:00\n"     # the same instant: not before
            "C2,,withdrawn,2026-03-10 11:59:59\n"   # a storefront item, one second before
            "C9,L1,removed,2026-03-01 00:00\n")     # an orphan: no item to compare with


def test_events_before_submission_are_kept_and_listed_with_their_gap(write_file, ingest, db_path):
    results = ingest(write_file("complaints.csv", COMPLAINTS), write_file("outcomes.csv", OUTCOMES))
    assert [(r.inserted, r.rejected) for r in results] == [(2, 0), (4, 0)]
    con = connect_reader(db_path)
    try:
        events = quality.events_before_submission(con)
        summary = dict(quality.store_summary(con).rows())
    finally:
        con.close()
    assert events.columns == ["complaint_id", "listing_id", "event", "occurred_at", "submitted_at", "gap_hours"]
    assert events.select("complaint_id", "listing_id", "event", "occurred_at", "gap_hours").rows() == [
        ("C1", "L1", "removed", dt.datetime(2026, 3, 9, 10, 30), 25.5),
        ("C2", "", "withdrawn", dt.datetime(2026, 3, 10, 11, 59, 59), 1 / 3600),
    ]
    assert summary["events_before_submission"] == 2
    assert summary["outcome_events"] == 4  # kept, not dropped
