"""The model: it learns what the outcome depends on, is calibrated on later items, and says when it cannot."""

from __future__ import annotations

import datetime as dt

import polars as pl
from prediction_stores import START, program, store_from

from takedown.prediction.features import decided_label, load_filing_features
from takedown.prediction.model import MIN_DECIDED_ITEMS, expected_calibration_error, reliability_bins, score
from takedown.prediction.registry import predict_items, train_as_of

LATER = dt.datetime(2027, 1, 1)


def test_a_model_trained_before_t_beats_the_base_rate_on_later_items_and_is_calibrated():
    """The outcome depends on the reason (92% against 45% removed): on the items filed after T,
    predicted as of T, the Brier score clearly beats the base rate's, and ECE (ten bins) < 0.05."""
    items, events, listings, rights = program(10000, seed=11)
    con = store_from(items, events, listings, rights)
    as_of = START + dt.timedelta(days=280)
    training = train_as_of(con, as_of)
    assert training.model is not None and training.unavailable is None
    assert training.windows["check_until"] <= as_of  # trained on nothing submitted after T
    _, later = predict_items(con, as_of, as_of, LATER, training=training)
    outcome = load_filing_features(con, LATER, as_of, LATER).select(
        "item_id", decided_label(pl.col("status")).alias("label"))
    checked = later.join(outcome, on="item_id").filter(pl.col("label").is_not_null())
    assert checked.height > 2500
    history = load_filing_features(con, as_of, until=as_of).with_columns(
        decided_label(pl.col("status")).alias("label")).filter(pl.col("label").is_not_null())
    scores, _ = score(checked, checked.get_column("probability").to_numpy(), history)
    assert scores["brier"] < 0.85 * scores["brier_base_rate"]
    assert scores["expected_calibration_error"] < 0.05
    # The scores kept with the model were measured on its own latest slice, before T.
    assert training.scores["brier"] < training.scores["brier_base_rate"]


def test_too_few_decided_items_give_a_sentence_and_no_probability():
    items, events, listings, rights = program(MIN_DECIDED_ITEMS - 20, seed=2)
    con = store_from(items, events, listings, rights)
    training, predictions = predict_items(con, LATER, START, LATER)
    assert training.model is None
    assert training.unavailable.startswith("No prediction: the store holds 180 decided items")
    assert predictions.height == items.height
    assert predictions.get_column("probability").null_count() == items.height


def test_one_outcome_only_gives_no_model():
    items, events, listings, rights = program(600, seed=4, removed_share={"a": 1.0, "b": 1.0})
    removed_only = events.filter(pl.col("event") == "removed")  # no restoration either
    training = train_as_of(store_from(items, removed_only, listings, rights), LATER)
    assert training.model is None and "not removed" in training.unavailable


def test_expected_calibration_error_weighs_each_bin_by_its_items():
    import numpy as np

    outcome = np.array([1, 1, 0, 0, 1, 1, 1, 1, 1, 0])
    probability = np.array([0.15, 0.15, 0.15, 0.15, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95])
    bins = reliability_bins(outcome, probability)
    assert [entry["items"] for entry in bins] == [4, 6]
    # Bin 0.1-0.2: predicted 0.15, observed 0.5; bin 0.9-1.0: predicted 0.95, observed 5/6.
    assert abs(expected_calibration_error(bins) - (0.4 * 0.35 + 0.6 * abs(0.95 - 5 / 6))) < 1e-12


def test_a_feature_without_any_value_in_the_fit_slice_does_not_stop_the_model():
    """A store whose fit slice holds no value of a numeric feature (no listing priced among enough peers,
    say) still trains: the booster cannot bin an empty column, so the model gives it a constant."""
    from takedown.prediction.model import train_model

    items, events, listings, rights = program(1500, seed=5)
    con = store_from(items, events, listings, rights)
    features = load_filing_features(con, LATER, until=LATER)
    emptied = features.with_columns(pl.lit(None, dtype=pl.Float64).alias("price_robust_z"))
    training = train_model(emptied, LATER)
    assert training.model is not None, training.unavailable
    assert training.model.absent  # the emptied column, given as a constant
    assert 0 <= training.model.probabilities(emptied).min() <= training.model.probabilities(emptied).max() <= 1
