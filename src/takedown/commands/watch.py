"""`takedown watch DIR [--db PATH] [--tz ZONE] [--mapping FILE] [--interval S] [--max-files N] [--timeout S]`.

Ingests each export file that lands in DIR, then moves it to DIR/processed/ or, when ingest refused
it or crashed, to DIR/failed/ with `<name>.reason.txt`.

Producers must write each file under a temporary name in DIR (starting with a dot, or ending in
.part or .tmp) and rename it to its final name when complete; the watcher ignores temporary names,
so it never reads half a file. The full contract is in takedown.inbox.

Exit status: 0 when every file handled was processed, 1 when any went to failed/ (or the store
could not be opened), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from takedown.cli import add_db_argument
from takedown.config import resolve_db_path

HELP = "ingest each export file that lands in a folder, then file it in processed/ or failed/"

# Polling every two seconds keeps a live dashboard fresh and costs nothing when idle.
DEFAULT_INTERVAL_SECONDS = 2.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="the inbox folder (created if missing)")
    parser.add_argument("--tz", help="time zone of timestamps without an offset (default UTC)")
    parser.add_argument("--mapping", type=Path, help="TOML file mapping a vendor's columns and values")
    parser.add_argument("--interval", type=float, default=DEFAULT_INTERVAL_SECONDS,
                        help=f"seconds between polls (default {DEFAULT_INTERVAL_SECONDS:g})")
    parser.add_argument("--max-files", type=int, help="stop after handling this many files")
    parser.add_argument("--timeout", type=float, help="stop after this many seconds")
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    from takedown.inbox import Handled, watch_folder
    from takedown.ingest.mapping import load_mapping
    from takedown.ingest.pipeline import UsageError, check_timezone
    from takedown.store import StoreError

    try:
        if args.tz:
            check_timezone(args.tz)
        load_mapping(args.mapping)
    except (UsageError, ValueError, OSError) as error:
        print(f"takedown watch: {error}", file=sys.stderr)
        return 2
    if args.interval <= 0 or (args.max_files is not None and args.max_files < 1):
        print("takedown watch: --interval must be positive and --max-files at least 1", file=sys.stderr)
        return 2
    db_path = resolve_db_path(args.db)
    args.folder.mkdir(parents=True, exist_ok=True)
    reported_errors: set[str] = set()

    def report(handled: Handled) -> None:
        if handled.outcome == "failed":
            print(f"failed    {handled.name}: {handled.reason} -> {handled.moved_to}", flush=True)
        elif handled.outcome == "already loaded":
            print(f"skipped   {handled.name}: {handled.reason} -> {handled.moved_to}", flush=True)
        else:
            result = handled.result
            print(f"processed {handled.name}: {result.kind}, {result.rows:,} rows ({result.inserted:,} new, "
                  f"{result.updated:,} updated, {result.rejected:,} quarantined) -> {handled.moved_to}", flush=True)

    def store_error(path: Path, error: StoreError) -> None:
        message = str(error)
        if message not in reported_errors:  # once per distinct message, not on every poll
            reported_errors.add(message)
            print(f"takedown watch: {path.name} waits: {message}", file=sys.stderr, flush=True)

    print(f"watching {args.folder} -> store {db_path} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    handled: list[Handled] = []

    def on_file(outcome: Handled) -> None:
        handled.append(outcome)
        report(outcome)

    try:
        watch_folder(args.folder, db_path, interval=args.interval, max_files=args.max_files, timeout=args.timeout,
                     timezone=args.tz, mapping_path=args.mapping, on_file=on_file, on_store_error=store_error)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a watcher is stopped: say what it did
    failed = sum(1 for h in handled if h.outcome == "failed")
    print(f"handled {len(handled)} file(s): {len(handled) - failed} processed, {failed} failed", file=sys.stderr)
    return 1 if failed or reported_errors else 0
