"""Rights queues: renewals due within 90 days, and complaint items filed on weak rights."""

from __future__ import annotations

import datetime as dt

from metric_frames import event, facts, item, right, rights_frame

from takedown.metrics.rights import complaint_items_on_weak_rights, expiring_rights, rights_summary

AS_OF = dt.datetime(2026, 9, 20, 23, 30)  # September 20th (UTC date)


def test_rights_expiring_within_90_days_inclusive_with_their_use():
    rights = rights_frame(
        right("R-today", expires_on=dt.date(2026, 9, 20)),
        right("R-90", expires_on=dt.date(2026, 12, 19)),     # 90 days after September 20th: in
        right("R-91", expires_on=dt.date(2026, 12, 20)),     # 91 days: out
        right("R-lapsed", expires_on=dt.date(2026, 9, 19)),  # already expired: not a renewal any more
        right("R-forever", expires_on=None),
    )
    items = [item("C1", ipr_registration="R-90"), item("C2", ipr_registration="R-90"),
             item("C3", ipr_registration="R-today")]
    events = [event("C1", "L1", "removed", dt.datetime(2026, 9, 11))]
    queue = expiring_rights(rights, facts(items, events, as_of=AS_OF), AS_OF)
    assert queue.select("registration", "days_left", "complaint_items", "pending_items").rows() == [
        ("R-today", 0, 1, 1), ("R-90", 90, 2, 1),
    ]


def test_items_that_relied_on_an_expired_unverified_or_unknown_right():
    rights = rights_frame(
        right("R-ok", expires_on=dt.date(2027, 1, 1)),
        right("R-expired", expires_on=dt.date(2026, 9, 9)),              # the day before the filing
        right("R-last-day", expires_on=dt.date(2026, 9, 10)),            # valid through the filing day
        right("R-pending", expires_on=None, ipp_status="pending"),
        right("R-no-status", expires_on=None, ipp_status=None),
        right("R-both", expires_on=dt.date(2026, 1, 1), ipp_status="rejected"),
    )
    filed = dt.datetime(2026, 9, 10, 23, 59)
    items = [
        item("C1", ipr_registration="R-ok", submitted_at=filed),
        item("C2", ipr_registration="R-expired", submitted_at=filed),
        item("C3", ipr_registration="R-last-day", submitted_at=filed),
        item("C4", ipr_registration="R-pending", submitted_at=filed),
        item("C5", ipr_registration="R-no-status", submitted_at=filed),
        item("C6", ipr_registration="R-both", submitted_at=filed),
        item("C7", ipr_registration="R-unheard-of", submitted_at=filed),
        item("C8", ipr_registration=None, submitted_at=filed),           # names no right: nothing to check
    ]
    queue = complaint_items_on_weak_rights(facts(items, as_of=AS_OF), rights)
    assert sorted(queue.select("complaint_id", "problem").rows()) == [
        ("C2", "expired_when_filed"),
        ("C4", "not_verified"),
        ("C5", "not_verified"),
        ("C6", "expired_when_filed, not_verified"),
        ("C7", "not_in_register"),
    ]


def test_rights_not_verified_counts_a_right_without_status_as_the_queue_does():
    # The IP portfolio's tile and the weak-rights queue read one rule: a right with no IPP status
    # is not verified (the page once counted `!= "verified"`, which drops a null status).
    rights = rights_frame(
        right("R-ok", expires_on=dt.date(2027, 1, 1)),
        right("R-pending", ipp_status="pending", expires_on=dt.date(2027, 1, 1)),
        right("R-none", ipp_status=None, expires_on=dt.date(2027, 1, 1)),
        right("R-lapsed", expires_on=dt.date(2026, 9, 19)),
        right("R-forever", ipp_status=None, expires_on=None),
    )
    assert rights_summary(rights, AS_OF) == {"rights": 5, "expired": 1, "not_verified": 3}
    items = [item(f"C-{registration}", ipr_registration=registration)
             for registration in rights.get_column("registration")]
    weak = complaint_items_on_weak_rights(facts(items, [], as_of=AS_OF), rights)
    flagged = weak.filter(weak.get_column("problem").str.contains("not_verified"))
    assert flagged.height == rights_summary(rights, AS_OF)["not_verified"]
