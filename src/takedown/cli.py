"""The `takedown` command line (SPEC section 4).

Each command lives in `takedown/commands/<name>.py` with `HELP`, `add_arguments(parser)` and
`run(args) -> int`; those modules import heavy libraries inside `run` so that `--help` stays fast.
Exit status: 0 when every file was read, 1 when a file could not be read at all (or the store
cannot be opened), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ("ingest", "rejects", "metrics", "items", "demo", "watch", "dashboard")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="takedown", description="Takedown analytics for Alibaba IPP programs.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"takedown.commands.{name}")
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """The --db option every command shares."""
    parser.add_argument("--db", help="the store (default: $TAKEDOWN_DB, else data/takedown.duckdb)")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `takedown` script."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
