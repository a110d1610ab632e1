"""Model: how far the predicted probabilities of removal can be trusted (issue 21). Layout only."""

import streamlit as st

from takedown.dashboard_lib import predictions as predicted
from takedown.dashboard_lib import state
from takedown.metrics.periods import month_period
from takedown.prediction.charts import reliability_figure, reliability_frame
from takedown.prediction.summary import describe_training, probabilities_by


def render_scores(training: predicted.Training) -> None:
    """The model's training window, scores and reliability diagram (store-wide figures)."""
    st.caption(describe_training(training))
    scores = training.scores
    st.subheader(f"On the {training.counts['check']:,} latest decided items (never fitted on)")
    brier, log_loss, calibration = st.columns(3)
    brier.metric("Brier score (lower is better)", f"{scores['brier']:.4f}", border=True,
                 help=f"base rate {scores['brier_base_rate']:.4f}; account-by-reason rate "
                      f"{scores['brier_account_reason']:.4f}")
    brier.caption(f"base rate {scores['brier_base_rate']:.4f} · account-by-reason {scores['brier_account_reason']:.4f}")
    log_loss.metric("log loss (lower is better)", f"{scores['log_loss']:.4f}", border=True)
    log_loss.caption(f"base rate {scores['log_loss_base_rate']:.4f} · account-by-reason "
                     f"{scores['log_loss_account_reason']:.4f}")
    calibration.metric("expected calibration error", f"{scores['expected_calibration_error']:.4f}", border=True)
    calibration.caption("ten bins; 0 is perfectly calibrated")
    st.plotly_chart(reliability_figure(reliability_frame(training.reliability)), width="stretch")


def render(loaded: state.Loaded) -> None:
    version, as_of, timezone, filters = predicted.view_key(loaded)
    training = predicted.training(version, as_of)
    if training.model is None:
        st.info(training.unavailable or "No prediction.")
        return
    scope = state.viewer_scope()
    if scope is None or scope.everything:
        render_scores(training)
    else:
        # The model is fitted and checked on every brand's items: its scores and counts are store-wide figures.
        st.info("The model's scores and reliability diagram are measured on every brand's items, so they are "
                "shown to viewers who see every brand and account; below are the probabilities of your items.")
    st.subheader(f"Probabilities of the items submitted in {loaded.month}")
    predictions = predicted.period_predictions(version, as_of, month_period(loaded.month, timezone), filters)
    if predictions.is_empty():
        st.info("No complaint item was submitted in this month.")
        return
    left, right = st.columns(2)
    with left:
        st.caption("per platform")
        state.table(probabilities_by(predictions, "platform"), "probabilities-by-platform", key="model-platform",
                    column_config=PROBABILITY_COLUMNS)
    with right:
        st.caption("per reason")
        state.table(probabilities_by(predictions, "reason"), "probabilities-by-reason", key="model-reason",
                    column_config=PROBABILITY_COLUMNS)


# Shown rounded (the downloads keep every digit): a sum of probabilities is an expected count.
PROBABILITY_COLUMNS = {
    "mean_probability": st.column_config.NumberColumn("mean probability", format="%.2f"),
    "expected_removed": st.column_config.NumberColumn("expected removed", format="%.1f"),
}

state.live("Model", render, reads="none")
