"""Models kept in the store (table prediction_models): `takedown train` writes, readers pick.

A reader as of T uses the newest model trained as of <= T (its training saw nothing after T). When
the store keeps none, `takedown predict` trains one in memory (read-only commands never write the
store); the dashboard and the report use kept models only (stored_training: training one while a
page or a report renders takes minutes on a large store) and say which command keeps one. The model
is pickled: load only stores you trust, as with any file you open in Python.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle

import duckdb
import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.filters import Filters
from takedown.prediction.features import load_filing_features
from takedown.prediction.model import Training, train_model
from takedown.sql import load_query

TABLE = "prediction_models"


def train_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, trained_at: dt.datetime | None = None,
                settings: Settings = DEFAULT_SETTINGS) -> Training:
    """A model trained on the items of the store decided by `as_of` among those of its training window
    (training_window_start), with their features as of each one's filing (the history before the
    window counts in them)."""
    return train_model(training_features(con, as_of, settings), as_of, trained_at)


def training_features(con: duckdb.DuckDBPyConnection, as_of: dt.datetime,
                      settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """load_filing_features of the items of the training window of `as_of` (submitted from
    training_window_start through as_of)."""
    return load_filing_features(con, as_of, since=training_window_start(con, as_of, settings),
                                until=as_of + dt.timedelta(microseconds=1))


def training_window_start(con: duckdb.DuckDBPyConnection, as_of: dt.datetime,
                          settings: Settings = DEFAULT_SETTINGS) -> dt.datetime | None:
    """Where the model of `as_of` starts learning: the submission of the latest
    Settings.training_window_items-th item submitted by as_of (prediction/training_window); None
    (every item) when the store holds fewer."""
    rows = con.execute(load_query("prediction/training_window"),
                       {"as_of": as_of, "items": settings.training_window_items}).fetchall()
    return rows[0][0] if rows else None


def keep_trained_model(db_path, as_of: dt.datetime) -> tuple[str, Training]:
    """`takedown train`'s work: fit on a reader of the store at `db_path` (ingest may go on meanwhile;
    the model says which T it saw), then keep it through the store's writer in one transaction.
    Returns (model id, training). Raises takedown.store.StoreError, duckdb.Error, OSError."""
    from takedown.store import connect_reader, mark_changing, open_writer, publish_and_close, refill_soon

    con = connect_reader(db_path)
    try:
        training = train_as_of(con, as_of)
    finally:
        con.close()
    with open_writer(db_path) as writer:
        mark_changing(db_path)
        writer.execute("begin transaction")
        model_id = save_training(writer, training)
        writer.execute("commit")
        publish_and_close(writer, db_path)
    refill_soon(db_path)
    return model_id, training


def save_training(con: duckdb.DuckDBPyConnection, training: Training) -> str:
    """Insert `training` as a new row of prediction_models (inside the caller's transaction); its id."""
    model_id = f"{training.trained_at:%Y%m%dT%H%M%S%f}-{training.as_of:%Y%m%dT%H%M%S}"
    training.model_id = model_id
    windows, counts = training.windows, training.counts
    con.execute(
        f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [model_id, training.trained_at, training.as_of, windows.get("fit"), windows.get("calibration"),
         windows.get("check"), windows.get("check_until"), training.decided_items, training.removed_items,
         counts.get("fit"), counts.get("calibration"), counts.get("check"), training.calibration_method,
         training.unavailable, json.dumps(training.scores) if training.scores else None,
         json.dumps(training.reliability) if training.model is not None else None,
         pickle.dumps(training.model) if training.model is not None else None])
    return model_id


def latest_training(con: duckdb.DuckDBPyConnection, as_of: dt.datetime) -> Training | None:
    """The newest training kept in the store whose as_of is <= `as_of` (it saw nothing dated later), else None."""
    tables = {row[0] for row in con.sql("select table_name from information_schema.tables "
                                        "where table_schema = 'main'").fetchall()}
    if TABLE not in tables:
        return None
    row = con.execute(
        f"select model_id, as_of, trained_at, model, unavailable, decided_items, removed_items, fit_from, calibration_from, "
        f"check_from, check_until, fit_items, calibration_items, check_items, scores, reliability, calibration_method "
        f"from {TABLE} where as_of <= ? order by as_of desc, trained_at desc limit 1",
        [as_of]).fetchall()
    if not row:
        return None
    (model_id, model_as_of, trained_at, blob, unavailable, decided, removed, fit_from, calibration_from, check_from,
     check_until, fit_items, calibration_items, check_items, scores, reliability, method) = row[0]
    return Training(
        as_of=model_as_of, trained_at=trained_at, model=pickle.loads(blob) if blob is not None else None,
        unavailable=unavailable, decided_items=decided, removed_items=removed,
        windows={"fit": fit_from, "calibration": calibration_from, "check": check_from, "check_until": check_until},
        counts={name: value for name, value in (("fit", fit_items), ("calibration", calibration_items),
                                                ("check", check_items)) if value is not None},
        scores=json.loads(scores) if scores else {}, reliability=json.loads(reliability) if reliability else [],
        calibration_method=method, model_id=model_id)


def stored_training(con: duckdb.DuckDBPyConnection, as_of: dt.datetime) -> Training:
    """The store's newest model as of <= T, else a Training without a model whose `unavailable` says
    so with the command that trains one (the report uses kept models only: training one while a
    report renders takes minutes on a large store)."""
    from takedown.metrics.periods import utc_now

    return latest_training(con, as_of) or Training(
        as_of=as_of, trained_at=utc_now(), model=None, decided_items=0, removed_items=0,
        unavailable=(f"No prediction: the store keeps no model trained as of {as_of:%Y-%m-%d %H:%M} UTC or "
                     f"earlier: run takedown train --as-of {as_of:%Y-%m-%dT%H:%M} to keep one."))


def training_for(con: duckdb.DuckDBPyConnection, as_of: dt.datetime) -> Training:
    """The model to predict with as of T: the store's newest as of <= T, else one trained now in memory."""
    return latest_training(con, as_of) or train_as_of(con, as_of)


def predict_items(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, since: dt.datetime, until: dt.datetime,
                  filters: Filters = Filters(), training: Training | None = None):
    """(Training, frame) for the items submitted in [since, until): complaint_id, listing_id,
    probability (null when no model), status at as_of (null when submitted after as_of), with the
    features beside them (for the breakdowns)."""
    training = training or training_for(con, as_of)
    features = load_filing_features(con, as_of, since, until, filters)
    if training.model is None:
        probability = pl.Series("probability", [None] * features.height, dtype=pl.Float64)
    else:
        probability = pl.Series("probability", training.model.probabilities(features), dtype=pl.Float64)
    return training, features.with_columns(probability)

