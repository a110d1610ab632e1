"""The metric registry: one entry per metric of SPEC section 3, the single place a metric is defined.

Each entry holds the metric's row condition (a Polars expression over complaint item facts), how
the rows are aggregated, its label, unit and display format, and its anchor in
docs/metric_dictionary.md. The totals and breakdowns (kpis), the rows behind a figure (item_rows),
the CLI tables and the JSON all read these entries, so a drill-down adds up to its figure by
construction and a test keeps the dictionary and the registry in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import polars as pl

DICTIONARY = "docs/metric_dictionary.md"
# Statuses that leave an item waiting: no decision yet, or a counter-notice under way (SPEC 3).
PENDING_STATUSES = ("submitted", "counter_noticed")

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
    # The metric's heading in docs/metric_dictionary.md (GitHub's slug of `### name`): the name.
    anchor: str = ""
    # Whether a fall is good news for the brand (the dashboard draws such a change green).
    lower_is_better: bool = False

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


_REMOVED = pl.col("status") == "removed"
_DECIDED = pl.col("handled_in_time").is_not_null()

METRICS: tuple[Metric, ...] = (
    Metric("submitted", "complaint items submitted", "items", "count", None),
    Metric("removed", "removed", "items", "count", _REMOVED),
    Metric("rejected", "rejected", "items", "count", pl.col("status") == "rejected", lower_is_better=True),
    Metric("restored", "restored", "items", "count", pl.col("status") == "restored", lower_is_better=True),
    Metric("withdrawn", "withdrawn", "items", "count", pl.col("status") == "withdrawn"),
    Metric("pending", "pending", "items", "count", _status(*PENDING_STATUSES)),
    Metric("takedown_rate", "takedown rate", "fraction", "rate", _REMOVED,
           denominator=_status("removed", "rejected", "restored")),
    Metric("median_hours_to_removal", "median time to removal", "hours", "median",
           pl.col("hours_to_removal").is_not_null(), weight="hours_to_removal", lower_is_better=True),
    Metric("handled_within_24h_rate", "handled within 24 h", "fraction", "rate",
           pl.col("handled_in_time").fill_null(False), denominator=_DECIDED),
    Metric("counter_notices", "counter-notices", "items", "count", pl.col("has_counter_notice"), lower_is_better=True),
    Metric("counter_notice_rate", "counter-notice rate", "fraction", "rate", pl.col("has_counter_notice"),
           denominator=None, lower_is_better=True),
    Metric("successful_counter_notices", "successful counter-notices", "items", "count",
           pl.col("successful_counter_notice"), lower_is_better=True),
    Metric("counter_notice_success_rate", "counter-notice success rate", "fraction", "rate",
           pl.col("successful_counter_notice"), denominator=None, lower_is_better=True),
    # Counts counter-notice events, not items: each item weighs its number of missed responses.
    Metric("missed_counter_notice_responses", "missed counter-notice responses", "events", "count",
           pl.col("missed_counter_notice_responses") > 0, weight="missed_counter_notice_responses",
           lower_is_better=True),
    Metric("value_removed_usd", "value removed (USD)", "usd", "sum", _REMOVED, weight="value_usd"),
    Metric("value_unknown_items", "removed items of unknown value", "items", "count",
           _REMOVED & pl.col("value_usd").is_null(), lower_is_better=True),
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
