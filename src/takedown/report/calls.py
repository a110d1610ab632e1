"""The call as a loop, in the report: each escalation's id and the columns the call fills, the
escalations earlier calls raised carried with their history, and "Since the last call".

The ids are recomputed from each row's key (contract.escalation_id): the report stays read-only,
and the ingest of the filled workbook records the escalations (takedown.ingest.escalations).
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from takedown.charts_common import escalation_outcome_figure
from takedown.metrics import escalations as calls
from takedown.report.charts import WIDTH
from takedown.report.data import ReportData

ITEM = ["complaint_id", "listing_id"]
# The workbook's sheet of each escalation kind (report.escalations.SHEETS names the sheets).
KIND_OF_SHEET = {
    "Rejected to contest": "rejected_to_contest",
    "Missed CN responses": "missed_response",
    "Restored after removal": "restored_after_removal",
    "Storefront action": "storefront_action",
    "Good-Faith risk": "good_faith_risk",
}
PENDING_KIND = "pending_too_long"
# The sheet of the escalations earlier calls raised that none of this month's sheets lists again.
CARRIED_SHEET = "Carried from earlier calls"
# Columns of a carried escalation, in the workbook's order (the response columns come last).
CARRIED_COLUMNS = ("escalation_id", "escalation_kind", "call_month", "first_call_month", "complaint_id",
                   "listing_id", "platform", "seller_id", "account", "reason", "status", "outcome", "overdue")
# What "Since the last call" shows per escalation.
SINCE_COLUMNS = ("escalation_id", "escalation_kind", "first_call_month", "complaint_id", "platform", "seller_id",
                 "account", "reason", "state", "platform_response", "agreed_action", "follow_up_date", "overdue",
                 "status", "outcome")


def sheet_kind(sheet: str) -> str:
    """The escalation kind of a sheet of escalations.xlsx."""
    return KIND_OF_SHEET.get(sheet, PENDING_KIND if sheet.startswith("Pending over") else sheet)


def call_status(data: ReportData) -> pl.DataFrame:
    """Every escalation raised by a call up to the report's month, with its latest response and its
    item's status as of the report's as-of (metrics.escalations.escalation_status), from the facts of the
    escalated items only."""
    def compute() -> pl.DataFrame:
        items = data.escalations.filter(pl.col("escalation_kind").is_in(calls.ITEM_KINDS)).select(ITEM).unique()
        return calls.escalation_status(data.escalations, data.escalation_log, data.item_facts(items), data.month,
                                       data.snapshot.as_of)
    return data.once("call_status", compute)


def since_last_call(data: ReportData) -> pl.DataFrame:
    """The escalations the month's call reviews first (metrics.escalations.since_last_call)."""
    return data.once("since_last_call", lambda: calls.since_last_call(call_status(data), data.month))


# The page lists every escalation the call answered (a response, an action, a follow-up date or a state
# other than open: typed by people, so never many) and at most this many left unanswered: a store
# that loaded 100,000 blank rows must not print 100,000 rows (the workbook carries them all).
UNANSWERED_ROWS_SHOWN = 200


def since_last_call_shown(data: ReportData) -> tuple[pl.DataFrame, int]:
    """The rows of "Since the last call" the page lists, and how many unanswered ones it leaves to the
    workbook (UNANSWERED_ROWS_SHOWN)."""
    since = since_last_call(data)
    answered = (pl.any_horizontal(pl.col("platform_response", "agreed_action", "follow_up_date").is_not_null())
                | (pl.col("state") != "open"))
    unanswered_rank = (~answered).cast(pl.Int64).cum_sum()
    shown = since.filter(answered | (unanswered_rank <= UNANSWERED_ROWS_SHOWN))
    return shown, since.height - shown.height


def removed_share(data: ReportData) -> pl.DataFrame:
    """The share of escalated items that ended removed, per call and kind (metrics.escalations.removed_share),
    calls before the report's month only (this month's call has not happened yet)."""
    return data.once("removed_share", lambda: calls.removed_share(
        call_status(data).filter(pl.col("first_call_month") < data.month)))


def last_call(data: ReportData) -> str | None:
    """The last call before the report's month, or None when none is recorded."""
    return calls.last_call(call_status(data), data.month)


def with_call_columns(data: ReportData, sheet: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A sheet's rows with `escalation_id` (after `rank`), its kind, the call (this month) and the call
    that first raised it, and the columns the call fills at the end: blank for a new escalation, its
    latest response for one an earlier call raised (carried, not new)."""
    kind = sheet_kind(sheet)
    history = call_status(data).select("escalation_id", "first_call_month", *calls.RESPONSE_COLUMNS)
    with_ids = frame.with_columns(calls.with_escalation_ids(frame, kind),
                                  pl.lit(kind).alias("escalation_kind"), pl.lit(data.month).alias("call_month"))
    joined = (with_ids.join(history, on="escalation_id", how="left", maintain_order="left")
              .with_columns(pl.col("first_call_month").fill_null(pl.col("call_month"))))
    rest = [column for column in frame.columns if column != "rank"]
    leading = ["rank"] if "rank" in frame.columns else []
    return joined.select(*leading, "escalation_id", "escalation_kind", "call_month", "first_call_month", *rest,
                         *calls.RESPONSE_COLUMNS)


def carried_sheet(data: ReportData, sheets: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The escalations earlier calls raised, still open or in progress, that this month's sheets do not
    list again: each with its key, its item's status now and its latest response, ready to fill."""
    listed = pl.concat([frame.select("escalation_id") for frame in sheets.values()]) if sheets else None
    status = call_status(data).filter((pl.col("first_call_month") < data.month)
                                      & pl.col("state").is_in(calls.UNRESOLVED_STATES))
    if listed is not None:
        status = status.join(listed, on="escalation_id", how="anti")
    return (status.with_columns(pl.lit(data.month).alias("call_month"))
            .select(*CARRIED_COLUMNS, *calls.RESPONSE_COLUMNS))


def removed_share_chart(data: ReportData) -> go.Figure | None:
    """The trend of removed_share over past calls, sized for the report's page; None before any call."""
    shares = removed_share(data)
    if shares.is_empty():
        return None
    figure = escalation_outcome_figure(shares)
    figure.update_layout(width=WIDTH, height=300, font={"family": "DejaVu Sans, Arial, sans-serif", "size": 11},
                         plot_bgcolor="white")
    return figure
