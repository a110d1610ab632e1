"""The staging layer (queries/staging/) and the loader that writes it in front of every query."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from takedown.sql import list_queries, load_query, read_query, staging_models, with_staging

# Folders whose queries read the store's tables themselves: the tables (schema/) and the data-quality
# views the store keeps (views/, created at ingest; they check the raw rows, orphans included).
_RAW_READERS = ("schema", "views", "quality", "staging")
_SOURCE_TABLES = ("listings", "complaint_items", "outcome_events", "ip_rights")


def _every_query() -> list[str]:
    return [name for folder in ("metrics", "dashboard", "report") for name in list_queries(folder)]


@pytest.mark.parametrize("name", _every_query())
def test_no_query_reads_a_source_table_but_through_staging(name):
    text = re.sub(r"--[^\n]*", "", read_query(name)).lower()
    read = re.findall(r"\b(?:from|join)\s+([a-z_]+)", text)
    assert not set(read) & set(_SOURCE_TABLES), f"{name} reads {sorted(set(read) & set(_SOURCE_TABLES))} directly"


def test_the_listing_casts_the_filters_and_the_as_of_cuts_are_written_once():
    # The rename/cast list, the platform/brand filters of the listings and the as-of cuts live in staging only.
    for name in _every_query():
        text = read_query(name)
        assert "cast(price" not in text, name
        assert "$platform is null or platform = $platform" not in text or name == "metrics/matching_items", name
        # metrics/ip_rights filters the rights by their own brand column (no listing involved).
        assert "$brand is null or brand = $brand" not in text or name == "metrics/ip_rights", name
        # The as-of cuts: staging/listings_known, staging/events_known, and the items' in matching_items.
        assert "detected_at <= $as_of" not in text and "occurred_at <= $as_of" not in text, name
        assert "submitted_at <= $as_of" not in text or name == "metrics/matching_items", name


def test_a_model_is_defined_after_the_models_it_reads_and_once():
    assert staging_models("select * from listings_known join stg_listings using (listing_key)") == [
        "stg_listings", "listings_matching", "listings_known"]
    assert staging_models("-- stg_listings in a comment only\nselect 1") == []
    assert with_staging("select 1") == "select 1"


def test_a_query_with_its_own_ctes_keeps_its_order_by():
    query = with_staging("-- grain\nwith a as (select listing_key from stg_listings)\nselect * from a order by 1")
    assert query.startswith("-- grain\nwith stg_listings as (")
    assert query.count("with ") == 2  # the statement's one with (the query's merged in) and the model's own
    assert query.rstrip().endswith("order by 1")


@pytest.fixture
def events_store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in list_queries("schema"):
        con.execute(load_query(name))
    yield con
    con.close()


def _insert_event(con: duckdb.DuckDBPyConnection, event: str, at: dt.datetime, detail: str, batch: str,
                  line: int) -> None:
    con.execute("insert into outcome_events (complaint_id, listing_id, event, occurred_at, detail, source_kind, "
                "batch_id, line) values ('C1', 'L1', ?, ?, ?, 'outcomes', ?, ?)", [event, at, detail, batch, line])


@pytest.mark.parametrize("loaded_first", ["older batch first", "newer batch first"])
def test_decision_details_breaks_a_tie_the_same_way_whatever_order_the_rows_are_read_in(events_store, loaded_first):
    # A key loaded twice (two batches wrote the same rejected event at the same instant): the row
    # loaded last wins (SPEC 2), never whichever DuckDB happens to read last.
    at = dt.datetime(2026, 9, 1, 12)
    rows = [("rejected", at, "old reason", "20260901T000000-a", 5),
            ("rejected", at, "new reason", "20260902T000000-b", 1)]
    if loaded_first == "newer batch first":
        rows.reverse()
    for row in rows:
        _insert_event(events_store, *row)
    _insert_event(events_store, "rejected", at - dt.timedelta(hours=1), "earlier", "20260903T000000-c", 1)
    _insert_event(events_store, "restored", at + dt.timedelta(days=40), "after the as-of", "20260903T000000-c", 2)
    details = events_store.sql(load_query("report/decision_details"),
                               params={"as_of": at + dt.timedelta(days=1)}).fetchall()
    assert details == [("C1", "L1", "rejected", at, "new reason")]
