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


# --- pipes and narrow terminals (issue 16): nothing wrapped mid-name, no cell cut ----------------

LONG_FOLDER = "a-rather-long-folder-name/another_long_sub_folder"
LONG_FILE = "listings_export_2026_09_from_the_vendor.csv"


def ingest_summary(tmp_path, monkeypatch, capsys, *, terminal: bool, columns: int = 40) -> str:
    from takedown import display
    from takedown.ingest import FileResult

    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("TTY_COMPATIBLE", "1" if terminal else "0")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm")  # rich would treat a dumb terminal as one that cannot move the cursor
    result = FileResult(f"/in/{LONG_FOLDER}/{LONG_FILE}", "listings", 12345, 12000, 300, 45, 0,
                        "20261202T003802895927-c173ed90")
    db = tmp_path / LONG_FOLDER / "store.duckdb"
    display.print_ingest_summary([result], db, table_rows={"listings": 12345, "ingest_batches": 1})
    return capsys.readouterr().out


def strip_styles(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_piped_output_has_every_cell_whole_on_one_line(tmp_path, monkeypatch, capsys):
    out = ingest_summary(tmp_path, monkeypatch, capsys, terminal=False)
    assert "…" not in out
    [row] = [line for line in out.splitlines() if LONG_FILE in line]
    for cell in (f"/in/{LONG_FOLDER}/{LONG_FILE}", "listings", "12,345", "12,000", "300", "45",
                 "20261202T003802895927-c173ed90"):
        assert cell in row
    assert f"store {tmp_path / LONG_FOLDER / 'store.duckdb'}" in out.splitlines()
    assert "Orphans and other store-wide checks: the dashboard's data-quality page; quarantined rows: " \
           "takedown rejects." in out.splitlines()


def test_a_narrow_terminal_gets_whole_cells_as_plain_lines(tmp_path, monkeypatch, capsys):
    out = strip_styles(ingest_summary(tmp_path, monkeypatch, capsys, terminal=True))
    assert "…" not in out
    lines = out.splitlines()
    # The table that does not fit becomes one line per row (the terminal wraps it, nothing is inserted).
    assert (f"  file: /in/{LONG_FOLDER}/{LONG_FILE}; kind: listings; rows: 12,345; inserted: 12,000; updated: 300; "
            "unchanged: 45; rejected: 0; batch: 20261202T003802895927-c173ed90") in lines
    assert f"store {tmp_path / LONG_FOLDER / 'store.duckdb'}" in lines
    # The store's small table fits 40 columns: it is still drawn.
    assert any(line.startswith("│ listings ") for line in lines)


def test_a_wide_terminal_still_draws_the_tables(tmp_path, monkeypatch, capsys):
    out = strip_styles(ingest_summary(tmp_path, monkeypatch, capsys, terminal=True, columns=250))
    assert "…" not in out
    assert any(line.startswith("│ /in/") and line.rstrip().endswith("│") for line in out.splitlines())
    assert "  file: " not in out


def test_the_metrics_tables_in_a_narrow_terminal_cut_no_figure(monkeypatch, capsys):
    from takedown.display import HEADLINE_METRICS, PLATFORM_COLUMNS, print_metrics

    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm")
    figures = {key: 1234567 for key in HEADLINE_METRICS + tuple(name for _, name in PLATFORM_COLUMNS)}
    metrics = {
        "period": {"start": "2026-09-01T00:00:00Z", "end": "2026-10-01T00:00:00Z"}, "timezone": "Asia/Shanghai",
        "as_of": "2026-10-15T00:00:00Z", "totals": figures, "by_platform": {"tmall_global": figures},
        "repeat_offenders": {"threshold": 3, "window_days": 365, "count": 0, "share_of_removed": 0.0},
        "good_faith": {"start": "2026-07-01T00:00:00Z", "end": "2026-10-01T00:00:00Z", "accounts": {
            "northwind-brand-protection": {"takedown_rate": 0.5, "counter_notice_success_rate": 0.25, "at_risk": True,
                                           "by_reason": {"unauthorized use of trademark": {"at_risk": True}}}}},
    }
    print_metrics(metrics)
    lines = strip_styles(capsys.readouterr().out).splitlines()
    assert not any("…" in line for line in lines)
    assert lines[0] == ("Takedown metrics for 2026-09-01T00:00:00Z to 2026-10-01T00:00:00Z "
                        "(report time zone Asia/Shanghai), as of 2026-10-15T00:00:00Z")
    assert any(line.startswith("  platform: tmall_global; items: 1,234,567;") for line in lines)
    assert ("  account: northwind-brand-protection; takedown rate: 50.0%; counter-notice success: 25.0%; "
            "at risk: yes; reasons at risk: unauthorized use of trademark") in lines
