"""Files that are not files, lines that never end, and cells without values: each refused in one
sentence or quarantined with its reason, never read for ever, never half loaded."""

from __future__ import annotations

import csv
import json
import os
import threading
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from takedown import config
from takedown.ingest.xlsx_cells import bad_cells
from test_rules import VALID, export

HEADER = "platform,listing_id,url,seller_id,brand,infringement_type,detected_at,title"
ROW = "alibaba,L1,https://a/1,S1,Acme,counterfeit,2026-03-01,"


def refused(result) -> str:
    assert (result.rows, result.inserted, result.rejected) == (0, 0, 0)
    assert result.error
    return result.error


def reasons_by_line(query) -> dict[int, list[tuple[str, str]]]:
    rows = query("select line, reasons from quarantined_rows order by line").rows()
    return {line: [(r["column"], r["rule"]) for r in json.loads(reasons)] for line, reasons in rows}


# ------------------------------------------------------------ files that are not regular files


def ingest_in_thread(ingest, path: Path):
    """Run ingest where a hang cannot hang the test run: the thread is abandoned, the test fails."""
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(ingest(path)), daemon=True)
    worker.start()
    worker.join(timeout=120)  # a guard against a hang, not a measure of speed
    assert not worker.is_alive(), f"ingest of {path} did not return"
    return outcome[0]


def test_a_fifo_is_refused_without_being_opened(tmp_path, ingest):
    fifo = tmp_path / "listings.csv"
    os.mkfifo(fifo)  # no writer: opening it would block for ever
    [result] = ingest_in_thread(ingest, fifo)
    assert "named pipe (FIFO)" in refused(result)


def test_a_link_to_a_device_is_refused_by_its_type(tmp_path, ingest):
    # /dev/zero is the device that never ends (read, it takes every byte of memory: too dangerous on a
    # shared test machine should this check break); /dev/null is refused by the same check, its type.
    link = tmp_path / "listings.csv"
    link.symlink_to("/dev/null")
    [result] = ingest_in_thread(ingest, link)
    message = refused(result)
    assert "character device" in message and "/dev/null" in message


def test_a_dangling_link_is_refused_naming_its_target(tmp_path, ingest):
    link = tmp_path / "listings.csv"
    link.symlink_to(tmp_path / "gone.csv")
    [result] = ingest(link)
    assert f"a link to {tmp_path / 'gone.csv'}, which does not exist" in refused(result)


def test_a_link_to_a_real_export_loads(tmp_path, write_file, ingest, query):
    target = write_file("real.csv", export([VALID["listings"]]))
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    [result] = ingest(link)
    assert (result.error, result.inserted) == (None, 1)


# ------------------------------------------------------------------------- over-long lines


@pytest.fixture
def small_limits(monkeypatch):
    """Limits small enough for tiny fixtures (the real ones are megabytes)."""
    monkeypatch.setattr(config, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(config, "MAX_COLUMNS", 50)
    previous = csv.field_size_limit(1000)
    yield
    csv.field_size_limit(previous)


def test_a_header_longer_than_a_line_may_be_is_refused_at_the_real_limit(write_file, ingest):
    names = ",".join(f"name{i}" for i in range(config.MAX_LINE_BYTES // 8))  # one line past the limit
    [result] = ingest(write_file("wide.csv", names + "\nalibaba\n"))
    assert f"line 1 is longer than {config.MAX_LINE_BYTES:,} bytes" in refused(result)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_long_data_line_is_refused_with_its_line_number(write_file, ingest, small_limits, newline):
    lines = [HEADER, ROW + "short", ROW.replace("L1", "L2") + "t" * 2000, ROW.replace("L1", "L3") + "x"]
    [result] = ingest(write_file("listings.csv", newline.join(lines) + newline))
    assert "line 3 is longer than 1,000 bytes" in refused(result)


def test_a_line_just_within_the_limit_loads(write_file, ingest, small_limits):
    row = ROW + "t" * (1000 - len(ROW))
    [result] = ingest(write_file("listings.csv", HEADER + "\r\n" + row + "\r\n"))
    assert (result.error, result.inserted) == (None, 1)


def test_a_header_of_too_many_columns_is_refused(write_file, ingest, small_limits):
    header = HEADER + "".join(f",extra{i}" for i in range(60))
    [result] = ingest(write_file("listings.csv", header + "\n" + ROW + "x" + "," * 60 + "\n"))
    assert "the header has 68 columns, more than the 50" in refused(result)


def test_a_quoted_value_that_never_ends_is_refused_in_one_sentence(write_file, ingest, small_limits):
    body = "".join(f"{ROW.replace('L1', f'L{i}')}t{i}\n" for i in range(100))
    [result] = ingest(write_file("listings.csv", HEADER + "\n" + ROW + '"open quote\n' + body))
    message = refused(result)
    assert "a value that starts by line 2 runs past 1,000 characters" in message


def test_json_lines_naming_too_many_keys_are_refused(write_file, ingest, small_limits):
    records = [dict(VALID["listings"], listing_id=f"L{i}", **{f"key{i}": "x"}) for i in range(60)]
    [result] = ingest(write_file("listings.jsonl", "".join(json.dumps(r) + "\n" for r in records)))
    assert "more than 50 different keys" in refused(result)


def test_a_parquet_file_of_too_many_columns_is_refused(tmp_path, ingest, small_limits):
    path = tmp_path / "listings.parquet"
    pl.DataFrame({**VALID["listings"], **{f"extra{i}": ["x"] for i in range(60)}}).write_parquet(path)
    [result] = ingest(path)
    assert "columns, more than the 50" in refused(result)


def test_a_json_value_nested_too_deeply_is_quarantined(write_file, ingest, query):
    deep = '{"listing_id": ' + "[" * 100_000 + "]" * 100_000 + "}"
    text = json.dumps(VALID["listings"]) + "\n" + deep + "\n"
    [result] = ingest(write_file("listings.jsonl", text))
    assert (result.inserted, result.rejected) == (1, 1)
    assert reasons_by_line(query) == {2: [("*", "json_syntax")]}


# ----------------------------------------------------------------------------- JSON arrays


@pytest.mark.parametrize("layout", ["one object per line", "one line", "indented"])
def test_a_json_array_is_refused_whole_never_half_loaded(write_file, ingest, query, layout):
    records = [dict(VALID["listings"], listing_id=f"L{i}") for i in range(3)]
    text = {
        "one object per line": "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n",
        "one line": json.dumps(records) + "\n",
        "indented": json.dumps(records, indent=2) + "\n",
    }[layout]
    [result] = ingest(write_file("listings.json", text))
    assert "a JSON array, not JSON Lines" in refused(result)
    assert query("select count(*) from listings").item() == 0
    assert query("select count(*) from quarantined_rows").item() == 0


# ------------------------------------------------------------------ cells without a value


def workbook(path: Path, prices: list[object], titles: list[object] | None = None) -> Path:
    columns = list(VALID["listings"])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for number, price in enumerate(prices):
        row = dict(VALID["listings"], listing_id=f"L{number}", price=price,
                   title=(titles[number] if titles else "a title"))
        sheet.append([row.get(c) for c in columns])
    book.save(path)
    return path


ERRORS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


def test_every_excel_error_value_is_quarantined_in_any_column(tmp_path, ingest, query):
    path = workbook(tmp_path / "listings.xlsx", ["12.50"] * (len(ERRORS) + 1), ERRORS + ["fine"])
    [result] = ingest(path)
    assert (result.inserted, result.rejected) == (1, len(ERRORS))
    assert reasons_by_line(query) == {line: [("title", "spreadsheet_error")] for line in range(2, 2 + len(ERRORS))}
    raw_titles = [json.loads(raw)["title"] for raw in query("select raw from quarantined_rows order by line").to_series()]
    assert raw_titles == ERRORS  # the quarantine shows what the cell held


def test_a_formula_without_a_calculated_value_is_quarantined_not_loaded_as_null(tmp_path, ingest, query):
    path = workbook(tmp_path / "listings.xlsx", ["=1/0", "#DIV/0!", "=B2*2", "12.50"], ["t", "t", '=A1&"<x>"', "t"])
    [result] = ingest(path)
    assert (result.inserted, result.rejected) == (1, 3)
    assert reasons_by_line(query) == {
        2: [("price", "formula_without_value")],
        3: [("price", "spreadsheet_error")],
        4: [("title", "formula_without_value"), ("price", "formula_without_value")],  # in sheet order
    }
    messages = [r["message"] for raw in query("select reasons from quarantined_rows").to_series() for r in json.loads(raw)]
    assert any("the formula =1/0 without a calculated value" in m for m in messages)
    assert query("select count(*) from listings where price is null").item() == 0


def test_a_sheet_starting_below_and_right_of_a1_places_its_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"], sheet["C4"], sheet["D4"] = "a", "b", "x", "=1/0"
    book.save(tmp_path / "offset.xlsx")
    origin, cells = bad_cells(str(tmp_path / "offset.xlsx"))
    assert origin == (3, 3)
    assert [(c.row, c.column, c.rule, c.shown) for c in cells] == [(4, 1, "formula_without_value", "=1/0")]
