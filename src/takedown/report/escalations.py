"""The call's agenda: one frame per escalation sheet, and escalations.xlsx written from them.

Each sheet is ranked (its `rank` first: Good-Faith standing, the takedown rate won back, value)
and whole; `agenda` gives the page's view of each: its scope and ranking in words, its total, and
its first Settings.report_agenda_rows rows (docs/metric_dictionary.md, "The report").
Each sheet holds complaint ids and URLs ready to paste. The workbook is written like every other
(takedown.export.write_sheets): untrusted text formula-escaped and written as a string, never as a
formula or a link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from takedown.export import XlsxResult, write_sheets
from takedown.metrics.rights import complaint_items_on_weak_rights
from takedown.metrics.snapshot import plain
from takedown.report import calls, sections
from takedown.report.data import ReportData

# Items waiting longer than this are chased on the call.
PENDING_DAYS = 7
_ITEM = ["complaint_id", "listing_id"]
# A reason at risk weighs more than an account at risk, which weighs more than good standing.
STANDINGS = ("reason at risk", "account at risk", "in good standing")


@dataclass(frozen=True)
class AgendaSection:
    """One escalation sheet as the report shows it: what it holds, how it is ranked, its first rows.

    `rows` is the whole sheet (the workbook's, every row, ranked: `rank` is its first column);
    the page shows `rows.head(shown_rows)` in `columns`.
    """

    name: str
    scope: str
    ranking: str
    columns: tuple[str, ...]
    rows: pl.DataFrame
    shown_rows: int

    @property
    def top(self) -> pl.DataFrame:
        """The rows the page shows: the first `shown_rows` by rank."""
        return self.rows.head(self.shown_rows)


def _ranked(frame: pl.DataFrame, order: list[pl.Expr | str], descending: list[bool], columns: list[str]) -> pl.DataFrame:
    """`frame` sorted by `order` (ties broken by the item key or the first column), numbered from 1 in
    `rank`, then `columns`."""
    ties = [key for key in _ITEM if key in frame.columns] or [frame.columns[0]]
    return (frame.sort([*order, *ties], descending=[*descending, *([False] * len(ties))], nulls_last=True,
                       maintain_order=True)
            .with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64))
            .select("rank", *columns))


def item_standing(data: ReportData) -> pl.DataFrame:
    """Per (account, reason) of the Good-Faith window: `standing` (one of STANDINGS), `standing_order` (its
    index) and `takedown_rate_gain`: how much the reason's takedown rate rises when one of its items that
    ended rejected or restored ends removed instead (1 / its decided items; null: none decided)."""
    def compute() -> pl.DataFrame:
        reasons = sections.good_faith_reasons(data).select("account", "reason",
                                                           pl.col("at_risk").alias("reason_at_risk"))
        accounts = sections.good_faith_accounts(data).select("account", pl.col("at_risk").alias("account_at_risk"))
        decided = pl.col("removed") + pl.col("rejected") + pl.col("restored")
        standing = (pl.when(pl.col("reason_at_risk")).then(pl.lit(STANDINGS[0]))
                    .when(pl.col("account_at_risk")).then(pl.lit(STANDINGS[1])).otherwise(pl.lit(STANDINGS[2])))
        return (sections.reason_projection(data).select("account", "reason", decided.alias("decided"))
                .join(reasons, on=["account", "reason"], how="left")
                .join(accounts, on="account", how="left")
                .with_columns(standing.alias("standing"),
                              pl.when(pl.col("decided") > 0).then(1 / pl.col("decided")).alias("takedown_rate_gain"))
                .with_columns(pl.col("standing").replace_strict(STANDINGS, list(range(len(STANDINGS))),
                                                                return_dtype=pl.Int64).alias("standing_order"))
                .select("account", "reason", "standing", "standing_order", "takedown_rate_gain"))
    return data.once("item_standing", compute)


def _with_standing(data: ReportData, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (with account and reason) plus standing, standing_order and takedown_rate_gain; items of a
    reason outside the window are in good standing (nothing to win back there)."""
    return (rows.join(item_standing(data), on=["account", "reason"], how="left", maintain_order="left")
            .with_columns(pl.col("standing").fill_null(STANDINGS[2]),
                          pl.col("standing_order").fill_null(len(STANDINGS) - 1)))


def rejected_to_contest(data: ReportData) -> pl.DataFrame:
    """Items of the Good-Faith window rejected by the platform, ranked: those worth contesting (filed on a
    right in the register, verified and in force: rights.complaint_items_on_weak_rights finds none of its
    problems) first, the rest last with `why_not`; within each, reasons at risk, then accounts at risk,
    then the biggest takedown_rate_gain, then the highest value_usd, then the newest rejection."""
    rows = data.rows(data.window, "rejected")
    facts = data.facts()
    registrations = facts.select(*_ITEM, "ipr_registration")
    rejected = facts.join(rows.select(_ITEM), on=_ITEM, how="semi")
    weak = complaint_items_on_weak_rights(rejected, plain(data.snapshot.rights)).select(  # type: ignore[arg-type]
        *_ITEM, pl.col("problem").alias("why_not"))
    rights = plain(data.snapshot.rights).select(pl.col("registration").alias("ipr_registration"),  # type: ignore[union-attr]
                                                pl.col("ipp_status").alias("right_status"))
    details = data.decision_details.filter(pl.col("event") == "rejected").select(
        *_ITEM, pl.col("detail").alias("platform_reason"))
    unnamed = pl.col("ipr_registration").is_null() | (pl.col("ipr_registration").str.strip_chars() == "")
    frame = (rows.join(registrations, on=_ITEM, how="left", maintain_order="left")
             .join(rights, on="ipr_registration", how="left", maintain_order="left")
             .join(details, on=_ITEM, how="left", maintain_order="left")
             .join(weak, on=_ITEM, how="left", maintain_order="left")
             .with_columns(pl.when(unnamed).then(pl.lit("no_registration")).otherwise(pl.col("why_not"))
                           .alias("why_not")))
    frame = _with_standing(data, frame.with_columns(pl.col("why_not").is_null().alias("worth_contesting")))
    return _ranked(frame, ["worth_contesting", "standing_order", "takedown_rate_gain", "value_usd", "first_decided_at"],
                   [True, False, True, True, True],
                   ["complaint_id", "listing_id", "url", "platform", "account", "reason", "standing",
                    "worth_contesting", "why_not", "takedown_rate_gain", "value_usd", "ipr_type", "ipr_registration",
                    "right_status", "platform_reason", "first_decided_at", "submitted_at", "title", "seller_id",
                    "seller_name"]).rename({"first_decided_at": "rejected_at"})


def missed_responses(data: ReportData) -> pl.DataFrame:
    """The month's counter-notices whose response window was missed (as many as the month's figure), ranked:
    reasons at risk, then accounts at risk, then the highest value, then the oldest deadline."""
    rows = _with_standing(data, data.rows(data.period, "missed_counter_notice_responses"))
    return _ranked(rows, ["standing_order", "value_usd", "response_deadline"], [False, True, False],
                   ["complaint_id", "listing_id", "url", "platform", "account", "reason", "standing", "value_usd",
                    "counter_noticed_at", "response_deadline", "status", "title", "seller_id", "seller_name"])


def restored_listings(data: ReportData) -> pl.DataFrame:
    """Items of the Good-Faith window whose listing was restored after removal, with the platform's note,
    ranked: reasons at risk, then accounts at risk, then the biggest takedown_rate_gain (a restoration
    reversed is a removal won back), then the highest value, then the newest restoration.
    `submitted_in_month` marks the ones the month's `restored` figure counts."""
    details = data.decision_details.filter(pl.col("event") == "restored").select(
        *_ITEM, pl.col("occurred_at").alias("restored_at"), pl.col("detail").alias("restoration_note"))
    period = data.period
    in_month = (pl.col("submitted_at") >= period.start) & (pl.col("submitted_at") < period.end)
    rows = _with_standing(data, data.rows(data.window, "restored")
                          .join(details, on=_ITEM, how="left", maintain_order="left")
                          .with_columns(in_month.alias("submitted_in_month")))
    return _ranked(rows, ["standing_order", "takedown_rate_gain", "value_usd", "restored_at"], [False, True, True, True],
                   ["complaint_id", "listing_id", "url", "platform", "account", "reason", "standing",
                    "takedown_rate_gain", "value_usd", "submitted_in_month", "first_removed_at", "restored_at",
                    "restoration_note", "title", "seller_id", "seller_name"])


def pending_cutoff(data: ReportData) -> dt.datetime:
    """Items submitted before this instant and still pending are chased: PENDING_DAYS before the as-of."""
    return data.snapshot.as_of - dt.timedelta(days=PENDING_DAYS)


def pending_too_long(data: ReportData) -> pl.DataFrame:
    """Items still pending (submitted or counter-noticed) more than PENDING_DAYS days after submission, ranked:
    those of the Good-Faith window first (they still move its standing), then reasons at risk, then accounts
    at risk, then the highest value, then the longest wait."""
    rows = data.pending_rows(pending_cutoff(data))
    waited = (pl.lit(data.snapshot.as_of) - pl.col("submitted_at")).dt.total_seconds() / 86_400
    window = data.window
    in_window = (pl.col("submitted_at") >= window.start) & (pl.col("submitted_at") < window.end)
    rows = _with_standing(data, rows.with_columns(waited.alias("days_pending"), in_window.alias("in_window")))
    return _ranked(rows, ["in_window", "standing_order", "value_usd", "days_pending"], [True, False, True, True],
                   ["complaint_id", "listing_id", "url", "platform", "account", "reason", "in_window", "standing",
                    "value_usd", "status", "submitted_at", "days_pending", "title", "seller_id", "seller_name"])


def storefront_action(data: ReportData) -> pl.DataFrame:
    """Repeat offenders never hit by a storefront complaint (the next step up), every one of them, ranked by
    removed listings, then removed items, then complaint items."""
    candidates = sections.repeat_offenders(data).filter(pl.col("storefront_candidate"))
    return _ranked(candidates, ["removed_listings", "removed_items", "complaint_items"], [True, True, True],
                   ["platform", "seller_id", "seller_name", "removed_listings", "removed_items", "complaint_items",
                    "first_seen", "last_seen"])


def good_faith_risk(data: ReportData) -> pl.DataFrame:
    """Accounts at Good-Faith risk (reason "(all)") each followed by its reasons at risk, every row with the
    projection of its own window items (sections.projection per account, sections.reason_projection per
    reason). Accounts ranked: those that cannot stay in Good Faith first, then "out of reach", then the most
    removals needed; their reasons in the same order after them."""
    columns = ["takedown_rate", "counter_notice_success_rate", "pending", "best_takedown_rate", "worst_takedown_rate",
               "removals_needed", "removals_needed_text", "counter_notice_headroom", "can_stay_in_good_faith"]
    accounts = (sections.good_faith_accounts(data).filter(pl.col("at_risk")).select("account")
                .join(sections.projection(data), on="account", how="left", maintain_order="left")
                .with_columns(pl.lit("(all)").alias("reason")))
    reasons = (sections.good_faith_reasons(data).filter(pl.col("at_risk")).select("account", "reason")
               .join(sections.reason_projection(data), on=["account", "reason"], how="left", maintain_order="left"))
    severity = [pl.col("can_stay_in_good_faith").fill_null(False), pl.col("removals_needed").is_not_null(),
                pl.col("removals_needed")]
    account_order = (accounts.sort([*severity, "account"], descending=[False, False, True, False], nulls_last=True)
                     .with_row_index("account_order").select("account", "account_order"))
    rows = (pl.concat([accounts.select("account", "reason", *columns), reasons.select("account", "reason", *columns)])
            .join(account_order, on="account", how="left")
            .with_columns((pl.col("reason") != "(all)").alias("is_reason")))
    return _ranked(rows, ["account_order", "is_reason", *severity], [False, False, False, False, True],
                   ["account", "reason", *columns])


# Sheet name (31 characters at most) -> the function that fills it, in the workbook's order.
SHEETS = {
    "Rejected to contest": rejected_to_contest,
    "Missed CN responses": missed_responses,
    "Restored after removal": restored_listings,
    f"Pending over {PENDING_DAYS} days": pending_too_long,
    "Storefront action": storefront_action,
    "Good-Faith risk": good_faith_risk,
}
# The columns of each sheet the report's page shows (the workbook has them all).
SHOWN_COLUMNS = {
    "Rejected to contest": ("rank", "complaint_id", "account", "reason", "standing", "takedown_rate_gain",
                            "value_usd", "why_not", "platform_reason", "title"),
    "Missed CN responses": ("rank", "complaint_id", "account", "standing", "value_usd",
                            "response_deadline", "title"),
    "Restored after removal": ("rank", "complaint_id", "account", "standing", "takedown_rate_gain",
                               "value_usd", "restored_at", "restoration_note", "title"),
    f"Pending over {PENDING_DAYS} days": ("rank", "complaint_id", "account", "in_window", "standing",
                                          "value_usd", "status", "days_pending", "title"),
    "Storefront action": ("rank", "platform", "seller_id", "seller_name", "removed_listings", "removed_items",
                          "complaint_items", "last_seen"),
    "Good-Faith risk": ("rank", "account", "reason", "takedown_rate", "counter_notice_success_rate", "pending",
                        "best_takedown_rate", "worst_takedown_rate", "removals_needed_text", "counter_notice_headroom"),
}


def escalation_sheets(data: ReportData) -> dict[str, pl.DataFrame]:
    """Every escalation sheet's rows, by sheet name: every row, ranked (`rank` first), each with its
    escalation_id and the columns the call fills (report.calls.with_call_columns); then, when earlier
    calls left escalations unresolved that no sheet lists again, report.calls.CARRIED_SHEET."""
    sheets = {name: calls.with_call_columns(data, name, build(data)) for name, build in SHEETS.items()}
    carried = calls.carried_sheet(data, sheets)
    return {**sheets, calls.CARRIED_SHEET: carried} if carried.height else sheets


def _day(instant: dt.datetime) -> str:
    return f"{instant:%Y-%m-%d %H:%M} UTC"


def _scopes(data: ReportData, sheets: dict[str, pl.DataFrame]) -> dict[str, tuple[str, str]]:
    """Per sheet: (scope, ranking) sentences, built from its rows and the report's figures."""
    settings = data.snapshot.settings
    window, period, as_of = data.window, data.period, _day(data.snapshot.as_of)
    in_window = f"submitted in the {settings.good_faith_months}-month Good-Faith window ({_day(window.start)} to {_day(window.end)})"
    rejected = sheets["Rejected to contest"]
    worth = int(rejected.get_column("worth_contesting").sum())
    restored = sheets["Restored after removal"]
    in_month = int(restored.get_column("submitted_in_month").sum())
    pending = sheets[f"Pending over {PENDING_DAYS} days"]
    risk = sheets["Good-Faith risk"]
    reasons = risk.filter(pl.col("reason") != "(all)").height
    offenders = data.metrics["repeat_offenders"]  # type: ignore[index]
    at_risk_first = "reasons at risk first, then accounts at risk"
    gain = ("then the most its reason's takedown rate would rise were it removed (takedown rate gain: 1 / the "
            "reason's decided items)")
    return {
        "Rejected to contest": (
            f"Items {in_window}, rejected by the platform as of {as_of}: {rejected.height:,}. Worth contesting "
            f"(on a verified right in force when filed): {worth:,}; the other {rejected.height - worth:,} come last, "
            "with why not.",
            f"Worth contesting first; then {at_risk_first}; {gain}; then value in USD; then the newest."),
        "Missed CN responses": (
            f"Counter-notices on items submitted in {data.month} whose {settings.response_window_hours:g}-hour "
            f"response window passed unanswered, as of {as_of}: {sheets['Missed CN responses'].height:,} "
            "(the headline's missed counter-notice responses).",
            f"{at_risk_first.capitalize()}; then value in USD; then the oldest deadline."),
        "Restored after removal": (
            f"Items {in_window}, restored after removal as of {as_of}: {restored.height:,}; {in_month:,} of them "
            f"submitted in {data.month} (the headline's restored figure counts those).",
            f"{at_risk_first.capitalize()}; {gain}; then value in USD; then the newest restoration."),
        f"Pending over {PENDING_DAYS} days": (
            f"Items of the whole store still pending (submitted or counter-noticed) as of {as_of} and submitted "
            f"before {_day(pending_cutoff(data))}: {pending.height:,}; "
            f"{int(pending.get_column('in_window').sum()):,} of them in the Good-Faith window.",
            f"Items of the window first (they still move its standing); then {at_risk_first}; then value in USD; "
            "then the longest wait."),
        "Storefront action": (
            f"Repeat offenders (at least {offenders['threshold']} removed listings in {offenders['window_days']} "
            f"days, as of {as_of}) never hit by a storefront complaint: {sheets['Storefront action'].height:,} of "
            f"{offenders['count']:,}.",
            "Most removed listings first; then most removed items; then most complaint items."),
        "Good-Faith risk": (
            f"Accounts at Good-Faith risk over the window ({_day(window.start)} to {_day(window.end)}): "
            f"{risk.height - reasons:,}, with {reasons:,} reasons at risk; each row projected from its own "
            "pending items.",
            "Accounts that cannot stay in Good Faith first, then those whose removals needed are out of reach, "
            "then the most removals needed; each account's reasons after it, in the same order."),
    }


def agenda(data: ReportData, sheets: dict[str, pl.DataFrame] | None = None) -> list[AgendaSection]:
    """The call's agenda as the report shows it: per sheet, its scope, ranking, total and first rows
    (settings.report_agenda_rows of them)."""
    sheets = escalation_sheets(data) if sheets is None else sheets
    scopes = _scopes(data, sheets)
    shown = data.snapshot.settings.report_agenda_rows
    return [AgendaSection(name, *scopes[name], SHOWN_COLUMNS[name], frame, shown) for name, frame in sheets.items()
            if name in SHEETS]


def write_escalations(sheets: dict[str, pl.DataFrame], path: Path) -> XlsxResult:
    """escalations.xlsx: one sheet per frame, a frozen header row, filters, widths fitted to the text.

    Written by takedown.export.write_sheets, as every workbook the project writes: times are Excel
    date-times in UTC (the header says so), days to one decimal, rates as percentages, everything
    else as text, never a formula or a link; a cell past Excel's limit is cut with a visible mark.
    """
    return write_sheets(sheets, path)
