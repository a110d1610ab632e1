"""`takedown ingest FILE... [--kind K] [--tz ZONE] [--mapping FILE] [--db PATH] [--json]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from takedown.cli import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    add_db_argument,
    describe_os_error,
    fail,
    store_location_problem,
)
from takedown.config import PROGRESS_MIN_ROWS, resolve_db_path
from takedown.contract import KINDS, RECORD_KINDS

HELP = "load export files (CSV, XLSX, JSON Lines, Parquet) into the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--kind", choices=(*KINDS, *RECORD_KINDS),
                        help="the export kind (default: detected from the header)")
    parser.add_argument("--tz", help="time zone of timestamps without an offset (default UTC)")
    parser.add_argument("--mapping", type=Path, help="TOML file mapping a vendor's columns and values")
    parser.add_argument("--json", action="store_true", help="one JSON object per file instead of a table")
    add_db_argument(parser)


class FileTracker:
    """Which file ingest is on, from its progress calls, so that Ctrl-C can say what was loaded."""

    def __init__(self, paths: list[Path], forward=None) -> None:
        self.paths = paths
        self.forward = forward
        self.finished = 0  # files loaded and published
        self.committed = False  # the current file's rows are committed to the working copy, not published

    def __call__(self, stage: str, rows: int) -> None:
        if stage == "done":
            self.finished += 1
            self.committed = False
        elif stage == "load":
            self.committed = True
        if self.forward:
            self.forward(stage, rows)

    def interrupted(self) -> str:
        """What Ctrl-C left behind, in one sentence."""
        return f"interrupted: {self.left_behind()}"

    def left_behind(self) -> str:
        """What a stop part way (Ctrl-C, a full disk) left in the store."""
        if self.finished >= len(self.paths):
            return "every file was loaded"
        current = self.paths[self.finished]
        before = "files before it were" if self.finished else "no file before it"
        if self.committed:
            # Committed to the working copy only: the next writer starts again from the published store.
            return f"nothing of {current} was published (load it again); {before}"
        return f"nothing of {current} was loaded; {before}"


def run(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    problem = store_location_problem(db_path)
    if problem:
        return fail("ingest", problem, EXIT_FAILED)
    from takedown.ingest.validation import warm_up

    # Setting up Great Expectations is the longest wait of a small ingest: start it before anything else.
    warm_up()
    from takedown.ingest import UsageError, ingest_files
    from takedown.store import StoreError, StoreFullError

    reporter = None
    if not args.json:  # the terminal display (rich) is not needed for JSON: not imported for it
        from takedown.display import StageProgress

        reporter = StageProgress(min_rows=PROGRESS_MIN_ROWS)
    paths = [Path(f) for f in args.files]
    tracker = FileTracker(paths, reporter)
    try:
        results = ingest_files(paths, db_path, kind=args.kind, timezone=args.tz, mapping_path=args.mapping,
                               progress=tracker)
    except KeyboardInterrupt:
        # The pipeline rolled the open transaction back: say exactly what is in the store.
        return fail("ingest", tracker.interrupted(), EXIT_INTERRUPTED)
    except UsageError as error:
        return fail("ingest", str(error), EXIT_USAGE)
    except StoreFullError as error:
        return fail("ingest", f"{error} ({tracker.left_behind()})", EXIT_FAILED)
    except StoreError as error:
        return fail("ingest", str(error), EXIT_FAILED)
    except OSError as error:
        return fail("ingest", f"cannot use the store {db_path}: {describe_os_error(error)}", EXIT_FAILED)
    finally:
        if reporter:
            reporter.close()
    for result in results:
        if result.error:
            fail("ingest", f"{result.file}: refused, nothing loaded: {result.error}", EXIT_FAILED)
    if args.json:
        for result in results:
            print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        from takedown.display import print_ingest_summary

        print_ingest_summary(results, db_path, results.table_rows)  # counted before the hand-over
    return EXIT_FAILED if any(result.error for result in results) else 0
