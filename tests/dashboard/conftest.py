"""A small two-month program store for the dashboard tests, built through the real ingest.

August and September 2026 (and one October item), two IPP accounts (acct-b slips under Good-Faith standing), a hostile
seller name and title, an orphan event, and seller S1 a repeat offender (three removed listings). The tests' frozen as-of is 2026-10-15.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixtures import build_store

# The folder's data and helpers live in dashboard_fixtures.py: tests import them from there, never from
# `conftest` (every test folder has a module of that name).


@pytest.fixture(scope="session")
def dashboard_store(tmp_path_factory) -> Path:
    """The program's store with September's call recorded, built once per session (tests that change a
    store build their own)."""
    return build_store(tmp_path_factory.mktemp("dashboard"), call=True)
