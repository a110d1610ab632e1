"""The --json / --out outputs of the commands that list rows (`items`, `predict`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from takedown.cli import EXIT_FAILED, describe_os_error, fail
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
    """The rows written to `out` (CSV or XLSX, escaped, atomically); the exit status (1 when it cannot be)."""
    from takedown.export import write_table

    try:
        write_table(rows, out, sheet=sheet)
    except OSError as error:
        return fail(command, f"cannot write --out {out}: {describe_os_error(error)}", EXIT_FAILED)
    print(f"{rows.height:,} rows written to {terminal_text(out)}", file=sys.stderr)
    return 0
