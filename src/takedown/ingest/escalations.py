"""The filled escalations workbook (kind `escalations`): check its rows against the store, record them.

The report stays read-only: each row carries what it is about (its kind and key columns) and its
id is the hash of those (contract.escalation_id), so ingest checks the id against its own row and
the row's item, seller or account against the store, then records the escalation (table
`escalations`, once) and what the call said about it (table `escalation_log`, a new version only
when it differs from the latest). A row that fails is quarantined with its reason like any other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import duckdb
import polars as pl

from takedown.contract import ESCALATION_KEYS, escalation_id
from takedown.escape import FORMULA_PREFIXES
from takedown.ingest.load import LoadCounts
from takedown.ingest.normalize import Prepared
from takedown.ingest.readers import SHEET_COLUMN, RawTable
from takedown.ingest.reasons import Reason

ALL_REASONS = "(all)"
_KEYS = ("complaint_id", "listing_id", "platform", "seller_id", "account", "reason")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# What the call says about an escalation: a version is new when one of these differs from the latest
# (the same answer given again at a later call is not news).
RESPONSE_COLUMNS = ("platform_response", "agreed_action", "follow_up_date", "state")
ITEM_KINDS = tuple(kind for kind, key in ESCALATION_KEYS.items() if key == ("complaint_id", "listing_id"))


def unescaped(value: str | None) -> str | None:
    """A cell as the project wrote it before formula-escaping it (SPEC 2: a leading `'` was added
    before =, +, -, @, tab or carriage return), so a key read back matches the store's."""
    if value is not None and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _value(checks: pl.DataFrame, column: str) -> list[str | None]:
    name = f"{column}__value" if f"{column}__value" in checks.columns else column
    return checks.get_column(name).to_list()


def _known(con: duckdb.DuckDBPyConnection, sql: str, rows: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pairs of `rows` that `sql` (a select of two columns from the store) also returns."""
    if not rows:
        return set()
    wanted = pl.DataFrame(rows, schema=["a", "b"], orient="row")
    con.register("_wanted", wanted.to_arrow())
    try:
        found = con.sql(f"select a, b from _wanted semi join ({sql}) as known using (a, b)").fetchall()
    finally:
        con.unregister("_wanted")
    return {(a, b) for a, b in found}


_STORE_KEYS = {
    ("complaint_id", "listing_id"): "select complaint_id as a, listing_id as b from complaint_items",
    ("platform", "seller_id"): "select platform as a, seller_id as b from complaint_items",
    # A Good-Faith account row names the account's every reason as "(all)" (report.escalations.good_faith_risk).
    ("account", "reason"): (f"select account as a, reason as b from complaint_items union "
                            f"select account as a, '{ALL_REASONS}' as b from complaint_items"),
}


def check_escalations(con: duckdb.DuckDBPyConnection, prepared: Prepared, raw: RawTable, valid: pl.Series,
                      reasons: dict[int, list[Reason]]) -> pl.Series:
    """`valid` without the rows whose id is not the hash of their kind and key, whose call month is
    not YYYY-MM, or whose item, seller or account the store does not hold; their reasons added (each
    naming the workbook's sheet: every sheet numbers its rows from 2)."""
    checks = prepared.checks
    sheets = (raw.frame.get_column(SHEET_COLUMN).to_list() if SHEET_COLUMN in raw.frame.columns
              else [None] * raw.frame.height)

    def where(position: int) -> str:
        return f" (sheet {sheets[position]!r})" if sheets[position] else ""

    # The contract's rules (a state not one of the four...) name the sheet too: lines restart per sheet.
    for position, found in reasons.items():
        reasons[position] = [dataclasses.replace(reason, message=reason.message + where(position)) for reason in found]
    kinds = _value(checks, "escalation_kind")
    ids = _value(checks, "escalation_id")
    months = _value(checks, "call_month")
    firsts = _value(checks, "first_call_month")
    keys = {column: [unescaped(value) for value in _value(checks, column)] for column in _KEYS}
    still_valid = valid.to_list()
    wanted: dict[tuple[str, ...], list[tuple[int, tuple[str, str]]]] = {}
    for position, ok in enumerate(still_valid):
        if not ok:
            continue
        problems: list[Reason] = []
        kind = kinds[position]
        values = {column: keys[column][position] for column in _KEYS}
        if kind == "good_faith_risk" and values["reason"]:
            values["reason"] = values["reason"].lower()
        expected = escalation_id(kind, values)
        key = ESCALATION_KEYS[kind]
        if (ids[position] or "").strip().upper() != expected:
            named = ", ".join(f"{column} {values[column] or ''!r}" for column in key)
            problems.append(Reason("escalation_id", "escalation_id_unknown", "escalation id of its own row",
                                   f"escalation_id {ids[position]!r} is not the id of a {kind} escalation of "
                                   f"{named} (expected {expected}): an id is never typed or edited by hand{where(position)}"))
        for column, month in (("call_month", months[position]), ("first_call_month", firsts[position])):
            if month is not None and not _MONTH.fullmatch(month):
                problems.append(Reason(column, "month_format", "a month written YYYY-MM",
                                       f"{column} {month!r} is not a month written YYYY-MM{where(position)}"))
        missing = [column for column in key if column != "listing_id" and not values[column]]
        for column in missing:
            problems.append(Reason(column, "escalation_key_missing", f"the key of a {kind} escalation",
                                   f"a {kind} escalation names its {' and '.join(key)}: {column} is blank{where(position)}"))
        if problems:
            reasons.setdefault(position, []).extend(problems)
            still_valid[position] = False
        else:
            pair = (values[key[0]] or "", values[key[1]] or "")
            wanted.setdefault(key, []).append((position, pair))
    for key, rows in wanted.items():
        known = _known(con, _STORE_KEYS[key], [pair for _, pair in rows])
        for position, pair in rows:
            if pair not in known:
                kind = kinds[position]
                reasons.setdefault(position, []).append(Reason(
                    key[0], "escalation_unknown_to_store", f"a {kind} escalation of something the store holds",
                    f"the store holds no complaint item with {key[0]} {pair[0]!r} and {key[1]} {pair[1]!r}: "
                    f"this {kind} escalation is not about anything loaded (load its exports first){where(position)}"))
                still_valid[position] = False
    return pl.Series(valid.name, still_valid, dtype=pl.Boolean)


def escalation_rows(typed: pl.DataFrame) -> pl.DataFrame:
    """The typed rows that passed as the escalation tables' columns: keys unescaped, a blank state
    open, a Good-Faith reason lower-cased, a blank first call month the call's; a later row of the
    same escalation wins (file order)."""
    unescape = [pl.col(column).map_elements(unescaped, return_dtype=pl.Utf8, skip_nulls=True)
                for column in _KEYS]
    return (typed.with_row_index("_order")
            .with_columns(unescape)
            .with_columns(pl.col("escalation_id").str.strip_chars().str.to_uppercase(),
                          pl.col("state").fill_null("open"),
                          pl.col("reason").str.to_lowercase(),
                          pl.col("first_call_month").fill_null(pl.col("call_month")),
                          pl.when(pl.col("escalation_kind").is_in(ITEM_KINDS))
                          .then(pl.col("listing_id").fill_null("")).otherwise(pl.col("listing_id"))
                          .alias("listing_id"))
            .unique("escalation_id", keep="last", maintain_order=True)
            .drop("_order"))


def record_escalations(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, batch_id: str,
                       loaded_at: dt.datetime) -> LoadCounts:
    """Record `rows` (escalation_rows) inside the caller's transaction. Counts: `inserted` an escalation
    the store did not know, `updated` a new version of a known one, `unchanged` the same as its latest."""
    if rows.height == 0:
        return LoadCounts()
    con.register("_escalation_rows", rows.to_arrow())
    try:
        known = con.sql("select count(*) from _escalation_rows semi join escalations using (escalation_id)").fetchall()[0]
        con.execute("""
            insert into escalations by name
            select escalation_id, escalation_kind, first_call_month, complaint_id, listing_id, platform, seller_id,
                   account, reason, ? as first_loaded_at, ? as batch_id
            from _escalation_rows anti join escalations using (escalation_id)
        """, [loaded_at, batch_id])
        # A call that raised it earlier than the store knew (a carried row loaded before the first workbook).
        con.execute("""
            update escalations set first_call_month = incoming.first_call_month
            from _escalation_rows as incoming
            where escalations.escalation_id = incoming.escalation_id
              and incoming.first_call_month < escalations.first_call_month
        """)
        changed = """
            select incoming.* from _escalation_rows as incoming
            left join (select * from escalation_log
                       qualify row_number() over (partition by escalation_id order by loaded_at desc, batch_id desc) = 1) as latest
                using (escalation_id)
            where latest.escalation_id is null
               or (incoming.platform_response, incoming.agreed_action,
                   incoming.follow_up_date, incoming.state)
                  is distinct from
                  (latest.platform_response, latest.agreed_action,
                   latest.follow_up_date, latest.state)
        """
        versions = con.sql(f"select count(*) from ({changed})").fetchall()[0]
        con.execute(f"""
            insert into escalation_log by name
            select escalation_id, call_month, platform_response, agreed_action, follow_up_date, state,
                   ? as loaded_at, ? as batch_id, line
            from ({changed})
        """, [loaded_at, batch_id])
    finally:
        con.unregister("_escalation_rows")
    total, known_count, new_versions = rows.height, int(known[0]), int(versions[0])
    inserted = total - known_count
    updated = new_versions - inserted
    return LoadCounts(inserted=inserted, updated=updated, unchanged=total - inserted - updated)
