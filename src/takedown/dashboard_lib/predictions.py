"""The dashboard's predictions (issue 21), cached per store version and as-of: the model of the view's
as-of (the store's newest as of <= T, kept by `takedown train`; none kept: no probability, and the
pages say which command keeps one: training while a page renders takes minutes on a large store), the month's probabilities,
and the predicted high-risk backlog. The functions are takedown.prediction's; only the caching is here.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from takedown.dashboard_lib import state
from takedown.metrics.filters import Filters
from takedown.metrics.periods import Period
from takedown.prediction.model import Training


@st.cache_resource(show_spinner="Reading the model ...", max_entries=4)
def training(version: str, as_of: dt.datetime) -> Training:
    """The model every page of the store of `version` predicts with as of `as_of` (registry.stored_training)."""
    from takedown.prediction.registry import stored_training

    return stored_training(state.cursor(), as_of)


@st.cache_data(show_spinner="Predicting ...", max_entries=16)
def period_predictions(version: str, as_of: dt.datetime, period: Period,
                       filters: tuple[tuple[str, object], ...]) -> pl.DataFrame:
    """registry.predict_items of the items submitted in `period` (the view's filters and scope), without their words."""
    from takedown.prediction.registry import predict_items

    _, predictions = predict_items(state.cursor(), as_of, period.start, period.end, Filters(**dict(filters)),
                                   training(version, as_of))
    return predictions.drop("words")


@st.cache_data(show_spinner="Predicting the backlog ...", max_entries=8)
def predicted_backlog(version: str, as_of: dt.datetime, timezone: str,
                      filters: tuple[tuple[str, object], ...]) -> pl.DataFrame:
    """The view's high-risk backlog ranked by expected value removed (prediction.backlog.predicted_backlog)."""
    from takedown.prediction.backlog import predicted_backlog as rank

    # The backlog is a whole-store queue, read from the unreported listings and their sellers' items only.
    backlog = state.narrowed("action_queue", version, as_of, timezone, filters, "high_risk_backlog")
    return rank(state.cursor(), backlog, as_of, training(version, as_of))


def view_key(loaded: state.Loaded) -> tuple[str, dt.datetime, str, tuple[tuple[str, object], ...]]:
    """(version, as_of, timezone, filters within the viewer's scope) of the loaded view: these functions' keys."""
    return loaded.version, loaded.as_of, loaded.timezone, loaded.filters


def with_expected_rate(loaded: state.Loaded, period: Period, projection: pl.DataFrame) -> tuple[pl.DataFrame, str]:
    """The Good-Faith page's projection (dashboard_data.good_faith_projection) with the expected takedown
    rate and its interval beside the worst case (prediction.expected.with_expected_takedown_rate of the
    window's items), and the sentence naming the model or why there is none (the columns are then null)."""
    from takedown.metrics.kpis import cohort
    from takedown.metrics.snapshot import plain
    from takedown.prediction.expected import EXPECTED_COLUMNS, with_expected_takedown_rate
    from takedown.prediction.summary import describe_model_briefly

    version, as_of, _, filters = view_key(loaded)
    window = loaded.snapshot.good_faith_window(period)
    model = training(version, as_of)
    probabilities = None if model.model is None else period_predictions(version, as_of, window, filters)
    expected = with_expected_takedown_rate(projection, cohort(plain(loaded.snapshot.facts), window), probabilities)
    columns = projection.columns
    at = columns.index("worst_takedown_rate") + 1
    return expected.select(*columns[:at], *EXPECTED_COLUMNS, *columns[at:]), describe_model_briefly(model)
