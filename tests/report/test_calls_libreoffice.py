"""The call's workbook filled in a real spreadsheet program: LibreOffice Calc (headless) opens the
report's escalations.xlsx, a Basic macro types the call's answers into every sheet (text, a real date
cell, a state) and saves it as .xlsx, as a user's Calc would; the ingest records every escalation id
with what was typed, and the next month's report lists each one with its response.

`make test` installs Calc when missing (the Makefile's `chromium` target, as root); without it this
test fails saying so: it never skips.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from program_stores import write_csv
from report_fixtures import AS_OF, MONTH
from test_calls import NEXT_AS_OF, NEXT_MONTH, OCTOBER_OUTCOMES, _header, _ingest, _log_rows, _report

# Starts LibreOffice twice (seconds): `make test` runs it, `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

# Seconds for Calc to start, open, fill and save a small workbook (about 3 s on an idle machine).
SOFFICE_TIMEOUT = 180
FOLLOW_UP = dt.date(2026, 12, 1)
# What the macro types into each escalation row: its response names the row's id, so every id's
# answer is known; odd rows stay in progress, even rows are resolved.
MACRO = """REM  *****  BASIC  *****
Function Typed(sheet, column As Integer, row As Long) As String
    Typed = sheet.getCellByPosition(column, row).String
End Function

Sub Fill(source As String, target As String)
    Dim hidden(0) As New com.sun.star.beans.PropertyValue
    hidden(0).Name = "Hidden" : hidden(0).Value = True
    document = StarDesktop.loadComponentFromURL(ConvertToURL(source), "_blank", 0, hidden())
    Dim locale As New com.sun.star.lang.Locale
    dateFormat = document.NumberFormats.getStandardFormat(com.sun.star.util.NumberFormat.DATE, locale)
    For s = 0 To document.Sheets.Count - 1
        sheet = document.Sheets.getByIndex(s)
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        Dim id As Integer, response As Integer, action As Integer, followUp As Integer, state As Integer
        id = -1 : response = -1 : action = -1 : followUp = -1 : state = -1
        For c = 0 To cursor.RangeAddress.EndColumn
            Select Case Typed(sheet, c, 0)
                Case "escalation_id" : id = c
                Case "platform_response" : response = c
                Case "agreed_action" : action = c
                Case "follow_up_date" : followUp = c
                Case "state" : state = c
            End Select
        Next c
        If id >= 0 Then
            For r = 1 To cursor.RangeAddress.EndRow
                If Typed(sheet, id, r) <> "" Then
                    sheet.getCellByPosition(response, r).String = "Calc: <i>will review</i> " & Typed(sheet, id, r)
                    sheet.getCellByPosition(action, r).String = "=chase on the next call"
                    sheet.getCellByPosition(followUp, r).Value = DateSerial(2026, 12, 1)
                    sheet.getCellByPosition(followUp, r).NumberFormat = dateFormat
                    If r Mod 2 = 1 Then
                        sheet.getCellByPosition(state, r).String = "in progress"
                    Else
                        sheet.getCellByPosition(state, r).String = "resolved"
                    End If
                End If
            Next r
        End If
    Next s
    Dim excel(0) As New com.sun.star.beans.PropertyValue
    excel(0).Name = "FilterName" : excel(0).Value = "Calc MS Excel 2007 XML"
    document.storeToURL(ConvertToURL(target), excel())
    document.close(True)
End Sub
"""
MODULE = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD '
          'OfficeDocument 1.0//EN" "module.dtd">\n<script:module xmlns:script="http://openoffice.org/2000/script" '
          'script:name="Module1" script:language="StarBasic">{}</script:module>\n')


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice Calc is not installed: `make chromium` as root installs it (libreoffice-calc)"
    return found


def fill_in_calc(source: Path, target: Path, profile: Path) -> None:
    """`source` opened in headless Calc, filled by MACRO and saved as `target` (.xlsx), in a fresh profile."""
    url = f"-env:UserInstallation={profile.as_uri()}"
    # The first start writes the profile (with its Standard macro library); the macro then replaces Module1.
    subprocess.run([soffice(), "--headless", url, "--terminate_after_init"], check=True, timeout=SOFFICE_TIMEOUT,
                   capture_output=True)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    assert module.exists(), f"Calc did not create its macro library in {profile}"
    module.write_text(MODULE.format(escape(MACRO, {'"': "&quot;"})), encoding="utf-8")
    subprocess.run([soffice(), "--headless", url, f'macro:///Standard.Module1.Fill("{source}","{target}")'],
                   check=True, timeout=SOFFICE_TIMEOUT, capture_output=True)
    assert target.exists(), "Calc saved nothing"


def expected_answers(workbook: Path) -> dict[str, tuple]:
    """Per escalation id of the report's workbook: what MACRO types on its row."""
    answers = {}
    for sheet in openpyxl.load_workbook(workbook).worksheets:
        column = _header(sheet)["escalation_id"]
        for row in range(2, sheet.max_row + 1):
            value = sheet.cell(row, column).value
            answers[value] = (f"Calc: <i>will review</i> {value}", "=chase on the next call", FOLLOW_UP,
                              "in_progress" if row % 2 == 0 else "resolved")
    return answers


def test_a_workbook_filled_in_libreoffice_calc_round_trips(report_store, tmp_path):
    db = tmp_path / "takedown.duckdb"
    shutil.copy(report_store, db)
    workbook = _report(db, tmp_path / "september", MONTH, AS_OF) / "escalations.xlsx"
    expected = expected_answers(workbook)
    assert len(expected) == 10
    fill_in_calc(workbook, tmp_path / "filled-in-calc.xlsx", tmp_path / "calc-profile")

    result = _ingest(db, tmp_path / "filled-in-calc.xlsx", dt.datetime(2026, 10, 16))
    assert (result.kind, result.rows, result.inserted, result.rejected) == ("escalations", 10, 10, 0)
    assert {row[0]: row[1:] for row in _log_rows(db)} == expected

    _ingest(db, write_csv(tmp_path / "outcomes-october.csv", OCTOBER_OUTCOMES), dt.datetime(2026, 11, 14))
    html = (_report(db, tmp_path / "october", NEXT_MONTH, NEXT_AS_OF) / "report.html").read_text()
    section = html.split('id="since-last-call"', 1)[1].split("</section>", 1)[0]
    for value in expected:
        row = section.split(f'data-escalation="{value}"', 1)[1].split("</tr>", 1)[0]
        assert f"Calc: &lt;i&gt;will review&lt;/i&gt; {value}" in row
