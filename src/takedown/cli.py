"""The `takedown` command line (SPEC section 4).

Each command lives in `takedown/commands/<name>.py` with `HELP`, `add_arguments(parser)` and
`run(args) -> int`; those modules import heavy libraries inside `run` so that `--help` stays fast.
Exit status: 0 when every file was read, 1 when a file could not be read at all (or the store
cannot be opened, or an output cannot be written), 2 for a usage error, 130 when interrupted (Ctrl-C).
Every failure is one line on stderr, `takedown COMMAND: what went wrong`, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
from pathlib import Path

from takedown.escape import terminal_text

COMMANDS = ("ingest", "rejects", "metrics", "items", "predict", "train", "report", "demo", "watch", "dashboard",
            "compact")

EXIT_FAILED = 1
EXIT_USAGE = 2
# The shell's convention for a process stopped by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error (argparse prints the whole usage block before it)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: {terminal_text(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="takedown", description="Takedown analytics for Alibaba IPP programs.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"takedown.commands.{name}")
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """The --db option every command shares (and the DuckLake options that go with it, see takedown.lake)."""
    parser.add_argument("--db", help="the store: a DuckDB file or a ducklake:... location "
                                     "(default: $TAKEDOWN_DB, else data/takedown.duckdb)")
    parser.add_argument("--data-path", metavar="DIR", help="creating a DuckLake: the folder or s3://... of its "
                                                           "Parquet files (default: $TAKEDOWN_DATA_PATH)")
    parser.add_argument("--store-as-of", metavar="TIME|SNAPSHOT",
                        help="a DuckLake: read the store as committed at TIME (ISO) or in snapshot SNAPSHOT "
                             "(default: $TAKEDOWN_STORE_AS_OF, else the latest)")


def fail(command: str, message: str, status: int) -> int:
    """Print `takedown COMMAND: message` as one terminal-safe line on stderr; return `status`."""
    print(f"takedown {command}: {terminal_text(message)}", file=sys.stderr, flush=True)
    return status


def warn(command: str, message: str) -> None:
    """Print `takedown COMMAND: warning: message` as one terminal-safe line on stderr (the command goes on)."""
    print(f"takedown {command}: warning: {terminal_text(message)}", file=sys.stderr, flush=True)


def describe_os_error(error: OSError) -> str:
    """`path: reason` for an OSError (`[Errno 2] No such file or directory: 'x'` reads worse)."""
    names = [str(name) for name in (error.filename, error.filename2) if name is not None]
    if error.strerror and names:
        return f"{' -> '.join(names)}: {error.strerror}"
    return error.strerror or str(error) or type(error).__name__


def finite_number(flag: str, value: float, minimum: float, maximum: float, *, exclusive_minimum: bool = False) -> str | None:
    """Why `value` is not an acceptable `flag` (NaN, infinite, or out of range), or None."""
    low_ok = value > minimum if exclusive_minimum else value >= minimum
    if math.isfinite(value) and low_ok and value <= maximum:
        return None
    low = "positive" if exclusive_minimum and minimum == 0 else f"at least {_number(minimum)}"
    return f"{flag} must be {low} and at most {_number(maximum)}, not {_number(value)}"


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def store_location_problem(db_path: Path) -> str | None:
    """Why the store cannot live at `db_path` (a folder there, or a file where a folder must be), or None."""
    if db_path.is_dir():
        return f"--db {db_path} is a folder; name the store file, e.g. {db_path / 'takedown.duckdb'}"
    for ancestor in db_path.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                return f"--db {db_path}: {ancestor} is not a folder, so the store cannot be created there"
            break
    return None


def _unexpected(command: str, error: Exception) -> int:
    from takedown.store import StoreError

    if isinstance(error, StoreError):
        return fail(command, str(error), EXIT_FAILED)
    if isinstance(error, OSError):
        return fail(command, describe_os_error(error), EXIT_FAILED)
    # The last resort: every failure a user can cause has its own message; this one is a bug.
    return fail(command, f"internal error: {type(error).__name__}: {error}; please report it", EXIT_FAILED)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `takedown` script."""
    args = build_parser().parse_args(argv)
    saved = _lake_options_to_environment(args)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return fail(args.command, "interrupted", EXIT_INTERRUPTED)
    except Exception as error:
        return _unexpected(args.command, error)
    finally:
        os.environ.update({name: value for name, value in saved.items() if value is not None})
        for name in (name for name, value in saved.items() if value is None):
            os.environ.pop(name, None)


def _lake_options_to_environment(args: argparse.Namespace) -> dict[str, str | None]:
    """--data-path and --store-as-of as the variables takedown.lake reads (a dashboard's server inherits them)."""
    saved: dict[str, str | None] = {}
    for option, name in (("data_path", "TAKEDOWN_DATA_PATH"), ("store_as_of", "TAKEDOWN_STORE_AS_OF")):
        value = getattr(args, option, None)
        if value:
            saved[name] = os.environ.get(name)
            os.environ[name] = value
    return saved


if __name__ == "__main__":
    sys.exit(main())
