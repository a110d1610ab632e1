"""metrics.facts: one row per item known at T, each fact computed by hand on a tiny frame."""

from __future__ import annotations

import pytest

from metric_frames import LATER, T0, event, facts, hours, item, listing, rate


def test_an_items_facts_from_its_events_listing_and_rate():
    # Removed 5 h after submission; 3 units at 10 CNY, 0.14 USD per CNY in September: 4.20 USD.
    rows = facts([item("C1", "L1")], [event("C1", "L1", "removed", T0 + hours(5))],
                 [listing("L1", price=10.0, currency="CNY", units_sold=3)], [rate("2026-09", "CNY", 0.14)])
    fact = rows.row(0, named=True)
    assert fact["status"] == "removed" and fact["brand"] == "Acme"
    assert fact["first_removed_at"] == fact["first_decision_at"] == T0 + hours(5)
    assert fact["hours_to_removal"] == fact["hours_to_decision"] == 5.0
    assert fact["handled_in_time"] is True
    assert fact["value_usd"] == pytest.approx(4.2)
    assert fact["has_counter_notice"] is False and fact["successful_counter_notice"] is False
    assert fact["missed_counter_notice_responses"] == 0


def test_handled_in_time_is_exact_to_the_microsecond():
    rows = facts([item("C1", "L1"), item("C2", "L2")],
                 [event("C1", "L1", "rejected", T0 + hours(24)),
                  event("C2", "L2", "rejected", T0 + hours(24) + hours(1) / 3_600_000_000)])
    assert rows.get_column("handled_in_time").to_list() == [True, False]
    assert rows.get_column("first_removed_at").to_list() == [None, None]  # rejected, never removed
    assert rows.get_column("hours_to_removal").to_list() == [None, None]


def test_items_and_events_after_as_of_are_not_known():
    rows = facts([item("C1", "L1"), item("C2", "L2", submitted_at=LATER + hours(1))],
                 [event("C1", "L1", "removed", LATER + hours(1))], as_of=LATER)
    assert rows.get_column("complaint_id").to_list() == ["C1"]  # C2 submitted after T
    assert rows.row(0, named=True)["status"] == "submitted"  # its removal came after T
    assert rows.row(0, named=True)["hours_to_removal"] is None


def test_a_counter_notice_unanswered_past_the_window_is_missed_and_a_restored_item_succeeded():
    # C1: counter-noticed, no answer in 72 h: one missed response. C2: counter-noticed then restored.
    rows = facts([item("C1", "L1"), item("C2", "L2")],
                 [event("C1", "L1", "removed", T0 + hours(1)), event("C1", "L1", "counter_notice", T0 + hours(2)),
                  event("C2", "L2", "removed", T0 + hours(1)), event("C2", "L2", "counter_notice", T0 + hours(2)),
                  event("C2", "L2", "restored", T0 + hours(200))])
    assert rows.get_column("has_counter_notice").to_list() == [True, True]
    assert rows.get_column("missed_counter_notice_responses").to_list() == [1, 1]
    assert rows.get_column("successful_counter_notice").to_list() == [False, True]
    assert rows.get_column("value_usd").to_list() == [None, None]  # no listing price known
