"""Terminal output of the CLI: summary tables and progress bars (rich)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from takedown.escape import terminal_text

STAGES = ("read", "validate", "load", "publish")


def shown(value: object) -> str:
    """Untrusted or file-derived text for a rich table: controls made visible, markup escaped."""
    return escape(terminal_text(value))


class StageProgress:
    """A progress bar per big file (>= min_rows rows) on a terminal; silent otherwise."""

    def __init__(self, min_rows: int, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.min_rows = min_rows
        self._progress: Progress | None = None
        self._task = None

    def __call__(self, stage: str, rows: int) -> None:
        if not self.console.is_terminal:
            return
        if stage == "read" and rows >= self.min_rows:
            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rows]:,} rows"),
                                      TimeElapsedColumn(), console=self.console, transient=True)
            self._progress.start()
            self._task = self._progress.add_task("checking", total=len(STAGES), rows=rows)
            self._progress.advance(self._task)
        elif self._progress is not None and self._task is not None:
            if stage == "done":
                self.close()
                return
            following = {"validate": "loading", "load": "publishing"}.get(stage, stage)
            self._progress.update(self._task, advance=1, description=following)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def print_ingest_summary(results: list, db_path: Path) -> None:
    """One line per file, then the store's table counts."""
    console = Console()
    table = Table(title="ingest", title_justify="left")
    for name in ("file", "kind", "rows", "inserted", "updated", "unchanged", "rejected", "batch"):
        table.add_column(name, justify="right" if name not in ("file", "kind", "batch") else "left")
    for result in results:
        if result.error:
            table.add_row(shown(result.file), "[red]refused[/red]", "0", "0", "0", "0", "0", shown(result.batch_id))
        else:
            table.add_row(shown(result.file), result.kind, *(f"{getattr(result, n):,}" for n in
                          ("rows", "inserted", "updated", "unchanged", "rejected")), shown(result.batch_id))
    console.print(table)
    if any(result.rejected for result in results):
        console.print("Rejected rows are quarantined: [bold]takedown rejects[/bold] lists them with every reason.")
    print_store_summary(db_path, console)


def print_store_summary(db_path: Path, console: Console | None = None) -> None:
    """The published store's row counts and orphans."""
    from takedown.store import connect_reader

    console = console or Console()
    con = connect_reader(db_path)
    try:
        rows = con.sql("select name, row_count from store_summary").fetchall()
    finally:
        con.close()
    table = Table(title=f"store {shown(db_path)}", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in rows:
        table.add_row(name, f"{count:,}")
    console.print(table)


def print_rejects(frame: pl.DataFrame) -> None:
    """The quarantine, one line per reason: `file:line: column [rule] message` (grep-friendly)."""
    if frame.height == 0:
        print("No quarantined rows.")
        return
    for row in frame.iter_rows(named=True):
        for reason in json.loads(row["reasons"]):
            # The file name, the column (a header) and the message (it quotes the value) come from the file.
            print(terminal_text(f"{row['file']}:{row['line']}: {reason['column']} [{reason['rule']}] "
                                f"{reason['message']}  (batch {row['batch_id']})"))
    print(f"{frame.height:,} quarantined row(s). Export them with: takedown rejects --out rejects.csv",
          file=sys.stderr)
