"""The metrics engine: every KPI of SPEC section 3, the work queues, and `takedown metrics --json`.

Pure Polars functions over frames read once from DuckDB. The usual path:

    inputs = load_metric_inputs(con, as_of)                      # the store as known at as_of
    facts = complaint_item_facts(inputs.items, inputs.events, inputs.exchange_rates, as_of, settings)
    cohort_metrics(cohort(facts, period), by="platform")          # any breakdown
    compute_metrics(inputs, period, as_of, timezone, settings)   # SPEC 4's JSON object

Every definition, and each choice SPEC left open, is in docs/metric_dictionary.md.
"""

from takedown.metrics.facts import FACT_COLUMNS, attach_listing_values, complaint_item_facts
from takedown.metrics.good_faith import good_faith_by_reason, good_faith_standing, good_faith_summary
from takedown.metrics.inputs import (
    ListingItems,
    MetricInputs,
    load_listing_items,
    load_metric_inputs,
    read_exchange_rates,
)
from takedown.metrics.kpis import BREAKDOWNS, METRIC_NAMES, cohort, cohort_metrics
from takedown.metrics.periods import Period, good_faith_window, month_period, parse_instant, utc_now
from takedown.metrics.queues import counter_notices_awaiting_response, high_risk_backlog
from takedown.metrics.repeat_offenders import (
    repeat_offender_sellers,
    repeat_offender_summary,
    repeat_offenders_queue,
)
from takedown.metrics.report import (
    cohort_scope,
    cohort_summary,
    compute_metrics,
    metrics_from_store,
    repeat_offenders_of_listing_items,
)
from takedown.metrics.rights import complaint_items_on_weak_rights, expiring_rights
from takedown.metrics.status import events_of_items, status_as_of
from takedown.metrics.trends import HEADLINE_METRICS, monthly_trend

__all__ = [
    "BREAKDOWNS", "FACT_COLUMNS", "HEADLINE_METRICS", "METRIC_NAMES", "ListingItems", "MetricInputs", "Period",
    "attach_listing_values", "cohort", "cohort_metrics", "cohort_scope", "cohort_summary", "complaint_item_facts",
    "complaint_items_on_weak_rights", "compute_metrics", "counter_notices_awaiting_response", "events_of_items",
    "expiring_rights", "good_faith_by_reason", "good_faith_standing", "good_faith_summary", "good_faith_window",
    "high_risk_backlog", "load_listing_items", "load_metric_inputs", "metrics_from_store", "month_period",
    "monthly_trend", "parse_instant", "read_exchange_rates", "repeat_offender_sellers", "repeat_offender_summary",
    "repeat_offenders_of_listing_items", "repeat_offenders_queue", "status_as_of", "utc_now",
]
