"""The escalations kind's own rules: ids from keys, keys read back from a formula-escaped workbook."""

from __future__ import annotations

import polars as pl

from takedown.contract import escalation_id
from takedown.escape import escape_cell
from takedown.ingest.escalations import escalation_rows, unescaped


def test_an_id_is_its_kind_and_key_hashed_blank_and_missing_alike():
    key = {"complaint_id": "K1", "listing_id": ""}
    assert escalation_id("pending_too_long", key) == escalation_id("pending_too_long", {"complaint_id": "K1"})
    assert escalation_id("pending_too_long", key) != escalation_id("rejected_to_contest", key)
    assert escalation_id("pending_too_long", key) != escalation_id("pending_too_long", {"complaint_id": "K2"})
    # Columns outside the kind's key do not move its id.
    assert escalation_id("storefront_action", {"platform": "taobao", "seller_id": "S1", "account": "a"}) == \
        escalation_id("storefront_action", {"platform": "taobao", "seller_id": "S1"})


def test_a_key_the_workbook_escaped_reads_back_as_stored():
    for value in ("-K1", "=S1", "+86", "@seller", "K1", "'quoted", "'"):
        assert unescaped(escape_cell(value)) == value
    rows = escalation_rows(pl.DataFrame({
        "escalation_id": [" esc-abc "], "escalation_kind": ["storefront_action"], "call_month": ["2026-09"],
        "first_call_month": [None], "complaint_id": [None], "listing_id": [None], "platform": ["taobao"],
        "seller_id": [escape_cell("=S1")], "account": [None], "reason": [None], "platform_response": [None],
        "agreed_action": [None], "follow_up_date": [None], "state": [None], "line": [2]}))
    assert (rows.item(0, "escalation_id"), rows.item(0, "seller_id"), rows.item(0, "state"),
            rows.item(0, "first_call_month"), rows.item(0, "listing_id")) == ("ESC-ABC", "=S1", "open", "2026-09", None)
