"""`takedown report --brand B` / `--account A`: one client's report, every section scoped (issue 20)."""

from __future__ import annotations

import contextlib
import html
import io
import json
import re

import openpyxl
import pytest
from report_fixtures import AS_OF, MONTH

from takedown.cli import main

# Text only Bolt's rows hold (its listings' titles, sellers and brand).
BOLT_TEXT = ("Bolt", "Shop three", "Shop four", "lazada.sg/L6", "lazada.sg/L7", "lazada.sg/L8")


def metrics(store, *flags: str) -> dict:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["metrics", "--month", MONTH, "--as-of", AS_OF, "--json", "--db", str(store), *flags]) == 0
    return json.loads(printed.getvalue())


def _lookup(document: dict, path: str):
    for key in path.split("."):
        document = document[key]
    return document


@pytest.fixture(scope="module")
def acme_report(report_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("client") / "acme"
    assert main(["report", "--month", MONTH, "--as-of", AS_OF, "--brand", "Acme", "--no-pdf", "--out", str(out),
                 "--db", str(report_store)]) == 0
    return out


def test_every_figure_of_a_brand_report_equals_takedown_metrics_of_the_brand(acme_report, report_store):
    page = (acme_report / "report.html").read_text(encoding="utf-8")
    expected = metrics(report_store, "--brand", "Acme")
    assert expected != metrics(report_store)  # the store holds another brand: the scope changes the figures
    marked = re.findall(r'data-metric="([^"]+)" data-value="([^"]*)"', page)
    assert marked
    for path, value in marked:
        assert json.loads(html.unescape(value)) == _lookup(expected, html.unescape(path)), path
    embedded = re.search(r'<script type="application/json" id="metrics-json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(embedded) == expected


def test_a_brand_report_names_no_other_brand_in_the_page_or_the_workbook(acme_report):
    page = (acme_report / "report.html").read_text(encoding="utf-8")
    assert not [word for word in BOLT_TEXT if word in page]
    workbook = openpyxl.load_workbook(acme_report / "escalations.xlsx", read_only=True)
    cells = " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
    assert not [word for word in BOLT_TEXT if word in cells]


def test_an_account_report_equals_takedown_metrics_of_the_account(report_store, tmp_path):
    assert main(["report", "--month", MONTH, "--as-of", AS_OF, "--account", "acct-a", "--no-pdf",
                 "--out", str(tmp_path / "out"), "--db", str(report_store)]) == 0
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    embedded = re.search(r'<script type="application/json" id="metrics-json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(embedded) == metrics(report_store, "--account", "acct-a")


def test_a_brand_the_store_does_not_hold_is_a_usage_error(report_store, tmp_path, capsys):
    assert main(["report", "--month", MONTH, "--as-of", AS_OF, "--brand", "Acmee", "--no-pdf",
                 "--out", str(tmp_path / "out"), "--db", str(report_store)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("takedown report: --brand 'Acmee' is not in the store (did you mean 'Acme'?)")
    assert not (tmp_path / "out").exists()
