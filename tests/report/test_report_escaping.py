"""Hostile names in the report: an IPP account written as a link, a seller and a title carrying a
right-to-left override, a reason written as Markdown and HTML. report.html shows them all as text
(no raw bidi control, no tag from the data) and the PDF carries no link annotation."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from program_stores import ingest_program
from report_fixtures import AS_OF, COMPLAINTS, FORMULA_SELLER, IP_RIGHTS, LISTINGS, MONTH, OUTCOMES, SCRIPT_TITLE

from takedown.cli import main
from takedown.escape import BIDI_CONTROLS, escape_html

LINK_ACCOUNT = '<a href="https://evil.example/phish">acct</a>'
BIDI_SELLER = "invoice\u202egpj.exe"
BIDI_TITLE = "Acme \u2067earbuds\u2069 \u202eevil"
IMAGE_REASON = 'counterfeit <img src="https://evil.example/i.png"> [x](https://evil.example)'


def _hostile(rows: list[list[str]], column: str, old: str, new: str) -> list[list[str]]:
    index = rows[0].index(column)
    return [rows[0], *([*row[:index], new if row[index] == old else row[index], *row[index + 1:]] for row in rows[1:])]


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    listings = _hostile(_hostile(LISTINGS, "seller_name", FORMULA_SELLER, BIDI_SELLER), "title", SCRIPT_TITLE, BIDI_TITLE)
    complaints = _hostile(_hostile(COMPLAINTS, "account", "acct-a", LINK_ACCOUNT), "reason", "design copy",
                          IMAGE_REASON)
    db, results = ingest_program(tmp_path_factory.mktemp("hostile-store"), {
        "ip_rights": IP_RIGHTS, "listings": listings, "complaints": complaints, "outcomes": OUTCOMES},
        now=dt.datetime(2026, 11, 28, 12))
    assert [result.rejected for result in results] == [0, 0, 0, 0]
    out = tmp_path_factory.mktemp("hostile-report") / "out"
    assert main(["report", "--month", MONTH, "--as-of", AS_OF, "--out", str(out), "--db", str(db)]) == 0
    return out


def test_report_html_shows_no_raw_bidi_control_and_no_tag_from_the_data(hostile_report):
    page = (hostile_report / "report.html").read_text(encoding="utf-8")
    assert [char for char in page if char in BIDI_CONTROLS] == []
    # The hostile account is shown (escaped) in the tables and in the charts' data, never as a tag.
    assert escape_html(LINK_ACCOUNT) in page
    assert "evil.example/phish" in page and not re.search(r"<a\b[^>]*evil\.example", page)
    assert not re.search(r"<img\b[^>]*evil\.example", page)
    # The repeat offender's name and the rejected listing's title, with their bidi controls visible.
    for text in (BIDI_SELLER, BIDI_TITLE):
        assert escape_html(text) in page


def test_the_pdf_has_no_link_and_shows_the_bidi_control(hostile_report):
    pdf = (hostile_report / "report.pdf").read_bytes()
    assert b"/URI" not in pdf and b"evil.example" not in pdf.split(b"stream")[0]
    text = subprocess.run(["pdftotext", "-layout", str(hostile_report / "report.pdf"), "-"], capture_output=True,
                          check=True, text=True).stdout
    assert not any(char in text for char in BIDI_CONTROLS)
    assert "invoice\\u202egpj.exe" in text and "\\u2067earbuds\\u2069" in text
    assert LINK_ACCOUNT in text  # the account's text, shown as written
