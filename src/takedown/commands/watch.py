"""`takedown watch DIR [--db PATH] [--tz ZONE] [--mapping FILE] [--interval S] [--max-files N] [--timeout S]`.

Ingests each export file that lands in DIR, then moves it to DIR/processed/ or, when ingest refused
it or crashed, to DIR/failed/ with `<name>.reason.txt`.

Producers must write each file under a temporary name in DIR (starting with a dot, or ending in
.part or .tmp) and rename it to its final name when complete; the watcher ignores temporary names,
so it never reads half a file. The full contract is in takedown.ingest.inbox.

A producer that writes under the final name is caught by a safety net: a file is read only once its
size and modification time are the same at two polls in a row.

Files ready at the same poll are loaded in one writer session and published once (see
takedown.ingest.inbox); Great Expectations is set up once, when the watcher starts, and stays warm.

Exit status: 0 when every file handled was processed, 1 when any went to failed/ or could not be
handled (or the store could not be opened), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from takedown.cli import (
    EXIT_FAILED,
    EXIT_USAGE,
    add_db_argument,
    describe_os_error,
    fail,
    finite_number,
    store_location_problem,
)
from takedown.config import resolve_db_path
from takedown.escape import terminal_text

HELP = "ingest each export file that lands in a folder, then file it in processed/ or failed/"

# Polling every two seconds keeps a live dashboard fresh and costs nothing when idle.
DEFAULT_INTERVAL_SECONDS = 2.0
# Longer pauses than an hour between polls are a typo, not a schedule.
MAX_INTERVAL_SECONDS = 3600.0
# A year: a watcher meant to run for ever is run without --timeout.
MAX_TIMEOUT_SECONDS = 366 * 24 * 3600.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="the inbox folder (created if missing)")
    parser.add_argument("--tz", help="time zone of timestamps without an offset (default UTC)")
    parser.add_argument("--mapping", type=Path, help="TOML file mapping a vendor's columns and values")
    parser.add_argument("--interval", type=float, default=DEFAULT_INTERVAL_SECONDS,
                        help=f"seconds between polls (default {DEFAULT_INTERVAL_SECONDS:g}, at most {MAX_INTERVAL_SECONDS:g})")
    parser.add_argument("--max-files", type=int, help="stop after handling this many files")
    parser.add_argument("--timeout", type=float, help="stop after this many seconds")
    add_db_argument(parser)


def _usage_problem(args: argparse.Namespace) -> str | None:
    """Why the arguments cannot work, or None."""
    if args.folder.exists() and not args.folder.is_dir():
        return f"{args.folder} is a file, not a folder: give the inbox folder the files land in"
    problem = finite_number("--interval", args.interval, 0, MAX_INTERVAL_SECONDS, exclusive_minimum=True)
    if problem:
        return problem
    if args.timeout is not None and (problem := finite_number("--timeout", args.timeout, 0, MAX_TIMEOUT_SECONDS)):
        return problem
    if args.max_files is not None and args.max_files < 1:
        return f"--max-files must be at least 1, not {args.max_files}"
    return None


def _store_problem(db_path: Path) -> str | None:
    """Why the store cannot be used, found before any file is touched (else files would pile up)."""
    from takedown.store import StoreError, connect_reader

    problem = store_location_problem(db_path)
    if problem or not db_path.exists():
        return problem
    try:
        connect_reader(db_path).close()
    except StoreError as error:
        return str(error)
    return None


def run(args: argparse.Namespace) -> int:
    from takedown.ingest.inbox import Handled, watch_folder
    from takedown.ingest.mapping import load_mapping
    from takedown.ingest.pipeline import UsageError, check_timezone
    from takedown.store import StoreError

    try:
        if args.tz:
            check_timezone(args.tz)
        load_mapping(args.mapping)
    except (UsageError, ValueError) as error:
        return fail("watch", str(error), EXIT_USAGE)
    if problem := _usage_problem(args):
        return fail("watch", problem, EXIT_USAGE)
    db_path = resolve_db_path(args.db)
    if problem := _store_problem(db_path):
        return fail("watch", problem, EXIT_FAILED)
    try:
        args.folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return fail("watch", f"cannot create the inbox {args.folder}: {describe_os_error(error)}", EXIT_FAILED)
    reported_errors: set[str] = set()
    file_errors: list[str] = []

    def report(handled: Handled) -> None:
        name, moved_to = terminal_text(handled.name), terminal_text(handled.moved_to)
        if handled.outcome == "failed":
            print(f"failed    {name}: {terminal_text(handled.reason)} -> {moved_to}", flush=True)
        elif handled.outcome == "already loaded":
            print(f"skipped   {name}: {terminal_text(handled.reason)} -> {moved_to}", flush=True)
        else:
            result = handled.result
            print(f"processed {name}: {result.kind}, {result.rows:,} rows ({result.inserted:,} new, "
                  f"{result.updated:,} updated, {result.rejected:,} quarantined) -> {moved_to}", flush=True)

    def store_error(path: Path, error: StoreError) -> None:
        message = str(error)
        if message not in reported_errors:  # once per distinct message, not on every poll
            reported_errors.add(message)
            fail("watch", f"{path.name} waits: {message}", EXIT_FAILED)

    def file_error(path: Path, error: OSError) -> None:
        if isinstance(error, FileNotFoundError):
            # Taken away by someone else while it was being handled: nothing to load, nothing lost here.
            fail("watch", f"{path.name} vanished while it was being handled: {describe_os_error(error)}; going on", 0)
            return
        file_errors.append(path.name)
        fail("watch", f"{path.name} cannot be handled: {describe_os_error(error)}; it stays in the inbox "
                      "and is tried again when it changes", EXIT_FAILED)

    print(f"watching {terminal_text(args.folder)} -> store {terminal_text(db_path)} (Ctrl-C to stop)",
          file=sys.stderr, flush=True)
    handled: list[Handled] = []

    def on_file(outcome: Handled) -> None:
        handled.append(outcome)
        report(outcome)

    try:
        watch_folder(args.folder, db_path, interval=args.interval, max_files=args.max_files, timeout=args.timeout,
                     timezone=args.tz, mapping_path=args.mapping, on_file=on_file, on_store_error=store_error,
                     on_file_error=file_error)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a watcher is stopped: say what it did
    failed = sum(1 for h in handled if h.outcome == "failed")
    print(f"handled {len(handled)} file(s): {len(handled) - failed} processed, {failed} failed", file=sys.stderr)
    return EXIT_FAILED if failed or reported_errors or file_errors else 0
