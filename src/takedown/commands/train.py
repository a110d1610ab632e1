"""`takedown train [--as-of ISO] [--tz ZONE] [--db PATH] [--json]`: fit the success model and keep it in the store.

Reads the store as of T (default now), fits and checks a model on the items of its training window
decided by then (the latest Settings.training_window_items submitted by T: prediction.registry.
train_as_of; takedown.prediction.model), and records it in prediction_models with its training window and
scores, in one transaction through the store's writer. `takedown predict` as of T' >= T uses it.
"""

from __future__ import annotations

import argparse
import json
import sys

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, fail
from takedown.commands._period_args import UsageError, add_as_of_arguments
from takedown.config import resolve_db_path

HELP = "fit the model of predicted success as of a time and keep it, versioned, in the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_as_of_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the model's record (scores, window) as JSON")
    add_db_argument(parser)


def as_of_from_args(args: argparse.Namespace):
    """--as-of as naive UTC (default now); UsageError when bad or in the future (as `metrics` refuses it)."""
    from takedown.commands._period_args import AS_OF_CLOCK_SKEW
    from takedown.metrics.periods import parse_instant, time_zone, utc_now

    try:
        time_zone(args.tz)
        now = utc_now()
        as_of = parse_instant(args.as_of, args.tz) if args.as_of else now
    except (ValueError, OverflowError) as error:
        raise UsageError(str(error)) from error
    if as_of > now + AS_OF_CLOCK_SKEW:
        raise UsageError(f"--as-of {args.as_of} is in the future (now is {now:%Y-%m-%dT%H:%M}Z)")
    return as_of


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.prediction.registry import keep_trained_model
    from takedown.prediction.summary import describe_training
    from takedown.store import StoreError

    try:
        as_of = as_of_from_args(args)
    except UsageError as error:
        return fail("train", str(error), EXIT_USAGE)
    db_path = resolve_db_path(args.db)
    try:
        model_id, training = keep_trained_model(db_path, as_of)
    except StoreError as error:
        return fail("train", str(error), EXIT_FAILED)
    except (duckdb.Error, OSError, ValueError) as error:
        return fail("train", f"cannot train the model: {error}", EXIT_FAILED)
    if args.json:
        from takedown.metrics.periods import iso_utc

        record = {"model_id": model_id, "as_of": iso_utc(as_of), "trained_at": iso_utc(training.trained_at),
                  "decided_items": training.decided_items, "removed_items": training.removed_items,
                  "unavailable": training.unavailable, "counts": training.counts,
                  "windows": {name: iso_utc(value) if value else None for name, value in training.windows.items()},
                  "calibration_method": training.calibration_method, "scores": training.scores,
                  "reliability": training.reliability}
        print(json.dumps(record, ensure_ascii=False))
    else:
        print(f"model {model_id} kept in the store.", file=sys.stderr)
        print(describe_training(training))
    return 0
