"""Facts kept by ingest: each complaint item's milestones at the end of time, in the store's item_facts.

One definition: the kept rows are queries/metrics/item_milestones.sql (takedown.milestones)
run with $as_of past every event, over every event of the item keys an ingest touched; a view as
of T reads an item's kept row when it holds at T and runs the same query as of T for the others.

When a kept row holds at T: the item's milestones as of T count only its events by T, and its
counter-notices whose response deadline came by T. Once T reaches both its last event and its
last missed notice's deadline (settled_at), nothing later can change them: they are the kept row.
So a view as of T recomputes only the items with an event (or a deadline) after T, and a view of
"now" none. Rows are also tagged with the definition that computed them (definition_key: the
query's text and its parameters but T); a row of another definition is recomputed, never trusted.

Rows are keyed by the item's key (complaint_id, listing_id), not by the complaint's row: events
may be loaded before their complaint (an orphan's row waits for it), and a complaint updated by a
later file keeps its facts. Writers keep the table (keep_item_facts, in the transaction that writes
the events; rebuild_item_facts when a store has none yet); readers use it only when it is whole
(has_item_facts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

import duckdb

from takedown.config import DEFAULT_SETTINGS
from takedown.milestones import milestone_parameters, milestones_query
from takedown.sql import load_query, read_query

if TYPE_CHECKING:
    import polars as pl

FACTS_TABLE = "item_facts"
# The $as_of of the kept rows: past every event the store can hold.
END_OF_TIME = dt.datetime.max
# The names under which a writer shows DuckDB the keys it recomputes (with an item_id per key), and
# the loader the items it loaded (metrics/outcome_events and metrics/kept_milestones read it).
_TOUCHED_KEYS = "touched_item_keys"
_LOADED_ITEMS = "loaded_items"


def definition_key(response_window_hours: float) -> int:
    """A number that changes when the definition of the milestones does: item_milestones.sql's text
    and its parameters other than $as_of (the tie order, the event groups, the response window)."""
    parameters = milestone_parameters(END_OF_TIME, response_window_hours)
    del parameters["as_of"]
    text = read_query("metrics/item_milestones") + repr(sorted(parameters.items()))
    # A signed 63-bit integer: a BIGINT column, compared in one instruction.
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def _table_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.sql("select count(*) from information_schema.tables where table_schema = 'main' "
                        "and table_name = ?", params=[FACTS_TABLE]).fetchall()[0][0])


def _facts_are_missing(con: duckdb.DuckDBPyConnection) -> bool:
    # A store with events but no kept row has never been filled (made before the table, or by a
    # writer stopped between creating the table and filling it).
    return bool(con.sql(f"select not exists (select 1 from {FACTS_TABLE}) "
                        "and exists (select 1 from outcome_events)").fetchall()[0][0])


def has_item_facts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store behind `con` keeps item facts a view can read (the table exists and is filled)."""
    return _table_exists(con) and not _facts_are_missing(con)


# ------------------------------------------------------------------------------- the writer


def keep_item_facts(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame,
                    response_window_hours: float = DEFAULT_SETTINGS.response_window_hours) -> None:
    """Recompute the kept facts of the item keys (complaint_id, listing_id) in `keys` from all their
    events in the store: call it in the transaction that wrote those events, after writing them."""
    from takedown.frames import register_frame  # Polars and pyarrow: the store's own users need neither

    if keys.height == 0:
        return
    register_frame(con, "_touched_keys", keys.select("complaint_id", "listing_id"))
    try:
        _write_facts(con, "select distinct complaint_id, listing_id from _touched_keys", response_window_hours)
    finally:
        con.unregister("_touched_keys")


def rebuild_item_facts(con: duckdb.DuckDBPyConnection,
                       response_window_hours: float = DEFAULT_SETTINGS.response_window_hours,
                       in_transaction: bool = False) -> None:
    """Compute every item's kept facts again, in one transaction (a store without them, or kept by
    another definition); `in_transaction`: in the caller's, which is open already."""
    if not in_transaction:
        con.execute("begin transaction")
    try:
        con.execute(f"delete from {FACTS_TABLE}")
        _write_facts(con, "select distinct complaint_id, listing_id from outcome_events", response_window_hours)
        if not in_transaction:
            con.execute("commit")
    except BaseException:
        if not in_transaction:
            con.execute("rollback")
        raise


def item_facts_need_rebuild(con: duckdb.DuckDBPyConnection,
                            response_window_hours: float = DEFAULT_SETTINGS.response_window_hours) -> bool:
    """Whether a writer must rebuild the kept facts: the store has events but none kept, or rows kept
    by another definition. The table must exist (store.create_schema)."""
    stale = con.sql(f"select exists (select 1 from {FACTS_TABLE} where definition <> ?)",
                    params=[definition_key(response_window_hours)]).fetchall()[0][0]
    return bool(stale) or _facts_are_missing(con)


def _write_facts(con: duckdb.DuckDBPyConnection, keys_query: str, response_window_hours: float) -> None:
    # Each key gets a number for the milestones query (which keys items by an integer), and its
    # rows are replaced by the query's answer over all its events: a key whose events are all gone
    # keeps no row, like an item without events.
    con.execute(f"create or replace temp table {_TOUCHED_KEYS} as "
                f"select complaint_id, listing_id, row_number() over () as item_id from ({keys_query})")
    try:
        con.execute(f"delete from {FACTS_TABLE} using {_TOUCHED_KEYS} as keys "
                    f"where {FACTS_TABLE}.complaint_id = keys.complaint_id "
                    f"and {FACTS_TABLE}.listing_id = keys.listing_id")
        events = (f"with {_LOADED_ITEMS} as (select item_id, complaint_id, listing_id from {_TOUCHED_KEYS}) "
                  f"select * from ({load_query('metrics/outcome_events')})")
        query = f"with milestones as ({milestones_query(known_events=events)}) {load_query('metrics/kept_item_facts')}"
        parameters = {**milestone_parameters(END_OF_TIME, response_window_hours),
                      "definition": definition_key(response_window_hours)}
        con.execute(f"insert into {FACTS_TABLE} by name {query}", parameters)
    finally:
        con.execute(f"drop table if exists {_TOUCHED_KEYS}")


# ------------------------------------------------------------------------------- the reader


def read_kept_milestones(con: duckdb.DuckDBPyConnection, as_of: dt.datetime,
                         response_window_hours: float) -> pl.DataFrame:
    """metrics/kept_milestones for the items registered as `loaded_items`: item_milestones.sql's
    columns as kept, and `holds` (whether they are the item's milestones at `as_of` too)."""
    parameters = {"as_of": as_of, "definition": definition_key(response_window_hours)}
    # execute, not sql(params=...): measured at 1M items, 0.3 s of CPU instead of 6.6 (DuckDB 1.5.5).
    return con.execute(load_query("metrics/kept_milestones"), parameters).pl()


def milestones_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, response_window_hours: float,
                     columns: tuple[str, ...] | None = None) -> tuple[str, dict[str, object]]:
    """SQL and its parameters: item_milestones.sql's rows as of `as_of` for the items of a relation
    `loaded_items` (item_id, complaint_id, listing_id) the caller defines, in one query: the kept
    rows that hold, and the others' computed from their events (all of them: a store without facts).
    `columns` (None: all): only item_id and these of item_milestones.sql's columns."""
    from_events = milestones_query(known_events=load_query("metrics/outcome_events"))
    parameters = milestone_parameters(as_of, response_window_hours)
    wanted = "*" if columns is None else ", ".join(("item_id", *columns))
    if not has_item_facts(con):
        return f"select {wanted} from ({from_events})", parameters
    # The kept rows are read twice (those that hold, and those that do not): DuckDB materializes
    # them, so they are narrowed to the columns asked for first (the kept lists of missed notices
    # cost most): at 10M items the repeat window's query took 16 s instead of 27 (same machine, profiled).
    kept = f"select {wanted}, holds from ({load_query('metrics/kept_milestones')})"
    query = (f"with kept as ({kept}),\n"
             "changing as (select item_id, complaint_id, listing_id from loaded_items\n"
             "             semi join (select item_id from kept where not holds) using (item_id))\n"
             "select * exclude (holds) from kept where holds\n"
             "union all by name\n"
             f"select {wanted} from (with loaded_items as (select * from changing) select * from ({from_events}))")
    return query, {**parameters, "definition": definition_key(response_window_hours)}
