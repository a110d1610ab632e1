"""The --json / --out outputs of the commands that list rows (`items`, `predict`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from takedown.cli import EXIT_FAILED, EXIT_USAGE, describe_os_error, fail
from takedown.escape import terminal_text


def add_row_output_arguments(parser: argparse.ArgumentParser, row: str) -> None:
    """--json (one JSON object per `row`) or --out FILE.csv|.xlsx; neither: a table on the terminal."""
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help=f"print one JSON object per {row} (JSON Lines)")
    output.add_argument("--out", type=Path, metavar="FILE", help="write the rows to a .csv or .xlsx file")


def print_json_lines(rows) -> None:
    """One JSON object per row on stdout (instants as ISO 8601 UTC with Z)."""
    from takedown.metrics.periods import iso_utc

    out = sys.stdout
    for row in rows.iter_rows(named=True):
        out.write(json.dumps({name: iso_utc(value) if isinstance(value, dt.datetime) else value
                              for name, value in row.items()}, ensure_ascii=False) + "\n")


def write_rows(command: str, rows, out: Path, sheet: str) -> int:
    """The rows written to `out` (CSV or XLSX, escaped, atomically); the exit status (2 when an XLSX
    sheet cannot hold them, 1 when the file cannot be written)."""
    from takedown.export import cut_cells_note, write_table, xlsx_rows_problem

    # Counted before the file is built: a sheet holds at most XLSX_MAX_ROWS rows.
    if out.suffix.lower() == ".xlsx" and (problem := xlsx_rows_problem("--out", rows.height)):
        return fail(command, problem, EXIT_USAGE)
    try:
        result = write_table(rows, out, sheet=sheet)
    except OSError as error:
        return fail(command, f"cannot write --out {out}: {describe_os_error(error)}", EXIT_FAILED)
    if note := cut_cells_note(result):
        print(f"takedown {command}: {note}", file=sys.stderr)
    print(f"{rows.height:,} rows written to {terminal_text(out)}", file=sys.stderr)
    return 0
