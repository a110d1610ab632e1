"""The success model: trained on the items decided by T, split by time, calibrated, scored honestly.

Why this model. `HistGradientBoostingClassifier` takes the categorical columns (platform, account,
reason, right...) natively and missing values as they come (an item without a listing, a right
without an expiry), learns the interactions that matter here (an account slipping on one reason, an
expired right on one platform) without our writing them, and fits a million rows in seconds. Its
scores are not probabilities, so `CalibratedClassifierCV` maps them onto observed frequencies on a
later slice of time than the one it was fitted on (isotonic when that slice holds enough items,
else Platt's sigmoid), and the scores are measured on a third, latest slice nobody fitted on.

The split is by submission time, never random: fit on the oldest 60% of the decided items,
calibrate on the next 20%, check on the latest 20%. So the check asks what a user asks: does a
model built on the past predict the items filed after it?
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from takedown.prediction.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES, decided_label

# Fewer decided items than this (by T), or fewer than MIN_CLASS_ITEMS removed or not removed: no
# model, no probability (a probability from a handful of outcomes would be made up).
MIN_DECIDED_ITEMS = 200
MIN_CLASS_ITEMS = 20
# The time split of the decided items (oldest first): fit, calibrate, check.
FIT_SHARE = 0.6
CALIBRATION_SHARE = 0.2
# Isotonic calibration needs this many items on its slice to be smoother than noise; else sigmoid.
ISOTONIC_MIN_ITEMS = 1000
# A title word becomes an indicator feature when at least this many fitted items carry it ...
WORD_MIN_ITEMS = 30
# ... keeping the words whose items' removal rate departs most from the rest (by evidence).
WORD_COUNT = 24
# A categorical column keeps its most frequent levels: HistGradientBoosting takes at most 255 bins.
MAX_LEVELS = 250
# Boosting rounds at most (early stopping usually ends sooner).
MAX_TREES = 400
# Threads scikit-learn's OpenMP loops may use. One: on a shared machine (2 cores, many processes)
# OpenMP's spinning threads made a 30k-item fit take 40 s instead of 1.6 s; one thread is fast enough.
THREADS = 1
# Reliability diagram and expected calibration error: ten equal-width bins of probability.
CALIBRATION_BINS = 10
# Log loss of a probability of exactly 0 or 1 that turns out wrong is infinite: clip this far in.
PROBABILITY_FLOOR = 1e-6
# Prior weight (in items) of the base rate in the account-by-reason historical rate.
ACCOUNT_REASON_PRIOR_ITEMS = 1.0


@dataclass
class FittedModel:
    """The calibrated estimator with the encodings of its inputs (what the store keeps)."""

    estimator: object
    levels: dict[str, list[str]]
    words: list[str]
    # Inputs with no value at all in the fit slice (e.g. no listing priced among 20 peers): given as a
    # constant 0, which carries no information, since the booster cannot bin a column without values.
    absent: tuple[int, ...] = ()

    @property
    def feature_names(self) -> list[str]:
        return [*CATEGORICAL_FEATURES, *NUMERIC_FEATURES, *(f"word:{word}" for word in self.words)]

    def matrix(self, features: pl.DataFrame) -> np.ndarray:
        """The estimator's input: categories as codes (unknown levels missing), numbers, word flags."""
        columns = [
            features.get_column(name).cast(pl.String).replace_strict(
                self.levels[name], list(range(len(self.levels[name]))), default=None, return_dtype=pl.Float64)
            for name in CATEGORICAL_FEATURES
        ]
        columns += [features.get_column(name).cast(pl.Float64) for name in NUMERIC_FEATURES]
        words = features.get_column("words")
        columns += [words.list.contains(word).cast(pl.Float64) for word in self.words]
        matrix = np.column_stack([column.fill_null(float("nan")).to_numpy().astype(np.float64) for column in columns])
        if self.absent:
            matrix[:, list(self.absent)] = 0.0
        return matrix

    def probabilities(self, features: pl.DataFrame) -> np.ndarray:
        """The probability that each item ends removed."""
        from threadpoolctl import threadpool_limits

        if features.height == 0:
            return np.zeros(0)
        with threadpool_limits(THREADS):
            return self.estimator.predict_proba(self.matrix(features))[:, 1]  # type: ignore[attr-defined]


@dataclass
class Training:
    """A training run as of T: the model (None when too few decided items), why not, and its scores."""

    as_of: dt.datetime
    trained_at: dt.datetime
    model: FittedModel | None
    unavailable: str | None
    decided_items: int
    removed_items: int
    windows: dict[str, dt.datetime | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)
    reliability: list[dict[str, float | int]] = field(default_factory=list)
    calibration_method: str | None = None
    model_id: str | None = None  # its id in the store's prediction_models; None when trained in memory


def train_model(features: pl.DataFrame, as_of: dt.datetime, trained_at: dt.datetime | None = None) -> Training:
    """Fit, calibrate and check a model on the items of `features` decided by `as_of` (their `status`).

    `features`: load_filing_features' frame (items submitted by as_of: later ones are ignored).
    """
    from takedown.metrics.periods import utc_now

    trained_at = trained_at or utc_now()
    decided = (features.filter(pl.col("submitted_at") <= as_of)
               .with_columns(decided_label(pl.col("status")).alias("label"))
               .filter(pl.col("label").is_not_null())
               .sort("submitted_at", "item_id"))
    removed = int(decided.get_column("label").sum() or 0)
    training = Training(as_of=as_of, trained_at=trained_at, model=None, unavailable=None,
                        decided_items=decided.height, removed_items=removed)
    why = _too_few(decided.height, removed)
    if why is None:
        fit_end = int(decided.height * FIT_SHARE)
        calibration_end = int(decided.height * (FIT_SHARE + CALIBRATION_SHARE))
        slices = {"fit": decided[:fit_end], "calibration": decided[fit_end:calibration_end],
                  "check": decided[calibration_end:]}
        why = next((f"its {name} slice ({part.height:,} items) does not hold both outcomes"
                    for name, part in slices.items() if part.get_column("label").n_unique() < 2), None)
    if why is not None:
        training.unavailable = (f"No prediction: the store holds {decided.height:,} decided items by "
                                f"{as_of:%Y-%m-%d %H:%M} UTC ({removed:,} removed); {why}.")
        return training
    from threadpoolctl import threadpool_limits

    with threadpool_limits(THREADS):
        _fit(training, slices)
    return training


def _too_few(decided: int, removed: int) -> str | None:
    if decided < MIN_DECIDED_ITEMS:
        return f"a model needs at least {MIN_DECIDED_ITEMS:,}"
    if min(removed, decided - removed) < MIN_CLASS_ITEMS:
        return f"a model needs at least {MIN_CLASS_ITEMS:,} removed and {MIN_CLASS_ITEMS:,} not removed"
    return None


def _fit(training: Training, slices: dict[str, pl.DataFrame]) -> None:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.frozen import FrozenEstimator

    fit, calibration, check = slices["fit"], slices["calibration"], slices["check"]
    levels = {name: _levels(fit.get_column(name)) for name in CATEGORICAL_FEATURES}
    model = FittedModel(estimator=None, levels=levels, words=indicator_words(fit))
    booster = HistGradientBoostingClassifier(
        categorical_features=[index < len(CATEGORICAL_FEATURES) for index in range(len(model.feature_names))],
        # Shallow trees on big leaves, stopped early on a held-out tenth: a program's outcomes are
        # mostly noise around a few effects, and a model that learns the noise is miscalibrated later.
        max_iter=MAX_TREES, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=max(40, fit.height // 200),
        l2_regularization=1.0, early_stopping=True, validation_fraction=0.1, n_iter_no_change=15, random_state=0)
    inputs = model.matrix(fit)
    model.absent = tuple(int(index) for index in np.flatnonzero(np.isnan(inputs).all(axis=0)))
    inputs[:, list(model.absent)] = 0.0  # as matrix() gives them from now on
    booster.fit(inputs, fit.get_column("label").to_numpy())
    method = "isotonic" if calibration.height >= ISOTONIC_MIN_ITEMS else "sigmoid"
    calibrated = CalibratedClassifierCV(FrozenEstimator(booster), method=method)
    calibrated.fit(model.matrix(calibration), calibration.get_column("label").to_numpy())
    model.estimator = calibrated
    training.model = model
    training.calibration_method = method
    training.windows = {name: part.get_column("submitted_at").min() for name, part in slices.items()}
    training.windows["check_until"] = check.get_column("submitted_at").max()
    training.counts = {name: part.height for name, part in slices.items()}
    history = pl.concat([fit, calibration])
    training.scores, training.reliability = score(check, model.probabilities(check), history)


def _levels(column: pl.Series) -> list[str]:
    counts = column.cast(pl.String).drop_nulls().value_counts(sort=True)
    return counts.get_column(column.name).head(MAX_LEVELS).to_list()


def indicator_words(fit: pl.DataFrame) -> list[str]:
    """Title words whose items' removal rate departs most from the rest's, among the frequent ones.

    Ranked by |rate with - rate without| x sqrt(items with): a large gap seen on many items first.
    Learned on the fit slice only (a word chosen by the items it is checked on would flatter it).
    """
    if fit.height == 0:
        return []
    total, removed = fit.height, int(fit.get_column("label").sum() or 0)
    per_word = (fit.select("words", "label").explode("words").drop_nulls("words")
                .group_by("words").agg(pl.len().alias("items"), pl.col("label").sum().alias("removed"))
                .filter((pl.col("items") >= WORD_MIN_ITEMS) & (pl.col("items") < total)))
    ranked = per_word.with_columns(
        ((pl.col("removed") / pl.col("items")
          - (removed - pl.col("removed")) / (total - pl.col("items"))).abs()
         * pl.col("items").sqrt()).alias("evidence"))
    return ranked.sort("evidence", "words", descending=[True, False]).head(WORD_COUNT).get_column("words").to_list()


def score(check: pl.DataFrame, probability: np.ndarray, history: pl.DataFrame
          ) -> tuple[dict[str, float | None], list[dict[str, float | int]]]:
    """Brier score and log loss of `probability` on the `check` items (their `label`), against two
    baselines learned on `history` (earlier decided items): the base rate, and the account-by-reason
    historical rate (the base rate where the pair has no history); the expected calibration error
    over CALIBRATION_BINS bins; and the reliability diagram's bins."""
    from sklearn.metrics import brier_score_loss, log_loss

    outcome = check.get_column("label").to_numpy().astype(int)
    base_rate = float(history.get_column("label").mean())  # type: ignore[arg-type]
    pair_rate = account_reason_rates(history, base_rate)
    baseline = (check.select("account", "reason").join(pair_rate, on=["account", "reason"], how="left",
                                                       maintain_order="left")
                .get_column("rate").fill_null(base_rate).to_numpy())
    base = np.full(outcome.shape[0], base_rate)

    def clipped(values: np.ndarray) -> np.ndarray:
        return np.clip(values, PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)

    scores: dict[str, float | None] = {
        "check_items": float(outcome.shape[0]),
        "check_removed_share": float(outcome.mean()),
        "base_rate": base_rate,
        "brier": float(brier_score_loss(outcome, probability)),
        "brier_base_rate": float(brier_score_loss(outcome, base)),
        "brier_account_reason": float(brier_score_loss(outcome, baseline)),
        "log_loss": float(log_loss(outcome, clipped(probability), labels=[0, 1])),
        "log_loss_base_rate": float(log_loss(outcome, clipped(base), labels=[0, 1])),
        "log_loss_account_reason": float(log_loss(outcome, clipped(baseline), labels=[0, 1])),
    }
    bins = reliability_bins(outcome, probability)
    scores["expected_calibration_error"] = expected_calibration_error(bins)
    return scores, bins


def account_reason_rates(history: pl.DataFrame, base_rate: float) -> pl.DataFrame:
    """Each (account, reason)'s removal rate over `history`'s labels, shrunk toward the base rate by
    ACCOUNT_REASON_PRIOR_ITEMS (a pair seen once is not certain). Columns account, reason, rate."""
    prior = ACCOUNT_REASON_PRIOR_ITEMS
    return (history.group_by("account", "reason")
            .agg(((pl.col("label").sum() + prior * base_rate) / (pl.len() + prior)).alias("rate")))


def reliability_bins(outcome: np.ndarray, probability: np.ndarray) -> list[dict[str, float | int]]:
    """The reliability diagram: per non-empty bin of predicted probability (CALIBRATION_BINS equal
    widths), the mean prediction, the observed removal share (sklearn's calibration_curve) and the items."""
    from sklearn.calibration import calibration_curve

    observed, predicted = calibration_curve(outcome, probability, n_bins=CALIBRATION_BINS, strategy="uniform")
    edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
    # The same bin membership as calibration_curve's (a probability on an edge goes to the lower bin).
    counts = np.bincount(np.searchsorted(edges[1:-1], probability), minlength=CALIBRATION_BINS)
    occupied = [index for index in range(CALIBRATION_BINS) if counts[index] > 0]
    return [{"bin_low": float(edges[index]), "bin_high": float(edges[index + 1]),
             "mean_probability": float(mean), "observed_share": float(share), "items": int(counts[index])}
            for index, mean, share in zip(occupied, predicted, observed, strict=True)]


def expected_calibration_error(bins: list[dict[str, float | int]]) -> float | None:
    """Sum over bins of (items in bin / items) x |mean probability - observed share|."""
    total = sum(int(entry["items"]) for entry in bins)
    if total == 0:
        return None
    return math.fsum(int(entry["items"]) / total * abs(float(entry["mean_probability"]) - float(entry["observed_share"]))
                     for entry in bins)
