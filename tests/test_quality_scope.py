"""Data quality within a viewer's scope (takedown.quality_scope): each quarantined row attributed to the
brand and account it belongs to, as far as the row and the store can say, and only a scope's own rows,
files and orphans kept; the rows nobody can be given are left to the admin."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from program_stores import ingest_program, write_csv

from takedown import quality
from takedown.ingest import ingest_files
from takedown.quality_scope import quality_within_scope, reasons_by_rule

LISTINGS = [["platform", "listing_id", "url", "title", "seller_id", "brand", "infringement_type", "detected_at"],
            ["taobao", "A1", "https://x.example/A1", "t", "S1", "Acme", "counterfeit", "2026-09-01"],
            ["taobao", "B1", "https://x.example/B1", "t", "S2", "Bolt", "counterfeit", "2026-09-01"]]
COMPLAINTS = [["complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type", "reason",
               "account", "submitted_at"],
              ["KA", "taobao", "A1", "S1", "listing", "trademark", "c", "acct-a", "2026-09-02"],
              ["KB", "taobao", "B1", "S2", "listing", "trademark", "c", "acct-b", "2026-09-02"],
              ["KO", "taobao", "Z9", "S3", "listing", "trademark", "c", "acct-a", "2026-09-02"]]  # an orphan
# A later export of each kind with one bad row per owner (line 2, 3, ...), and rows nobody can be given.
BAD_LISTINGS = [["platform", "listing_id", "url", "title", "seller_id", "Brand ", "infringement_type", "detected_at"],
                ["taobao", "A2", "https://x.example/A2", "t", "S1", "Acme", "recipe", "2026-09-03"],
                ["taobao", "B2", "https://x.example/B2", "t", "S2", "Bolt", "recipe", "2026-09-03"],
                ["taobao", "C2", "https://x.example/C2", "t", "S2", "", "recipe", "2026-09-03"]]
BAD_COMPLAINTS = [COMPLAINTS[0],
                  ["KA2", "taobao.com", "A1", "S1", "listing", "recipe", "c", "acct-a", "2026-09-04"],
                  ["KB2", "taobao", "B1", "S2", "listing", "recipe", "c", "acct-b", "2026-09-04"],
                  ["KX", "taobao", "Q1", "S2", "listing", "recipe", "c", "acct-a", "2026-09-04"]]  # listing unknown
BAD_OUTCOMES = [["complaint_id", "listing_id", "event", "occurred_at"],
                ["KA", "A1", "boom", "2026-09-05"], ["KB", "B1", "boom", "2026-09-05"],
                ["K404", "A1", "boom", "2026-09-05"]]  # no such item


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quality-scope")
    db, results = ingest_program(folder, {"listings": LISTINGS, "complaints": COMPLAINTS})
    assert [result.rejected for result in results] == [0, 0]
    bad = [write_csv(folder / f"bad-{name}.csv", rows) for name, rows in
           (("listings", BAD_LISTINGS), ("complaints", BAD_COMPLAINTS), ("outcomes", BAD_OUTCOMES))]
    assert [result.rejected for result in ingest_files(bad, db, timezone="UTC")] == [3, 3, 3]
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def shown(frames: dict[str, pl.DataFrame]) -> dict[str, object]:
    reasons = frames["reasons"]
    return {"rows": sorted(set(zip(reasons.get_column("kind"), reasons.get_column("line"), strict=True))),
            "files": frames["batches"].get_column("file").to_list(),
            "orphans": frames["orphan_complaint_items"].get_column("complaint_id").to_list()}


def test_a_brand_sees_its_own_quarantined_rows_files_and_no_orphan(store):
    acme = shown(quality_within_scope(store, ("Acme",), None))
    # Its bad listing (header "Brand " matched as ingest matches it), its complaint on its listing (the
    # platform's alias read as ingest reads it), the event of its item; no brandless orphan.
    assert acme["rows"] == [("complaints", 2), ("listings", 2), ("outcomes", 2)]
    assert sorted(name.rsplit("/", 1)[-1] for name in acme["files"]) == [
        "bad-complaints.csv", "bad-listings.csv", "bad-outcomes.csv", "complaints.csv", "listings.csv"]
    assert acme["orphans"] == []


def test_an_account_sees_its_items_rows_every_listing_row_and_its_orphans(store):
    account = shown(quality_within_scope(store, None, ("acct-a",)))
    # Accounts do not limit listings (the unattributed one included); acct-a's complaints, events, orphan.
    assert account["rows"] == [("complaints", 2), ("complaints", 4), ("listings", 2), ("listings", 3),
                               ("listings", 4), ("outcomes", 2)]
    assert account["orphans"] == ["KO"]


def test_rows_nobody_can_be_given_are_left_to_the_admin(store):
    both = shown(quality_within_scope(store, ("Acme", "Bolt"), ("acct-a", "acct-b")))
    everything = shown(quality_within_scope(store, None, None))
    assert len(everything["rows"]) == 9 and len(both["rows"]) == 6
    # The listing without a brand, the complaint on an unknown listing, the event of an unknown item.
    assert sorted(set(everything["rows"]) - set(both["rows"])) == [("complaints", 4), ("listings", 4), ("outcomes", 4)]


def test_reasons_by_rule_is_the_stores_quarantine_by_rule_for_every_row(store):
    every = reasons_by_rule(quality.flatten_reasons(quality.quarantined_rows(store)))
    assert every.to_dicts() == quality.quarantine_by_rule(store).to_dicts()
