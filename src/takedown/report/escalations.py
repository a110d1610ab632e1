"""The call's agenda: one frame per escalation sheet, and escalations.xlsx written from them.

Each sheet holds complaint ids and URLs ready to paste. The workbook is written like every other
(takedown.export.write_sheets): untrusted text formula-escaped and written as a string, never as a
formula or a link.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from takedown.metrics.snapshot import plain

from takedown.export import XlsxResult, write_sheets
from takedown.metrics.periods import Period
from takedown.report import sections
from takedown.report.data import ReportData

# Items waiting longer than this are chased on the call.
PENDING_DAYS = 7
_ITEM = ["complaint_id", "listing_id"]
# The storefront candidates an agenda can hold: the ones with most removals (a big program has tens of thousands).
STOREFRONT_ROWS = 2_000


def rejected_to_contest(data: ReportData) -> pl.DataFrame:
    """Items of the Good-Faith window rejected by the platform, with its reason; those on a verified,
    unexpired right (worth contesting) first, then the newest."""
    snapshot = data.snapshot
    rows = data.rows(data.window, "rejected")
    registrations = data.facts().select(*_ITEM, "ipr_registration")
    rights = plain(snapshot.rights).select(pl.col("registration").alias("ipr_registration"),  # type: ignore[union-attr]
                                    pl.col("ipp_status").alias("right_status"), "expires_on")
    details = data.decision_details.filter(pl.col("event") == "rejected").select(
        *_ITEM, pl.col("detail").alias("platform_reason"))
    strong = ((pl.col("right_status") == "verified")
              & (pl.col("expires_on").is_null() | (pl.col("expires_on") >= pl.col("submitted_at").dt.date())))
    return (rows.join(registrations, on=_ITEM, how="left", maintain_order="left")
            .join(rights, on="ipr_registration", how="left", maintain_order="left")
            .join(details, on=_ITEM, how="left", maintain_order="left")
            .with_columns(strong.fill_null(False).alias("worth_contesting"))
            .sort(["worth_contesting", "first_decided_at"], descending=[True, True], nulls_last=True)
            .select("complaint_id", "listing_id", "url", "platform", "account", "reason", "ipr_type",
                    "ipr_registration", "right_status", "worth_contesting", "platform_reason",
                    pl.col("first_decided_at").alias("rejected_at"), "submitted_at", "title", "seller_id",
                    "seller_name"))


def missed_responses(data: ReportData) -> pl.DataFrame:
    """The month's counter-notices whose response window was missed (as many as the month's figure)."""
    return data.rows(data.period, "missed_counter_notice_responses").select(
        "complaint_id", "listing_id", "url", "platform", "account", "reason", "counter_noticed_at",
        "response_deadline", "status", "title", "seller_id", "seller_name")


def restored_listings(data: ReportData) -> pl.DataFrame:
    """Items of the Good-Faith window whose listing was restored after removal, with the platform's note."""
    details = data.decision_details.filter(pl.col("event") == "restored").select(
        *_ITEM, pl.col("occurred_at").alias("restored_at"), pl.col("detail").alias("restoration_note"))
    return (data.rows(data.window, "restored")
            .join(details, on=_ITEM, how="left", maintain_order="left")
            .select("complaint_id", "listing_id", "url", "platform", "account", "reason", "first_removed_at",
                    "restored_at", "restoration_note", "title", "seller_id", "seller_name"))


def pending_too_long(data: ReportData) -> pl.DataFrame:
    """Items still pending (submitted or counter-noticed) more than PENDING_DAYS days after submission."""
    snapshot = data.snapshot
    cutoff = snapshot.as_of - dt.timedelta(days=PENDING_DAYS)
    earliest = snapshot.facts.get_column("submitted_at").min()
    if earliest is None or earliest >= cutoff:
        return data.rows(data.period, "pending").clear().with_columns(pl.lit(0.0).alias("days_pending")).select(
            _pending_columns())
    waited = (pl.lit(snapshot.as_of) - pl.col("submitted_at")).dt.total_seconds() / 86_400
    return (data.rows(Period(earliest, cutoff), "pending")  # type: ignore[arg-type]
            .with_columns(waited.alias("days_pending"))
            .sort("submitted_at").select(_pending_columns()))


def _pending_columns() -> list[str]:
    return ["complaint_id", "listing_id", "url", "platform", "account", "reason", "status", "submitted_at",
            "days_pending", "title", "seller_id", "seller_name"]


def storefront_action(data: ReportData) -> pl.DataFrame:
    """Repeat offenders never hit by a storefront complaint: the next step up, the STOREFRONT_ROWS with most
    removed listings."""
    return sections.repeat_offenders(data).filter(pl.col("storefront_candidate")).select(
        "platform", "seller_id", "seller_name", "removed_listings", "removed_items", "complaint_items",
        "first_seen", "last_seen").head(STOREFRONT_ROWS)


def good_faith_risk(data: ReportData) -> pl.DataFrame:
    """Accounts (reason "(all)") and account reasons at Good-Faith risk, with the account's projection."""
    accounts = sections.good_faith_accounts(data).filter(pl.col("at_risk")).select(
        "account", pl.lit("(all)").alias("reason"), "takedown_rate", "counter_notice_success_rate")
    reasons = sections.good_faith_reasons(data).filter(pl.col("at_risk")).select(
        "account", "reason", "takedown_rate", "counter_notice_success_rate")
    outlook = sections.projection(data).select("account", "pending", "best_takedown_rate", "worst_takedown_rate",
                                               "removals_needed", "can_stay_in_good_faith")
    return (pl.concat([accounts, reasons]).join(outlook, on="account", how="left", maintain_order="left")
            .sort("account", maintain_order=True))


# Sheet name (31 characters at most) -> the function that fills it, in the workbook's order.
SHEETS = {
    "Rejected to contest": rejected_to_contest,
    "Missed CN responses": missed_responses,
    "Restored after removal": restored_listings,
    f"Pending over {PENDING_DAYS} days": pending_too_long,
    "Storefront action": storefront_action,
    "Good-Faith risk": good_faith_risk,
}


def escalation_sheets(data: ReportData) -> dict[str, pl.DataFrame]:
    """Every escalation sheet's rows, by sheet name."""
    return {name: build(data) for name, build in SHEETS.items()}


def write_escalations(sheets: dict[str, pl.DataFrame], path: Path) -> XlsxResult:
    """escalations.xlsx: one sheet per frame, a frozen header row, filters, widths fitted to the text.

    Written by takedown.export.write_sheets, as every workbook the project writes: times are Excel
    date-times in UTC (the header says so), days to one decimal, rates as percentages, everything
    else as text, never a formula or a link; a cell past Excel's limit is cut with a visible mark.
    """
    return write_sheets(sheets, path)
