"""Terminal output: a progress bar for big files on a terminal, nothing on a pipe."""

from __future__ import annotations

import io

from rich.console import Console

from takedown.display import StageProgress


def drive(progress: StageProgress, rows: int) -> None:
    for stage in ("read", "validate", "load", "done"):
        progress(stage, rows)
    progress.close()


def test_a_big_file_on_a_terminal_shows_a_progress_bar():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    drive(StageProgress(min_rows=100_000, console=console), 250_000)
    assert "250,000 rows" in buffer.getvalue()


def test_small_files_and_pipes_show_nothing():
    terminal = io.StringIO()
    drive(StageProgress(min_rows=100_000, console=Console(file=terminal, force_terminal=True)), 99_999)
    pipe = io.StringIO()
    drive(StageProgress(min_rows=100_000, console=Console(file=pipe, force_terminal=False)), 250_000)
    assert terminal.getvalue() == "" and pipe.getvalue() == ""
