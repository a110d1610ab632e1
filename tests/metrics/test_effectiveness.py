"""Complaint effectiveness: rates per combination, Wilson intervals, and what does markedly worse."""

from __future__ import annotations

import datetime as dt

import pytest
from metric_frames import T0, event, facts, hours, item

from takedown.metrics.effectiveness import complaint_effectiveness
from takedown.metrics.periods import Period

WINDOW = Period(T0 - dt.timedelta(days=1), T0 + dt.timedelta(days=1))


def _items(platform: str, removed: int, rejected: int, reason: str = "counterfeit"):
    rows, events = [], []
    for number in range(removed + rejected):
        complaint = f"{platform}-{reason}-{number}"
        rows.append(item(complaint, "L", platform=platform, reason=reason))
        events.append(event(complaint, "L", "removed" if number < removed else "rejected", T0 + hours(2)))
    return rows, events


def _effectiveness():
    rows, events = [], []
    for part in (_items("taobao", 20, 0), _items("lazada", 2, 8), _items("tmall", 0, 1)):
        rows += part[0]
        events += part[1]
    table = complaint_effectiveness(facts(rows, events), WINDOW)
    return {row["platform"]: row for row in table.to_dicts()}


def test_rates_and_wilson_intervals_per_combination():
    lazada = _effectiveness()["lazada"]
    assert (lazada["decided"], lazada["removed"]) == (10, 2)
    assert lazada["takedown_rate"] == pytest.approx(0.2)
    # Wilson 95% for 2 of 10, by hand: centre 0.28326, half-width 0.22658.
    assert lazada["takedown_rate_low"] == pytest.approx(0.0567, abs=1e-4)
    assert lazada["takedown_rate_high"] == pytest.approx(0.5098, abs=1e-4)
    assert lazada["account_takedown_rate"] == pytest.approx(22 / 31)


def test_a_combination_is_markedly_worse_only_when_its_whole_interval_is_below_the_account():
    table = _effectiveness()
    assert table["lazada"]["markedly_worse"] is True
    assert table["taobao"]["markedly_worse"] is False
    # One rejection of one: a 0% rate, but its interval (0 to 79%) reaches past the account's 71%.
    assert table["tmall"]["takedown_rate"] == 0.0
    assert table["tmall"]["takedown_rate_high"] > table["tmall"]["account_takedown_rate"]
    assert table["tmall"]["markedly_worse"] is False
