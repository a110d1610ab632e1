"""The metric registry: one entry per metric of SPEC section 3, the single place a metric is defined,
and the map from each figure to the code that computes and shows it.

Each entry holds the metric's row condition (a Polars expression over complaint item facts), how
the rows are aggregated, its label, unit and display format, whether a lower figure is better
(the dashboard's change arrows), its anchor in docs/metric_dictionary.md, and where it lives
(`Where`: its function, SQL, test, dashboard page and report section). The totals and breakdowns
(kpis), the rows behind a figure (item_rows), the CLI tables and the JSON all read these entries,
so a drill-down adds up to its figure by construction. FIGURES maps the figures that are not one
cohort metric (Good-Faith standing, repeat offenders, seller networks, the work queues) the same
way. The dictionary's "Where" lines are generated from both (takedown.metrics.dictionary) and a
test keeps the dictionary, the registry and the things they name in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import polars as pl

DICTIONARY = "docs/metric_dictionary.md"
# Statuses that leave an item waiting: no decision yet, or a counter-notice under way (SPEC 3).
PENDING_STATUSES = ("submitted", "counter_noticed")
# "Decided": the statuses the platform's decision leaves an item in, the takedown rate's divisor
# (SPEC 3). The projection's and the effectiveness table's decided items are these too. Not to be
# confused with an item's first decision (facts first_decision_at: its first removed-or-rejected
# event), which handled_within_24h_rate divides by.
DECIDED_STATUSES = ("removed", "rejected", "restored")

# count: how many rows meet `condition` (weighted by `weight` when given);
# sum: the sum of `weight` over the rows that meet `condition`;
# rate: numerator / denominator, two counts; median: the middle of `weight` over the rows.
Aggregation = Literal["count", "sum", "rate", "median"]
Unit = Literal["items", "events", "fraction", "hours", "usd"]


def format_count(value: object) -> str:
    """A count with thousands separators."""
    return f"{int(value):,}"  # type: ignore[call-overload]


def format_percent(rate: object) -> str:
    """A fraction as a percentage with one decimal ('-' when undefined)."""
    return "-" if rate is None else f"{float(rate):.1%}"  # type: ignore[arg-type]


def format_hours(hours: object) -> str:
    """Decimal hours with one decimal ('-' when undefined)."""
    return "-" if hours is None else f"{float(hours):.1f} h"  # type: ignore[arg-type]


def format_usd(value: object) -> str:
    """US dollars, whole, with thousands separators."""
    return f"${float(value):,.0f}"  # type: ignore[arg-type]


_FORMATS: dict[str, Callable[[object], str]] = {
    "items": format_count, "events": format_count, "fraction": format_percent, "hours": format_hours,
    "usd": format_usd,
}


@dataclass(frozen=True)
class Where:
    """Where a figure lives, each one hop from the dictionary (paths from the project's root).

    `function`: the dotted name of the function that computes it; `sql`: the query (queries/<sql>.sql)
    its rows come from; `test`: `tests/...py::test_name[param]`, a test that asserts its number;
    `page`: the dashboard page that shows it (None: none); `report_section`: the id of the
    report's section that shows it (None: not in the report); `column`: the facts column it
    aggregates when that is named otherwise (None: none or the same name).
    """

    function: str
    sql: str
    test: str
    page: str | None
    report_section: str | None
    column: str | None = None


@dataclass(frozen=True)
class Metric:
    """One metric of SPEC section 3.

    `condition` selects the fact rows the metric is about (for a rate: its numerator's rows);
    `weight` is the column summed over them (None: each row counts 1). A rate divides the
    counts `numerator` and `denominator` (condition expressions) and is null when the latter is 0.
    """

    name: str
    label: str
    unit: Unit
    aggregation: Aggregation
    # None: every row of the cohort.
    condition: pl.Expr | None
    weight: str | None = None
    # A rate's divisor rows (None: every row of the cohort).
    denominator: pl.Expr | None = None
    # Whether a fall is good news (drawn green by the dashboard's change arrows).
    lower_is_better: bool = False
    where: Where | None = None
    # The metric's heading in docs/metric_dictionary.md (GitHub's slug of `### name`): the name.
    anchor: str = ""

    def __post_init__(self) -> None:
        if not self.anchor:
            object.__setattr__(self, "anchor", self.name)

    @property
    def format(self) -> Callable[[object], str]:
        """How a figure of this metric is shown to a person (tables, the report)."""
        return _FORMATS[self.unit]

    @property
    def has_rows(self) -> bool:
        """Whether `takedown items` can list the rows behind this metric (counts and sums)."""
        return self.aggregation in ("count", "sum")


def _status(*names: str) -> pl.Expr:
    return pl.col("status").is_in(names)


def decided_items() -> pl.Expr:
    """The decided items of a row of cohort_metrics (removed + rejected + restored: DECIDED_STATUSES)."""
    return pl.sum_horizontal(*DECIDED_STATUSES)


_REMOVED = pl.col("status") == "removed"
# Items with a first decision by T (handled_in_time is null without one).
_HAS_FIRST_DECISION = pl.col("handled_in_time").is_not_null()

_COHORT_FUNCTION = "takedown.metrics.kpis.cohort_metrics"
_OVERVIEW = "dashboard/app_pages/overview.py"
_BREAKDOWNS = "dashboard/app_pages/breakdowns.py"
# Every status and milestone of an item comes from the one status rule; an item's value from its listing.
_STATUS_SQL = "metrics/item_milestones"
_VALUE_SQL = "metrics/complaint_items"


def _cohort(name: str, sql: str, page: str = _BREAKDOWNS, report_section: str | None = "headline",
            column: str | None = None) -> Where:
    # Each cohort metric's number is asserted against a hand count, one test case per metric.
    return Where(_COHORT_FUNCTION, sql, f"tests/metrics/test_kpis.py::test_metric_equals_the_hand_count[{name}]",
                 page, report_section, column)


METRICS: tuple[Metric, ...] = (
    Metric("submitted", "complaint items submitted", "items", "count", None,
           where=_cohort("submitted", "metrics/matching_items", _OVERVIEW)),
    Metric("removed", "removed", "items", "count", _REMOVED, where=_cohort("removed", _STATUS_SQL, _OVERVIEW)),
    Metric("rejected", "rejected", "items", "count", pl.col("status") == "rejected", lower_is_better=True,
           where=_cohort("rejected", _STATUS_SQL)),
    Metric("restored", "restored", "items", "count", pl.col("status") == "restored", lower_is_better=True,
           where=_cohort("restored", _STATUS_SQL)),
    Metric("withdrawn", "withdrawn", "items", "count", pl.col("status") == "withdrawn", lower_is_better=True,
           where=_cohort("withdrawn", _STATUS_SQL, report_section=None)),
    Metric("pending", "pending", "items", "count", _status(*PENDING_STATUSES), lower_is_better=True,
           where=_cohort("pending", _STATUS_SQL)),
    Metric("takedown_rate", "takedown rate", "fraction", "rate", _REMOVED,
           denominator=_status(*DECIDED_STATUSES),
           where=_cohort("takedown_rate", _STATUS_SQL, _OVERVIEW)),
    # The median of each item's hours from submission to its first removal (facts column hours_to_removal).
    Metric("median_hours_to_removal", "median time to removal", "hours", "median",
           pl.col("hours_to_removal").is_not_null(), weight="hours_to_removal", lower_is_better=True,
           where=_cohort("median_hours_to_removal", _STATUS_SQL, _OVERVIEW, column="hours_to_removal")),
    Metric("handled_within_24h_rate", "handled within 24 h", "fraction", "rate",
           pl.col("handled_in_time").fill_null(False), denominator=_HAS_FIRST_DECISION,
           where=_cohort("handled_within_24h_rate", _STATUS_SQL, _OVERVIEW, column="handled_in_time")),
    Metric("counter_notices", "counter-notices", "items", "count", pl.col("has_counter_notice"),
           lower_is_better=True, where=_cohort("counter_notices", _STATUS_SQL, column="has_counter_notice")),
    Metric("counter_notice_rate", "counter-notice rate", "fraction", "rate", pl.col("has_counter_notice"),
           denominator=None, lower_is_better=True,
           where=_cohort("counter_notice_rate", _STATUS_SQL, report_section=None, column="has_counter_notice")),
    Metric("successful_counter_notices", "successful counter-notices", "items", "count",
           pl.col("successful_counter_notice"), lower_is_better=True,
           where=_cohort("successful_counter_notices", _STATUS_SQL, report_section=None,
                         column="successful_counter_notice")),
    Metric("counter_notice_success_rate", "counter-notice success rate", "fraction", "rate",
           pl.col("successful_counter_notice"), denominator=None, lower_is_better=True,
           where=_cohort("counter_notice_success_rate", _STATUS_SQL, _OVERVIEW, column="successful_counter_notice")),
    # Counts counter-notice events, not items: each item weighs its number of missed responses.
    Metric("missed_counter_notice_responses", "missed counter-notice responses", "events", "count",
           pl.col("missed_counter_notice_responses") > 0, weight="missed_counter_notice_responses",
           lower_is_better=True, where=_cohort("missed_counter_notice_responses", _STATUS_SQL)),
    # The sum of each removed item's value in USD (facts column value_usd: null when unknown).
    Metric("value_removed_usd", "value removed (USD)", "usd", "sum", _REMOVED, weight="value_usd",
           where=_cohort("value_removed_usd", _VALUE_SQL, _OVERVIEW, column="value_usd")),
    Metric("value_unknown_items", "removed items of unknown value", "items", "count",
           _REMOVED & pl.col("value_usd").is_null(), lower_is_better=True,
           where=_cohort("value_unknown_items", _VALUE_SQL, report_section=None, column="value_usd")),
)
METRIC_BY_NAME: dict[str, Metric] = {metric.name: metric for metric in METRICS}
# Every metric of a cohort, in SPEC order, then value_unknown_items (SPEC 4 totals).
METRIC_NAMES = tuple(METRIC_BY_NAME)
# The metrics that count something: 0 for a cohort without items (the rest are null then).
COUNT_METRICS = tuple(metric.name for metric in METRICS if metric.aggregation == "count")
# The metrics whose rows `takedown items` can list (they add up to the figure).
ROW_METRICS = tuple(metric.name for metric in METRICS if metric.has_rows)


def metric(name: str) -> Metric:
    """The registry entry of `name`, or a ValueError listing the metric names."""
    try:
        return METRIC_BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown metric {name!r}; the metrics are: {', '.join(METRIC_NAMES)}") from None


def dictionary_link(name: str) -> str:
    """Where metric `name` is defined: docs/metric_dictionary.md#<anchor>."""
    return f"{DICTIONARY}#{metric(name).anchor}"


@dataclass(frozen=True)
class Figure:
    """A figure that is not one cohort metric: a standing, a ranking or a work queue (a frame).

    `unit` says what one row or value is; `lower_is_better` is None when a change has no good side.
    """

    name: str
    label: str
    unit: str
    where: Where
    # The dictionary heading (GitHub slug) under which its "Where" line is written.
    anchor: str
    lower_is_better: bool | None = None


_QUEUES = "work-queues"
_ACTION_QUEUE = "dashboard/app_pages/action_queue.py"
# Not duplicates: each Figure is one row of the map (data of the same shape); the logic is Figure's.
FIGURES: tuple[Figure, ...] = (
    Figure("good_faith_standing", "Good-Faith standing", "one row per IPP account (and per reason): at_risk",
           Where("takedown.metrics.good_faith.good_faith_standing", _STATUS_SQL,
                 "tests/metrics/test_good_faith.py::"
                 "test_a_takedown_rate_of_exactly_90_percent_is_in_good_standing_and_below_is_at_risk",
                 "dashboard/app_pages/good_faith.py", "good-faith"),
           "good-faith-standing"),
    Figure("repeat_offenders", "repeat offenders", "sellers; share_of_removed a fraction",
           Where("takedown.metrics.repeat_offenders.repeat_offender_figures", "metrics/repeat_window_items",
                 "tests/metrics/test_repeat_offenders.py::"
                 "test_three_removed_listings_make_a_repeat_offender_and_two_do_not",
                 "dashboard/app_pages/repeat_offenders.py", "offenders"),
           "repeat-offenders", lower_is_better=True),
    Figure("seller_networks", "seller networks", "one row per network of sellers sharing identifiers",
           Where("takedown.metrics.networks.seller_networks", "metrics/listings",
                 "tests/metrics/test_networks.py::test_a_network_counts_its_listings_removals_and_relists_after_takedown",
                 None, "offenders"),
           "seller-networks-networksseller_networks", lower_is_better=True),
    Figure("counter_notices_awaiting_response", "counter-notices awaiting the brand", "one row per item",
           Where("takedown.metrics.queues.counter_notices_awaiting_response", _STATUS_SQL,
                 "tests/metrics/test_queues.py::test_counter_notices_awaiting_response_with_deadline_and_hours_left",
                 _ACTION_QUEUE, None),
           _QUEUES),
    Figure("high_risk_backlog", "high-risk backlog", "one row per listing not reported yet",
           Where("takedown.metrics.queues.high_risk_backlog", "metrics/unreported_listings",
                 "tests/metrics/test_queues.py::test_the_backlog_holds_unreported_listings_riskiest_first",
                 _ACTION_QUEUE, None),
           _QUEUES),
    Figure("expiring_rights", "rights expiring", "one row per right",
           Where("takedown.metrics.rights.expiring_rights", "metrics/ip_rights",
                 "tests/metrics/test_rights.py::test_rights_expiring_within_90_days_inclusive_with_their_use",
                 _ACTION_QUEUE, None),
           _QUEUES),
    Figure("complaint_items_on_weak_rights", "complaints on weak rights", "one row per item",
           Where("takedown.metrics.rights.complaint_items_on_weak_rights", "metrics/ip_rights",
                 "tests/metrics/test_rights.py::test_items_that_relied_on_an_expired_unverified_or_unknown_right",
                 _ACTION_QUEUE, None),
           _QUEUES),
    Figure("repeat_offenders_queue", "repeat offenders queue", "one row per repeat offender",
           Where("takedown.metrics.repeat_offenders.repeat_offenders_queue", "metrics/listing_sightings",
                 "tests/metrics/test_repeat_offenders.py::test_the_queue_shows_history_and_storefront_candidates",
                 "dashboard/app_pages/repeat_offenders.py", "offenders"),
           _QUEUES),
)
