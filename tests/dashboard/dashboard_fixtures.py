"""A small two-month program store for the dashboard tests, built through the real ingest.

August and September 2026 (and one October item), two IPP accounts (acct-b slips under Good-Faith standing), a hostile
seller name and title, an orphan event, and seller S1 a repeat offender (three removed listings). The tests' frozen as-of is 2026-10-15.
record_call adds September's account-manager call (its escalations answered, for the Escalations page).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from program_stores import ingest_program

from takedown.cli import main
from takedown.ingest import ingest_files

AS_OF = "2026-10-15T00:00:00Z"
MONTH = "2026-09"
ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")

LISTINGS = [
    ["platform", "listing_id", "url", "title", "seller_id", "seller_name", "brand", "infringement_type", "price",
     "currency", "units_sold", "risk_score", "detected_at"],
    ["alibaba", "A1", "https://www.alibaba.com/A1.html", "=HYPERLINK(\"http://x\")", "S1", "<b>Shop</b> **one**",
     "Acme", "counterfeit", "10", "USD", "3", "80", "2026-08-02T00:00:00Z"],
    ["taobao", "T1", "https://item.taobao.com/T1", "Bolt case", "S2", "Shop two", "Bolt", "lookalike",
     "7", "USD", "2", "60", "2026-08-03T00:00:00Z"],
    ["alibaba", "A2", "https://www.alibaba.com/A2.html", "Acme pro", "S1", "<b>Shop</b> **one**", "Acme",
     "counterfeit", "5", "USD", "10", "95", "2026-09-02T00:00:00Z"],
    ["taobao", "T2", "https://item.taobao.com/T2", "Bolt bag", "S2", "Shop two", "Bolt", "lookalike",
     "20", "USD", "4", "90", "2026-09-03T00:00:00Z"],
    ["taobao", "T3", "https://item.taobao.com/T3", "Acme mug", "S3", "Shop three", "Acme", "counterfeit",
     "3", "USD", "1", "40", "2026-09-04T00:00:00Z"],
    ["alibaba", "A3", "https://www.alibaba.com/A3.html", "Acme lamp", "S1", "<b>Shop</b> **one**", "Acme",
     "counterfeit", "8", "USD", "2", "99", "2026-10-01T00:00:00Z"],
]
COMPLAINTS = [
    ["complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type", "ipr_registration",
     "reason", "account", "submitted_at", "status", "status_at"],
    ["K1", "alibaba", "A1", "S1", "listing", "trademark", "TM-1", "counterfeit", "acct-a",
     "2026-08-05T00:00:00Z", "", ""],
    ["K2", "taobao", "T1", "S2", "listing", "design", "DES-9", "design copy", "acct-b",
     "2026-08-06T00:00:00Z", "", ""],
    ["K3", "alibaba", "A2", "S1", "listing", "trademark", "TM-1", "counterfeit", "acct-a",
     "2026-09-05T00:00:00Z", "", ""],
    ["K4", "taobao", "T2", "S2", "listing", "design", "DES-9", "design copy", "acct-b",
     "2026-09-06T00:00:00Z", "", ""],
    ["K5", "taobao", "T3", "S3", "listing", "trademark", "TM-1", "counterfeit", "acct-b",
     "2026-09-07T00:00:00Z", "", ""],
    ["K6", "alibaba", "A3", "S1", "listing", "trademark", "TM-1", "counterfeit", "acct-a",
     "2026-10-02T00:00:00Z", "", ""],
]
OUTCOMES = [
    ["complaint_id", "listing_id", "event", "occurred_at", "detail"],
    ["K1", "A1", "removed", "2026-08-05T10:00:00Z", ""],
    ["K2", "T1", "rejected", "2026-08-07T00:00:00Z", ""],
    ["K3", "A2", "removed", "2026-09-05T05:00:00Z", ""],
    ["K4", "T2", "rejected", "2026-09-08T00:00:00Z", ""],
    ["K5", "T3", "counter_notice", "2026-09-09T00:00:00Z", "authorised reseller"],
    ["K6", "A3", "removed", "2026-10-03T00:00:00Z", ""],
    ["K404", "X1", "removed", "2026-09-05T00:00:00Z", "orphan"],
]
IP_RIGHTS = [
    ["registration", "ipr_type", "brand", "jurisdiction", "expires_on", "ipp_status"],
    ["TM-1", "trademark", "Acme", "CN", "2027-06-30", "verified"],
    ["DES-9", "design", "Bolt", "EU", "2026-12-01", "pending"],
]
# A later export: K5's counter-notice fails and the item is removed (the takedown rate rises).
LATER_OUTCOMES = [
    ["complaint_id", "listing_id", "event", "occurred_at", "detail"],
    ["K5", "T3", "removed", "2026-09-12T00:00:00Z", "counter-notice rejected"],
]


# What the September call said of every escalation (record_call): text a page must never render as markup.
CALL_RESPONSE = "<b>bold</b> **claim** [link](https://evil.example/call)"


def build_store(folder: Path, *, call: bool = False) -> Path:
    """The program's published store under `folder` (with September's call recorded when `call`)."""
    db_path, results = ingest_program(folder, {"ip_rights": IP_RIGHTS, "listings": LISTINGS,
                                               "complaints": COMPLAINTS, "outcomes": OUTCOMES})
    assert [result.error for result in results] == [None] * 4
    if call:
        record_call(db_path, folder)
    return db_path


def record_call(db: Path, folder: Path, response: str = CALL_RESPONSE) -> None:
    """September's call on the store at `db`: its report's escalations.xlsx filled as a user would (every
    row in progress with `response`) and loaded, so the Escalations page has what to show."""
    out = folder / "september-call"
    assert main(["report", "--month", MONTH, "--as-of", AS_OF, "--out", str(out), "--db", str(db), "--no-pdf"]) == 0
    workbook = openpyxl.load_workbook(out / "escalations.xlsx")
    for sheet in workbook.worksheets:
        columns = {cell.value: index + 1 for index, cell in enumerate(sheet[1])}
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, columns["platform_response"]).value = response
            sheet.cell(row, columns["state"]).value = "in progress"
    workbook.save(folder / "september-call.xlsx")
    [result] = ingest_files([folder / "september-call.xlsx"], db, timezone="UTC", now=dt.datetime(2026, 10, 16))
    assert result.rejected == 0 and result.inserted > 0


