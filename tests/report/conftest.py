"""A small program built through the real ingest, with hostile text, and its report built once per module.

September 2026, as of 2026-10-15: seller S1 has three listings removed (a repeat offender never hit
by a storefront complaint) and writes a formula as its name; the rejected listing's title is a
script and the long-pending one's a formula; there is a rejection, a restoration, a missed counter-notice response and an
item pending for weeks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from program_stores import ingest_program
from report_fixtures import AS_OF, COMPLAINTS, IP_RIGHTS, LISTINGS, MONTH, OUTCOMES

from takedown.cli import main

# The folder's data and helpers live in report_fixtures.py: tests import them from there, never from
# `conftest` (every test folder has a module of that name).


@pytest.fixture(scope="session")
def report_store(tmp_path_factory) -> Path:
    """The published store of the eight-item program."""
    db_path, results = ingest_program(tmp_path_factory.mktemp("report-store"), {
        "ip_rights": IP_RIGHTS, "listings": LISTINGS, "complaints": COMPLAINTS, "outcomes": OUTCOMES},
        now=dt.datetime(2026, 11, 28, 12))
    assert [result.rejected for result in results] == [0, 0, 0, 0]
    return db_path


@pytest.fixture(scope="session")
def report_dir(report_store, tmp_path_factory) -> Path:
    """September's report of the program, as of 2026-10-15 (one PDF render for the session)."""
    out = tmp_path_factory.mktemp("report") / "out"
    assert main(["report", "--month", MONTH, "--as-of", AS_OF, "--out", str(out), "--db", str(report_store)]) == 0
    return out
