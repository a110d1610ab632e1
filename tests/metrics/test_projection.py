"""The Good-Faith projection on a hand-computed window: best, worst and the removals needed."""

from __future__ import annotations

import datetime as dt

import pytest
from metric_frames import T0, event, facts, hours, item

from takedown.metrics.periods import Period
from takedown.metrics.projection import (
    OUT_OF_REACH,
    good_faith_projection,
    removals_needed_text,
    with_removals_needed_text,
)

WINDOW = Period(T0 - dt.timedelta(days=1), T0 + dt.timedelta(days=1))


def _account(account: str, removed: int = 0, rejected_after_counter_notice: int = 0, rejected: int = 0,
             restored: int = 0, waiting: int = 0, counter_noticed: int = 0):
    items, events = [], []
    def add(kind: str, count: int, names: tuple[str, ...]) -> None:
        for number in range(count):
            complaint = f"{account}-{kind}-{number}"
            items.append(item(complaint, "L", account=account))
            events.extend(event(complaint, "L", name, T0 + hours(1 + position)) for position, name in enumerate(names))
    add("removed", removed, ("removed",))
    add("cn-rejected", rejected_after_counter_notice, ("counter_notice", "rejected"))
    add("rejected", rejected, ("rejected",))
    add("restored", restored, ("removed", "restored"))
    add("waiting", waiting, ())
    add("counter-noticed", counter_noticed, ("counter_notice",))
    return items, events


def _projection():
    rows, events = [], []
    for account in (_account("acct-a", removed=6, rejected_after_counter_notice=1, restored=1, waiting=1,
                             counter_noticed=1),
                    _account("acct-b", removed=17, rejected=1, waiting=2),
                    _account("acct-c", removed=62, waiting=8)):
        rows += account[0]
        events += account[1]
    return {row["account"]: row for row in good_faith_projection(facts(rows, events), WINDOW).to_dicts()}


def test_an_account_that_cannot_reach_90_percent_even_if_every_pending_item_is_removed():
    a = _projection()["acct-a"]
    # 10 items: 6 removed, 1 rejected after a successful counter-notice, 1 restored, 2 pending.
    assert (a["submitted"], a["removed"], a["rejected"], a["restored"], a["pending"]) == (10, 6, 1, 1, 2)
    assert a["takedown_rate"] == pytest.approx(6 / 8)
    assert a["best_takedown_rate"] == pytest.approx(8 / 10)
    assert a["worst_takedown_rate"] == pytest.approx(6 / 10)
    assert a["removals_needed"] is None  # 9 of 10 needed, 6 + 2 at most
    assert a["can_stay_in_good_faith"] is False
    assert a["counter_notice_success_rate"] == pytest.approx(1 / 10)
    assert a["best_counter_notice_success_rate"] == pytest.approx(1 / 10)
    assert a["worst_counter_notice_success_rate"] == pytest.approx(3 / 10)
    assert a["counter_notice_headroom"] == -1  # 5% of 10 allows none; one already succeeded


def test_an_account_that_needs_one_of_its_two_pending_items_removed():
    b = _projection()["acct-b"]
    assert b["takedown_rate"] == pytest.approx(17 / 18)
    assert b["best_takedown_rate"] == pytest.approx(19 / 20)
    assert b["worst_takedown_rate"] == pytest.approx(17 / 20)
    assert b["removals_needed"] == 1  # 18 of 20 is 90%
    assert b["can_stay_in_good_faith"] is True
    assert b["counter_notice_headroom"] == 1


def test_removals_needed_is_not_thrown_off_by_float_rounding():
    c = _projection()["acct-c"]
    # 0.9 x 70 is 63.000000000000014 in floats: 63 removals make 90%, so one more is needed, not two.
    assert (c["removed"], c["pending"]) == (62, 8)
    assert c["removals_needed"] == 1
    assert c["takedown_rate"] == pytest.approx(1.0)
    assert c["worst_takedown_rate"] == pytest.approx(62 / 70)


def test_removals_needed_reads_out_of_reach_when_null_and_a_count_otherwise():
    assert removals_needed_text(None) == OUT_OF_REACH == "out of reach"
    assert removals_needed_text(0) == "0"
    assert removals_needed_text(1234) == "1,234"
    frame = with_removals_needed_text(good_faith_projection(facts(*_account("acct-a", removed=6, rejected=4,
                                                                                   waiting=1)), WINDOW))
    assert frame.get_column("removals_needed_text").to_list() == [OUT_OF_REACH]


def test_a_reasons_projection_counts_only_its_own_pending_items():
    counterfeit = _account("acct-a", removed=8, rejected=1, waiting=1)
    design = _account("acct-d", removed=1, rejected=1, waiting=3)
    rows = counterfeit[0] + [{**row, "account": "acct-a", "reason": "design"} for row in design[0]]
    events = counterfeit[1] + design[1]
    by_reason = {row["reason"]: row for row in good_faith_projection(facts(rows, events), WINDOW,
                                                                     by=("account", "reason")).to_dicts()}
    account = good_faith_projection(facts(rows, events), WINDOW).row(0, named=True)
    assert account["pending"] == 4
    own = by_reason["design"]
    assert (own["pending"], own["best_takedown_rate"], own["removals_needed"]) == (3, pytest.approx(4 / 5), None)
    other = next(row for reason, row in by_reason.items() if reason != "design")
    assert (other["pending"], other["best_takedown_rate"], other["removals_needed"]) == (1, pytest.approx(9 / 10), 1)
