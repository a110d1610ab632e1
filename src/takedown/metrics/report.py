"""The metrics of a period as SPEC section 4's JSON object: the one entry point every consumer calls.

`compute_metrics` is pure (frames in, a dict out); `metrics_from_store` loads what it needs from the
store first. The CLI prints the dict, the dashboard and the report read the same keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import duckdb
import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.facts import complaint_item_facts
from takedown.metrics.good_faith import good_faith_summary
from takedown.metrics.inputs import ListingItems, MetricInputs, load_listing_items, load_metric_inputs
from takedown.metrics.kpis import BREAKDOWNS, METRIC_NAMES, cohort, cohort_metrics
from takedown.metrics.periods import Period, good_faith_window, iso_utc, time_zone
from takedown.metrics.repeat_offenders import removed_listing_items, repeat_offender_summary, repeat_window_start
from takedown.metrics.status import status_as_of

# A breakdown value that is null (an item without a known brand) is keyed as json.dumps keys None.
NULL_KEY = "null"
# The repeat-offender year is read from the store a quarter at a time: memory holds one quarter's
# items and events, not the year's. Each quarter rescans the events table, so not more pieces.
REPEAT_WINDOW_PIECES = 4


def cohort_scope(period: Period, timezone: str, settings: Settings = DEFAULT_SETTINGS) -> Period:
    """The span of submitted_at the cohort metrics read: the period and its Good-Faith window."""
    window = good_faith_window(period, timezone, settings.good_faith_months)
    return Period(min(period.start, window.start), max(period.end, window.end))


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
    """`totals` and each breakdown (JSON key -> fact column) of a cohort, as SPEC 4 shapes them."""
    summary: dict[str, object] = {"totals": metrics_record(cohort_metrics(cohort_facts))}
    for name, column in breakdowns.items():
        summary[name] = breakdown_record(cohort_metrics(cohort_facts, by=column), column)
    return summary


def repeat_offenders_of_listing_items(listing_items: ListingItems, as_of: dt.datetime,
                                      settings: Settings = DEFAULT_SETTINGS) -> dict[str, object]:
    """SPEC 4 `repeat_offenders` from separately loaded listing items (see load_listing_items)."""
    repeat_start = repeat_window_start(as_of, settings)
    _check_coverage(listing_items.covers(repeat_start, as_of), listing_items, repeat_start, None, as_of)
    statuses = status_as_of(listing_items.items, listing_items.events, as_of)
    return repeat_offender_summary(statuses, as_of, settings)


def repeat_offenders_from_store(con: duckdb.DuckDBPyConnection, as_of: dt.datetime,
                                settings: Settings = DEFAULT_SETTINGS) -> dict[str, object]:
    """SPEC 4 `repeat_offenders` from the store, reading the window in REPEAT_WINDOW_PIECES pieces.

    An item's status depends on its own events only, so the window's items can be taken piece by
    piece (by submitted_at) and only their removed listing items kept.
    """
    window_start = repeat_window_start(as_of, settings)
    step = (as_of - window_start) / REPEAT_WINDOW_PIECES
    bounds = [window_start + step * piece for piece in range(REPEAT_WINDOW_PIECES)] + [None]
    removed = []
    for since, until in zip(bounds, bounds[1:]):
        piece = load_listing_items(con, as_of, since=since, until=until)
        removed.append(removed_listing_items(status_as_of(piece.items, piece.events, as_of), as_of, settings))
    return repeat_offender_summary(pl.concat(removed), as_of, settings)


def compute_metrics(inputs: MetricInputs, period: Period, as_of: dt.datetime, timezone: str,
                    settings: Settings = DEFAULT_SETTINGS,
                    repeat_offenders: dict[str, object] | None = None) -> dict[str, object]:
    """Every metric of SPEC section 3 for `period` as of `as_of`, shaped as SPEC 4's `metrics --json`.

    `period` and `as_of` are naive UTC; `timezone` is the report time zone (it places the
    Good-Faith window's calendar months). `repeat_offenders`, when given, is that object computed
    apart (repeat_offenders_of_listing_items); otherwise it is computed from `inputs`, which must
    then reach back to the repeat-offender window. Raises ValueError when the inputs were loaded
    with bounds that leave out items these metrics read (see cohort_scope).
    """
    time_zone(timezone)
    scope = cohort_scope(period, timezone, settings)
    since, until = scope.start, scope.end
    if repeat_offenders is None:
        since, until = min(scope.start, repeat_window_start(as_of, settings)), None
    _check_coverage(inputs.covers(since, until, as_of), inputs, since, until, as_of)
    facts = complaint_item_facts(inputs.items, inputs.events, inputs.exchange_rates, as_of, settings)
    window = good_faith_window(period, timezone, settings.good_faith_months)
    return {
        "period": {"start": iso_utc(period.start), "end": iso_utc(period.end)},
        "as_of": iso_utc(as_of),
        "timezone": timezone,
        **cohort_summary(cohort(facts, period)),
        "repeat_offenders": repeat_offenders if repeat_offenders is not None else repeat_offender_summary(
            facts, as_of, settings),
        "good_faith": good_faith_summary(facts, window, settings),
    }


def _check_coverage(covered: bool, loaded: MetricInputs | ListingItems, since: dt.datetime,
                    until: dt.datetime | None, as_of: dt.datetime) -> None:
    if not covered:
        span = f"from {since} to {until or as_of}"
        raise ValueError(f"the {type(loaded).__name__} were loaded from {loaded.since} as of {loaded.as_of}; these "
                         f"metrics need every item submitted {span}, as of {as_of}")


def metrics_from_store(con: duckdb.DuckDBPyConnection, period: Period, as_of: dt.datetime, timezone: str,
                       settings: Settings = DEFAULT_SETTINGS, rates_path: Path | None = None) -> dict[str, object]:
    """compute_metrics over the store behind `con`, reading only the items these metrics need.

    First the repeat-offender year's listing items, with the few columns it reads, a quarter at a
    time, each reduced to its removed items; then the cohorts' items with every column. So the
    memory of a year of items is never held at once, nor beside the cohorts'.
    """
    repeat_offenders = repeat_offenders_from_store(con, as_of, settings)
    scope = cohort_scope(period, timezone, settings)
    inputs = load_metric_inputs(con, as_of, since=scope.start, until=scope.end, rates_path=rates_path)
    return compute_metrics(inputs, period, as_of, timezone, settings, repeat_offenders)
