"""Terminal output of the CLI: summary tables and progress bars (rich).

Nothing is cut or broken mid-name: on a pipe or into a file there is no width to fit, so lines and
tables come out whole (`console`); on a terminal a line that names a path is left for the terminal
to wrap (soft wrap: copied, it is still one line), and a table too wide for the terminal is printed
as one plain line per row (`print_table`) instead of with its cells cut to `…`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from takedown.escape import terminal_text

STAGES = ("read", "validate", "load", "publish")
# The width of a console that writes to a pipe or a file: wider than any line the CLI prints, so
# rich (which would assume 80 columns, or $COLUMNS) neither wraps a line nor cuts a cell.
UNBOUNDED_WIDTH = 1_000_000


def console(stderr: bool = False) -> Console:
    """A console for stdout (or stderr): the terminal's width on a terminal, unbounded elsewhere."""
    terminal = Console(stderr=stderr)
    return terminal if terminal.is_terminal else Console(stderr=stderr, width=UNBOUNDED_WIDTH)


def print_line(out: Console, text: str) -> None:
    """A line that may hold a path or a name: never broken by rich (the terminal wraps it, if it must)."""
    out.print(text, soft_wrap=True)


def print_table(out: Console, table: Table, title: str | None = None) -> None:
    """`title` on its own line, then the table: drawn when it fits, else one plain line per row.

    A drawn table too wide for the terminal would have its cells cut (`/tmp/c…`); the plain lines
    keep every cell whole as `heading: value` pairs, one row per line.
    """
    if title:
        print_line(out, title)
    if Measurement.get(out, out.options.update_width(UNBOUNDED_WIDTH), table).maximum <= out.width:
        out.print(table)
        return
    headings = [str(column.header) for column in table.columns]
    for cells in zip(*(column.cells for column in table.columns), strict=True):
        out.print("  " + "; ".join(f"{heading}: {cell}" for heading, cell in zip(headings, cells, strict=True)),
                  soft_wrap=True, highlight=False)


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


def print_ingest_summary(results: list, db_path: Path, table_rows: dict[str, int] | None = None) -> None:
    """One line per file, then the store's table counts (`table_rows` when the writer counted them)."""
    out = console()
    table = Table()
    for name in ("file", "kind", "rows", "inserted", "updated", "unchanged", "rejected", "batch"):
        table.add_column(name, justify="right" if name not in ("file", "kind", "batch") else "left")
    for result in results:
        if result.error:
            table.add_row(shown(result.file), "[red]refused[/red]", "0", "0", "0", "0", "0", shown(result.batch_id))
        else:
            table.add_row(shown(result.file), result.kind, *(f"{getattr(result, n):,}" for n in
                          ("rows", "inserted", "updated", "unchanged", "rejected")), shown(result.batch_id))
    print_table(out, table, "ingest")
    if any(result.rejected for result in results):
        out.print("Rejected rows are quarantined: [bold]takedown rejects[/bold] lists them with every reason.")
    print_store_summary(db_path, out, table_rows)


# The tables whose row counts follow an ingest: DuckDB answers count(*) of a whole table from its
# metadata, so this costs the same at any size. Store-wide checks (orphans, events before their
# submission) scan the store: they stay in `takedown rejects` and the data-quality page.
SUMMARY_TABLES = ("listings", "complaint_items", "outcome_events", "ip_rights", "ingest_batches", "quarantined_rows")


def print_store_summary(db_path: Path, out: Console | None = None,
                        table_rows: dict[str, int] | None = None) -> None:
    """The published store's row counts per table (cheap at any size); read from it unless given."""
    from takedown.store import connect_reader

    out = out or console()
    if table_rows:
        rows = [(name, table_rows[name]) for name in SUMMARY_TABLES if name in table_rows]
    else:
        con = connect_reader(db_path)
        try:
            present = {row[0] for row in con.sql(
                "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
            rows = [(name, con.sql(f"select count(*) from {name}").fetchall()[0][0]) for name in SUMMARY_TABLES
                    if name in present]
        finally:
            con.close()
    table = Table()
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in rows:
        table.add_row(name, f"{count:,}")
    print_table(out, table, f"store {shown(db_path)}")
    out.print("Orphans and other store-wide checks: the dashboard's data-quality page; "
              "quarantined rows: [bold]takedown rejects[/bold].")


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


# --- the metrics and the rows behind them -----------------------------------------------------

# The headline table: every metric of the totals, labelled and formatted by the registry.
HEADLINE_METRICS = (
    "submitted", "removed", "rejected", "restored", "withdrawn", "pending", "takedown_rate",
    "median_hours_to_removal", "handled_within_24h_rate", "counter_notices", "counter_notice_rate",
    "successful_counter_notices", "counter_notice_success_rate", "missed_counter_notice_responses",
    "value_removed_usd", "value_unknown_items",
)
# The per-platform table: short column headings (it must fit a terminal), the registry's formats.
PLATFORM_COLUMNS = (
    ("items", "submitted"), ("removed", "removed"), ("takedown", "takedown_rate"),
    ("median", "median_hours_to_removal"), ("<= 24 h", "handled_within_24h_rate"),
    ("CN", "counter_notices"), ("USD removed", "value_removed_usd"),
)
# The terminal shows this many rows behind a figure; --out or --json give them all.
SHOWN_ITEM_ROWS = 50
ITEM_ROW_COLUMNS = ("complaint_id", "listing_id", "platform", "account", "status", "submitted_at", "value_usd",
                    "title")


def print_metrics(metrics: dict) -> None:
    """`takedown metrics`: headline figures, platforms, repeat offenders and Good-Faith standing as tables."""
    from takedown.metrics.registry import format_percent, metric

    out = console()
    period = metrics["period"]
    print_line(out, f"[bold]Takedown metrics[/bold] for {period['start']} to {period['end']} "
               f"(report time zone {shown(metrics['timezone'])}), as of {metrics['as_of']}")
    headline = Table()
    headline.add_column("metric")
    headline.add_column("value", justify="right")
    for name in HEADLINE_METRICS:
        entry = metric(name)
        headline.add_row(entry.label, entry.format(metrics["totals"][name]))
    print_table(out, headline, "headline figures")

    platforms = Table()
    platforms.add_column("platform")
    for heading, _ in PLATFORM_COLUMNS:
        platforms.add_column(heading, justify="right")
    for platform, figures in metrics["by_platform"].items():
        # Platforms, accounts and reasons come from the exports: shown, never obeyed.
        platforms.add_row(shown(platform), *(metric(name).format(figures[name]) for _, name in PLATFORM_COLUMNS))
    print_table(out, platforms, "by platform (CN: counter-notices)")

    repeat = metrics["repeat_offenders"]
    out.print(f"Repeat offenders (>= {repeat['threshold']} removed listings in {repeat['window_days']} days): "
                  f"{repeat['count']:,}, {format_percent(repeat['share_of_removed'])} of removed listing items.")

    good_faith = metrics["good_faith"]
    standing = Table()
    for label in ("account", "takedown rate", "counter-notice success", "at risk", "reasons at risk"):
        standing.add_column(label, justify="left" if label in ("account", "reasons at risk") else "right")
    for account, figures in good_faith["accounts"].items():
        risky = [reason for reason, by_reason in figures["by_reason"].items() if by_reason["at_risk"]]
        standing.add_row(shown(account), format_percent(figures["takedown_rate"]),
                         format_percent(figures["counter_notice_success_rate"]),
                         "[red]yes[/red]" if figures["at_risk"] else "no", shown(", ".join(risky)))
    print_table(out, standing, f"Good-Faith standing {good_faith['start']} to {good_faith['end']}")


def print_item_rows(rows: pl.DataFrame, metric_name: str) -> None:
    """`takedown items` on a terminal: how many rows, and the first SHOWN_ITEM_ROWS of them."""
    more = (f" (the first {SHOWN_ITEM_ROWS}; --out FILE.xlsx or --json for all)"
            if rows.height > SHOWN_ITEM_ROWS else "")
    print_line(console(stderr=True), f"{rows.height:,} rows behind {metric_name}{more}")
    if not rows.height:
        return
    table = Table()
    for name in ITEM_ROW_COLUMNS:
        table.add_column(name, justify="right" if name == "value_usd" else "left")
    for row in rows.head(SHOWN_ITEM_ROWS).select(ITEM_ROW_COLUMNS).iter_rows():
        # Titles are untrusted seller text: markup and control characters must show as text.
        table.add_row(*("" if value is None else shown(value) for value in row))
    print_table(console(), table)
