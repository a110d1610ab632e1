"""What each dashboard widget shows, as small pure functions over a Snapshot or a read-only connection.

The Snapshot (takedown.metrics) computes every figure; these only pick, pair and label what a
widget needs (this month beside the previous one, the funnel's stages, a verdict per account), so
a page holds layout and nothing else. Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import polars as pl

from takedown.config import Settings
from takedown.metrics.durations import calendar_days
from takedown.metrics.filters import Filters, store_filter_values
from takedown.metrics.kpis import cohort_metrics
from takedown.metrics.periods import (
    Period,
    good_faith_window,
    month_label,
    month_of,
    month_period,
    months_ending,
    parse_month,
    shift_month,
)
from takedown.metrics.projection import good_faith_projection as project_good_faith
from takedown.metrics.registry import format_count, metric
from takedown.metrics.snapshot import Snapshot, plain
from takedown.metrics.trends import HEADLINE_METRICS, item_month, with_month_changes
from takedown.sql import load_query

# The Overview's headline figures, in the order an executive reads them.
HEADLINE_KPIS = (
    "takedown_rate", "submitted", "removed", "median_hours_to_removal", "handled_within_24h_rate",
    "value_removed_usd", "counter_notice_success_rate",
)
# A rate or a median has no rows of its own: its drill-down lists the rows it is computed from.
ROWS_OF_KPI = {
    "takedown_rate": "removed",
    "median_hours_to_removal": "removed",
    "handled_within_24h_rate": "submitted",
    "counter_notice_success_rate": "successful_counter_notices",
}
# Alibaba's published share of complaints handled within 24 hours (IPP transparency report).
ALIBABA_HANDLED_WITHIN_24H = (0.96, 0.98)


def previous_month(month: str) -> str:
    """The calendar month before `month` (YYYY-MM)."""
    return month_label(*shift_month(*parse_month(month), -1))


def headline_kpis(snapshot: Snapshot, month: str) -> pl.DataFrame:
    """One row per headline KPI: name, label, unit, value (this month), previous (the month before), change.

    Values are the snapshot's totals of each month (what `takedown metrics --month` prints);
    change is null when either month's figure is.
    """
    now = snapshot.totals(month_period(month, snapshot.timezone))
    before = snapshot.totals(month_period(previous_month(month), snapshot.timezone))
    rows = []
    for name in HEADLINE_KPIS:
        value, previous = now.get_column(name)[0], before.get_column(name)[0]
        change = None if value is None or previous is None else float(value) - float(previous)
        entry = metric(name)
        rows.append({"name": name, "label": entry.label, "unit": entry.unit,
                     "value": None if value is None else float(value),
                     "previous": None if previous is None else float(previous), "change": change})
    return pl.DataFrame(rows, schema={"name": pl.String, "label": pl.String, "unit": pl.String,
                                      "value": pl.Float64, "previous": pl.Float64, "change": pl.Float64})


def format_change(unit: str, change: float | None) -> str | None:
    """A KPI's change from the previous month as shown beside it (rates in percentage points).

    A change that rounds to nothing shows unsigned ("0.0 h", never "-0.0 h" or "+0.0 h"): see is_no_change.
    """
    if change is None:
        return None
    if is_no_change(unit, change):
        change = 0.0
    sign = "+" if change > 0 else "-" if change < 0 else ""
    if unit == "fraction":
        return f"{sign}{abs(change) * 100:.1f} pp"
    if unit == "hours":
        return f"{sign}{abs(change):,.1f} h"
    if unit == "usd":
        return f"{sign}${abs(change):,.0f}"
    return f"{sign}{abs(change):,.0f}"


def is_no_change(unit: str, change: float | None) -> bool:
    """Whether `change` rounds to zero at the precision format_change shows (then no arrow and no colour)."""
    if change is None:
        return False
    digits = {"fraction": 3, "hours": 1}.get(unit, 0)
    return round(change, digits) == 0


def kpi_rows(snapshot: Snapshot, period: Period, name: str) -> pl.DataFrame:
    """The complaint items behind a headline KPI (for a rate or median: the rows of ROWS_OF_KPI)."""
    return snapshot.rows(period, ROWS_OF_KPI.get(name, name))


def trend(snapshot: Snapshot, month: str, months: int = 12) -> pl.DataFrame:
    """The headline metrics of the `months` calendar months ending with `month` (Snapshot.trend)."""
    return snapshot.trend(month, months)


def trend_month(snapshot: Snapshot, month: str) -> pl.DataFrame:
    """One month's row of the trend (Snapshot.trend over that month alone), without its change columns:
    what a snapshot of that month only answers (view_span("month", ...)). trend_of_months joins them."""
    return snapshot.trend(month, 1).select(pl.exclude("^.*_change$"))


def trend_of_months(rows: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """The trend (Snapshot.trend's frame: every month's figures and their change from the month before)
    of the consecutive months whose trend_month rows are `rows`, oldest first."""
    return with_month_changes(pl.concat(rows), HEADLINE_METRICS)


# The trend's months a page's snapshot does not hold are read this many at a time, by calendar blocks
# (quarters): a few loads instead of one per month (each reads the events once), each a few months' items
# at most in memory, and the next month's view finds all but one block cached.
TREND_MONTHS_PER_LOAD = 3


def trend_block(month: str) -> tuple[str, ...]:
    """The calendar block of TREND_MONTHS_PER_LOAD months that holds `month` (YYYY-MM), oldest first."""
    year, number = parse_month(month)
    last = (number - 1) // TREND_MONTHS_PER_LOAD * TREND_MONTHS_PER_LOAD + TREND_MONTHS_PER_LOAD
    return tuple(months_ending(f"{year:04d}-{last:02d}", TREND_MONTHS_PER_LOAD))


def trend_block_span(block: tuple[str, ...], settings: Settings) -> tuple[dt.datetime, dt.datetime]:
    """The span [since, until) of submitted_at a snapshot of `block`'s months alone loads."""
    return view_span("month", block[0], settings)[0], view_span("month", block[-1], settings)[1]


# What a page reads of the store (view_span): its month; the month, the month before and the month's
# Good-Faith window (the Overview: the trend is read a month at a time); the Good-Faith window; the
# whole store (an analyst's snapshot: no page asks for it); or no snapshot at all (data quality:
# store-wide SQL counts; the work queues, repeat offenders, the IP portfolio and escalations, where every
# item counts: dashboard_lib.narrow reads the items each shows).
SPANS = ("month", "overview", "good_faith", "store", "none")


def view_span(reads: str, month: str, settings: Settings) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The span [since, until) of submitted_at a page that `reads` (one of SPANS) loads for `month`, months in
    settings.report_timezone: (None, None) for the whole store. Its figures then equal the whole store's
    (the snapshot refuses, NarrowSnapshotError, anything that needs more)."""
    if reads not in SPANS:
        raise ValueError(f"unknown span {reads!r}; the spans are: {', '.join(SPANS)}")
    period = month_period(month, settings.report_timezone)
    if reads == "month":
        return period.start, period.end
    window = good_faith_window(period, settings.report_timezone, settings.good_faith_months)
    if reads == "good_faith":
        return window.start, window.end
    if reads == "overview":
        before = month_period(previous_month(month), settings.report_timezone)
        return min(before.start, window.start), max(period.end, window.end)
    return None, None


def funnel(snapshot: Snapshot, period: Period, detected: int) -> pl.DataFrame:
    """stage, count, share_of_detected: `detected` listings (listings_detected), then the period's complaint
    items reported, removed and restored (the snapshot's totals); the share is null when nothing was detected."""
    totals = snapshot.totals(period)
    counts = [detected, *(int(totals.get_column(name)[0]) for name in ("submitted", "removed", "restored"))]
    return pl.DataFrame({
        "stage": ["detected", "reported", "removed", "restored"],
        "count": counts,
        "share_of_detected": [count / detected if detected else None for count in counts],
    }, schema={"stage": pl.String, "count": pl.Int64, "share_of_detected": pl.Float64})


def listings_detected(con: duckdb.DuckDBPyConnection, period: Period, as_of: dt.datetime,
                      filters: Filters) -> int:
    """Listings of the filters' platform and brand detected in `period` by `as_of` (a listing has no account)."""
    parameters = filters.parameters()
    return int(con.sql(load_query("dashboard/listings_detected"), params={
        "platform": parameters["platform"], "brand": parameters["brand"], "brands": parameters["brands"], "start": period.start,
        "end": period.end, "as_of": as_of}).fetchall()[0][0])


def account_verdicts(snapshot: Snapshot, period: Period) -> pl.DataFrame:
    """One row per IPP account over its Good-Faith window: account, verdict, the two rates, reasons at risk, at_risk.

    At-risk accounts first. The verdict is "at risk" when the account breaches a line overall or
    for any reason (Snapshot.good_faith), else "in good standing".
    """
    standing = snapshot.good_faith(period)
    return (standing
            .with_columns(pl.when(pl.col("at_risk")).then(pl.lit("at risk")).otherwise(pl.lit("in good standing"))
                          .alias("verdict"))
            .sort(["at_risk", "account"], descending=[True, False])
            .select("account", "verdict", "takedown_rate", "counter_notice_success_rate", "reasons_at_risk", "at_risk"))


def good_faith_by_reason(snapshot: Snapshot, period: Period) -> pl.DataFrame:
    """One row per (account, reason) over the Good-Faith window, at-risk first."""
    return snapshot.good_faith_by_reason(period).sort(["at_risk", "account", "reason"],
                                                      descending=[True, False, False])


def good_faith_projection(snapshot: Snapshot, period: Period) -> pl.DataFrame:
    """Where each account's Good-Faith window can still end (metrics.projection), the columns of the report's
    projection table: pending items, the takedown rate now, best and worst; removals needed as the report
    shows them ("out of reach" when even the best case falls short); the counter-notice success rate now
    and worst, its headroom. Accounts that cannot stay in good standing first."""
    window = snapshot.good_faith_window(period)
    projection = project_good_faith(plain(snapshot.facts), window, snapshot.settings)
    needed = (pl.when(pl.col("removals_needed").is_null()).then(pl.lit("out of reach"))
              .otherwise(pl.col("removals_needed").map_elements(format_count, return_dtype=pl.String)))
    return (projection.sort(["can_stay_in_good_faith", "account"])
            .select("account", "pending", "takedown_rate", "best_takedown_rate", "worst_takedown_rate",
                    needed.alias("removals_needed"), "counter_notice_success_rate",
                    "worst_counter_notice_success_rate", "counter_notice_headroom", "can_stay_in_good_faith"))


# Why an item pulls an account's Good-Faith rates down: the registry metric that counts it.
PULLED_DOWN_BY = {"rejected": "lowers the takedown rate", "restored": "lowers the takedown rate",
                  "successful_counter_notices": "raises the counter-notice success rate"}


def good_faith_pull_downs(snapshot: Snapshot, period: Period, account: str) -> pl.DataFrame:
    """The items of `account` in the Good-Faith window that pulled its standing down: `why`, then the item rows."""
    window = snapshot.good_faith_window(period)
    parts = [snapshot.rows(window, name, by=("account", account)).select(pl.lit(why).alias("why"), pl.all())
             for name, why in PULLED_DOWN_BY.items()]
    return pl.concat(parts, how="vertical_relaxed")


def action_queue(snapshot: Snapshot, queue: str) -> pl.DataFrame:
    """One of the work queues of the whole store as of the snapshot (Snapshot.<queue>()).

    counter_notices_awaiting_response (soonest deadline first), high_risk_backlog, expiring_rights
    or complaint_items_on_weak_rights.
    """
    if queue not in ACTION_QUEUES:
        raise ValueError(f"unknown queue {queue!r}; the queues are: {', '.join(ACTION_QUEUES)}")
    frame = getattr(snapshot, queue)()
    if queue == "counter_notices_awaiting_response":
        frame = frame.sort("response_deadline")
    return frame


ACTION_QUEUES = ("counter_notices_awaiting_response", "high_risk_backlog", "expiring_rights",
                 "complaint_items_on_weak_rights")


def breakdown(snapshot: Snapshot, period: Period, by: str) -> pl.DataFrame:
    """Every metric of the period per value of `by` (Snapshot.breakdown)."""
    return snapshot.breakdown(period, by)


def breakdown_rows(snapshot: Snapshot, period: Period, name: str, by: str, value: str | None) -> pl.DataFrame:
    """The rows behind metric `name` of one breakdown cell (Snapshot.rows with by=(by, value))."""
    return snapshot.rows(period, ROWS_OF_KPI.get(name, name), by=(by, value))


def repeat_offender_figures(snapshot: Snapshot) -> pl.DataFrame:
    """count, share_of_removed, threshold, window_days (Snapshot.repeat_offender_figures)."""
    return snapshot.repeat_offender_figures()


def repeat_offenders_queue(snapshot: Snapshot) -> pl.DataFrame:
    """The ranked repeat offenders with their history and storefront candidates (Snapshot.repeat_offenders_queue)."""
    return snapshot.repeat_offenders_queue()


def seller_listings(con: duckdb.DuckDBPyConnection, platform: str, seller_id: str, as_of: dt.datetime,
                    filters: Filters) -> pl.DataFrame:
    """The seller's listings detected by `as_of` (of the filters' brand), newest first, with their text."""
    return con.sql(load_query("dashboard/seller_listings"), params={
        "platform": platform, "seller_id": seller_id, "as_of": as_of,
        "brand": filters.parameters()["brand"], "brands": filters.parameters()["brands"]}).pl()


def seller_complaints(snapshot: Snapshot, platform: str, seller_id: str) -> pl.DataFrame:
    """The seller's complaint items as of the snapshot with their status, newest first."""
    return seller_complaints_of(snapshot.facts.filter((pl.col("platform") == platform)
                                                      & (pl.col("seller_id") == seller_id)))


def seller_complaints_of(facts: pl.DataFrame) -> pl.DataFrame:
    """seller_complaints of the facts of one seller's items."""
    return (facts.select("complaint_id", "listing_id", "enforcement_type", "account", "reason", "ipr_type",
                         "submitted_at", "status", "status_at", "first_removed_at", "has_counter_notice")
            .sort("submitted_at", descending=True))


def seller_outcomes_by_month(snapshot: Snapshot, platform: str, seller_id: str) -> pl.DataFrame:
    """month (YYYY-MM, the report time zone), status, items: the seller's complaint items over time."""
    return seller_outcomes_of(snapshot.facts.filter((pl.col("platform") == platform)
                                                    & (pl.col("seller_id") == seller_id)), snapshot.timezone)


def seller_outcomes_of(facts: pl.DataFrame, timezone: str) -> pl.DataFrame:
    """seller_outcomes_by_month of the facts of one seller's items, months in `timezone`."""
    return (facts.group_by(item_month(pl.col("submitted_at"), timezone).alias("month"),
                           pl.col("status").cast(pl.String))
            .agg(pl.len().alias("items")).sort("month", "status"))


def slowest_first(breakdown_: pl.DataFrame, by: str) -> pl.DataFrame:
    """`by`, median_hours_to_removal of a breakdown (the Snapshot's), the slowest first (no removal: last)."""
    return (breakdown_.select(by, "median_hours_to_removal")
            .sort("median_hours_to_removal", descending=True, nulls_last=True))


def rights_portfolio(snapshot: Snapshot) -> pl.DataFrame:
    """One row per right: its register entry, days to expiry, and the metrics of every item filed on it
    (as of the snapshot, all periods; registry metrics via cohort_metrics). Soonest expiry first."""
    snapshot.require_listings("the IP portfolio")
    usage = plain(cohort_metrics(snapshot.facts.filter(pl.col("ipr_registration").is_not_null()),
                                 by="ipr_registration"))
    return portfolio_of(plain(snapshot.rights), usage, snapshot.as_of)  # type: ignore[arg-type]


def portfolio_of(rights: pl.DataFrame, usage: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    """rights_portfolio of the register `rights` and the per-right `usage` (cohort_metrics by ipr_registration)."""
    today = as_of.date()
    return (rights
            .with_columns(calendar_days(pl.lit(today), pl.col("expires_on")).alias("days_to_expiry"))
            .join(usage.select("ipr_registration", "submitted", "removed", "takedown_rate",
                               "counter_notice_success_rate", "value_removed_usd"),
                  left_on="registration", right_on="ipr_registration", how="left")
            .with_columns(pl.col("submitted", "removed").fill_null(0))
            .sort("expires_on", nulls_last=True))


# --- the store itself (read-only connection) ---

def filter_choices(con: duckdb.DuckDBPyConnection, timezone: str = "UTC",
                   scope: Filters = Filters()) -> dict[str, list[str]]:
    """The values the filters can take: platform, account, brand, reason, ipr_type (sorted; within the
    scope of `scope`, metrics/filter_values), and month (YYYY-MM in `timezone`, the report time zone,
    newest first)."""
    choices: dict[str, list[str]] = dict(store_filter_values(con, ("platform", "account", "brand", "reason", "ipr_type"),
                                                             scope))
    months = con.sql(load_query("dashboard/months_with_items"), params={"timezone": timezone}).fetchall()
    choices["month"] = [row[0] for row in months]
    return choices


def default_month(months_with_items: list[str], as_of: dt.datetime, timezone: str) -> str:
    """The month a page shows when the URL names none: the last complete month before as_of,
    or the newest month with items when the store ends earlier (an old export, a fixture)."""
    last_complete = month_label(*shift_month(*month_of(as_of, timezone), -1))
    if months_with_items and months_with_items[0] < last_complete:
        return months_with_items[0]
    return last_complete


# How old the newest file may be before the freshness badge turns amber, then red (hours; settings
# $TAKEDOWN_FRESHNESS_AMBER_HOURS and $TAKEDOWN_FRESHNESS_RED_HOURS, read by dashboard_state).
FRESHNESS_AMBER_HOURS = 24.0  # a daily export missed once
FRESHNESS_RED_HOURS = 72.0  # three days: the figures no longer describe this week


def freshness_colour(last_ingest_at: dt.datetime | None, now: dt.datetime, amber_hours: float = FRESHNESS_AMBER_HOURS,
                     red_hours: float = FRESHNESS_RED_HOURS) -> str:
    """The freshness badge's colour: green, orange (amber) past `amber_hours` since the last ingest, red
    past `red_hours` or when nothing was ever loaded. Both instants naive UTC."""
    if last_ingest_at is None:
        return "red"
    age_hours = (now - last_ingest_at).total_seconds() / 3600
    if age_hours > red_hours:
        return "red"
    if age_hours > amber_hours:
        return "orange"
    return "green"


def last_ingest(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the newest file was loaded (naive UTC), None for a store without any."""
    [(loaded_at,)] = con.sql("select max(loaded_at) from ingest_batches").fetchall()
    return loaded_at


def complaint_item_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many complaint items the store holds (0: show the first-run page)."""
    [(count,)] = con.sql("select count(*) from complaint_items").fetchall()
    return int(count)
