"""SPEC section 4's `metrics --json` object, shaped from a snapshot's frames.

`metrics_json(snapshot, period)` is the one builder: every figure in it is a frame the snapshot
gives (totals, breakdowns, repeat offenders, Good-Faith standing), turned into plain values.
`compute_metrics` (hand-made inputs) and `metrics_from_store` (a connection) are shortcuts that
make the snapshot first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import duckdb
import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.filters import Filters
from takedown.metrics.good_faith import good_faith_record
from takedown.metrics.inputs import MetricInputs
from takedown.metrics.kpis import BREAKDOWNS, METRIC_NAMES, cohort_metrics
from takedown.metrics.periods import Period, good_faith_window, iso_utc, time_zone
from takedown.metrics.repeat_offenders import repeat_offender_record, repeat_window_start
from takedown.metrics.snapshot import Snapshot, load_snapshot, snapshot_from_inputs

# A breakdown value that is null (an item without a known brand) is keyed as json.dumps keys None.
NULL_KEY = "null"


def cohort_scope(period: Period, timezone: str, settings: Settings = DEFAULT_SETTINGS) -> Period:
    """The span of submitted_at the cohort metrics read: the period and its Good-Faith window."""
    window = good_faith_window(period, timezone, settings.good_faith_months)
    return Period(min(period.start, window.start), max(period.end, window.end))


def metrics_since(period: Period, as_of: dt.datetime, settings: Settings = DEFAULT_SETTINGS) -> dt.datetime:
    """The earliest submitted_at SPEC's JSON reads: the cohort, its Good-Faith window and the repeat window.

    Load the snapshot with `since` at or before this (settings.report_timezone places the months).
    """
    scope = cohort_scope(period, settings.report_timezone, settings)
    return min(scope.start, repeat_window_start(as_of, settings))


def metrics_record(frame: pl.DataFrame) -> dict[str, object]:
    """The one row of cohort_metrics(...) as {metric: value}, in METRIC_NAMES order."""
    return {name: frame.get_column(name)[0] for name in METRIC_NAMES}


def breakdown_record(frame: pl.DataFrame, key: str) -> dict[str, dict[str, object]]:
    """A cohort_metrics(..., by=key) frame as {key value: {metric: value}}; a null key becomes "null"."""
    return {
        (NULL_KEY if row[key] is None else str(row[key])): {name: row[name] for name in METRIC_NAMES}
        for row in frame.iter_rows(named=True)
    }


def cohort_summary(cohort_facts: pl.DataFrame,
                   breakdowns: Mapping[str, str] = BREAKDOWNS) -> dict[str, object]:
    """`totals` and each breakdown (JSON key -> fact column) of a cohort's facts, as SPEC 4 shapes them."""
    summary: dict[str, object] = {"totals": metrics_record(cohort_metrics(cohort_facts))}
    for name, column in breakdowns.items():
        summary[name] = breakdown_record(cohort_metrics(cohort_facts, by=column), column)
    return summary


def metrics_json(snapshot: Snapshot, period: Period) -> dict[str, object]:
    """Every metric of SPEC section 3 for `period`, shaped as SPEC 4's `metrics --json` object.

    Seen as of the snapshot's as_of, months placed in its settings.report_timezone, over its items
    (filtered when it is). Raises NarrowSnapshotError when the snapshot was loaded from later
    than metrics_since(period, as_of, settings).
    """
    time_zone(snapshot.timezone)
    totals: dict[str, object] = {"totals": metrics_record(snapshot.totals(period))}
    for name, column in BREAKDOWNS.items():
        totals[name] = breakdown_record(snapshot.breakdown(period, column), column)
    window = snapshot.good_faith_window(period)
    return {
        "period": {"start": iso_utc(period.start), "end": iso_utc(period.end)},
        "as_of": iso_utc(snapshot.as_of),
        "timezone": snapshot.timezone,
        **totals,
        "repeat_offenders": repeat_offender_record(snapshot.repeat_offender_figures()),
        "good_faith": good_faith_record(window, snapshot.good_faith(period), snapshot.good_faith_by_reason(period)),
    }


def compute_metrics(inputs: MetricInputs, period: Period, as_of: dt.datetime, timezone: str,
                    settings: Settings = DEFAULT_SETTINGS) -> dict[str, object]:
    """metrics_json over inputs already in hand (hand-made frames, or load_metric_inputs).

    `period` and `as_of` are naive UTC; `timezone` is the report time zone. Raises ValueError
    (NarrowSnapshotError) when the inputs were loaded with bounds that leave out items these
    metrics read.
    """
    time_zone(timezone)
    settings = dataclasses.replace(settings, report_timezone=timezone)
    return metrics_json(snapshot_from_inputs(inputs, as_of, settings), period)


def metrics_from_store(con: duckdb.DuckDBPyConnection, period: Period, as_of: dt.datetime, timezone: str,
                       settings: Settings = DEFAULT_SETTINGS, rates_path: Path | None = None,
                       filters: Filters = Filters(), strict: bool = True) -> dict[str, object]:
    """metrics_json over the store behind `con`: a snapshot of only the items these metrics read.

    A filter value the store does not hold raises UnknownFilterValue unless `strict=False`.
    """
    time_zone(timezone)
    settings = dataclasses.replace(settings, report_timezone=timezone)
    # The cohorts' items with every column; of the repeat-offender window's other items, only the
    # few columns its figures read.
    scope = cohort_scope(period, settings.report_timezone, settings)
    snapshot = load_snapshot(con, as_of, filters, since=scope.start, until=scope.end, settings=settings,
                             listings=False, rates_path=rates_path, repeat_offenders=True, strict=strict)
    return metrics_json(snapshot, period)
