"""`takedown rejects [--batch ID] [--out FILE] [--db PATH]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from takedown.cli import add_db_argument
from takedown.config import resolve_db_path

HELP = "list quarantined rows with every reason, or export them (CSV/XLSX, formula-escaped)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch", help="only this ingest batch")
    parser.add_argument("--out", type=Path, help="write a CSV (or .xlsx) with one row per reason")
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    from takedown.display import print_rejects
    from takedown.rejects import export_rejects, quarantined_rows
    from takedown.store import StoreError, connect_reader

    try:
        con = connect_reader(resolve_db_path(args.db))
    except StoreError as error:
        print(f"takedown rejects: {error}", file=sys.stderr)
        return 1
    try:
        frame = quarantined_rows(con, args.batch)
    finally:
        con.close()
    if args.out:
        export_rejects(frame, args.out)
        print(f"wrote {frame.height} quarantined row(s) to {args.out}")
        return 0
    print_rejects(frame)
    return 0
