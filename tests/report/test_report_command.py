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


def _set_bytes(folder) -> dict[str, bytes | None]:
    return {name: (folder / name).read_bytes() if (folder / name).exists() else None
            for name in ("report.html", "report.pdf", "escalations.xlsx")}


def _published_copy(report_dir, target):
    import shutil

    shutil.copytree(report_dir, target, symlinks=True)
    return _set_bytes(target)


def test_a_browser_that_cannot_start_publishes_nothing_and_says_so(report_store, report_dir, tmp_path, capsys,
                                                                    monkeypatch):
    out = tmp_path / "out"
    old = _published_copy(report_dir, out)
    monkeypatch.setattr("takedown.report.pdf.CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["report", "--month", "2026-10", "--as-of", AS_OF, "--out", str(out), "--db", str(report_store)]) == 1
    error = capsys.readouterr().err
    assert f"nothing was published: {out} keeps its previous report" in error and "--no-pdf" in error
    assert len(error.strip().splitlines()) == 1
    assert _set_bytes(out) == old
    assert sorted(path.name for path in out.iterdir() if path.name.startswith(".report-gen-")) == \
        sorted(path.name for path in report_dir.iterdir() if path.name.startswith(".report-gen-"))


def test_no_pdf_publishes_the_page_and_the_workbook_without_a_browser(report_store, report_dir, tmp_path, capsys,
                                                                      monkeypatch):
    out = tmp_path / "out"
    _published_copy(report_dir, out)
    monkeypatch.setattr("takedown.report.pdf.CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["report", "--month", "2026-09", "--as-of", AS_OF, "--out", str(out), "--no-pdf",
                 "--db", str(report_store)]) == 0
    assert capsys.readouterr().out.split() == [str(out / "report.html"), str(out / "escalations.xlsx")]
    assert not (out / "report.pdf").exists()  # last month's PDF is not left beside this month's page


@pytest.mark.parametrize("obstacle", ["escalations.xlsx", "report.html"])
def test_a_folder_where_a_report_file_goes_exits_1_and_changes_nothing(report_store, report_dir, tmp_path, capsys,
                                                                        obstacle):
    out = tmp_path / "out"
    out.mkdir()
    (out / obstacle).mkdir()
    (out / "report.pdf").write_bytes(b"%PDF old")
    assert main(["report", "--month", "2026-09", "--as-of", AS_OF, "--out", str(out), "--no-pdf",
                 "--db", str(report_store)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"takedown report: {out / obstacle} is a folder") and len(error.strip().splitlines()) == 1
    assert sorted(path.name for path in out.iterdir()) == sorted({obstacle, "report.pdf"})
    assert (out / "report.pdf").read_bytes() == b"%PDF old"


@pytest.mark.parametrize("name", ["x" * 300, "/".join(["y" * 200] * 25)])
def test_a_path_past_the_file_name_limit_exits_1_and_writes_nothing(report_store, tmp_path, capsys, name):
    assert main(["report", "--month", "2026-09", "--as-of", AS_OF, "--out", str(tmp_path / name), "--no-pdf",
                 "--db", str(report_store)]) == 1
    error = capsys.readouterr().err
    assert "longer than the file system allows" in error and len(error.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_kill_at_a_random_moment_leaves_the_old_report_or_the_new_one(report_store, report_dir, tmp_path):
    # kill -9 (the whole process group: the browser too) part way: a reader sees last month's three
    # files or this month's three, never a mix; the next run leaves no temporary behind.
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    old = _published_copy(report_dir, out)
    command = [sys.executable, "-m", "takedown.cli", "report", "--month", "2026-08", "--as-of", AS_OF, "--out", str(out),
               "--db", str(report_store)]
    seen = []
    for delay in (random.uniform(0.2, 2.0), random.uniform(2.0, 5.0)):
        process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        now = _set_bytes(out)
        assert now == old or not any(now[name] == old[name] for name in now), delay
        assert all(now.values())
        seen.append(now == old)
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    final = _set_bytes(out)
    assert not any(final[name] == old[name] for name in final)
    shown = os.readlink(out / ".report-current")
    assert sorted(path.name for path in out.iterdir()) == sorted(
        [".report-current", ".report.lock", shown, "report.html", "report.pdf", "escalations.xlsx"])


def test_a_terminal_gets_a_progress_line_per_step_and_a_pipe_none(report_store, tmp_path, capsys, monkeypatch):
    import sys

    argv = ["report", "--month", "2026-09", "--as-of", AS_OF, "--no-pdf", "--db", str(report_store)]
    assert main([*argv, "--out", str(tmp_path / "piped")]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main([*argv, "--out", str(tmp_path / "terminal")]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert [line.split("] ")[1].rsplit(" (", 1)[0] for line in lines] == [
        "reading the store", "computing the escalation agenda", "computing the sections, writing report.html",
        "writing escalations.xlsx",
        "publishing the files"]
    assert all(line.startswith(f"takedown report: [{number}/5] ") for number, line in enumerate(lines, 1))
