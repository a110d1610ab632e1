"""Every rejection rule: the row is quarantined with the exact rule, column and message; good rows load."""

from __future__ import annotations

import csv
import io
import json

import pytest

VALID = {
    "listings": {
        "platform": "alibaba", "listing_id": "L1", "url": "https://alibaba.com/p/1", "title": "t",
        "seller_id": "S1", "seller_name": "n", "brand": "Acme", "infringement_type": "counterfeit",
        "price": "10", "currency": "USD", "units_sold": "3", "seller_country": "CN", "risk_score": "50",
        "detected_at": "2026-03-01 10:00", "source": "tool",
    },
    "complaints": {
        "complaint_id": "C1", "platform": "taobao", "listing_id": "L1", "seller_id": "S1",
        "enforcement_type": "listing", "ipr_type": "trademark", "ipr_registration": "TM1",
        "reason": "Counterfeit", "account": "acct", "submitted_at": "2026-03-01 10:00", "status": "",
        "status_at": "",
    },
    "outcomes": {"complaint_id": "C1", "listing_id": "L1", "event": "removed", "occurred_at": "2026-03-02 10:00",
                 "detail": ""},
    "ip_rights": {"registration": "TM1", "ipr_type": "trademark", "brand": "Acme", "jurisdiction": "CN",
                  "registrant": "Acme Ltd", "goods_classes": "9", "expires_on": "2030-01-01", "ipp_status": "verified"},
}

# (kind, column, bad value, rule, words the message must contain)
CASES = [
    ("listings", "platform", "shopee", "allowed_values", "'shopee'"),
    ("listings", "platform", "", "required", "platform is required"),
    ("listings", "listing_id", "  ", "required", "listing_id is required"),
    ("listings", "url", "ftp://x/1", "url_scheme", "'ftp://x/1'"),
    ("listings", "url", "www.alibaba.com/p/1", "url_scheme", "http or https"),
    ("listings", "seller_id", "", "required", "seller_id is required"),
    ("listings", "brand", "", "required", "brand is required"),
    ("listings", "infringement_type", "knockoff", "allowed_values", "'knockoff'"),
    ("listings", "price", "abc", "number", "'abc' is not a number"),
    ("listings", "price", "-0.01", "minimum", "price must be >= 0"),
    ("listings", "currency", "", "required_when_price", "currency is required when price is given"),
    ("listings", "currency", "USDT", "iso_4217", "'USDT'"),
    ("listings", "units_sold", "2.5", "integer", "not a whole number"),
    ("listings", "units_sold", "-1", "minimum", "units_sold must be >= 0"),
    ("listings", "seller_country", "XX", "iso_3166_alpha_2", "'XX'"),
    ("listings", "risk_score", "100.5", "range", "between 0 and 100"),
    ("listings", "risk_score", "-1", "range", "between 0 and 100"),
    ("listings", "detected_at", "yesterday", "timestamp", "'yesterday' is not a valid timestamp"),
    ("listings", "detected_at", "2026-02-30 10:00", "timestamp", "not a valid timestamp"),
    ("listings", "detected_at", "2026-11-29 12:00:01", "not_in_future", "more than one day after the ingest"),
    ("listings", "detected_at", "", "required", "detected_at is required"),
    ("complaints", "complaint_id", "", "required", "complaint_id is required"),
    ("complaints", "listing_id", "", "required_when_enforcement_type", "when enforcement_type is listing"),
    ("complaints", "enforcement_type", "shop", "allowed_values", "'shop'"),
    ("complaints", "ipr_type", "utility model", "allowed_values", "'utility model'"),
    ("complaints", "reason", "", "required", "reason is required"),
    ("complaints", "account", "", "required", "account is required"),
    ("complaints", "submitted_at", "01/03/2026", "timestamp", "not a valid timestamp"),
    ("complaints", "status", "closed", "allowed_values", "'closed'"),
    ("outcomes", "event", "exploded", "allowed_values", "'exploded'"),
    ("outcomes", "occurred_at", "2027-01-01", "not_in_future", "more than one day after"),
    ("outcomes", "complaint_id", "", "required", "complaint_id is required"),
    ("ip_rights", "registration", "", "required", "registration is required"),
    ("ip_rights", "expires_on", "2030-13-01", "date", "is not a date"),
    ("ip_rights", "ipp_status", "approved", "allowed_values", "'approved'"),
]


def export(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(("kind", "column", "value", "rule", "words"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_quarantines_the_row_with_its_reason(write_file, ingest, query, kind, column, value, rule, words):
    good = dict(VALID[kind])
    bad = dict(good, **{column: value})
    # Give the bad row its own key (unless the key is what is being broken).
    distinct_key = {"complaints": ("complaint_id", "C2"), "listings": ("listing_id", "L2"),
                    "outcomes": ("occurred_at", "2026-03-03 10:00"), "ip_rights": ("registration", "TM2")}[kind]
    if column != distinct_key[0]:
        bad[distinct_key[0]] = distinct_key[1]
    if column == "status":
        bad["status_at"] = "2026-03-02 10:00"  # so that only the status itself is wrong
    path = write_file(f"{kind}.csv", export([good, bad]))
    [result] = ingest(path, kind=kind)
    assert (result.rows, result.inserted, result.rejected, result.error) == (2, 1, 1, None)
    quarantined = query("select file, line, kind, raw, reasons from quarantined_rows")
    assert quarantined.height == 1
    row = quarantined.row(0, named=True)
    assert (row["file"], row["line"], row["kind"]) == (str(path), 3, kind)
    reasons = json.loads(row["reasons"])
    assert [(r["column"], r["rule"]) for r in reasons] == [(column, rule)]
    assert words in reasons[0]["message"]
    assert json.loads(row["raw"])[column] == value  # the raw value, verbatim


def test_every_broken_rule_of_a_row_is_reported(write_file, ingest, query):
    bad = dict(VALID["listings"], platform="ebay", url="x", price="-5", detected_at="soon")
    [result] = ingest(write_file("listings.csv", export([bad])))
    assert (result.inserted, result.rejected) == (0, 1)
    reasons = json.loads(query("select reasons from quarantined_rows").item())
    assert sorted(r["column"] for r in reasons) == ["detected_at", "platform", "price", "url"]


def test_a_storefront_complaint_needs_no_listing(write_file, ingest, query):
    storefront = dict(VALID["complaints"], enforcement_type="Store Front", listing_id="")
    named = dict(VALID["complaints"], complaint_id="C9", enforcement_type="store", listing_id="L77")
    [result] = ingest(write_file("complaints.csv", export([storefront, named])))
    assert (result.inserted, result.rejected) == (2, 0)
    rows = query("select complaint_id, listing_id, enforcement_type, extra from complaint_items order by 1")
    assert rows.rows() == [("C1", "", "storefront", None), ("C9", "", "storefront", '{"listing_id":"L77"}')]


def test_status_needs_status_at(write_file, ingest, query):
    row = dict(VALID["complaints"], status="removed", status_at="")
    [result] = ingest(write_file("complaints.csv", export([row])))
    assert result.rejected == 1
    reasons = json.loads(query("select reasons from quarantined_rows").item())
    assert [(r["column"], r["rule"]) for r in reasons] == [("status_at", "required_when_status")]


def test_the_future_limit_is_one_day_after_ingest_inclusive(write_file, ingest):
    at_limit = dict(VALID["outcomes"], occurred_at="2026-11-29T12:00:00Z")  # INGEST_NOW + 24 h exactly
    past_limit = dict(VALID["outcomes"], event="restored", occurred_at="2026-11-29T12:00:00.001Z")
    [result] = ingest(write_file("outcomes.csv", export([at_limit, past_limit])))
    assert (result.inserted, result.rejected) == (1, 1)


def test_a_timestamp_offset_decides_the_future_rule(write_file, ingest):
    # 2026-11-30 01:00 in Shanghai is 2026-11-29 17:00 UTC: past the limit; 19:00 UTC the day before is not.
    rows = [dict(VALID["outcomes"], occurred_at="2026-11-30T01:00:00+08:00"),
            dict(VALID["outcomes"], event="rejected", occurred_at="2026-11-29T03:00:00+08:00")]
    [result] = ingest(write_file("outcomes.csv", export(rows)))
    assert (result.inserted, result.rejected) == (1, 1)


def test_each_ingest_judges_the_future_by_its_own_moment(write_file, tmp_path):
    # Ingest keeps each kind's built suite for the process: the limit must still follow each ingest's
    # moment, not the first one's (same file, same columns, same process).
    import datetime as dt

    from takedown.ingest import ingest_files

    path = write_file("outcomes.csv", export([dict(VALID["outcomes"], occurred_at="2026-11-29T12:00:00Z")]))
    moments = [dt.datetime(2026, 11, 28, 12), dt.datetime(2026, 11, 28, 11, 59, 59), dt.datetime(2026, 11, 30)]
    verdicts = [ingest_files([path], tmp_path / f"store{number}.duckdb", now=moment)[0]
                for number, moment in enumerate(moments)]
    assert [(result.inserted, result.rejected) for result in verdicts] == [(1, 0), (0, 1), (1, 0)]


def test_ragged_csv_rows_are_quarantined_and_do_not_take_good_rows_down(write_file, ingest, query):
    header = ",".join(VALID["outcomes"])
    text = "\n".join([
        header,
        "C1,L1,removed,2026-03-02 10:00,",
        "C1,L2,removed",  # short
        'C1,L3,removed,2026-03-02 10:00,"a detail\nover two lines"',
        "C1,L4,removed,2026-03-02 10:00,,surplus",  # long
        "",
        "C1,L5,rejected,nonsense,",
    ]) + "\n"
    [result] = ingest(write_file("outcomes.csv", text))
    assert (result.rows, result.inserted, result.rejected) == (5, 2, 3)
    quarantine = query("select line, reasons from quarantined_rows order by line")
    lines = quarantine["line"].to_list()
    rules = [[r["rule"] for r in json.loads(reasons)] for reasons in quarantine["reasons"]]
    assert lines == [3, 6, 8]  # physical lines: the quoted detail spans lines 4-5, line 7 is blank
    assert rules == [["field_count"], ["field_count"], ["timestamp"]]
    details = query("select detail from outcome_events where listing_id = 'L3'")["detail"].to_list()
    assert details == ["a detail\nover two lines"]


def test_bad_json_lines_are_quarantined(write_file, ingest, query):
    text = '{"complaint_id": "C1", "event": "removed", "occurred_at": "2026-03-02"}\n[1, 2]\n{oops\n'
    [result] = ingest(write_file("outcomes.jsonl", text))
    assert (result.rows, result.inserted, result.rejected) == (3, 1, 2)
    rules = [json.loads(r)[0]["rule"] for r in query("select reasons from quarantined_rows order by line")["reasons"]]
    assert rules == ["json_object", "json_syntax"]


def test_rows_past_the_first_validation_slice_are_reported_at_their_own_position(write_file, monkeypatch):
    import datetime as dt

    from takedown.ingest import validation
    from takedown.ingest.mapping import Mapping
    from takedown.ingest.normalize import prepare
    from takedown.ingest.readers import read_table

    monkeypatch.setattr(validation, "VALIDATION_SLICE_ROWS", 2)
    rows = [dict(VALID["outcomes"], listing_id=f"L{i}") for i in range(5)]
    rows[3]["event"] = "nope"
    prepared = prepare(read_table(write_file("outcomes.csv", export(rows))), None, "UTC", Mapping(),
                       dt.datetime(2026, 11, 28))
    valid, reasons = validation.validate(prepared)  # in this process: the slices are this test's
    assert valid.to_list() == [True, True, True, False, True]
    assert [(r.column, r.rule) for r in reasons[3]] == [("event", "allowed_values")]


# Every character Python's `\s` matches, plus look-alikes it does not (zero-width space, word joiner).
PYTHON_BLANKS = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def test_a_url_needs_a_non_blank_character_after_the_scheme_whatever_the_blank(write_file, ingest, query):
    rows = [dict(VALID["listings"], listing_id=f"B{i}", url=f"https://{blank}alibaba.com/p/1")
            for i, blank in enumerate(PYTHON_BLANKS)]
    rows += [dict(VALID["listings"], listing_id=f"G{i}", url=url) for i, url in enumerate(
        ["HTTPS://alibaba.com/p/1", "hTtP://x", "https://\u200balibaba.com", "https://\u2060x", "https://é.cn/1"])]
    # JSON Lines: a CSV would read a CR or LF as the end of a record.
    [result] = ingest(write_file("listings.jsonl", "".join(json.dumps(row) + "\n" for row in rows)))
    assert (result.inserted, result.rejected) == (5, len(PYTHON_BLANKS))
    reasons = [json.loads(text) for text in query("select reasons from quarantined_rows")["reasons"]]
    assert {tuple((r["column"], r["rule"]) for r in row) for row in reasons} == {(("url", "url_scheme"),)}
