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


HOSTILE = "evil\x1b[2J\x1b]0;owned\x07\u202egpj.exe"
HIDDEN = ("\x1b", "\x07", "\u202e")


def test_rejects_lines_show_control_characters_escaped(capsys):
    import json

    import polars as pl

    from takedown.display import print_rejects

    reason = {"column": f"col{HOSTILE}", "rule": "allowed_values", "message": f"unknown value {HOSTILE!s}"}
    frame = pl.DataFrame({"file": [f"/in/{HOSTILE}.csv"], "line": [3], "batch_id": ["b1"],
                          "reasons": [json.dumps([reason])]})
    print_rejects(frame)
    out = capsys.readouterr().out
    assert not any(char in out for char in HIDDEN)
    assert out.count("evil\\x1b[2J\\x1b]0;owned\\x07\\u202egpj.exe") == 3  # file, column and message, all shown


def test_the_ingest_summary_shows_a_hostile_file_name_escaped(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that rich neither wraps nor truncates
    from takedown import display
    from takedown.ingest import FileResult

    monkeypatch.setattr(display, "print_store_summary", lambda *args, **kwargs: None)
    result = FileResult(f"/in/{HOSTILE}.csv", "listings", 1, 1, 0, 0, 0, "b1")
    display.print_ingest_summary([result], tmp_path / "store.duckdb")
    out = capsys.readouterr().out
    assert not any(char in out for char in HIDDEN)
    assert "/in/evil\\x1b[2J\\x1b]0;owned\\x07\\u202egpj.exe.csv" in out


def test_the_metrics_tables_show_hostile_names_escaped(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    from takedown.display import HEADLINE_METRICS, PLATFORM_COLUMNS, print_metrics

    figures = {key: 1 for key in HEADLINE_METRICS + tuple(name for _, name in PLATFORM_COLUMNS)}
    metrics = {
        "period": {"start": "2026-09-01T00:00:00Z", "end": "2026-10-01T00:00:00Z"}, "timezone": "UTC",
        "as_of": "2026-10-15T00:00:00Z", "totals": figures, "by_platform": {f"shop{HOSTILE}": figures},
        "repeat_offenders": {"threshold": 3, "window_days": 365, "count": 0, "share_of_removed": 0.0},
        "good_faith": {"start": "a", "end": "b", "accounts": {f"acct{HOSTILE}": {
            "takedown_rate": 1.0, "counter_notice_success_rate": 0.0, "at_risk": True,
            "by_reason": {f"reason{HOSTILE}": {"at_risk": True}}}}},
    }
    print_metrics(metrics)
    out = capsys.readouterr().out
    assert not any(char in out for char in HIDDEN)
    assert out.count("evil\\x1b[2J\\x1b]0;owned\\x07\\u202egpj.exe") == 3  # platform, account, reason
