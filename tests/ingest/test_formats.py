"""Every accepted file format and encoding loads the same rows; headers and values are normalised."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
import xlsxwriter

HEADER = "Platform,Listing ID,URL,Title,Seller ID,Seller Name,Brand,Infringement Type,Price,Currency,Units Sold,Detected At"
ROWS = [
    "alibaba.com,A1,https://alibaba.com/p/1,Acme earbuds,S1,Shop one,Acme,Counterfeit,12.50,usd,10,2026-03-01 10:00:00",
    "淘宝,T1,https://item.taobao.com/1,仿冒 耳机 正品,S2,耳机专卖店,Acme,look-alike,99,CNY,5,2026-03-02 08:30:00",
]
EXPECTED = [
    ("alibaba", "A1", "Acme earbuds", "Shop one", "counterfeit", 12.5, "USD", 10, dt.datetime(2026, 3, 1, 10, 0)),
    ("taobao", "T1", "仿冒 耳机 正品", "耳机专卖店", "lookalike", 99.0, "CNY", 5, dt.datetime(2026, 3, 2, 8, 30)),
]
SELECT = ("select platform, listing_id, title, seller_name, infringement_type, price::double as price, currency, "
          "units_sold, detected_at from listings order by listing_id")


def stored(query) -> list[tuple]:
    return [tuple(row.values()) for row in query(SELECT).to_dicts()]


def csv_text(separator: str) -> str:
    lines = [HEADER] + ROWS
    return "\n".join(line.replace(",", separator) for line in lines) + "\n"


@pytest.mark.parametrize(
    ("separator", "encoding", "bom"),
    [(",", "utf-8", False), (";", "utf-8", True), ("\t", "utf-8", False), (",", "gb18030", False),
     (";", "gb18030", False)],
)
def test_csv_dialects_and_encodings_load_the_same_rows(write_file, ingest, query, separator, encoding, bom):
    text = ("\ufeff" if bom else "") + csv_text(separator)
    path = write_file("listings.csv", text, encoding)
    [result] = ingest(path)
    assert (result.kind, result.rows, result.inserted, result.rejected, result.error) == ("listings", 2, 2, 0, None)
    assert stored(query) == EXPECTED


def test_crlf_line_endings(write_file, ingest, query):
    path = write_file("listings.csv", csv_text(",").replace("\n", "\r\n"))
    [result] = ingest(path)
    assert result.inserted == 2
    assert stored(query) == EXPECTED


def test_xlsx_first_sheet_with_typed_cells(tmp_path, ingest, query):
    path = tmp_path / "listings.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("first")
    workbook.add_worksheet("second").write_string(0, 0, "ignored")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for column, name in enumerate(HEADER.split(",")):
        sheet.write_string(0, column, name)
    for row_number, line in enumerate(ROWS, start=1):
        for column, value in enumerate(line.split(",")):
            if column in (8, 10):  # price and units sold as numbers, as Excel stores them
                sheet.write_number(row_number, column, float(value))
            elif column == 11:
                sheet.write_datetime(row_number, column, dt.datetime.fromisoformat(value), date_format)
            else:
                sheet.write_string(row_number, column, value)
    workbook.close()
    [result] = ingest(path)
    assert (result.inserted, result.rejected) == (2, 0)
    assert stored(query) == EXPECTED


def test_json_lines_with_numbers_and_blank_lines(write_file, ingest, query):
    names = [n.strip() for n in HEADER.split(",")]
    lines = []
    for line in ROWS:
        record = dict(zip(names, line.split(",")))
        record["Price"] = float(record["Price"])
        record["Units Sold"] = int(record["Units Sold"])
        lines.append(json.dumps(record, ensure_ascii=False))
    path = write_file("listings.jsonl", "\n".join([lines[0], "", lines[1]]) + "\n")
    [result] = ingest(path)
    assert (result.inserted, result.rejected) == (2, 0)
    assert stored(query) == EXPECTED


def test_parquet_with_typed_columns(tmp_path, ingest, query):
    names = [n.strip() for n in HEADER.split(",")]
    records = [dict(zip(names, line.split(","))) for line in ROWS]
    frame = pl.DataFrame(records).with_columns(
        pl.col("Price").cast(pl.Float64),
        pl.col("Units Sold").cast(pl.Int64),
        # An aware timestamp: stored as the same instant in UTC.
        pl.col("Detected At").str.to_datetime().dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Shanghai"),
    )
    path = tmp_path / "listings.parquet"
    frame.write_parquet(path)
    [result] = ingest(path)
    assert (result.inserted, result.rejected) == (2, 0)
    assert stored(query) == EXPECTED


def test_timestamps_without_offset_are_read_in_the_ingest_time_zone(write_file, ingest, query):
    path = write_file("listings.csv", csv_text(","))
    ingest(path, timezone="Asia/Shanghai")
    detected = query("select detected_at from listings order by listing_id")["detected_at"].to_list()
    assert detected == [dt.datetime(2026, 3, 1, 2, 0), dt.datetime(2026, 3, 2, 0, 30)]


def test_extra_columns_are_kept_with_the_row(write_file, ingest, query):
    text = csv_text(",").replace(HEADER, HEADER + ",Analyst Note").replace("10:00:00\n", "10:00:00,check =1\n", 1)
    text = text.replace("08:30:00\n", "08:30:00,\n")
    [result] = ingest(write_file("listings.csv", text))
    assert result.inserted == 2
    extras = query("select extra from listings order by listing_id")["extra"].to_list()
    assert json.loads(extras[0]) == {"Analyst Note": "check =1"}


def test_mapping_file_renames_columns_and_values(write_file, ingest, query, tmp_path):
    export = write_file("vendor.csv", "\n".join([
        "Case No,Marketplace,Item,Seller,Mode,Right,Ground,Filed By,Report Time",
        "C1,AliExpress,L1,S1,Product Listing,Trademark,Counterfeit,acct,2026-03-01 09:00",
    ]) + "\n")
    mapping = tmp_path / "vendor.toml"
    mapping.write_text("\n".join([
        'kind = "complaints"',
        "[columns]",
        '"Case No" = "complaint_id"', '"Marketplace" = "platform"', '"Item" = "listing_id"',
        '"Seller" = "seller_id"', '"Mode" = "enforcement_type"', '"Right" = "ipr_type"',
        '"Ground" = "reason"', '"Filed By" = "account"', '"Report Time" = "submitted_at"',
    ]) + "\n")
    [result] = ingest(export, mapping_path=mapping)
    assert (result.kind, result.inserted, result.rejected) == ("complaints", 1, 0)
    row = query("select complaint_id, platform, listing_id, enforcement_type, reason from complaint_items").row(0)
    assert row == ("C1", "aliexpress", "L1", "listing", "counterfeit")


def test_mapping_value_aliases_and_extra_platforms(write_file, ingest, query, tmp_path):
    export = write_file("outcomes.csv", "complaint_id,listing_id,event,occurred_at\nC1,L1,Taken down OK,2026-03-02\n")
    listings = write_file("listings.csv", csv_text(",").replace("alibaba.com,A1", "Shopee SG,A1"))
    mapping = tmp_path / "vendor.toml"
    mapping.write_text('[values.event]\n"Taken down OK" = "removed"\n[platforms]\nshopee = ["shopee sg"]\n')
    results = ingest(export, listings, mapping_path=mapping)
    assert [(r.inserted, r.rejected) for r in results] == [(1, 0), (2, 0)]
    assert query("select event from outcome_events")["event"].to_list() == ["removed"]
    assert "shopee" in query("select platform from listings")["platform"].to_list()


def test_spreadsheet_leftovers_are_not_rows_or_columns(write_file, ingest, query):
    # Excel's CSV: BOM, CRLF, trailing separators (blank header names), a row of bare separators.
    text = ("\ufeffcomplaint_id;event;occurred_at;;\r\n"
            "C1;removed;2026-03-02;;\r\n"
            ";;;;\r\n"
            "C2;rejected;2026-03-03;;kept\r\n"
            "\r\n")
    [result] = ingest(write_file("outcomes.csv", text))
    assert (result.rows, result.inserted, result.rejected) == (2, 2, 0)
    rows = query("select complaint_id, extra, line from outcome_events order by 1").rows()
    assert rows == [("C1", '{"column_5":""}', 2), ("C2", '{"column_5":"kept"}', 4)]


def test_a_row_of_blanks_is_no_row_but_a_row_blank_only_at_its_start_is(write_file, ingest, query):
    text = ("complaint_id;event;occurred_at\n"
            " ;\t; \n"                  # blanks only: not a row
            ";removed;2026-03-02\n"      # no complaint_id: a row, quarantined
            "C1;removed;2026-03-02\n")
    [result] = ingest(write_file("outcomes.csv", text))
    assert (result.rows, result.inserted, result.rejected) == (2, 1, 1)
    assert query("select line from quarantined_rows").item() == 3


def test_excel_separator_hint_line(write_file, ingest, query):
    text = "sep=;\ncomplaint_id;event;occurred_at\nC1;removed;2026-03-02\nC2;exploded;2026-03-02\n"
    [result] = ingest(write_file("outcomes.csv", text))
    assert (result.rows, result.inserted, result.rejected) == (2, 1, 1)
    assert query("select line from quarantined_rows").item() == 4  # lines count the hint line too
