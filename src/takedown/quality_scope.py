"""Data quality within a viewer's scope: the quarantined rows, files and orphans of the brands and IPP
accounts a viewer may see (takedown.access), as far as a row can be attributed.

A quarantined row is attributed from its own values and the store: a listing or a right by its `brand`;
a complaint by its `account` and the brand of the listing it names (platform and listing id); an outcome
by its complaint item's account and brand; an escalation answer by its item's, else by the `account` it
names. A row that cannot be (a value missing or unreadable, a listing or item the store does not hold, a
vendor's column names that a mapping file renamed) belongs to no viewer: only an admin sees it, with the
store-wide figures. The scope's rule is the dashboard's (metrics.filters.Filters): brands limit listings,
items and rights; accounts limit items (and escalations).

A file is shown when one of its quarantined rows, or a stored row it last wrote, is the viewer's; with
only the viewer's own counts (a file may hold other brands' rows too).
"""

from __future__ import annotations

import json

import duckdb
import polars as pl

from takedown.contract import PLATFORMS, alias_table, normalise_enum_value, normalise_name
from takedown.quality import flatten_reasons, quarantined_rows
from takedown.sql import load_query

# Kinds whose rows the accounts of a scope do not limit (a listing or a right names no IPP account).
BRAND_ONLY_KINDS = ("listings", "ip_rights")
OWNER_SCHEMA = {"brand": pl.String, "account": pl.String}


def _text(values: dict[str, object], name: str) -> str | None:
    value = values.get(name)
    text = "" if value is None else str(value).strip()
    return text or None


def _platform(value: str | None) -> str | None:
    if value is None:
        return None
    normal = normalise_enum_value(value)
    return alias_table(PLATFORMS).get(normal, normal)


def _raw_values(raw: str) -> dict[str, object]:
    # The row as read, its header names matched as ingest matches them (`Brand ` -> brand).
    try:
        values = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return {normalise_name(str(key)): value for key, value in values.items()} if isinstance(values, dict) else {}


def quarantine_owners(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (quality.quarantined_rows) with the `brand` and `account` each is attributed to (null: unknown)."""
    values = [_raw_values(raw) for raw in rows.get_column("raw").to_list()]
    complaint_ids = sorted({text for row in values if (text := _text(row, "complaint_id"))})
    listing_ids = sorted({text for row in values if (text := _text(row, "listing_id"))})
    known = con.execute(load_query("quality/item_owners"),
                        {"complaint_ids": complaint_ids, "listing_ids": listing_ids}).fetchall()
    items = {(complaint, listing): (account, brand) for complaint, listing, _, account, brand in known if complaint}
    listings = {(platform, listing): brand for complaint, listing, platform, _, brand in known if not complaint}
    owners = []
    for kind, row in zip(rows.get_column("kind").to_list(), values, strict=True):
        item = (_text(row, "complaint_id"), _text(row, "listing_id") or "")
        if kind in BRAND_ONLY_KINDS:
            owners.append((_text(row, "brand"), None))
        elif kind == "complaints":
            owners.append((listings.get((_platform(_text(row, "platform")), item[1])), _text(row, "account")))
        elif kind == "outcomes" or (kind == "escalations" and item[0]):
            account, brand = items.get(item, (None, None))
            owners.append((brand, account))
        elif kind == "escalations":
            owners.append((None, _text(row, "account")))
        else:
            owners.append((None, None))
    return rows.with_columns(pl.DataFrame(owners, schema=OWNER_SCHEMA, orient="row"))


def scope_condition(brands: tuple[str, ...] | None, accounts: tuple[str, ...] | None) -> pl.Expr:
    """Whether a row with `kind`, `brand` and `account` (null: unknown) is within the scope (None: all):
    an unknown brand or account is within a scope only when the scope does not limit it."""
    condition = pl.lit(True)
    if brands is not None:
        condition = condition & pl.col("brand").is_in(list(brands)).fill_null(False)
    if accounts is not None:
        condition = condition & (pl.col("kind").is_in(BRAND_ONLY_KINDS)
                                 | pl.col("account").is_in(list(accounts)).fill_null(False))
    return condition


def reasons_by_rule(reasons: pl.DataFrame) -> pl.DataFrame:
    """One row per (kind, column, rule) of flattened reasons (quality.flatten_reasons): rows broken, files,
    one example message; the most frequent first (quality.quarantine_by_rule's table, for any rows)."""
    return (reasons.group_by("kind", pl.col("column").alias("column_name"), "rule")
            .agg(pl.len().cast(pl.Int64).alias("rows_broken"), pl.col("file").n_unique().cast(pl.Int64).alias("files"),
                 pl.col("message").min().alias("example"))
            .sort(["rows_broken", "kind", "column_name", "rule"], descending=[True, False, False, False],
                  nulls_last=True))


def quality_within_scope(con: duckdb.DuckDBPyConnection, brands: tuple[str, ...] | None,
                         accounts: tuple[str, ...] | None) -> dict[str, pl.DataFrame]:
    """The Data quality page of a viewer who may see `brands` and `accounts` (None: all):

    reasons (their quarantined rows, one row per reason), by_rule (reasons_by_rule of those), batches
    (the files with one of their rows: when loaded, file, kind, their quarantined rows), and
    orphan_complaint_items (complaint items whose listing is not loaded: brandless, so only within a
    scope that does not limit brands).
    """
    rows = quarantine_owners(con, quarantined_rows(con)).filter(scope_condition(brands, accounts))
    stored = con.sql(load_query("quality/batch_owners")).pl().filter(scope_condition(brands, accounts))
    batches = con.sql(load_query("quality/ingest_batches")).pl().select("batch_id", "loaded_at", "file", "kind")
    theirs = rows.group_by("batch_id").agg(pl.len().cast(pl.Int64).alias("your_quarantined_rows"))
    shown = (batches.join(pl.concat([rows.select("batch_id"), stored.select("batch_id")]).unique(), on="batch_id",
                          how="semi", maintain_order="left")
             .join(theirs, on="batch_id", how="left", maintain_order="left")
             .with_columns(pl.col("your_quarantined_rows").fill_null(0)))
    reasons = flatten_reasons(rows)
    orphans = (con.sql(load_query("quality/orphan_item_accounts")).pl()
               .with_columns(pl.lit("complaints").alias("kind"), pl.lit(None, pl.String).alias("brand"))
               .filter(scope_condition(brands, accounts)).drop("kind", "brand"))
    return {"reasons": reasons, "by_rule": reasons_by_rule(reasons), "batches": shown,
            "orphan_complaint_items": orphans}
