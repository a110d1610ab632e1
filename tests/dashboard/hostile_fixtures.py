"""The dashboard tests' program (dashboard_fixtures) with hostile text where the data and the URL
can put it: an IPP account written as a link, a brand as a Markdown link, a reason as an outside
image, seller names with a right-to-left override and Streamlit's colour and maths markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixtures import COMPLAINTS, IP_RIGHTS, LISTINGS, OUTCOMES, record_call
from program_stores import ingest_program

LINK_ACCOUNT = '<a href="https://evil.example/phish">acct</a>'
LINK_BRAND = "[click here](https://evil.example/brand)"
IMAGE_REASON = "![i](https://evil.example/i.png)"
BIDI_SELLER = "invoice\u202egpj.exe"
MARKUP_SELLER = ":red[alarm] $x^2$ **bold** <img src=https://evil.example/s.png>"
# URL parameters a hostile link carries (a known hostile account, so the filter applies).
HOSTILE_URL_PARAMS = {"tz": "[click here](https://evil.example/tz)", "month": "![i](https://evil.example/m.png)",
                      "brand": ":red[x] $x^2$ <img src=https://evil.example/b.png> www.evil.example",
                      "account": LINK_ACCOUNT}
# The parameters the store does not hold: each gets a warning that quotes it.
WARNED_PARAMS = ("tz", "month", "brand")


def _replace(rows: list[list[str]], column: str, old: str, new: str) -> list[list[str]]:
    index = rows[0].index(column)
    return [rows[0], *([*row[:index], new if row[index] == old else row[index], *row[index + 1:]] for row in rows[1:])]


def build_hostile_store(folder: Path) -> Path:
    """The program of dashboard_fixtures with the hostile names above, published under `folder`."""
    listings = _replace(_replace(_replace(LISTINGS, "seller_name", "<b>Shop</b> **one**", BIDI_SELLER),
                                 "seller_name", "Shop two", MARKUP_SELLER), "brand", "Acme", LINK_BRAND)
    complaints = _replace(_replace(COMPLAINTS, "account", "acct-a", LINK_ACCOUNT), "reason", "design copy",
                          IMAGE_REASON)
    rights = _replace(IP_RIGHTS, "brand", "Acme", LINK_BRAND)
    db_path, results = ingest_program(folder, {"ip_rights": rights, "listings": listings, "complaints": complaints,
                                               "outcomes": OUTCOMES})
    assert [result.rejected for result in results] == [0, 0, 0, 0]
    record_call(db_path, folder, response=MARKUP_SELLER + " " + BIDI_SELLER)  # the call's answers: hostile too
    return db_path


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory) -> Path:
    """The hostile program's store, built once per session (import this fixture into a test module)."""
    return build_hostile_store(tmp_path_factory.mktemp("hostile"))
