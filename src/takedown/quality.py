"""Data quality of the store: what was loaded, what was quarantined and why, what is orphaned, and
which events contradict their item's submission time; and the quarantine as a person reads it (one
row per reason, exported as CSV or XLSX, escaped).

Each reading function runs one query of queries/quality (through takedown.sql.load_query), or reads one
view of queries/views by name (the store creates those views), and returns a Polars frame;
the notebooks, the CLI (`takedown rejects`) and the dashboard's data-quality page all use these.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl

from takedown.export import XlsxResult, write_table
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


# --- the quarantine as a person reads it ---

def flatten_reasons(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per (quarantined row, reason): file, line, column, rule, message, raw."""
    records = []
    for row in frame.iter_rows(named=True):
        for reason in json.loads(row["reasons"]):
            records.append({
                "batch_id": row["batch_id"], "file": row["file"], "line": row["line"], "kind": row["kind"],
                "column": reason["column"], "rule": reason["rule"], "expectation": reason["expectation"],
                "message": reason["message"], "raw": row["raw"],
            })
    schema = {"batch_id": pl.Utf8, "file": pl.Utf8, "line": pl.Int64, "kind": pl.Utf8, "column": pl.Utf8,
              "rule": pl.Utf8, "expectation": pl.Utf8, "message": pl.Utf8, "raw": pl.Utf8}
    return pl.DataFrame(records, schema=schema)


def export_rejects(reasons: pl.DataFrame, out: Path) -> XlsxResult:
    """Write flattened reasons (flatten_reasons) as CSV (or XLSX by suffix), formula-escaped and
    atomically; what had to be cut to fit XLSX."""
    return write_table(reasons, out, sheet="rejects")
