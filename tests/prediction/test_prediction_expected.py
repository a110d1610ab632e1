"""The expected takedown rate's interval: a Poisson-binomial, checked on hand-made cases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from takedown.prediction import expected
from takedown.prediction.expected import expected_takedown_rate, removal_count_distribution, removal_count_interval


def test_the_distribution_of_removals_matches_enumerating_every_outcome():
    probabilities = np.array([0.9, 0.5, 0.2, 0.7])
    by_count = np.zeros(5)
    for outcome in itertools.product([0, 1], repeat=4):
        chance = np.prod([p if o else 1 - p for p, o in zip(probabilities, outcome, strict=True)])
        by_count[sum(outcome)] += chance
    assert np.allclose(removal_count_distribution(probabilities), by_count)


def test_the_interval_of_two_sure_and_two_coin_flips():
    # K = 2 + Binomial(2, 0.5): P = 1/4, 1/2, 1/4 on 2, 3, 4; the central 90% is [2, 4], 40% is [3, 3].
    probabilities = np.array([1.0, 1.0, 0.5, 0.5])
    assert removal_count_interval(probabilities, 0.9) == (2, 4)
    assert removal_count_interval(probabilities, 0.4) == (3, 3)
    rate = expected_takedown_rate(removed=6, decided=6, pending_probabilities=probabilities, level=0.9)
    assert rate.expected_removals == 3.0
    assert rate.expected_takedown_rate == pytest.approx(9 / 10)
    assert (rate.takedown_rate_low, rate.takedown_rate_high) == (pytest.approx(8 / 10), pytest.approx(10 / 10))


def test_nothing_decided_or_pending_has_no_rate():
    assert expected_takedown_rate(0, 0, np.array([])).expected_takedown_rate is None


def test_the_normal_approximation_agrees_with_the_exact_interval_on_many_items(monkeypatch):
    probabilities = np.random.default_rng(1).uniform(0.6, 0.99, 1500)
    exact = removal_count_interval(probabilities)
    monkeypatch.setattr(expected, "EXACT_MAX_ITEMS", 10)
    approximate = removal_count_interval(probabilities)
    assert abs(exact[0] - approximate[0]) <= 1 and abs(exact[1] - approximate[1]) <= 1


def test_a_window_s_expected_rate_adds_its_pending_items_probabilities_to_its_removals():
    import datetime as dt

    import polars as pl
    from prediction_stores import START, program, store_from

    from takedown.prediction.expected import expected_takedown_rates
    from takedown.prediction.registry import predict_items

    items, events, listings, rights = program(1200, seed=6)
    con = store_from(items, events, listings, rights)
    as_of = START + dt.timedelta(days=300)
    # The window's last items are still pending at T (decided 30 hours after filing).
    _, predictions = predict_items(con, as_of, as_of - dt.timedelta(days=60), as_of)
    rates = expected_takedown_rates(predictions, predictions)
    assert rates.get_column("pending").sum() > 0
    for row in rates.iter_rows(named=True):
        mine = predictions.filter(pl.col("account") == row["account"])
        pending = mine.filter(pl.col("status").is_in(["submitted", "counter_noticed"])).get_column("probability")
        expected_rate = (row["removed"] + pending.sum()) / (row["decided"] + pending.len())
        assert row["expected_takedown_rate"] == pytest.approx(expected_rate)
        assert row["low_expected_takedown_rate"] <= row["expected_takedown_rate"] <= row["high_expected_takedown_rate"]


def test_the_projection_gains_the_expected_rate_of_its_window_between_worst_and_best():
    import datetime as dt

    import polars as pl

    from takedown.metrics.periods import Period
    from takedown.prediction.expected import with_expected_takedown_rate

    # acct-a: 6 removed, 2 rejected, 2 pending at 0.5 each; acct-b: 1 removed, 1 pending without a probability.
    when = dt.datetime(2026, 9, 10)
    statuses = {"acct-a": ["removed"] * 6 + ["rejected"] * 2 + ["submitted", "counter_noticed"],
                "acct-b": ["removed", "submitted"]}
    facts = pl.DataFrame([
        {"complaint_id": f"{account}-{index}", "listing_id": "L", "account": account, "status": status,
         "submitted_at": when}
        for account, rows in statuses.items() for index, status in enumerate(rows)])
    probabilities = pl.DataFrame({"complaint_id": ["acct-a-8", "acct-a-9"], "listing_id": ["L", "L"],
                                  "probability": [0.5, 0.5]})
    window = Period(dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1))
    projection = pl.DataFrame({"account": ["acct-a", "acct-b"], "best_takedown_rate": [0.8, 1.0],
                               "worst_takedown_rate": [0.6, 0.5]})
    shown = with_expected_takedown_rate(projection, facts.filter(pl.col("submitted_at") >= window.start),
                                        probabilities)
    a, b = shown.to_dicts()
    # K ~ Binomial(2, 0.5): E = 1, the central 90% [0, 2]: rate 7/10, interval 6/10 to 8/10 (worst to best).
    assert a["expected_takedown_rate"] == pytest.approx(0.7)
    assert (a["low_expected_takedown_rate"], a["high_expected_takedown_rate"]) == (pytest.approx(0.6), pytest.approx(0.8))
    assert b["expected_takedown_rate"] is None and b["low_expected_takedown_rate"] is None
