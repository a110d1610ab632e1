"""Nothing doubled: repeats change nothing, later exports update by key, history is kept, orphans stay."""

from __future__ import annotations

import datetime as dt

LISTINGS_HEADER = "platform,listing_id,url,seller_id,brand,infringement_type,price,currency,detected_at,title"
COMPLAINTS_HEADER = ("complaint_id,platform,listing_id,seller_id,enforcement_type,ipr_type,reason,account,"
                     "submitted_at,status,status_at")


def listings(*rows: str) -> str:
    return "\n".join([LISTINGS_HEADER, *rows]) + "\n"


def complaints(*rows: str) -> str:
    return "\n".join([COMPLAINTS_HEADER, *rows]) + "\n"


TABLES = ("listings", "complaint_items", "outcome_events", "ip_rights")


def snapshot(query) -> dict[str, list[tuple]]:
    return {table: query(f"select * from {table} order by all").rows() for table in TABLES}


def test_the_same_file_twice_changes_nothing(write_file, ingest, query):
    path = write_file("listings.csv", listings(
        "alibaba,L1,https://a/1,S1,Acme,counterfeit,10,USD,2026-03-01 10:00,one",
        "taobao,L2,https://t/2,S2,Acme,lookalike,,,2026-03-02 10:00,two",
    ))
    [first] = ingest(path)
    before = snapshot(query)
    [second] = ingest(path)
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.inserted, second.updated, second.unchanged, second.rejected) == (0, 0, 2, 0)
    assert snapshot(query) == before
    assert query("select count(*) from ingest_batches").item() == 2


def test_a_changed_row_updates_and_detected_at_keeps_the_earliest(write_file, ingest, query):
    ingest(write_file("a.csv", listings("alibaba,L1,https://a/1,S1,Acme,counterfeit,10,USD,2026-03-05 10:00,old")))
    [later] = ingest(write_file("b.csv", listings(
        "alibaba,L1,https://a/1,S1,Acme,counterfeit,12,USD,2026-03-09 10:00,new title")))
    assert (later.inserted, later.updated, later.unchanged) == (0, 1, 0)
    row = query("select title, price::double, detected_at from listings").row(0)
    assert row == ("new title", 12.0, dt.datetime(2026, 3, 5, 10, 0))
    [earlier] = ingest(write_file("c.csv", listings(
        "alibaba,L1,https://a/1,S1,Acme,counterfeit,12,USD,2026-03-01 08:00,new title")))
    assert (earlier.updated, earlier.unchanged) == (1, 0)  # only detected_at moved, earlier
    assert query("select detected_at from listings").item() == dt.datetime(2026, 3, 1, 8, 0)
    [again] = ingest(write_file("d.csv", listings(
        "alibaba,L1,https://a/1,S1,Acme,counterfeit,12,USD,2026-03-20 08:00,new title")))
    assert (again.updated, again.unchanged) == (0, 1)  # a later detection changes nothing


def test_within_a_file_the_later_row_wins(write_file, ingest, query):
    [result] = ingest(write_file("listings.csv", listings(
        "alibaba,L1,https://a/1,S1,Acme,counterfeit,10,USD,2026-03-05 10:00,first",
        "alibaba,L2,https://a/2,S1,Acme,counterfeit,10,USD,2026-03-05 10:00,other",
        "alibaba,L1,https://a/1,S1,Acme,counterfeit,10,USD,2026-03-02 10:00,second",
        "alibaba,L1,https://a/1,S1,Acme,counterfeit,10,USD,2026-03-07 10:00,second",
    )))
    # L1: inserted, then updated (title and an earlier detection), then unchanged (a later detection).
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (4, 2, 1, 1)
    rows = query("select listing_id, title, detected_at, line from listings order by listing_id").rows()
    assert rows == [("L1", "second", dt.datetime(2026, 3, 2, 10, 0), 5),
                    ("L2", "other", dt.datetime(2026, 3, 5, 10, 0), 3)]


def status_now(db_path) -> str:
    """The one item's status as the metrics see it now (the status rule lives in takedown.metrics only)."""
    from takedown.metrics import load_snapshot, utc_now
    from takedown.store import connect_reader

    con = connect_reader(db_path)
    try:
        return str(load_snapshot(con, utc_now()).facts.get_column("status").item())
    finally:
        con.close()


def test_a_later_status_updates_the_item_and_keeps_the_history(write_file, ingest, query, db_path):
    ingest(write_file("week1.csv", complaints(
        "C1,alibaba,L1,S1,listing,trademark,Counterfeit,acct,2026-03-01 09:00,counter notice,2026-03-02 09:00")))
    [week2] = ingest(write_file("week2.csv", complaints(
        "C1,alibaba,L1,S1,listing,trademark,Counterfeit,acct,2026-03-01 09:00,removed,2026-03-04 09:00")))
    assert (week2.inserted, week2.updated, week2.unchanged) == (0, 1, 0)
    events = query("select event, occurred_at, source_kind from outcome_events order by occurred_at").rows()
    assert events == [("counter_notice", dt.datetime(2026, 3, 2, 9, 0), "complaints"),
                      ("removed", dt.datetime(2026, 3, 4, 9, 0), "complaints")]
    assert status_now(db_path) == "removed"
    assert query("select count(*) from complaint_items").item() == 1


def test_the_same_event_twice_is_one_event(write_file, ingest, query):
    text = ("complaint_id,listing_id,event,occurred_at,detail\n"
            "C1,L1,removed,2026-03-02T10:00:00Z,\n"
            "C1,L1,Taken Down,2026-03-02 18:00:00+08:00,\n")
    [result] = ingest(write_file("outcomes.csv", text))
    assert (result.rows, result.inserted, result.unchanged) == (2, 1, 1)
    assert query("select count(*) from outcome_events").item() == 1


def test_a_portal_status_never_overwrites_an_outcome_detail(write_file, ingest, query):
    ingest(write_file("outcomes.csv", "complaint_id,listing_id,event,occurred_at,detail\n"
                                      "C1,L1,rejected,2026-03-02 10:00,Insufficient evidence\n"))
    ingest(write_file("complaints.csv", complaints(
        "C1,alibaba,L1,S1,listing,trademark,Counterfeit,acct,2026-03-01 09:00,rejected,2026-03-02 10:00")))
    rows = query("select event, detail, source_kind from outcome_events").rows()
    assert rows == [("rejected", "Insufficient evidence", "outcomes")]


def test_references_may_arrive_in_any_order(write_file, ingest, query, db_path):
    ingest(write_file("outcomes.csv", "complaint_id,listing_id,event,occurred_at\nC1,L1,removed,2026-03-02\n"))
    assert query("select count(*) from orphan_outcome_events").item() == 1
    ingest(write_file("complaints.csv", complaints(
        "C1,alibaba,L1,S1,listing,trademark,Counterfeit,acct,2026-03-01 09:00,,")))
    assert query("select count(*) from orphan_outcome_events").item() == 0
    assert query("select count(*) from orphan_complaint_items").item() == 1
    ingest(write_file("listings.csv", listings("alibaba,L1,https://a/1,S1,Acme,counterfeit,,,2026-02-27,t")))
    assert query("select count(*) from orphan_complaint_items").item() == 0
    assert status_now(db_path) == "removed"


def test_untrusted_text_is_stored_verbatim(write_file, ingest, query):
    hostile = ['=HYPERLINK("http://evil","x")', "<script>alert(1)</script>", "+cmd|' /C calc'!A0", "@SUM(1)",
               "  spaces kept  ", "多语言 标题"]
    rows = [f'alibaba,L{i},https://a/{i},S1,Acme,counterfeit,,,2026-03-01,"{title.replace(chr(34), chr(34) * 2)}"'
            for i, title in enumerate(hostile)]
    ingest(write_file("listings.csv", listings(*rows)))
    titles = query("select title from listings order by listing_id")["title"].to_list()
    assert titles == hostile
