"""Words and tables about a model for the terminal and the pages: what was trained, and how well."""

from __future__ import annotations

import polars as pl

from takedown.prediction.model import Training

# Rows `takedown predict` shows on a terminal (--json or --out for all).
SHOWN_PREDICTION_ROWS = 20
PREDICTION_COLUMNS = ("complaint_id", "listing_id", "probability", "status")


def describe_training(training: Training) -> str:
    """One sentence: the model's training window and its scores on the later items, or why there is none."""
    if training.model is None:
        return training.unavailable or "No prediction: no model."
    scores, windows, counts = training.scores, training.windows, training.counts
    kept = f"model {training.model_id} of the store" if training.model_id else "trained now, in memory"
    return (f"Model as of {training.as_of:%Y-%m-%d %H:%M} UTC ({kept}): fitted on {counts.get('fit', 0):,} items submitted "
            f"from {windows['fit']:%Y-%m-%d}, calibrated ({training.calibration_method}) on "
            f"{counts.get('calibration', 0):,} from {windows['calibration']:%Y-%m-%d}, checked on "
            f"{counts.get('check', 0):,} from {windows['check']:%Y-%m-%d}: Brier {scores['brier']:.4f} "
            f"(base rate {scores['brier_base_rate']:.4f}, account-by-reason rate {scores['brier_account_reason']:.4f}), "
            f"log loss {scores['log_loss']:.4f} (base rate {scores['log_loss_base_rate']:.4f}, "
            f"account-by-reason {scores['log_loss_account_reason']:.4f}), "
            f"expected calibration error {scores['expected_calibration_error']:.4f}.")


def describe_model_briefly(training: Training) -> str:
    """Half a sentence for a page that uses the probabilities: which model, and its Brier score
    against the base rate's on the items it was checked on; or why there is none."""
    if training.model is None:
        return training.unavailable or "No prediction: no model."
    kept = f"model {training.model_id} of the store" if training.model_id else "trained now"
    scores = training.scores
    return (f"Probabilities from the model as of {training.as_of:%Y-%m-%d %H:%M} UTC ({kept}): Brier score "
            f"{scores['brier']:.4f} against the base rate's {scores['brier_base_rate']:.4f} on the "
            f"{training.counts.get('check', 0):,} latest decided items.")


def prediction_rows(predictions: pl.DataFrame) -> pl.DataFrame:
    """The rows SPEC 4 gives `takedown predict`: complaint_id, listing_id, probability, status."""
    return predictions.select(PREDICTION_COLUMNS)


def probabilities_by(predictions: pl.DataFrame, column: str) -> pl.DataFrame:
    """Per value of `column` (platform, reason...): items, mean probability, expected removals."""
    return (predictions.group_by(column)
            .agg(pl.len().alias("items"), pl.col("probability").mean().alias("mean_probability"),
                 pl.col("probability").sum().alias("expected_removed"))
            .sort("items", column, descending=[True, False]))
