"""The metrics engine: every KPI of SPEC section 3, the work queues, and `takedown metrics --json`.

Pure Polars functions over one snapshot of the store, read once from DuckDB:

    snapshot = load_snapshot(con, as_of, Filters(platform="taobao"))   # the store as known at as_of
    snapshot.totals(period); snapshot.breakdown(period, "brand")       # typed frames
    snapshot.trend("2026-10", 12); snapshot.good_faith(period); snapshot.high_risk_backlog()
    snapshot.rows(period, "removed")                                   # the items behind a figure
    metrics_json(snapshot, period)                                     # SPEC 4's JSON object

Each metric is one entry of the registry (registry.METRICS); every definition, and each choice
SPEC left open, is in docs/metric_dictionary.md.
"""

from takedown.metrics.facts import FACT_COLUMNS, attach_listing_values, complaint_item_facts
from takedown.metrics.filters import FILTER_COLUMNS, Filters, UnknownFilterValue, unknown_filter_values
from takedown.metrics.good_faith import good_faith_by_reason, good_faith_standing, good_faith_summary
from takedown.metrics.inputs import MetricInputs, load_metric_inputs, read_exchange_rates
from takedown.metrics.item_rows import MISSED_COLUMNS, ROW_COLUMNS, rows_behind
from takedown.metrics.kpis import BREAKDOWNS, METRIC_NAMES, cohort, cohort_metrics
from takedown.metrics.periods import Period, good_faith_window, month_period, parse_instant, utc_now
from takedown.metrics.queues import counter_notices_awaiting_response, high_risk_backlog
from takedown.metrics.registry import METRICS, ROW_METRICS, Metric, metric
from takedown.metrics.repeat_offenders import (
    repeat_offender_figures,
    repeat_offender_sellers,
    repeat_offender_summary,
    repeat_offenders_queue,
)
from takedown.metrics.rights import complaint_items_on_weak_rights, expiring_rights
from takedown.metrics.snapshot import (
    BREAKDOWN_COLUMNS,
    NarrowSnapshotError,
    Snapshot,
    load_snapshot,
    round_as_of,
    snapshot_from_inputs,
)
from takedown.metrics.status import events_of_items, status_as_of
from takedown.metrics.summary import (
    cohort_scope,
    cohort_summary,
    compute_metrics,
    metrics_from_store,
    metrics_json,
    metrics_since,
)
from takedown.metrics.trends import HEADLINE_METRICS, monthly_trend

__all__ = [
    "BREAKDOWNS", "BREAKDOWN_COLUMNS", "FACT_COLUMNS", "FILTER_COLUMNS", "HEADLINE_METRICS", "METRICS",
    "METRIC_NAMES", "MISSED_COLUMNS", "ROW_COLUMNS", "ROW_METRICS", "Filters", "Metric", "MetricInputs",
    "NarrowSnapshotError", "Period", "Snapshot", "attach_listing_values", "cohort", "cohort_metrics", "cohort_scope",
    "cohort_summary", "complaint_item_facts", "complaint_items_on_weak_rights", "compute_metrics",
    "counter_notices_awaiting_response", "events_of_items", "expiring_rights", "good_faith_by_reason",
    "good_faith_standing", "good_faith_summary", "good_faith_window", "high_risk_backlog", "rows_behind",
    "load_metric_inputs", "load_snapshot", "metric", "metrics_from_store", "metrics_json", "metrics_since",
    "month_period", "monthly_trend", "parse_instant", "read_exchange_rates", "repeat_offender_figures",
    "repeat_offender_sellers", "repeat_offender_summary", "repeat_offenders_queue", "round_as_of",
    "snapshot_from_inputs", "status_as_of", "utc_now", "UnknownFilterValue", "unknown_filter_values",
]
