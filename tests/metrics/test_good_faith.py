"""Good-Faith standing: the 3-month window, the 90% and 5% thresholds and their edges, per reason."""

from __future__ import annotations

import datetime as dt

from metric_frames import event, facts, hours, item

from takedown.config import Settings
from takedown.metrics.good_faith import good_faith_standing, good_faith_summary
from takedown.metrics.periods import Period, good_faith_window, month_period

AS_OF = dt.datetime(2026, 10, 15)
WINDOW = good_faith_window(month_period("2026-09", "UTC"), "UTC", 3)  # July to September 2026


def outcome(number: int, name: str | None, *, account: str, reason: str = "counterfeit",
            submitted_at: dt.datetime = dt.datetime(2026, 8, 1), counter_notice: bool = False):
    """An item and its events: an optional counter-notice after 1 h, then `name` after 2 h."""
    complaint_id = f"C{number}"
    events = []
    if counter_notice:
        events.append(event(complaint_id, "L1", "counter_notice", submitted_at + hours(1)))
    if name:
        events.append(event(complaint_id, "L1", name, submitted_at + hours(2)))
    return item(complaint_id, account=account, reason=reason, submitted_at=submitted_at), events


def build(*outcomes):
    return facts([o[0] for o in outcomes], [e for o in outcomes for e in o[1]], as_of=AS_OF)


def test_a_takedown_rate_of_exactly_90_percent_is_in_good_standing_and_below_is_at_risk():
    # acct-a: 9 removed, 1 rejected = 0.90. acct-b: 8 removed, 1 rejected = 0.888...
    built = build(
        *(outcome(n, "removed", account="acct-a") for n in range(9)), outcome(9, "rejected", account="acct-a"),
        *(outcome(n, "removed", account="acct-b") for n in range(10, 18)), outcome(18, "rejected", account="acct-b"),
    )
    standing = {row["account"]: (row["takedown_rate"], row["at_risk"])
                for row in good_faith_standing(built, WINDOW).iter_rows(named=True)}
    assert standing == {"acct-a": (0.9, False), "acct-b": (8 / 9, True)}


def test_a_counter_notice_success_rate_of_exactly_5_percent_is_in_good_standing_and_above_is_at_risk():
    # acct-a: 1 restored after a counter-notice among 20 items = 0.05. acct-b: 1 among 19 = 0.0526...
    built = build(
        outcome(0, "restored", account="acct-a", counter_notice=True),
        *(outcome(n, "removed", account="acct-a") for n in range(1, 20)),
        outcome(20, "restored", account="acct-b", counter_notice=True),
        *(outcome(n, "removed", account="acct-b") for n in range(21, 39)),
    )
    standing = {row["account"]: (row["counter_notice_success_rate"], row["at_risk"])
                for row in good_faith_standing(built, WINDOW).iter_rows(named=True)}
    # Takedown rates: 19/20 = 0.95 and 18/19 = 0.947..., both above 90%: only the counter-notices decide.
    assert standing == {"acct-a": (0.05, False), "acct-b": (1 / 19, True)}


def test_one_reason_at_risk_puts_the_account_at_risk_though_its_overall_figures_hold():
    built = build(
        *(outcome(n, "removed", account="acct-a", reason="counterfeit") for n in range(18)),
        outcome(18, "removed", account="acct-a", reason="design copy"),
        outcome(19, "rejected", account="acct-a", reason="design copy"),
    )
    summary = good_faith_summary(built, WINDOW)
    assert summary == {
        "start": "2026-07-01T00:00:00Z", "end": "2026-10-01T00:00:00Z",
        "accounts": {"acct-a": {
            "takedown_rate": 19 / 20, "counter_notice_success_rate": 0.0, "at_risk": True,
            "by_reason": {
                "counterfeit": {"takedown_rate": 1.0, "counter_notice_success_rate": 0.0, "at_risk": False},
                "design copy": {"takedown_rate": 0.5, "counter_notice_success_rate": 0.0, "at_risk": True},
            },
        }},
    }


def test_a_null_rate_breaches_nothing():
    # Nothing decided yet: the takedown rate is null, the success rate 0.
    built = build(outcome(0, None, account="acct-a"), outcome(1, "counter_notice_rejected", account="acct-a"))
    assert good_faith_summary(built, WINDOW)["accounts"]["acct-a"] == {
        "takedown_rate": None, "counter_notice_success_rate": 0.0, "at_risk": False,
        "by_reason": {"counterfeit": {"takedown_rate": None, "counter_notice_success_rate": 0.0, "at_risk": False}},
    }


def test_only_the_window_s_items_count():
    built = build(
        outcome(0, "rejected", account="acct-a", submitted_at=dt.datetime(2026, 6, 30, 23, 59)),  # June: out
        outcome(1, "removed", account="acct-a", submitted_at=dt.datetime(2026, 7, 1)),            # July: in
        outcome(2, "rejected", account="acct-b", submitted_at=dt.datetime(2026, 10, 1)),          # October: out
    )
    assert {account: figures["takedown_rate"]
            for account, figures in good_faith_summary(built, WINDOW)["accounts"].items()} == {"acct-a": 1.0}


def test_thresholds_are_settings():
    built = build(*(outcome(n, "removed", account="acct-a") for n in range(4)),
                  outcome(4, "rejected", account="acct-a"))
    assert good_faith_standing(built, WINDOW).get_column("at_risk").to_list() == [True]  # 0.8 < 0.9
    lenient = Settings(good_faith_min_takedown_rate=0.8)
    assert good_faith_standing(built, WINDOW, lenient).get_column("at_risk").to_list() == [False]


def test_an_empty_window_has_no_accounts():
    empty_window = Period(dt.datetime(2020, 1, 1), dt.datetime(2020, 4, 1))
    built = build(outcome(0, "removed", account="acct-a"))
    assert good_faith_summary(built, empty_window) == {
        "start": "2020-01-01T00:00:00Z", "end": "2020-04-01T00:00:00Z", "accounts": {},
    }
