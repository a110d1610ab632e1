"""The three files of `takedown report`: their figures equal `takedown metrics --json`, untrusted text is escaped."""

from __future__ import annotations

import html
import json
import re
import subprocess

import markupsafe
import openpyxl
import pytest
from report_fixtures import AS_OF, FORMULA_SELLER, FORMULA_TITLE, MONTH, REJECTION, SCRIPT_TITLE

from takedown.cli import main
from takedown.metrics.registry import metric
from takedown.report.sections import HEADLINE


@pytest.fixture(scope="module")
def metrics(report_store) -> dict:
    """What `takedown metrics --json` prints for the report's month, time zone and as-of."""
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["metrics", "--month", MONTH, "--as-of", AS_OF, "--json", "--db", str(report_store)]) == 0
    return json.loads(printed.getvalue())


@pytest.fixture(scope="module")
def page(report_dir) -> str:
    return (report_dir / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf_text(report_dir) -> str:
    return subprocess.run(["pdftotext", "-layout", str(report_dir / "report.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout


def _lookup(document: dict, path: str):
    node = document
    for key in path.split("."):
        node = node[key]
    return node


def test_every_figure_marked_in_the_page_equals_the_metrics_json(page, metrics):
    marked = re.findall(r'data-metric="([^"]+)" data-value="([^"]*)"', page)
    paths = {html.unescape(path) for path, _ in marked}
    # the headline, each account's Good-Faith rates, each platform, and the repeat offenders are all there
    assert {f"totals.{name}" for name in HEADLINE} <= paths
    assert {"good_faith.accounts.acct-a.takedown_rate", "by_platform.lazada.takedown_rate",
            "repeat_offenders.count"} <= paths
    for path, value in marked:
        assert json.loads(html.unescape(value)) == _lookup(metrics, html.unescape(path)), path
    embedded = re.search(r'<script type="application/json" id="metrics-json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(embedded) == metrics


def test_the_pdf_shows_the_same_figures(pdf_text, metrics):
    for name in HEADLINE:
        assert metric(name).format(metrics["totals"][name]) in pdf_text, name
    for account, standing in metrics["good_faith"]["accounts"].items():
        line = next(line for line in pdf_text.splitlines() if line.strip().startswith(account))
        assert metric("takedown_rate").format(standing["takedown_rate"]) in line
    # the header carries the month and the as-of time on every page, and the pages are numbered
    pages = pdf_text.split("\f")
    assert all(f"Good-Faith call report {MONTH}" in text and "as of 2026-10-15 00:00 UTC" in text
               for text in pages if text.strip())
    assert f"page 1 of {len([text for text in pages if text.strip()])}" in pdf_text


def test_the_page_is_self_contained(page):
    # plotly.js is inlined (its own text mentions its CDN, but no tag loads anything)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    assert "plotly.js v" in page
    assert page.count("Plotly.newPlot") == 3


def test_hostile_text_is_escaped_in_the_page_and_shown_as_text_in_the_pdf(page, report_dir):
    assert SCRIPT_TITLE not in page and "<b>these</b>" not in page
    assert html.escape(SCRIPT_TITLE) in page
    assert html.escape(REJECTION) in page
    # printed as the characters it is (a table cell may wrap it), never run
    raw = subprocess.run(["pdftotext", "-raw", str(report_dir / "report.pdf"), "-"], check=True,
                         capture_output=True, text=True).stdout
    assert "".join(SCRIPT_TITLE.split()) in "".join(raw.split())
    assert str(markupsafe.escape(FORMULA_TITLE)) in page


def test_the_workbook_holds_every_escalation_with_frozen_headers_and_filters(report_dir):
    book = openpyxl.load_workbook(report_dir / "escalations.xlsx")
    assert book.sheetnames == ["Rejected to contest", "Missed CN responses", "Restored after removal",
                               "Pending over 7 days", "Storefront action", "Good-Faith risk"]
    rows = {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
    for name in book.sheetnames:
        assert book[name].freeze_panes == "A2"
        assert book[name].auto_filter.ref
    def column(sheet, header):
        index = rows[sheet][0].index(header)
        return [row[index] for row in rows[sheet][1:]]
    assert column("Rejected to contest", "complaint_id") == ["K4"]
    assert column("Rejected to contest", "platform_reason") == [REJECTION]
    assert column("Rejected to contest", "url") == ["https://www.alibaba.com/L4.html"]
    assert column("Rejected to contest", "worth_contesting") == ["yes"]  # TM-1 is verified and in force
    assert column("Missed CN responses", "complaint_id") == ["K5"]
    assert column("Restored after removal", "complaint_id") == ["K6"]
    assert column("Restored after removal", "restoration_note") == ["appeal upheld"]
    assert column("Pending over 7 days", "complaint_id") == ["K5", "K7"]
    assert column("Storefront action", "seller_id") == ["S1"]
    assert set(column("Good-Faith risk", "account")) == {"acct-a", "acct-b"}


def test_formulas_in_untrusted_text_are_escaped_in_the_workbook(report_dir):
    book = openpyxl.load_workbook(report_dir / "escalations.xlsx")
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    texts = {cell.value for cell in cells}
    assert "'" + FORMULA_TITLE in texts and "'" + FORMULA_SELLER in texts
    assert not any(cell.data_type == "f" for cell in cells)
    assert not any(isinstance(value, str) and value.startswith(("=", "+", "-", "@")) for value in texts)


def test_the_workbook_s_times_are_utc_datetimes_and_days_have_one_decimal(report_dir):
    import datetime as dt

    sheet = openpyxl.load_workbook(report_dir / "escalations.xlsx")["Pending over 7 days"]
    header = [cell.value for cell in sheet[1]]
    assert "submitted_at (UTC)" in header and "submitted_at" not in header
    submitted = sheet.cell(2, header.index("submitted_at (UTC)") + 1)
    # K5 was submitted 2026-09-05T10:00:00Z; as of 2026-10-15 it had waited 39.58 days
    assert submitted.value == dt.datetime(2026, 9, 5, 10, 0) and submitted.is_date
    days = sheet.cell(2, header.index("days_pending") + 1)
    assert days.value == 39.6 and days.number_format == "0.0"
    assert all(link is None for row in sheet.iter_rows() for link in [cell.hyperlink for cell in row])


def test_a_long_cell_in_the_report_s_tables_is_cut_with_a_mark():
    from takedown.report.html import CELL_CHARACTERS, cell

    shown = cell("é" * 40_000, "title")
    assert shown == "é" * CELL_CHARACTERS + f"… [{40_000 - CELL_CHARACTERS:,} more characters in escalations.xlsx]"
    assert cell("short title", "title") == "short title"
