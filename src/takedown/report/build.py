"""Build the three files of one month's report into a folder: report.html, report.pdf, escalations.xlsx.

The three change together: they are built in a hidden folder inside `--out` and published as one
set (takedown.atomic.publish_set), so a reader of `--out` sees the previous month's set or the new
one, never a mix, and a run that fails or is killed leaves the previous set as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from takedown.atomic import building_set, names_problem, publish_set
from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.export import XlsxResult
from takedown.report import escalations
from takedown.report.data import ReportData, load_report_data
from takedown.report.html import render_html
from takedown.report.pdf import PdfPrinter

HTML_NAME, PDF_NAME, XLSX_NAME = "report.html", "report.pdf", "escalations.xlsx"
# The files of one report, in the order they are listed; published together under this set name.
REPORT_NAMES = (HTML_NAME, PDF_NAME, XLSX_NAME)
SET_NAME = "report"

# Called with the step about to start ("reading the store", "writing report.html", ...).
Progress = Callable[[str], None]


class ReportOutProblem(ValueError):
    """`--out` cannot hold the report (a file, a folder where a report file goes, a name too long)."""


@dataclass(frozen=True)
class ReportFiles:
    """Where the report's files were published (pdf None when it was not asked for), and the
    workbook cells cut to fit Excel."""

    html: Path
    pdf: Path | None
    xlsx: Path
    cut_cells: int = 0

    def paths(self) -> list[Path]:
        return [path for path in (self.html, self.pdf, self.xlsx) if path is not None]


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long for the file system
        return False


def _name_too_long(out: Path) -> str | None:
    """Why a name in `out` (or the hidden build folder in it) is past the file system's limit, or None."""
    existing = next((folder for folder in (out.absolute(), *out.absolute().parents) if _exists(folder)), Path("/"))
    try:
        name_max = os.pathconf(existing, "PC_NAME_MAX")
        path_max = os.pathconf(existing, "PC_PATH_MAX")
    except (OSError, ValueError):
        return None
    # The longest name the report makes inside --out: its build folder, `.report-gen-PID-RANDOM`.
    longest_inside = 40
    for part in out.parts:
        if len(os.fsencode(part)) > name_max:
            return f"--out {out}: the name {part[:40]!r}... is longer than the file system allows ({name_max} bytes)"
    if len(os.fsencode(str(out.absolute()))) + longest_inside > path_max:
        return f"--out {out}: the path is longer than the file system allows ({path_max} bytes)"
    return None


def out_problem(out: Path) -> str | None:
    """Why the report cannot be published in `out`, or None; checked before any work."""
    if problem := _name_too_long(out):
        return problem
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file, not a folder"
    if out.is_dir():
        return names_problem(out, REPORT_NAMES)
    return None


def _build(data: ReportData, staging: Path, pdf: bool, progress: Progress) -> XlsxResult:
    """The report's files written into `staging`."""
    # The browser starts while the sections are computed, and prints while the workbook is written.
    with contextlib.ExitStack() as stack:
        printer = stack.enter_context(PdfPrinter()) if pdf else None
        progress("computing the escalation agenda")
        sheets = escalations.escalation_sheets(data) if data.has_data else {
            name: frame.clear() for name, frame in escalations.escalation_sheets(data).items()}
        progress(f"computing the sections, writing {HTML_NAME}")
        (staging / HTML_NAME).write_text(render_html(data, sheets), encoding="utf-8")
        if printer is not None:
            printer.start(staging / HTML_NAME, staging / PDF_NAME, data.month,
                          f"{data.snapshot.as_of:%Y-%m-%d %H:%M} UTC")
        progress(f"writing {XLSX_NAME}")
        result = escalations.write_escalations(sheets, staging / XLSX_NAME)
        if printer is not None:
            progress(f"printing {PDF_NAME}")
            printer.wait()
    return result


def write_report(data: ReportData, out: Path, pdf: bool = True, progress: Progress | None = None) -> ReportFiles:
    """Write the report of `data` into `out` (created if missing) and publish its files as one set.

    `pdf=False` skips the browser (the published set then has no report.pdf). When anything fails
    (ReportOutProblem, OSError, PdfError...), nothing is published: `out` keeps its previous report.
    """
    step = progress or (lambda _: None)
    if problem := out_problem(out):
        raise ReportOutProblem(problem)
    created = not out.exists()
    names = [HTML_NAME, PDF_NAME, XLSX_NAME] if pdf else [HTML_NAME, XLSX_NAME]
    try:
        with building_set(out, SET_NAME) as staging:
            result = _build(data, staging, pdf, step)
            step("publishing the files")
            publish_set(out, SET_NAME, staging, names)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only when it is empty: a folder this run made, left as it was found
        raise
    return ReportFiles(out / HTML_NAME, out / PDF_NAME if pdf else None, out / XLSX_NAME, result.cut_cells)


def build_report(con: duckdb.DuckDBPyConnection, month: str, as_of: dt.datetime, timezone: str, out: Path,
                 settings: Settings = DEFAULT_SETTINGS, pdf: bool = True,
                 progress: Progress | None = None) -> ReportFiles:
    """Read the store behind `con` once and write `month`'s report into `out`."""
    if problem := out_problem(out):
        raise ReportOutProblem(problem)
    if progress:
        progress("reading the store")
    return write_report(load_report_data(con, month, as_of, timezone, settings), out, pdf, progress)
