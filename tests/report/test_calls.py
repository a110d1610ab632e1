"""The account-manager call as a loop, end to end (issue 20): report September, fill its workbook as a
user would (openpyxl; one sheet saved as CSV too), ingest it, add October's events, report October.

September's escalations (report_fixtures): K4 rejected to contest, K5 a missed counter-notice response,
K6 restored after removal, K5 and K7 pending over 7 days, seller S1 for storefront action, and the
Good-Faith rows of acct-a and acct-b. In October K4 (re-reviewed) and K7 are removed; K5 stays
counter-noticed, K6 restored. Hand-computed "Since the last call" figures, per kind, call 2026-09:
rejected_to_contest 1 of 1, missed_response 0 of 1, restored_after_removal 0 of 1, pending_too_long
1 of 2 (K7), all kinds 2 of 4 distinct items (K4, K7 of K4, K5, K6, K7).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import fastexcel
import openpyxl
import polars as pl
import pytest
from program_stores import write_csv
from report_fixtures import AS_OF, MONTH

from takedown.cli import main
from takedown.contract import escalation_id
from takedown.ingest import ingest_files

NEXT_MONTH, NEXT_AS_OF = "2026-10", "2026-11-15T00:00:00Z"
HOSTILE_RESPONSE = "<b>re-review</b> =HYPERLINK(\"http://evil.example\")"
# Per (kind, complaint or seller or account): what the call said (response, action, follow-up, state).
ANSWERS = {
    ("rejected_to_contest", "K4"): (HOSTILE_RESPONSE, "send the TM-1 certificate", dt.datetime(2026, 11, 1), "In progress"),
    ("missed_response", "K5"): ("window missed, nothing to do", "answer within 72 h next time", None, "resolved"),
    ("restored_after_removal", "K6"): ("appeal upheld", None, None, None),
    ("pending_too_long", "K5"): ("seller counter-noticed", "let it go", None, "dropped"),
    ("pending_too_long", "K7"): ("queue backlog", "chase on the next call", dt.datetime(2026, 12, 1), "waiting"),
    ("storefront_action", "S1"): ("will look at the storefront", None, dt.datetime(2026, 11, 30), "open"),
}
OCTOBER_OUTCOMES = [
    ["complaint_id", "listing_id", "event", "occurred_at", "detail"],
    ["K4", "L4", "removed", "2026-10-20T10:00:00Z", "re-reviewed"],
    ["K7", "L7", "removed", "2026-10-25T10:00:00Z", ""],
]


def _header(sheet) -> dict[str, int]:
    return {cell.value: index + 1 for index, cell in enumerate(sheet[1])}


def _subject(row: dict[str, object]) -> str:
    return str(row.get("complaint_id") or row.get("seller_id") or row.get("account"))


def fill_workbook(source: Path, target: Path, answers=ANSWERS) -> list[str]:
    """Fill `source` as a user would (openpyxl, typing into the blank columns), save it as `target`;
    every escalation id of the workbook."""
    workbook = openpyxl.load_workbook(source)
    ids = []
    for sheet in workbook.worksheets:
        columns = _header(sheet)
        for row in range(2, sheet.max_row + 1):
            values = {name: sheet.cell(row, column).value for name, column in columns.items()}
            ids.append(values["escalation_id"])
            answer = answers.get((values["escalation_kind"], _subject(values)))
            if answer is None:
                continue
            for name, value in zip(("platform_response", "agreed_action", "follow_up_date", "state"), answer, strict=True):
                sheet.cell(row, columns[name]).value = value  # None clears the cell
    workbook.save(target)
    return ids


def _sheet_as_csv(workbook: Path, sheet_name: str, target: Path) -> Path:
    """One sheet of `workbook` saved as CSV, as a spreadsheet's "save as CSV" does."""
    sheet = openpyxl.load_workbook(workbook)[sheet_name]
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in sheet.iter_rows(values_only=True):
            writer.writerow(["" if value is None else value.strftime("%Y-%m-%d") if isinstance(value, dt.datetime)
                             else value for value in row])
    return target


def _ingest(db: Path, path: Path, now: dt.datetime):
    [result] = ingest_files([path], db, timezone="UTC", now=now)
    assert result.error is None, result.error
    return result


def _log_rows(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql("select escalation_id, platform_response, agreed_action, follow_up_date, state "
                       "from escalation_log order by all").fetchall()
    finally:
        con.close()


def _report(db: Path, out: Path, month: str, as_of: str) -> Path:
    assert main(["report", "--month", month, "--as-of", as_of, "--out", str(out), "--db", str(db), "--no-pdf"]) == 0
    return out


def _workbook_rows(path: Path) -> pl.DataFrame:
    workbook = fastexcel.read_excel(str(path))
    frames = [workbook.load_sheet(name, dtypes="string").to_polars().with_columns(pl.lit(name).alias("sheet"))
              for name in workbook.sheet_names]
    return pl.concat(frames, how="diagonal")


@pytest.fixture(scope="module")
def loop(report_store, tmp_path_factory) -> dict[str, object]:
    """September reported, its workbook filled and loaded, October's events loaded, October reported."""
    folder = tmp_path_factory.mktemp("calls")
    db = folder / "takedown.duckdb"
    shutil.copy(report_store, db)
    first = _report(db, folder / "september", MONTH, AS_OF)
    ids = fill_workbook(first / "escalations.xlsx", folder / "filled.xlsx")
    loaded = _ingest(db, folder / "filled.xlsx", dt.datetime(2026, 10, 16))
    _ingest(db, write_csv(folder / "outcomes-october.csv", OCTOBER_OUTCOMES), dt.datetime(2026, 11, 14))
    second = _report(db, folder / "october", NEXT_MONTH, NEXT_AS_OF)
    return {"db": db, "folder": folder, "ids": ids, "loaded": loaded, "html": (second / "report.html").read_text(),
            "workbook": _workbook_rows(second / "escalations.xlsx")}


def test_ids_are_stable_and_made_from_each_rows_key(loop, tmp_path):
    """The same escalation gets the same id next month; each id is its own row's key hashed."""
    again = fill_workbook(_report(loop["db"], tmp_path / "again", MONTH, AS_OF) / "escalations.xlsx",
                          tmp_path / "unused.xlsx", answers={})
    assert sorted(again) == sorted(loop["ids"])
    assert len(set(loop["ids"])) == len(loop["ids"]) == 10
    assert escalation_id("rejected_to_contest", {"complaint_id": "K4", "listing_id": "L4"}) in loop["ids"]
    assert escalation_id("storefront_action", {"platform": "taobao", "seller_id": "S1"}) in loop["ids"]
    assert all(re.fullmatch(r"ESC-[0-9A-F]{12}", value) for value in loop["ids"])


def test_the_filled_workbook_is_recorded_from_every_sheet(loop):
    result = loop["loaded"]
    assert (result.kind, result.rows, result.inserted, result.rejected) == ("escalations", 10, 10, 0)
    log = {row[0]: row[1:] for row in _log_rows(loop["db"])}
    k4 = escalation_id("rejected_to_contest", {"complaint_id": "K4", "listing_id": "L4"})
    assert log[k4] == (HOSTILE_RESPONSE, "send the TM-1 certificate", dt.date(2026, 11, 1), "in_progress")
    k7 = escalation_id("pending_too_long", {"complaint_id": "K7", "listing_id": "L7"})
    assert log[k7][-1] == "in_progress"  # "waiting" is an alias
    blank = escalation_id("good_faith_risk", {"account": "acct-a", "reason": "(all)"})
    assert log[blank] == (None, None, None, "open")  # a row left blank is an open escalation


def test_every_escalation_of_the_first_workbook_is_in_the_next_report_with_its_response(loop):
    html = loop["html"]
    section = html.split('id="since-last-call"', 1)[1].split("</section>", 1)[0]
    for value in loop["ids"]:
        assert f'data-escalation="{value}"' in section, value
    assert "Since the last call (2026-09)" in html
    # Escaped like every other text of the page, never live markup.
    assert "&lt;b&gt;re-review&lt;/b&gt;" in section and "<b>re-review</b>" not in section
    # K4's follow-up date (2026-11-01) passed in progress: overdue; K7's (2026-12-01) did not.
    k4 = escalation_id("rejected_to_contest", {"complaint_id": "K4", "listing_id": "L4"})
    k7 = escalation_id("pending_too_long", {"complaint_id": "K7", "listing_id": "L7"})
    row = lambda value: section.split(f'data-escalation="{value}"', 1)[1].split("</tr>", 1)[0]  # noqa: E731
    assert "overdue" in row(k4) and "removed after escalation" in row(k4)
    assert "overdue" not in row(k7) and "removed after escalation" in row(k7)


def test_unresolved_escalations_are_carried_into_the_next_workbook_with_their_history(loop):
    rows = loop["workbook"]
    unresolved = {escalation_id("rejected_to_contest", {"complaint_id": "K4", "listing_id": "L4"}): HOSTILE_RESPONSE,
                  escalation_id("pending_too_long", {"complaint_id": "K7", "listing_id": "L7"}): "queue backlog",
                  escalation_id("storefront_action", {"platform": "taobao", "seller_id": "S1"}):
                      "will look at the storefront"}
    for value, response in unresolved.items():
        found = rows.filter(pl.col("escalation_id") == value)
        assert found.height == 1, value  # carried once, never listed as new
        # The workbook escapes text a spreadsheet would run (a leading "=" would); this one starts with "<".
        assert found.item(0, "platform_response") == response
        assert found.item(0, "first_call_month") == MONTH and found.item(0, "call_month") == NEXT_MONTH
    assert rows.get_column("escalation_id").is_unique().all()
    # K4 and K7 are no longer rejected or pending: they come on the carried sheet.
    carried = rows.filter(pl.col("sheet") == "Carried from earlier calls")
    assert set(carried.get_column("escalation_id")) >= set(list(unresolved)[:2])
    # A resolved or dropped escalation is not carried.
    resolved = escalation_id("missed_response", {"complaint_id": "K5", "listing_id": "L5"})
    assert resolved not in set(carried.get_column("escalation_id"))


def test_removed_share_per_kind_and_call_equals_the_hand_computed_one(loop):
    shares = {(match[0], match[1]): json.loads(match[2]) for match in re.findall(
        r'data-call="([^"]+)" data-kind="([^"]+)" data-value="([^"]+)"', loop["html"])}
    assert shares == {("2026-09", "rejected_to_contest"): 1.0, ("2026-09", "missed_response"): 0.0,
                      ("2026-09", "restored_after_removal"): 0.0, ("2026-09", "pending_too_long"): 0.5,
                      ("2026-09", "all"): 0.5}


def test_loading_the_same_workbook_again_changes_nothing_and_an_edit_adds_history(loop, tmp_path):
    db = tmp_path / "takedown.duckdb"
    shutil.copy(loop["db"], db)
    before = _log_rows(db)
    again = _ingest(db, loop["folder"] / "filled.xlsx", dt.datetime(2026, 10, 17))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 10)
    assert _log_rows(db) == before
    edited = dict(ANSWERS)
    edited[("rejected_to_contest", "K4")] = ("removed after re-review", "none", None, "resolved")
    fill_workbook(loop["folder"] / "filled.xlsx", tmp_path / "edited.xlsx", edited)
    result = _ingest(db, tmp_path / "edited.xlsx", dt.datetime(2026, 10, 18))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 9)
    after = _log_rows(db)
    k4 = escalation_id("rejected_to_contest", {"complaint_id": "K4", "listing_id": "L4"})
    assert [row[1:] for row in after if row[0] == k4] == [
        (HOSTILE_RESPONSE, "send the TM-1 certificate", dt.date(2026, 11, 1), "in_progress"),
        ("removed after re-review", "none", None, "resolved")]
    assert set(before) < set(after) and len(after) == len(before) + 1
    # The next report shows the latest response.
    html = (_report(db, tmp_path / "october", NEXT_MONTH, NEXT_AS_OF) / "report.html").read_text()
    section = html.split('id="since-last-call"', 1)[1].split("</section>", 1)[0]
    assert "removed after re-review" in section


def test_a_sheet_saved_as_csv_loads_like_the_workbook(loop, tmp_path):
    db = tmp_path / "takedown.duckdb"
    shutil.copy(loop["db"], db)
    path = _sheet_as_csv(loop["folder"] / "filled.xlsx", "Pending over 7 days", tmp_path / "pending.csv")
    result = _ingest(db, path, dt.datetime(2026, 10, 17))
    assert (result.kind, result.rows, result.unchanged, result.rejected) == ("escalations", 2, 2, 0)


def _bad_rows(tmp_path: Path) -> Path:
    header = ["escalation_id", "escalation_kind", "call_month", "complaint_id", "listing_id", "platform",
              "seller_id", "account", "reason", "platform_response", "agreed_action", "follow_up_date", "state"]
    k4 = escalation_id("rejected_to_contest", {"complaint_id": "K4", "listing_id": "L4"})
    unknown_item = escalation_id("rejected_to_contest", {"complaint_id": "K99", "listing_id": "L99"})
    return write_csv(tmp_path / "bad.csv", [
        header,
        ["ESC-000000000000", "rejected_to_contest", "2026-09", "K4", "L4", "", "", "", "", "x", "", "", "open"],
        [k4, "rejected_to_contest", "2026-09", "K4", "L4", "", "", "", "", "x", "", "", "maybe"],
        [unknown_item, "rejected_to_contest", "2026-09", "K99", "L99", "", "", "", "", "x", "", "", "open"],
        [k4, "pending_too_long", "2026-09", "K4", "L4", "", "", "", "", "x", "", "", "open"],
        [k4, "rejected_to_contest", "2026-09", "K4", "L4", "", "", "", "", "fine", "", "", "resolved"],
    ])


def test_unknown_ids_and_bad_states_are_quarantined_with_their_reason(loop, tmp_path, capsys):
    db = tmp_path / "takedown.duckdb"
    shutil.copy(loop["db"], db)
    result = _ingest(db, _bad_rows(tmp_path), dt.datetime(2026, 10, 17))
    assert (result.rows, result.rejected, result.updated) == (5, 4, 1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rules = {line: [reason["rule"] for reason in json.loads(reasons)] for line, reasons in con.sql(
            "select line, reasons from quarantined_rows where kind = 'escalations'").fetchall()}
    finally:
        con.close()
    assert rules == {2: ["escalation_id_unknown"], 3: ["allowed_values"], 4: ["escalation_unknown_to_store"],
                     5: ["escalation_id_unknown"]}
    assert main(["rejects", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert "bad.csv:2: escalation_id [escalation_id_unknown]" in listed
    assert "K99" in listed


def test_a_bad_row_of_the_workbook_is_named_by_its_sheet_and_line(loop, tmp_path):
    db = tmp_path / "takedown.duckdb"
    shutil.copy(loop["db"], db)
    bad = dict(ANSWERS)
    bad[("pending_too_long", "K7")] = ("queue backlog", None, None, "maybe later")
    fill_workbook(loop["folder"] / "filled.xlsx", tmp_path / "bad.xlsx", bad)
    result = _ingest(db, tmp_path / "bad.xlsx", dt.datetime(2026, 10, 17))
    assert (result.rejected, result.unchanged) == (1, 9)
    con = duckdb.connect(str(db), read_only=True)
    try:
        [(line, reasons, raw)] = con.sql("select line, reasons, raw from quarantined_rows "
                                         "where kind = 'escalations'").fetchall()
    finally:
        con.close()
    [reason] = json.loads(reasons)
    assert (line, reason["column"], reason["rule"]) == (3, "state", "allowed_values")
    assert "maybe later" in reason["message"] and "(sheet 'Pending over 7 days')" in reason["message"]
    assert json.loads(raw)["sheet"] == "Pending over 7 days"


def test_the_page_lists_every_answered_escalation_and_caps_the_unanswered(loop, monkeypatch):
    from takedown.metrics.periods import parse_instant
    from takedown.report import calls
    from takedown.report.data import load_report_data
    from takedown.report.html import render_html

    monkeypatch.setattr(calls, "UNANSWERED_ROWS_SHOWN", 1)
    con = duckdb.connect(str(loop["db"]), read_only=True)
    try:
        html = render_html(load_report_data(con, NEXT_MONTH, parse_instant(NEXT_AS_OF, "UTC"), "UTC"))
    finally:
        con.close()
    section = html.split('id="since-last-call"', 1)[1].split("</section>", 1)[0]
    # The four Good-Faith rows were left blank: one is listed, three are left to the workbook.
    answered = {escalation_id(kind, {"complaint_id": subject, "listing_id": f"L{subject[1:]}"} if kind not in (
        "storefront_action",) else {"platform": "taobao", "seller_id": subject}) for kind, subject in ANSWERS}
    assert all(f'data-escalation="{value}"' in section for value in answered)
    assert section.count("data-escalation=") == len(answered) + 1
    note = " ".join(section.split('id="since-hidden">', 1)[1].split("</p>", 1)[0].split())
    assert note.startswith("Listed: every answered escalation and the first 1 left unanswered")
    assert "The other 3 unanswered ones are not listed here: every one is in escalations.xlsx" in note
    # No silent cap: every escalation left out is in the month's workbook, with its id.
    hidden = [value for value in loop["ids"] if f'data-escalation="{value}"' not in section]
    assert len(hidden) == 3 and set(hidden) <= set(loop["workbook"].get_column("escalation_id"))
