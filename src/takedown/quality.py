"""Data quality of the store: what was loaded, what was quarantined and why, what is orphaned, and
which events contradict their item's submission time.

Each function reads one query of queries/quality or queries/views and returns a Polars frame; the
notebooks, the CLI and (later) the dashboard all use these.
"""

from __future__ import annotations

import duckdb
import polars as pl

from takedown.sql import load_query


def ingest_batches(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per file loaded or refused, newest first: rows, inserted, updated, unchanged, rejected."""
    return con.sql(load_query("quality/ingest_batches")).pl()


def quarantined_rows(con: duckdb.DuckDBPyConnection, batch_id: str | None = None) -> pl.DataFrame:
    """One row per quarantined row (file, line, kind, raw JSON, reasons JSON), oldest batch first."""
    return con.sql(load_query("quality/quarantined_rows"), params={"batch_id": batch_id}).pl()


def quarantine_by_rule(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per (kind, column, rule): rows broken, files, an example message."""
    return con.sql(load_query("quality/quarantine_by_rule")).pl()


def orphans(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """Complaint items whose listing is not loaded, and events whose complaint item is not loaded."""
    return {
        "complaint_items": con.sql("select * from orphan_complaint_items order by complaint_id, listing_id").pl(),
        "outcome_events": con.sql("select * from orphan_outcome_events order by complaint_id, occurred_at").pl(),
    }


def events_before_submission(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Outcome events that occurred before their complaint item was submitted, largest gap first.

    Columns: complaint_id, listing_id, event, occurred_at, submitted_at, gap_hours. They are kept
    and counted by the metrics as SPEC defines them; a gap here usually means a wrong time zone or
    a wrong submission time in one of the exports.
    """
    return con.sql("select * from events_before_submission "
                   "order by gap_hours desc, complaint_id, listing_id, occurred_at, event").pl()


def store_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Row counts of every table, orphan counts, and the count of events before their submission."""
    return con.sql("select name, row_count from store_summary").pl()
