"""Build the three files of one month's report into a folder: report.html, report.pdf, escalations.xlsx."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.report import escalations
from takedown.report.data import ReportData, load_report_data
from takedown.report.html import render_html
from takedown.report.pdf import PdfPrinter


@dataclass(frozen=True)
class ReportFiles:
    """Where the report's files were written."""

    html: Path
    pdf: Path
    xlsx: Path


def write_report(data: ReportData, out: Path, pdf: bool = True) -> ReportFiles:
    """Write the report of `data` into `out` (created if missing). `pdf=False` skips the browser."""
    out.mkdir(parents=True, exist_ok=True)
    files = ReportFiles(out / "report.html", out / "report.pdf", out / "escalations.xlsx")
    # The browser starts while the sections are computed, and prints while the workbook is written.
    with contextlib.ExitStack() as stack:
        printer = stack.enter_context(PdfPrinter()) if pdf else None
        sheets = escalations.escalation_sheets(data) if data.has_data else {
            name: frame.clear() for name, frame in escalations.escalation_sheets(data).items()}
        files.html.write_text(render_html(data, sheets), encoding="utf-8")
        if printer is not None:
            printer.start(files.html, files.pdf, data.month, f"{data.snapshot.as_of:%Y-%m-%d %H:%M} UTC")
        escalations.write_escalations(sheets, files.xlsx)
        if printer is not None:
            printer.wait()
    return files


def build_report(con: duckdb.DuckDBPyConnection, month: str, as_of: dt.datetime, timezone: str, out: Path,
                 settings: Settings = DEFAULT_SETTINGS, pdf: bool = True) -> ReportFiles:
    """Read the store behind `con` once and write `month`'s report into `out`."""
    return write_report(load_report_data(con, month, as_of, timezone, settings), out, pdf)
