"""`takedown compact [--db LOCATION]`: merge a DuckLake's small Parquet files (issue 18)."""

from __future__ import annotations

import argparse

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, fail
from takedown.config import resolve_db_path

HELP = "merge a DuckLake store's small data files and delete files no snapshot needs (watch does it by itself)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)


def run(args: argparse.Namespace) -> int:
    from takedown import lake

    location = resolve_db_path(args.db)
    if not lake.is_lake(location):
        return fail("compact", f"{location} is a DuckDB file store, which keeps no small files: "
                               "compact applies to a ducklake:... store", EXIT_USAGE)
    try:
        counts = lake.compact(location)
    except lake.LakeError as error:
        return fail("compact", str(error), EXIT_FAILED)
    print(f"{counts['files_before']:,} data files -> {counts['files_after']:,}")
    return 0
