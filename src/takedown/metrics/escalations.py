"""The account-manager call as a loop: what each escalation became since the call that raised it.

Pure functions over three frames: the store's `escalations` (one row per escalation), its
`escalation_log` (one row per loaded version of what the call said) and the complaint item facts
(whose `status` is the one status rule, metrics/status). The report's "Since the last call", its
workbook's carried rows and the dashboard's Escalations page all read them (docs/metric_dictionary.md,
"Escalation outcomes").
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from takedown.contract import (
    ESCALATION_KEY_SEPARATOR,
    ESCALATION_KEYS,
    UNRESOLVED_STATES,
    escalation_id_of_text,
)

ESCALATION_SCHEMA = {
    "escalation_id": pl.String, "escalation_kind": pl.String, "first_call_month": pl.String,
    "complaint_id": pl.String, "listing_id": pl.String, "platform": pl.String, "seller_id": pl.String,
    "account": pl.String, "reason": pl.String, "first_loaded_at": pl.Datetime("us"),
}
LOG_SCHEMA = {
    "escalation_id": pl.String, "call_month": pl.String, "platform_response": pl.String,
    "agreed_action": pl.String, "follow_up_date": pl.Date, "state": pl.String, "loaded_at": pl.Datetime("us"),
    "batch_id": pl.String,
}
# The columns the user fills on the call, in the workbook's order.
RESPONSE_COLUMNS = ("platform_response", "agreed_action", "follow_up_date", "state")
# What an escalated item's status now says about it.
OUTCOMES = {
    "removed": "removed after escalation", "restored": "restored", "submitted": "still pending",
    "counter_noticed": "counter-noticed", "rejected": "rejected", "withdrawn": "withdrawn",
}
ITEM_KINDS = tuple(kind for kind, key in ESCALATION_KEYS.items() if key == ("complaint_id", "listing_id"))
_ITEM = ["complaint_id", "listing_id"]


def with_escalation_ids(frame: pl.DataFrame, kind: str) -> pl.Series:
    """The escalation id of each row of `frame` (an escalation sheet of `kind`), from its key columns."""
    key = list(ESCALATION_KEYS[kind])
    parts = [pl.lit(kind)] + [(pl.col(column).cast(pl.String) if column in frame.columns else pl.lit(None, pl.String))
                              .str.strip_chars().fill_null("") for column in key]
    # contract.escalation_id's text, built column-wise: hashing a 200k-row sheet row by row took seconds.
    texts = frame.select(pl.concat_str(parts, separator=ESCALATION_KEY_SEPARATOR)).to_series().to_list()
    return pl.Series("escalation_id", [escalation_id_of_text(text) for text in texts], dtype=pl.String)


def latest_versions(log: pl.DataFrame, month: str) -> pl.DataFrame:
    """Per escalation: its latest version recorded by a call up to `month` (YYYY-MM), with `versions`
    (how many versions that is) and `last_call_month` (the call that said it)."""
    known = log.filter(pl.col("call_month") <= month).sort(["escalation_id", "loaded_at", "batch_id"])
    return (known.group_by("escalation_id", maintain_order=True)
            .agg(pl.col(*RESPONSE_COLUMNS).last(), pl.col("call_month").last().alias("last_call_month"),
                 pl.len().cast(pl.Int64).alias("versions")))


def escalation_status(escalations: pl.DataFrame, log: pl.DataFrame, facts: pl.DataFrame, month: str,
                      as_of: dt.datetime) -> pl.DataFrame:
    """Every escalation raised by a call up to `month`, with its latest response, whether its follow-up
    date has passed unresolved (`overdue`, as of `as_of`), and for an item its `status` at `as_of` and
    `outcome` (OUTCOMES; `removed` true when it ended removed)."""
    latest = latest_versions(log, month)
    items = facts.select(*_ITEM, pl.col("status").cast(pl.String), "status_at")
    raised = escalations.filter(pl.col("first_call_month") <= month)
    unresolved = pl.col("state").is_in(UNRESOLVED_STATES)
    is_item = pl.col("escalation_kind").is_in(ITEM_KINDS)
    return (raised.join(latest, on="escalation_id", how="left", maintain_order="left")
            .join(items, on=_ITEM, how="left", maintain_order="left")
            .with_columns(pl.col("state").fill_null("open"),
                          pl.when(is_item).then(pl.col("status")).alias("status"))
            .with_columns((unresolved & (pl.col("follow_up_date") < as_of.date())).fill_null(False).alias("overdue"),
                          pl.col("status").replace_strict(OUTCOMES, default=None, return_dtype=pl.String)
                          .alias("outcome"),
                          pl.when(is_item).then(pl.col("status") == "removed").alias("removed"))
            .sort(["first_call_month", "escalation_kind", "escalation_id"]))


# The reason of a Good-Faith row about the account's every reason (report.escalations.good_faith_risk).
ALL_REASONS = "(all)"


def within_view(status: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """The escalations of `status` about what a view holds (its complaint item `facts`, already within the
    viewer's scope and filters), order kept: an item's when the view holds the item; a seller's
    (storefront action) when it holds an item of the seller; an account's Good-Faith row when it holds
    an item of the account (for a reason's row: an item of the account with that reason). The one rule
    every surface that shows escalations to a viewer applies."""
    indexed = status.with_row_index("_row")
    kind, every_reason = pl.col("escalation_kind"), pl.col("reason") == ALL_REASONS

    def held(rows: pl.DataFrame, columns: list[str]) -> pl.Series:
        subjects = facts.select(pl.col(columns).cast(pl.String)).unique()
        return rows.join(subjects, on=columns, how="semi").get_column("_row")

    kept = pl.concat([
        held(indexed.filter(kind.is_in(ITEM_KINDS)), _ITEM),
        held(indexed.filter(kind == "storefront_action"), ["platform", "seller_id"]),
        held(indexed.filter((kind == "good_faith_risk") & every_reason), ["account"]),
        held(indexed.filter((kind == "good_faith_risk") & ~every_reason), ["account", "reason"]),
    ])
    return indexed.filter(pl.col("_row").is_in(kept.implode())).drop("_row")


def last_call(status: pl.DataFrame, month: str) -> str | None:
    """The latest call before `month` that raised or answered an escalation, or None."""
    calls = pl.concat([status.get_column("first_call_month"), status.get_column("last_call_month")])
    earlier = calls.filter(calls < month)
    return earlier.max() if earlier.len() else None  # type: ignore[return-value]


def since_last_call(status: pl.DataFrame, month: str) -> pl.DataFrame:
    """What the call of `month` reviews first: every escalation raised by an earlier call that is still
    open or in progress, or was resolved or dropped at the last call or since; overdue ones first,
    then by call, kind and id."""
    previous = last_call(status, month)
    earlier = status.filter(pl.col("first_call_month") < month)
    unresolved = pl.col("state").is_in(UNRESOLVED_STATES)
    settled_since = pl.col("last_call_month") >= previous if previous else pl.lit(False)
    return (earlier.filter(unresolved | settled_since.fill_null(False))
            .sort(["overdue", "first_call_month", "escalation_kind", "escalation_id"],
                  descending=[True, False, False, False]))


def removed_share(status: pl.DataFrame) -> pl.DataFrame:
    """Per call (the month that first raised them) and escalation kind, then per call over every kind
    (`escalation_kind` "all"): escalated items (distinct), how many ended removed (status removed now),
    and `removed_share` = removed / escalated. Storefront and Good-Faith escalations name no item: not counted."""
    items = status.filter(pl.col("escalation_kind").is_in(ITEM_KINDS))
    # An item escalated under two kinds at one call counts once in the call's "all".
    item = pl.struct(_ITEM)
    figures = [item.n_unique().cast(pl.Int64).alias("escalated_items"),
               item.filter(pl.col("removed").fill_null(False)).n_unique().cast(pl.Int64).alias("removed_items")]
    by_kind = items.group_by("first_call_month", "escalation_kind").agg(figures)
    overall = items.group_by("first_call_month").agg(figures).with_columns(pl.lit("all").alias("escalation_kind"))
    both = pl.concat([by_kind, overall.select(by_kind.columns)])
    return (both.with_columns((pl.col("removed_items") / pl.col("escalated_items")).alias("removed_share"))
            .rename({"first_call_month": "call_month"})
            .sort(["call_month", pl.col("escalation_kind") == "all", "escalation_kind"]))
