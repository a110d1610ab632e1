"""Nothing lost or changed without a reason: every value is stored exactly as written, or its row is
quarantined with the rule it broke, or the file is refused with a sentence; never a traceback."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import polars as pl
import pytest
import xlsxwriter

from test_rules import VALID, export

OUTCOMES_HEADER = "complaint_id,listing_id,event,occurred_at,detail"


def listing(**values: str) -> dict[str, str]:
    return dict(VALID["listings"], **values)


def reasons_by_line(query) -> dict[int, list[tuple[str, str]]]:
    rows = query("select line, reasons from quarantined_rows order by line").rows()
    return {line: [(r["column"], r["rule"]) for r in json.loads(reasons)] for line, reasons in rows}


# ------------------------------------------------------------------ 1. decimals and integers


@pytest.mark.parametrize("price", [
    "0.00001", "100000000000000", "123456789012345678901234567.5", "0.0000000001", "1,000,000,000,000,000.25",
    "7.10000000000000000000",  # trailing zeros past the scale: still exactly 7.1
])
def test_prices_are_stored_exactly_as_written(write_file, ingest, query, price):
    [result] = ingest(write_file("listings.csv", export([listing(price=price)])))
    assert (result.inserted, result.rejected) == (1, 0)
    stored = query("select price::varchar as price from listings").item()
    assert Decimal(stored) == Decimal(price.replace(",", ""))


@pytest.mark.parametrize("price", ["0.00000000001", "12345678901234567890123456789", "1" + "0" * 40])
def test_a_price_the_store_cannot_hold_exactly_is_quarantined_not_rounded(write_file, ingest, query, price):
    rows = [listing(), listing(listing_id="L2", price=price)]
    [result] = ingest(write_file("listings.csv", export(rows)))
    assert (result.inserted, result.rejected) == (1, 1)
    assert reasons_by_line(query) == {3: [("price", "decimal_precision")]}
    message = json.loads(query("select reasons from quarantined_rows").item())[0]["message"]
    assert price in message
    assert query("select count(*) from listings where price is null").item() == 0


def test_a_units_sold_too_large_for_the_store_is_quarantined_with_its_reason(write_file, ingest, query):
    rows = [listing(units_sold="9223372036854775807"), listing(listing_id="L2", units_sold="9223372036854775808")]
    [result] = ingest(write_file("listings.csv", export(rows)))
    assert (result.inserted, result.rejected) == (1, 1)
    assert reasons_by_line(query) == {3: [("units_sold", "integer_range")]}
    assert query("select units_sold from listings").item() == 9223372036854775807


def test_json_numbers_keep_their_digits(write_file, ingest, query):
    record = {**listing(), "price": 0.00001, "units_sold": 12}
    big = {**listing(listing_id="L2"), "price": 1e20}
    text = json.dumps(record) + "\n" + json.dumps(big).replace("1e+20", "1E20") + "\n"
    [result] = ingest(write_file("listings.jsonl", text))
    assert (result.inserted, result.rejected) == (2, 0)
    prices = query("select price::varchar from listings order by listing_id").to_series().to_list()
    assert [Decimal(p) for p in prices] == [Decimal("0.00001"), Decimal("1e20")]


def test_parquet_floats_keep_their_digits(tmp_path, ingest, query):
    frame = pl.DataFrame([listing(), listing(listing_id="L2")]).with_columns(
        pl.Series("price", [0.00001, 1e20]), pl.Series("risk_score", [1e-7, 50.0]))
    path = tmp_path / "listings.parquet"
    frame.write_parquet(path)
    [result] = ingest(path)
    assert (result.inserted, result.rejected) == (2, 0)
    rows = query("select price::varchar, risk_score from listings order by listing_id").rows()
    assert [(Decimal(p), r) for p, r in rows] == [(Decimal("0.00001"), 1e-7), (Decimal("1e20"), 50.0)]


# --------------------------------------------------------------------------- 2. offsets


@pytest.mark.parametrize("offset", ["+25:00", "+99:99", "-15:00", "+08:60", "+1460", "+14:01"])
def test_an_impossible_offset_does_not_parse(write_file, ingest, query, offset):
    rows = [dict(VALID["outcomes"], occurred_at="2026-03-02T10:00:00+14:00"),
            dict(VALID["outcomes"], event="rejected", occurred_at=f"2026-03-02T10:00:00{offset}")]
    [result] = ingest(write_file("outcomes.csv", export(rows)))
    assert (result.inserted, result.rejected) == (1, 1)
    assert reasons_by_line(query) == {3: [("occurred_at", "timestamp")]}
    assert query("select occurred_at from outcome_events").item() == dt.datetime(2026, 3, 1, 20, 0)


# ----------------------------------------------------------------------- 3. ragged rows


@pytest.mark.parametrize("bad_row", ["C1,L2,removed,2026-03-02", "C1,L2,removed", "C1", 'C1,"L2,removed",x',
                                     "C1,L2,removed,2026-03-02,,", 'C1,L2,removed,2026-03-02,"a,b",c'])
@pytest.mark.parametrize("quoted", [False, True])
def test_a_row_with_the_wrong_number_of_fields_is_quarantined_on_every_path(write_file, ingest, query,
                                                                            bad_row, quoted):
    good = 'C1,L1,removed,2026-03-02,"a, b"' if quoted else "C1,L1,removed,2026-03-02,"
    text = "\n".join([OUTCOMES_HEADER, good, bad_row, good.replace("L1", "L3")]) + "\n"
    [result] = ingest(write_file("outcomes.csv", text))
    assert (result.rows, result.inserted, result.rejected) == (3, 2, 1)
    assert reasons_by_line(query)[3][0][1] == "field_count"


# ------------------------------------------------------------------- 4. duplicate names


def test_two_csv_columns_with_the_same_name_refuse_the_file(write_file, ingest):
    text = "complaint_id,event,occurred_at,detail,detail\nC1,removed,2026-03-02,a,b\n"
    [result] = ingest(write_file("outcomes.csv", text))
    assert result.error is not None and result.inserted == 0
    assert "'detail'" in result.error and "columns 4 and 5" in result.error


def test_two_xlsx_columns_with_the_same_name_refuse_the_file(tmp_path, ingest):
    path = tmp_path / "outcomes.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    for column, value in enumerate(["complaint_id", "event", "occurred_at", "note", "note"]):
        sheet.write_string(0, column, value)
    for column, value in enumerate(["C1", "removed", "2026-03-02", "a", "b"]):
        sheet.write_string(1, column, value)
    workbook.close()
    [result] = ingest(path)
    assert result.error is not None and "'note'" in result.error


def test_a_json_object_with_a_key_twice_is_quarantined(write_file, ingest, query):
    text = ('{"complaint_id": "C1", "event": "removed", "occurred_at": "2026-03-02"}\n'
            '{"complaint_id": "C2", "event": "removed", "event": "rejected", "occurred_at": "2026-03-02"}\n')
    [result] = ingest(write_file("outcomes.jsonl", text))
    assert (result.inserted, result.rejected) == (1, 1)
    reasons = json.loads(query("select reasons from quarantined_rows").item())
    assert [(r["column"], r["rule"]) for r in reasons] == [("event", "duplicate_key")]


def test_two_parquet_columns_with_the_same_name_refuse_the_file(tmp_path, ingest):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "outcomes.parquet"
    table = pa.Table.from_arrays([pa.array(["C1"]), pa.array(["removed"]), pa.array(["2026-03-02"]),
                                  pa.array(["a"]), pa.array(["b"])],
                                 names=["complaint_id", "event", "occurred_at", "note", "note"])
    pq.write_table(table, path)
    [result] = ingest(path)
    assert result.error is not None and "'note'" in result.error


# ------------------------------------------------------------------------- 5. NUL bytes


def test_a_nul_byte_past_the_first_block_quarantines_its_row(write_file, ingest, query):
    rows = [f"C{i},L1,removed,2026-03-02,{'x' * 40}" for i in range(200)]
    rows[150] = rows[150].replace("xxxx", "x\x00xx", 1)
    [result] = ingest(write_file("outcomes.csv", OUTCOMES_HEADER + "\n" + "\n".join(rows) + "\n"))
    assert (result.rows, result.inserted, result.rejected) == (200, 199, 1)
    assert reasons_by_line(query) == {152: [("detail", "control_character")]}


def test_a_nul_byte_in_the_first_block_refuses_the_file(write_file, ingest):
    text = OUTCOMES_HEADER + "\nC1,L1,removed,2026-03-02,a\x00b\n"
    [result] = ingest(write_file("outcomes.csv", text))
    assert result.error is not None and "binary" in result.error


def test_a_nul_character_in_a_json_value_quarantines_its_line(write_file, ingest, query):
    text = ('{"complaint_id": "C1", "event": "removed", "occurred_at": "2026-03-02"}\n'
            '{"complaint_id": "C2", "event": "removed", "occurred_at": "2026-03-02", "detail": "a\\u0000b"}\n')
    [result] = ingest(write_file("outcomes.jsonl", text))
    assert (result.inserted, result.rejected) == (1, 1)
    assert reasons_by_line(query) == {2: [("detail", "control_character")]}


# ------------------------------------------------------------------ 6. a user column _line


def test_a_csv_column_named_line_is_kept(write_file, ingest, query):
    text = OUTCOMES_HEADER + ",_line\nC1,L1,removed,2026-03-02,,17\n"
    [result] = ingest(write_file("outcomes.csv", text))
    assert (result.inserted, result.rejected, result.error) == (1, 0, None)
    assert query("select extra, line from outcome_events").row(0) == ('{"_line":"17"}', 2)


def test_a_json_field_named_line_is_kept(write_file, ingest, query):
    text = '{"complaint_id": "C1", "event": "removed", "occurred_at": "2026-03-02", "_line": 99}\n'
    [result] = ingest(write_file("outcomes.jsonl", text))
    assert (result.inserted, result.error) == (1, None)
    assert query("select extra, line from outcome_events").row(0) == ('{"_line":"99"}', 1)


# ------------------------------------------------------------------- 7. CR line endings


def test_old_mac_line_endings_load(write_file, ingest, query):
    text = OUTCOMES_HEADER + "\rC1,L1,removed,2026-03-02,\rC1,L2,removed,nonsense,\rC1,L3,rejected,2026-03-02,\r"
    [result] = ingest(write_file("outcomes.csv", text))
    assert (result.rows, result.inserted, result.rejected) == (3, 2, 1)
    assert query("select listing_id, line from outcome_events order by 1").rows() == [("L1", 2), ("L3", 4)]
    assert reasons_by_line(query) == {3: [("occurred_at", "timestamp")]}


def test_old_mac_line_endings_after_a_separator_hint(write_file, ingest, query):
    text = "sep=;\r" + OUTCOMES_HEADER.replace(",", ";") + "\rC1;L1;removed;2026-03-02;\r"
    [result] = ingest(write_file("outcomes.csv", text))
    assert (result.inserted, result.rejected, result.error) == (1, 0, None)
    assert query("select line from outcome_events").item() == 3


# ------------------------------------------------------------------- 8. Parquet types


def test_parquet_nested_binary_and_odd_types_are_kept_as_text(tmp_path, ingest, query):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "complaint_id": ["C1", "C2"], "event": ["removed", "rejected"],
        "occurred_at": pa.array([dt.date(2026, 3, 2)] * 2),
        "detail": pa.array([b"plain text", b"\xff\xfe"], pa.binary()),
        "tags": pa.array([["a", "b"], None], pa.list_(pa.string())),
        "meta": pa.array([{"x": 1, "when": dt.datetime(2026, 1, 1)}, None]),
        "amount": pa.array([Decimal("1.50"), None], pa.decimal128(10, 2)),
        "kind": pa.array(["p", "q"]).dictionary_encode(),
        "nothing": pa.array([None, None], pa.null()),
    })
    path = tmp_path / "outcomes.parquet"
    pq.write_table(table, path)
    [result] = ingest(path)
    assert (result.inserted, result.rejected, result.error) == (2, 0, None)
    rows = query("select detail, extra from outcome_events order by complaint_id").rows()
    assert rows[0][0] == "plain text" and rows[1][0] == "0xfffe"
    first = json.loads(rows[0][1])
    assert json.loads(first["tags"]) == ["a", "b"] and json.loads(first["meta"])["x"] == 1
    assert (first["amount"], first["kind"], first["nothing"]) == ("1.50", "p", None)


# ---------------------------------------------------------- 9. status before submission


def test_a_status_before_its_own_submission_is_quarantined(write_file, ingest, query):
    rows = [dict(VALID["complaints"], status="removed", status_at="2026-03-01 10:00"),  # same instant: fine
            dict(VALID["complaints"], complaint_id="C2", status="removed", status_at="2026-03-01 09:59")]
    [result] = ingest(write_file("complaints.csv", export(rows)))
    assert (result.inserted, result.rejected) == (1, 1)
    assert reasons_by_line(query) == {3: [("status_at", "not_before_submitted_at")]}
    message = json.loads(query("select reasons from quarantined_rows").item())[0]["message"]
    assert "2026-03-01 09:59" in message and "submitted_at" in message
