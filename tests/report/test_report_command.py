"""`takedown report`: exit codes, what it prints, and the short report of a month without data."""

from __future__ import annotations

import openpyxl
import pytest
from report_fixtures import AS_OF

from takedown.cli import main


@pytest.mark.parametrize("flags, message", [
    (["--month", "2026-13"], "not a month"),
    (["--month", "September"], "not a month"),
    (["--month", "2026-09", "--tz", "Mars/Olympus"], "unknown time zone"),
    (["--month", "2026-09", "--as-of", "yesterday"], "not an ISO 8601 time"),
])
def test_a_bad_flag_is_a_usage_error(report_store, tmp_path, capsys, flags, message):
    assert main(["report", *flags, "--out", str(tmp_path / "out"), "--db", str(report_store)]) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error and len(error.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_missing_month_is_a_usage_error(report_store, capsys):
    with pytest.raises(SystemExit) as raised:
        main(["report", "--db", str(report_store)])
    assert raised.value.code == 2


def test_an_out_that_is_a_file_is_a_usage_error(report_store, tmp_path, capsys):
    (tmp_path / "report").write_text("not a folder")
    assert main(["report", "--month", "2026-09", "--out", str(tmp_path / "report"), "--db", str(report_store)]) == 2
    assert "is a file" in capsys.readouterr().err


def test_a_store_that_is_not_there_exits_1(tmp_path, capsys):
    assert main(["report", "--month", "2026-09", "--out", str(tmp_path / "out"),
                 "--db", str(tmp_path / "missing.duckdb")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("takedown report: ") and "Traceback" not in error


def test_a_month_without_data_gives_a_short_report_that_says_so(report_store, tmp_path, capsys):
    out = tmp_path / "empty"
    assert main(["report", "--month", "2025-01", "--as-of", AS_OF, "--out", str(out),
                 "--db", str(report_store)]) == 0
    # it prints where the three files are
    assert capsys.readouterr().out.split() == [str(out / name) for name in
                                               ("report.html", "report.pdf", "escalations.xlsx")]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="no-data"' in page and "nothing to report" in page
    assert "Plotly" not in page
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    book = openpyxl.load_workbook(out / "escalations.xlsx")
    assert all(sheet.max_row == 1 for sheet in book)  # headers only


def test_a_browser_that_cannot_start_exits_1_with_one_line(report_store, tmp_path, capsys, monkeypatch):
    # Chromium starts in a thread of its own: its failure must still reach the user as one line.
    monkeypatch.setattr("takedown.report.pdf.CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["report", "--month", "2026-09", "--as-of", AS_OF, "--out", str(tmp_path / "out"),
                 "--db", str(report_store)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("takedown report: cannot write the report: cannot print the PDF with ")
    assert "Traceback" not in error and len(error.strip().splitlines()) == 1
