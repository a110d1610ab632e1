"""Status at time T: every event's status, sequences, every tie rule, as-of cut-offs and orphans."""

from __future__ import annotations

import datetime as dt

import pytest
from metric_frames import T0, event, events_frame, hours, item, items_frame

from takedown.metrics.status import events_of_items, status_as_of

AS_OF = T0 + hours(24 * 10)


def status_rows(items, events, as_of=AS_OF):
    numbered = items_frame(*items)
    frame = status_as_of(numbered, events_of_items(numbered, events_frame(*events)), as_of)
    return {(row["complaint_id"], row["listing_id"]): (row["last_event"], row["status"])
            for row in frame.iter_rows(named=True)}


def test_an_item_without_events_is_submitted():
    assert status_rows([item()], []) == {("C1", "L1"): (None, "submitted")}


@pytest.mark.parametrize(("name", "status"), [
    ("counter_notice", "counter_noticed"),
    ("counter_notice_rejected", "counter_noticed"),
    ("counter_notice_accepted", "withdrawn"),
    ("withdrawn", "withdrawn"),
    ("removed", "removed"),
    ("rejected", "rejected"),
    ("restored", "restored"),
])
def test_each_event_gives_its_status(name, status):
    assert status_rows([item()], [event("C1", "L1", name, T0 + hours(1))]) == {("C1", "L1"): (name, status)}


@pytest.mark.parametrize(("sequence", "status"), [
    (["removed", "restored"], "restored"),
    (["removed", "restored", "removed"], "removed"),
    (["counter_notice", "counter_notice_rejected", "removed"], "removed"),
    (["removed", "counter_notice"], "counter_noticed"),
    (["removed", "counter_notice", "counter_notice_accepted"], "withdrawn"),
    (["removed", "counter_notice", "restored"], "restored"),
    (["rejected", "withdrawn"], "withdrawn"),
    (["restored", "counter_notice"], "counter_noticed"),  # a later event wins whatever its tie rank
])
def test_the_last_event_in_time_decides(sequence, status):
    events = [event("C1", "L1", name, T0 + hours(position + 1)) for position, name in enumerate(sequence)]
    # Rows arrive in any order: only occurred_at orders them.
    assert status_rows([item()], list(reversed(events))) == {("C1", "L1"): (sequence[-1], status)}


# Every pair of events on the same instant: the later of the two in SPEC's tie order wins.
TIES = [
    ("counter_notice", "counter_notice_rejected", "counter_notice_rejected", "counter_noticed"),
    ("counter_notice", "counter_notice_accepted", "counter_notice_accepted", "withdrawn"),
    ("counter_notice", "withdrawn", "withdrawn", "withdrawn"),
    ("counter_notice", "rejected", "rejected", "rejected"),
    ("counter_notice", "removed", "removed", "removed"),
    ("counter_notice", "restored", "restored", "restored"),
    ("counter_notice_rejected", "counter_notice_accepted", "counter_notice_accepted", "withdrawn"),
    ("counter_notice_rejected", "withdrawn", "withdrawn", "withdrawn"),
    ("counter_notice_rejected", "rejected", "rejected", "rejected"),
    ("counter_notice_rejected", "removed", "removed", "removed"),
    ("counter_notice_rejected", "restored", "restored", "restored"),
    ("counter_notice_accepted", "withdrawn", "withdrawn", "withdrawn"),
    ("counter_notice_accepted", "rejected", "rejected", "rejected"),
    ("counter_notice_accepted", "removed", "removed", "removed"),
    ("counter_notice_accepted", "restored", "restored", "restored"),
    ("withdrawn", "rejected", "rejected", "rejected"),
    ("withdrawn", "removed", "removed", "removed"),
    ("withdrawn", "restored", "restored", "restored"),
    ("rejected", "removed", "removed", "removed"),
    ("rejected", "restored", "restored", "restored"),
    ("removed", "restored", "restored", "restored"),
]


@pytest.mark.parametrize("reverse_rows", [False, True])
@pytest.mark.parametrize(("first", "second", "winner", "status"), TIES)
def test_a_tie_on_occurred_at_is_won_by_the_later_event_in_the_tie_order(first, second, winner, status, reverse_rows):
    events = [event("C1", "L1", first, T0 + hours(5)), event("C1", "L1", second, T0 + hours(5))]
    if reverse_rows:
        events.reverse()
    assert status_rows([item()], events) == {("C1", "L1"): (winner, status)}


def test_all_seven_events_on_one_instant_end_restored():
    names = ["restored", "removed", "rejected", "withdrawn", "counter_notice_accepted", "counter_notice_rejected",
             "counter_notice"]
    events = [event("C1", "L1", name, T0 + hours(5)) for name in names]
    assert status_rows([item()], events) == {("C1", "L1"): ("restored", "restored")}


def test_events_after_as_of_are_ignored_and_an_event_at_as_of_counts():
    events = [event("C1", "L1", "removed", AS_OF), event("C1", "L1", "restored", AS_OF + dt.timedelta(microseconds=1))]
    assert status_rows([item()], events) == {("C1", "L1"): ("removed", "removed")}


def test_items_submitted_after_as_of_are_not_known():
    items = [item("C1", submitted_at=AS_OF), item("C2", submitted_at=AS_OF + dt.timedelta(microseconds=1))]
    assert status_rows(items, []) == {("C1", "L1"): (None, "submitted")}


def test_events_of_another_item_or_of_no_item_are_ignored():
    items = [item("C1", "L1"), item("C1", "L2"), storefront_item := item("C2", "", enforcement_type="storefront")]
    events = [
        event("C1", "L2", "removed", T0 + hours(1)),
        event("C2", "", "rejected", T0 + hours(1)),
        event("C404", "L1", "removed", T0 + hours(1)),  # orphan: no such complaint
        event("C2", "L1", "removed", T0 + hours(1)),    # orphan: C2 is a storefront complaint
    ]
    assert storefront_item["listing_id"] == ""
    assert status_rows(items, events) == {
        ("C1", "L1"): (None, "submitted"),
        ("C1", "L2"): ("removed", "removed"),
        ("C2", ""): ("rejected", "rejected"),
    }


def test_an_unknown_event_name_is_refused():
    with pytest.raises(ValueError, match="unknown event name"):
        status_rows([item()], [event("C1", "L1", "escalated", T0 + hours(1))])
