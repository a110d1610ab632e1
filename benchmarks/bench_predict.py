"""Time and memory of predicted success on a store: features of the training window (the latest
Settings.training_window_items items submitted by T), training as of T, predicting a month.

    .venv/bin/python benchmarks/bench_predict.py STORE [--as-of ISO] [--month YYYY-MM]

Reads the store read-only. Prints one markdown row per stage: seconds of wall time and of CPU (every
thread of the process: on a machine shared with other jobs the wall time is an upper bound, the CPU
time what the stage costs) and the process's peak resident memory after it (ru_maxrss: it only grows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


class Stage:
    """Wall and CPU seconds since the last lap."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> str:
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return f"{wall:.1f} | {cpu:.1f} | {_peak_gb():.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store")
    parser.add_argument("--as-of", help="T (default: two months before the store's last submission)")
    parser.add_argument("--month", help="the month to predict (default: the month after T)")
    args = parser.parse_args()

    from takedown.metrics.periods import month_period
    from takedown.prediction.model import train_model
    from takedown.prediction.registry import predict_items, training_features, training_window_start
    from takedown.store import connect_reader

    con = connect_reader(args.store)
    items, last = con.sql("select count(*), max(submitted_at) from complaint_items").fetchall()[0]
    as_of = dt.datetime.fromisoformat(args.as_of) if args.as_of else (last - dt.timedelta(days=61)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0)
    month = args.month or f"{(as_of + dt.timedelta(days=1)):%Y-%m}"
    period = month_period(month, "UTC")
    start = training_window_start(con, as_of)
    print(f"store {args.store}: {items:,} items; T = {as_of:%Y-%m-%d}; training window from "
          f"{f'{start:%Y-%m-%d %H:%M}' if start else 'the first item'}; predicting {month}")
    print("| stage | wall seconds | CPU seconds | peak memory (GB) | rows |", flush=True)
    print("| --- | --- | --- | --- | --- |", flush=True)
    stage = Stage()
    features = training_features(con, as_of)
    print(f"| features of the training window's items | {stage.lap()} | {features.height:,} |", flush=True)
    training = train_model(features, as_of)
    print(f"| fit, calibrate, check | {stage.lap()} | {training.decided_items:,} |", flush=True)
    del features  # as train_as_of (and `takedown predict` training in memory) lets it go before predicting
    _, predictions = predict_items(con, as_of, period.start, period.end, training=training)
    print(f"| predict the month (features + model) | {stage.lap()} | {predictions.height:,} |", flush=True)
    scores = training.scores
    if scores:
        print(f"\nchecked on {training.counts['check']:,} later items: Brier {scores['brier']:.4f} (base rate "
              f"{scores['brier_base_rate']:.4f}, account-by-reason {scores['brier_account_reason']:.4f}); "
              f"ECE {scores['expected_calibration_error']:.4f}")
    else:
        print(training.unavailable)


if __name__ == "__main__":
    main()
