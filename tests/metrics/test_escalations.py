"""metrics.escalations on tiny hand-made frames: ids, latest versions, overdue, Since the last call,
and the share of escalated items that ended removed."""

from __future__ import annotations

import datetime as dt

import polars as pl

from takedown.contract import escalation_id
from takedown.metrics import escalations as calls

AS_OF = dt.datetime(2026, 11, 15)


def _escalation(kind: str, complaint: str, call: str) -> dict[str, object]:
    return {"escalation_id": escalation_id(kind, {"complaint_id": complaint, "listing_id": "L"}),
            "escalation_kind": kind, "first_call_month": call, "complaint_id": complaint, "listing_id": "L",
            "platform": None, "seller_id": None, "account": "a", "reason": "r",
            "first_loaded_at": dt.datetime(2026, 1, 1)}


def _version(escalation: dict, call: str, state: str, loaded: int, follow_up: dt.date | None = None,
             response: str | None = None) -> dict[str, object]:
    return {"escalation_id": escalation["escalation_id"], "call_month": call, "platform_response": response,
            "agreed_action": None, "follow_up_date": follow_up, "state": state,
            "loaded_at": dt.datetime(2026, 1, loaded), "batch_id": f"b{loaded}"}


E1 = _escalation("rejected_to_contest", "K1", "2026-08")  # resolved at the 2026-08 call: before the last
E2 = _escalation("pending_too_long", "K2", "2026-09")     # in progress, follow-up passed: overdue
E3 = _escalation("pending_too_long", "K3", "2026-09")     # resolved at the last call (2026-09)
E4 = _escalation("rejected_to_contest", "K2", "2026-09")  # open; the same item as E2
E5 = _escalation("pending_too_long", "K5", "2026-10")     # this month's call: not "since the last call"
ESCALATIONS = pl.DataFrame([E1, E2, E3, E4, E5], schema=calls.ESCALATION_SCHEMA)
LOG = pl.DataFrame([
    _version(E1, "2026-08", "resolved", 1),
    _version(E2, "2026-09", "open", 2, response="first"),
    _version(E2, "2026-09", "in_progress", 3, dt.date(2026, 11, 1), response="second"),
    _version(E3, "2026-09", "resolved", 2),
    _version(E4, "2026-09", "open", 2),
    _version(E2, "2026-11", "resolved", 9),  # a later call's answer: not seen by October's report
], schema=calls.LOG_SCHEMA)
FACTS = pl.DataFrame({"complaint_id": ["K1", "K2", "K3", "K5"], "listing_id": ["L"] * 4,
                      "status": ["removed", "removed", "submitted", "rejected"],
                      "status_at": [dt.datetime(2026, 10, 1)] * 4})


def _status() -> pl.DataFrame:
    return calls.escalation_status(ESCALATIONS, LOG, FACTS, "2026-10", AS_OF)


def test_column_wise_ids_equal_the_contracts_one_row_at_a_time():
    frame = pl.DataFrame({"complaint_id": [" K1", "K2", None], "listing_id": ["L1", None, ""]})
    assert calls.with_escalation_ids(frame, "pending_too_long").to_list() == [
        escalation_id("pending_too_long", row) for row in frame.to_dicts()]
    sellers = pl.DataFrame({"platform": ["taobao"], "seller_id": ["S1"], "other": [1]})
    assert calls.with_escalation_ids(sellers, "storefront_action").to_list() == [
        escalation_id("storefront_action", {"platform": "taobao", "seller_id": "S1"})]


def test_the_latest_version_wins_and_later_calls_are_not_seen():
    status = _status()
    e2 = status.filter(pl.col("escalation_id") == E2["escalation_id"]).row(0, named=True)
    assert (e2["state"], e2["platform_response"], e2["last_call_month"]) == ("in_progress", "second", "2026-09")
    assert e2["overdue"] and e2["outcome"] == "removed after escalation"
    # An answer given back (A, B, then A again) is the latest by load time, not the first loaded.
    back = pl.concat([LOG, pl.DataFrame([_version(E2, "2026-10", "open", 5, response="first")],
                                        schema=calls.LOG_SCHEMA)])
    latest = calls.latest_versions(back, "2026-10").filter(pl.col("escalation_id") == E2["escalation_id"])
    assert latest.select("platform_response", "state", "versions").row(0) == ("first", "open", 3)


def test_since_the_last_call_lists_the_unresolved_and_what_the_last_call_settled():
    status = _status()
    assert calls.last_call(status, "2026-10") == "2026-09"
    since = calls.since_last_call(status, "2026-10")
    assert since.get_column("escalation_id").to_list() == [
        E2["escalation_id"],  # overdue first
        E3["escalation_id"], E4["escalation_id"]]  # then by call, kind (pending < rejected), id


def test_removed_share_per_call_and_kind_counts_an_item_once_in_all():
    shares = calls.removed_share(_status())
    got = {(row["call_month"], row["escalation_kind"]): (row["removed_items"], row["escalated_items"])
           for row in shares.to_dicts()}
    assert got == {("2026-08", "rejected_to_contest"): (1, 1), ("2026-08", "all"): (1, 1),
                   ("2026-09", "pending_too_long"): (1, 2), ("2026-09", "rejected_to_contest"): (1, 1),
                   ("2026-09", "all"): (1, 2),  # K2 (twice escalated, removed) and K3
                   ("2026-10", "pending_too_long"): (0, 1), ("2026-10", "all"): (0, 1)}
    assert shares.filter(pl.col("call_month") == "2026-09").get_column("removed_share").to_list() == [0.5, 1.0, 0.5]


def test_a_view_holds_the_escalations_of_its_items_their_sellers_and_their_accounts():
    seller = {**_escalation("storefront_action", "", "2026-09"), "escalation_id": "ESC-S", "complaint_id": None,
              "listing_id": None, "platform": "taobao", "seller_id": "S1", "account": None, "reason": None}
    other_seller = {**seller, "escalation_id": "ESC-S2", "seller_id": "S2"}
    account = {**_escalation("good_faith_risk", "", "2026-09"), "escalation_id": "ESC-A", "complaint_id": None,
               "listing_id": None, "account": "a", "reason": "(all)"}
    other_account = {**account, "escalation_id": "ESC-B", "account": "b"}
    reason = {**account, "escalation_id": "ESC-AR", "reason": "r"}
    other_reason = {**account, "escalation_id": "ESC-AX", "reason": "x"}
    status = pl.DataFrame([E1, seller, E2, other_seller, E3, account, other_account, reason, other_reason],
                          schema=calls.ESCALATION_SCHEMA)
    # The view holds K1 and K2 (of seller S1 on taobao, account a, reason r); K3's item is outside it.
    view = pl.DataFrame({"complaint_id": ["K1", "K2"], "listing_id": ["L", "L"], "platform": ["taobao", "taobao"],
                         "seller_id": ["S1", "S1"], "account": ["a", "a"], "reason": ["r", "r"]},
                        schema_overrides={"platform": pl.Categorical})
    kept = calls.within_view(status, view)
    assert kept.get_column("escalation_id").to_list() == [E1["escalation_id"], "ESC-S", E2["escalation_id"], "ESC-A",
                                                          "ESC-AR"]
    assert calls.within_view(status, view.clear()).is_empty()
