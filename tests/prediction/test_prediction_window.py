"""Bounded training: the model learns from a trailing window of items, whose features still count the
whole history before it (the event streams start at the window, the earlier events summed once)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import polars as pl
import pytest
from prediction_stores import program, store_from

from takedown.config import DEFAULT_SETTINGS
from takedown.prediction.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES, decided_label, load_filing_features
from takedown.prediction.registry import latest_training, save_training, train_as_of, training_window_start

FEATURES = ["item_id", *CATEGORICAL_FEATURES, *NUMERIC_FEATURES, "title", "price", "words", "status"]
LATER = dt.datetime(2027, 1, 1)


@pytest.mark.parametrize("seed", [2, 7, 11])
def test_the_features_of_a_span_of_items_equal_those_of_the_whole_history(seed):
    """The streams cut at a span's first filing give each item of the span the features computed
    over the whole history (the whole store's load starts at its first item: nothing to cut), for
    random spans, as of random T (before, inside and after the span)."""
    rng = np.random.default_rng(seed)
    items, events, listings, rights = program(300, seed=seed)
    con = store_from(items, events, listings, rights)
    submitted = items.get_column("submitted_at")
    for _ in range(4):
        first = int(rng.integers(60, 260))
        last = first + int(rng.integers(20, 300 - first))
        since, until = submitted[first], submitted[last]
        for as_of in (submitted[int(rng.integers(first // 2, 300))], LATER):
            span = load_filing_features(con, as_of, since, until).select(FEATURES).sort("item_id")
            whole = (load_filing_features(con, as_of)
                     .filter(pl.col("submitted_at").is_between(since, until, closed="left"))
                     .select(FEATURES).sort("item_id"))
            assert span.height == last - first
            # The span's first items have a history from before it, in both streams.
            assert span.head(10).get_column("seller_removals").sum() > 0
            assert span.head(10).get_column("account_reason_removals_90d").sum() > 0
            assert span.to_dicts() == whole.to_dicts(), f"span [{since}, {until}) as of {as_of}"


def _window_store():
    items, events, listings, rights = program(700, seed=4)
    return items, store_from(items, events, listings, rights)


def test_the_model_trains_on_the_decided_items_of_its_window_only():
    items, con = _window_store()
    settings = dataclasses.replace(DEFAULT_SETTINGS, training_window_items=300)
    as_of = items.get_column("submitted_at")[650]
    start = training_window_start(con, as_of, settings)
    # The 300th latest item submitted by T (items 351..650).
    assert start == items.get_column("submitted_at")[351]
    window = (load_filing_features(con, as_of, since=start, until=as_of + dt.timedelta(microseconds=1))
              .with_columns(decided_label(pl.col("status")).alias("label")).drop_nulls("label"))
    before = load_filing_features(con, as_of, until=start).with_columns(decided_label(pl.col("status")).alias("label"))
    assert before.get_column("label").drop_nulls().len() > 300  # decided items before the window exist ...
    training = train_as_of(con, as_of, settings=settings)
    assert training.model is not None
    assert training.decided_items == window.height  # ... and are not trained on
    assert training.removed_items == window.get_column("label").sum()
    assert training.windows["fit"] == window.get_column("submitted_at").min() >= start
    # A store holding fewer items than the window: every item decided by T.
    whole = train_as_of(con, as_of)
    assert training_window_start(con, as_of) is None
    assert whole.decided_items == window.height + before.get_column("label").drop_nulls().len()


def test_the_kept_model_names_its_window():
    _, con = _window_store()
    settings = dataclasses.replace(DEFAULT_SETTINGS, training_window_items=300)
    training = train_as_of(con, LATER, settings=settings)
    save_training(con, training)
    kept = latest_training(con, LATER)
    assert kept is not None and kept.model_id == training.model_id
    start = training_window_start(con, LATER, settings)
    assert kept.windows["fit"] == start  # every item of the window is decided by then
    assert kept.windows == training.windows and kept.counts == training.counts
    assert sum(kept.counts.values()) == kept.decided_items == 300
