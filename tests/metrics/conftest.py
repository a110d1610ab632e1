"""A small store built through the real ingest, shared by the end-to-end metrics tests.

Five complaint items (one storefront, one whose listing was never detected), a portal status, an
event after the tests' as-of (2026-10-15) and an orphan event. Times are chosen so that the
September cohort differs between UTC and China time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from program_stores import ingest_program


LISTINGS = [
    ["platform", "listing_id", "url", "title", "seller_id", "seller_name", "brand", "infringement_type", "price",
     "currency", "units_sold", "risk_score", "detected_at"],
    ["alibaba", "A1", "https://www.alibaba.com/A1.html", "Acme earbuds", "S1", "Shop one", "Acme", "counterfeit",
     "10", "USD", "3", "80", "2026-08-20T00:00:00Z"],
    ["taobao", "T1", "https://item.taobao.com/T1", "Bolt case", "S2", "Shop two", "Bolt", "lookalike",
     "7", "USD", "2", "60", "2026-08-21T00:00:00Z"],
    ["lazada", "Z1", "https://www.lazada.vn/Z1", "Acme cable", "S3", "Shop three", "Acme", "counterfeit",
     "100000", "VND", "1", "70", "2026-08-22T00:00:00Z"],
    ["alibaba", "A2", "https://www.alibaba.com/A2.html", "Acme pro", "S1", "Shop one", "Acme", "counterfeit",
     "5", "USD", "10", "95", "2026-09-25T00:00:00Z"],
]
COMPLAINTS = [
    ["complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type", "ipr_registration",
     "reason", "account", "submitted_at", "status", "status_at"],
    ["K1", "alibaba", "A1", "S1", "listing", "trademark", "TM-1", "Counterfeit ", "acct-a",
     "2026-09-01T00:30:00+08:00", "", ""],
    ["K2", "taobao", "T1", "S2", "listing", "design", "DES-9", "design copy", "acct-a",
     "2026-09-15T10:00:00Z", "removed", "2026-09-15T20:00:00Z"],
    ["K3", "lazada", "Z1", "S3", "listing", "trademark", "TM-1", "counterfeit", "acct-b",
     "2026-09-20T00:00:00Z", "", ""],
    ["K4", "alibaba", "", "S1", "storefront", "trademark", "TM-1", "counterfeit", "acct-b",
     "2026-09-30T17:00:00Z", "", ""],
    ["K5", "alibaba", "A9", "S1", "listing", "trademark", "TM-1", "counterfeit", "acct-b",
     "2026-09-10T00:00:00Z", "", ""],
]
OUTCOMES = [
    ["complaint_id", "listing_id", "event", "occurred_at", "detail"],
    ["K1", "A1", "removed", "2026-09-01T00:00:00Z", ""],
    ["K3", "Z1", "removed", "2026-09-21T00:00:00Z", ""],
    ["K5", "A9", "counter_notice", "2026-09-11T00:00:00Z", "authorised reseller"],
    ["K1", "A1", "restored", "2026-10-20T00:00:00Z", "after the tests' as-of"],
    ["K404", "X1", "removed", "2026-09-05T00:00:00Z", "orphan"],
]
IP_RIGHTS = [
    ["registration", "ipr_type", "brand", "jurisdiction", "expires_on", "ipp_status"],
    ["TM-1", "trademark", "Acme", "CN", "2027-06-30", "verified"],
    ["DES-9", "design", "Bolt", "EU", "2026-12-01", "pending"],
]


@pytest.fixture(scope="session")
def program_store(tmp_path_factory) -> Path:
    """The published store of the five-item program (ingested once per test session)."""
    db_path, results = ingest_program(tmp_path_factory.mktemp("program"), {
        "ip_rights": IP_RIGHTS, "listings": LISTINGS, "complaints": COMPLAINTS, "outcomes": OUTCOMES})
    assert [result.rejected for result in results] == [0, 0, 0, 0]
    return db_path
