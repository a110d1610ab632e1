"""`takedown rejects [--batch ID] [--out FILE] [--db PATH]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, describe_os_error, fail
from takedown.config import resolve_db_path
from takedown.escape import terminal_text

HELP = "list quarantined rows with every reason, or export them (CSV/XLSX, formula-escaped)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch", help="only this ingest batch")
    parser.add_argument("--out", type=Path, help="write a .csv or .xlsx file with one row per reason")
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    from takedown.display import print_rejects
    from takedown.quality import quarantined_rows
    from takedown.export import cut_cells_note, out_problem, xlsx_rows_problem
    from takedown.rejects import export_rejects, flatten_reasons
    from takedown.store import StoreError, connect_reader

    if args.out is not None and (problem := out_problem("--out", args.out)):
        return fail("rejects", problem, EXIT_USAGE)
    try:
        con = connect_reader(resolve_db_path(args.db))
    except StoreError as error:
        return fail("rejects", str(error), EXIT_FAILED)
    try:
        frame = quarantined_rows(con, args.batch)
    finally:
        con.close()
    if args.out:
        reasons = flatten_reasons(frame)
        # Counted before the file is built: a sheet holds at most XLSX_MAX_ROWS rows.
        if args.out.suffix.lower() == ".xlsx" and (problem := xlsx_rows_problem("--out", reasons.height)):
            return fail("rejects", problem, EXIT_USAGE)
        try:
            result = export_rejects(reasons, args.out)
        except OSError as error:
            return fail("rejects", f"cannot write --out {args.out}: {describe_os_error(error)}", EXIT_FAILED)
        if note := cut_cells_note(result):
            print(f"takedown rejects: {note}", file=sys.stderr)
        print(f"wrote {frame.height} quarantined row(s) to {terminal_text(args.out)}")
        return 0
    print_rejects(frame)
    return 0
