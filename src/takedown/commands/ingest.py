"""`takedown ingest FILE... [--kind K] [--tz ZONE] [--mapping FILE] [--db PATH] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from takedown.cli import add_db_argument
from takedown.config import PROGRESS_MIN_ROWS, resolve_db_path
from takedown.contract import KINDS

HELP = "load export files (CSV, XLSX, JSON Lines, Parquet) into the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--kind", choices=KINDS, help="the export kind (default: detected from the header)")
    parser.add_argument("--tz", help="time zone of timestamps without an offset (default UTC)")
    parser.add_argument("--mapping", type=Path, help="TOML file mapping a vendor's columns and values")
    parser.add_argument("--json", action="store_true", help="one JSON object per file instead of a table")
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    from takedown.display import StageProgress, print_ingest_summary
    from takedown.ingest import UsageError, ingest_files
    from takedown.store import StoreError

    db_path = resolve_db_path(args.db)
    reporter = None if args.json else StageProgress(min_rows=PROGRESS_MIN_ROWS)
    try:
        results = ingest_files([Path(f) for f in args.files], db_path, kind=args.kind, timezone=args.tz,
                               mapping_path=args.mapping, progress=reporter)
    except UsageError as error:
        print(f"takedown ingest: {error}", file=sys.stderr)
        return 2
    except StoreError as error:
        print(f"takedown ingest: {error}", file=sys.stderr)
        return 1
    finally:
        if reporter:
            reporter.close()
    for result in results:
        if result.error:
            print(f"takedown ingest: {result.file}: refused, nothing loaded: {result.error}", file=sys.stderr)
    if args.json:
        for result in results:
            print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print_ingest_summary(results, db_path)
    return 1 if any(result.error for result in results) else 0
