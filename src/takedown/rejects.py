"""The quarantine as a person reads it: one row per reason, exported as CSV or XLSX, escaped.

The quarantine itself is read by takedown.quality.quarantined_rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from takedown.export import write_table


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


def export_rejects(frame: pl.DataFrame, out: Path) -> None:
    """Write the flattened reasons as CSV (or XLSX by suffix), formula-escaped and atomically."""
    write_table(flatten_reasons(frame), out, sheet="rejects")
