"""Write one file's valid rows into the store: upsert by key, count what changed, keep the history.

Keys and update rules (SPEC 2): a row whose key exists with other values updates it (last loaded
wins), except a listing's detected_at, which keeps the earliest. Within one file, a later row with
the same key wins. The counts follow the rows in file order: a row is `inserted` when its key is
new, `updated` when it changes the state its key had just before it (in the store, or from an
earlier row of the same file), else `unchanged`.

The SQL here is generated from the tables' column lists: identifiers only, every value is data.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from takedown.contract import Kind
from takedown.frames import register_frame

# Columns that record where a row came from, not what it says: never compared.
PROVENANCE = ("batch_id", "line")
# The one column whose update rule is "keep the earliest" rather than "last loaded wins".
EARLIEST_WINS = {"listings": "detected_at"}


@dataclass
class LoadCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """(name, type) of a table's columns, in order."""
    rows = con.sql(
        "select column_name, data_type from information_schema.columns "
        "where table_name = ? and table_schema = 'main' order by ordinal_position",
        params=[table],
    ).fetchall()
    return [(str(name), str(data_type)) for name, data_type in rows]


def upsert(con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...], rows: pl.DataFrame,
           batch_id: str) -> LoadCounts:
    """Upsert `rows` (the table's columns without batch_id) into `table`; returns the counts."""
    if rows.height == 0:
        return LoadCounts()
    columns = table_columns(con, table)
    register_frame(con, "_incoming", rows.with_columns(pl.lit(batch_id).alias("batch_id")))
    casts = ", ".join(f"cast({_quote(name)} as {data_type}) as {_quote(name)}" for name, data_type in columns)
    con.execute(f"create or replace temp view _staged as select {casts} from _incoming")
    names = [name for name, _ in columns]
    try:
        if rows.select(pl.struct(list(key)).is_duplicated().any()).item():
            return _upsert_in_file_order(con, table, key, names)
        return _upsert_one_row_per_key(con, table, key, names)
    finally:
        con.execute("drop view if exists _staged")
        con.unregister("_incoming")


def _value_columns(table: str, key: tuple[str, ...], names: list[str]) -> list[str]:
    earliest = EARLIEST_WINS.get(table)
    return [n for n in names if n not in key and n not in PROVENANCE and n != earliest]


def _struct(columns: list[str], relation: str = "") -> str:
    prefix = f"{relation}." if relation else ""
    return "struct_pack(" + ", ".join(f"{_quote(c)} := {prefix}{_quote(c)}" for c in columns) + ")"


def _upsert_one_row_per_key(con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...],
                            names: list[str]) -> LoadCounts:
    """The common case, no key twice in the file: compare each row with the stored one only."""
    keys = ", ".join(_quote(k) for k in key)
    values = _value_columns(table, key, names)
    earliest = EARLIEST_WINS.get(table)
    earlier_rule = earliest_column = ""
    if earliest:
        e = _quote(earliest)
        earlier_rule = f"or staged.{e} < stored.{e}"
        earliest_column = f", least(staged.{e}, stored.{e}) as _earliest"
    con.execute(f"""
        create or replace temp table _existing as
        select {keys},
            case when {_struct(values, "staged")} is distinct from {_struct(values, "stored")} {earlier_rule}
                 then 'updated' else 'unchanged' end as _outcome
            {earliest_column}
        from _staged as staged join {_quote(table)} as stored using ({keys})
    """)
    total = con.sql("select count(*) from _staged").fetchall()[0][0]
    existing, updated = con.sql(
        "select count(*), count(*) filter (where _outcome = 'updated') from _existing").fetchall()[0]
    join = " and ".join(f"{_quote(table)}.{_quote(k)} = _existing.{_quote(k)}" for k in key)
    con.execute(f"delete from {_quote(table)} using _existing where _existing._outcome = 'updated' and {join}")
    replace = f" replace (coalesce(_earliest, {_quote(earliest)}) as {_quote(earliest)})" if earliest else ""
    con.execute(f"""
        insert into {_quote(table)} by name
        select * exclude (_outcome{", _earliest" if earliest else ""}){replace}
        from _staged left join _existing using ({keys})
        where _outcome is distinct from 'unchanged'
    """)
    con.execute("drop table _existing")
    return LoadCounts(inserted=total - existing, updated=updated, unchanged=existing - updated)


def _upsert_in_file_order(con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...],
                          names: list[str]) -> LoadCounts:
    """A key appears more than once in the file: follow the rows in file order (see module doc)."""
    keys = ", ".join(_quote(k) for k in key)
    earliest = EARLIEST_WINS.get(table)
    value_struct = _struct(_value_columns(table, key, names))
    window = f"partition by {keys} order by line"
    earliest_select = earliest_stored = earliest_rule = ""
    if earliest:
        e = _quote(earliest)
        earliest_select = (f", min({e}) over ({window} rows between unbounded preceding and 1 preceding)"
                           f" as _previous_earliest")
        earliest_stored = f", {e} as _stored_earliest"
        earliest_rule = f"when {e} < least(_stored_earliest, _previous_earliest) then 'updated'"
    con.execute(f"""
        create or replace temp table _classified as
        with staged as (
            select *,
                row_number() over ({window}) as _seq,
                count(*) over (partition by {keys}) as _count,
                {value_struct} as _values,
                lag({value_struct}) over ({window}) as _previous_values
                {earliest_select}
            from _staged
        ),
        stored as (
            select {keys}, true as _exists, {value_struct} as _stored_values {earliest_stored}
            from {_quote(table)} semi join _staged using ({keys})
        )
        select staged.*, stored.* exclude ({keys}),
            case
                when _seq = 1 and _exists is null then 'inserted'
                when (case when _seq = 1 then _stored_values else _previous_values end)
                     is distinct from _values then 'updated'
                {earliest_rule}
                else 'unchanged'
            end as _outcome
        from staged left join stored using ({keys})
    """)
    counts = dict(con.sql("select _outcome, count(*) from _classified group by all").fetchall())
    # The final state of every key that changed: its last row, detected_at the earliest ever seen.
    final_columns = ", ".join(
        (f"least(min({_quote(n)}) over (partition by {keys}), _stored_earliest) as {_quote(n)}"
         if n == earliest else _quote(n))
        for n in names
    )
    con.execute(f"""
        create or replace temp table _final as
        select * exclude (_seq, _count, _changed) from (
            select {final_columns}, _seq, _count,
                bool_or(_outcome <> 'unchanged') over (partition by {keys}) as _changed
            from _classified
        )
        where _changed and _seq = _count
    """)
    join = " and ".join(f"{_quote(table)}.{_quote(k)} = _final.{_quote(k)}" for k in key)
    con.execute(f"delete from {_quote(table)} using _final where {join}")
    con.execute(f"insert into {_quote(table)} by name select * from _final")
    con.execute("drop table _classified")
    con.execute("drop table _final")
    return LoadCounts(counts.get("inserted", 0), counts.get("updated", 0), counts.get("unchanged", 0))


def insert_missing_events(con: duckdb.DuckDBPyConnection, events: pl.DataFrame, batch_id: str) -> None:
    """Add a complaints export's status events that the store does not hold yet (never overwrite)."""
    if events.height == 0:
        return
    register_frame(con, "_status_events", events)
    con.execute("""
        insert into outcome_events by name
        select distinct on (complaint_id, listing_id, event, occurred_at)
            complaint_id, listing_id, event, occurred_at, null as detail, null as extra,
            'complaints' as source_kind, ? as batch_id, line
        from _status_events
        anti join outcome_events using (complaint_id, listing_id, event, occurred_at)
        order by complaint_id, listing_id, event, occurred_at, line desc
    """, [batch_id])
    con.unregister("_status_events")


def kind_rows(kind: Kind, typed: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """The kind's rows as its table's columns, and (for complaints) the status events they carry."""
    if kind.name == "complaints":
        status_events = typed.filter(pl.col("status").is_not_null()).select(
            "complaint_id", "listing_id", pl.col("status").alias("event"),
            pl.col("status_at").alias("occurred_at"), "line",
        )
        rows = typed.rename({"status": "portal_status", "status_at": "portal_status_at"})
        return rows, status_events
    if kind.name == "outcomes":
        return typed.with_columns(pl.lit("outcomes").alias("source_kind")), None
    return typed, None
