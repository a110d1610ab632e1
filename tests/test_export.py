"""Every XLSX the project writes (takedown.export.write_sheets): no live link, no lost cell, no crash
on a sheet name, times as UTC date-times; and the row limit refused before any work."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from takedown.export import (
    XLSX_MAX_CELL,
    XLSX_MAX_ROWS,
    cut_mark,
    fit_cell,
    sheet_name,
    table_bytes,
    write_sheets,
    write_table,
    xlsx_rows_problem,
)

LINKS = ["file:///etc/passwd", "external:\\\\evil\\share\\x.exe", "https://www.alibaba.com/item/1.html",
         "mailto:boss@example.com", "ftp://example.com/x"]


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _parts(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_url_like_text_is_written_as_the_text_never_a_link():
    frame = pl.DataFrame({"title": LINKS, "seller_name": list(reversed(LINKS))})
    data = table_bytes(frame, ".xlsx", "items")
    sheet = _book(data)["items"]
    assert [row for row in sheet.iter_rows(min_row=2, values_only=True)] == list(zip(LINKS, reversed(LINKS), strict=True))
    assert not any(cell.hyperlink for row in sheet.iter_rows() for cell in row)
    assert "<hyperlink " not in _parts(data).lower()  # no hyperlink element in any part


def test_urls_past_xlsxwriter_s_link_limits_are_all_kept():
    # xlsxwriter keeps 65,530 links a sheet and none longer than 2,079 characters: as text, all stay.
    urls = [f"https://item.taobao.com/{number}" for number in range(66_000)]
    urls[5] = "https://item.taobao.com/" + "x" * 2_121
    data = table_bytes(pl.DataFrame({"url": urls}), ".xlsx", "items")
    read = pl.read_excel(io.BytesIO(data)).get_column("url").to_list()
    assert read == urls


def test_a_cell_past_excel_s_limit_is_cut_with_a_visible_mark_and_counted(tmp_path):
    long_title = "é" * 40_000
    emoji = "😀" * 20_000  # 40,000 UTF-16 units: Excel counts these, not characters
    frame = pl.DataFrame({"title": [long_title, emoji, "short"]})
    result = write_table(frame, tmp_path / "x.xlsx", "items")
    assert result.cut_cells == 2
    cells = [row[0] for row in _book((tmp_path / "x.xlsx").read_bytes())["items"].iter_rows(min_row=2, values_only=True)]
    assert cells[2] == "short"
    for cell, original in zip(cells[:2], (long_title, emoji), strict=True):
        assert len(cell.encode("utf-16-le")) // 2 <= XLSX_MAX_CELL
        kept = cell[: cell.index("… [cut: ")]
        assert original.startswith(kept)
        assert cell.endswith(cut_mark(len(original) - len(kept)))
    # the CSV keeps it whole
    write_table(frame, tmp_path / "x.csv", "items")
    assert long_title in (tmp_path / "x.csv").read_text(encoding="utf-8")


def test_fit_cell_leaves_a_cell_at_the_limit_alone():
    assert fit_cell("a" * XLSX_MAX_CELL) == ("a" * XLSX_MAX_CELL, False)
    text, cut = fit_cell("a" * (XLSX_MAX_CELL + 1))
    assert cut and text.endswith(cut_mark(len("a" * (XLSX_MAX_CELL + 1)) - text.index("…")))


@pytest.mark.parametrize(("name", "expected"), [
    ("seller-shop/42-listings", "seller-shop_42-listings"),
    ("a[b]:c*d?e\\f", "a_b__c_d_e_f"),
    ("x" * 40, "x" * 31),
    ("   ", "Sheet data"),
    ("History", "History data"),
    ("'quoted'", "quoted"),
])
def test_sheet_names_are_made_acceptable_to_excel(name, expected):
    assert sheet_name(name) == expected
    data = table_bytes(pl.DataFrame({"a": [1]}), ".xlsx", name)
    assert _book(data).sheetnames == [expected]


def test_sheet_names_that_collide_once_cleaned_stay_distinct():
    data = io.BytesIO()
    write_sheets({"a/b": pl.DataFrame({"x": [1]}), "a:b": pl.DataFrame({"x": [2]}), "A?B": pl.DataFrame({"x": [3]})}, data)
    assert _book(data.getvalue()).sheetnames == ["a_b", "a_b (2)", "A_B (3)"]


def test_times_are_utc_datetimes_with_the_zone_in_the_header_and_days_to_one_decimal():
    frame = pl.DataFrame({
        "submitted_at": [dt.datetime(2026, 9, 1, 10, 30, tzinfo=dt.UTC)],
        "shanghai_at": pl.Series([dt.datetime(2026, 9, 1, 18, 30)]).dt.replace_time_zone("Asia/Shanghai"),
        "expires_on": [dt.date(2027, 6, 30)], "days_pending": [17.80113425925926],
        "takedown_rate": [0.8125], "worth_contesting": [True],
    })
    sheet = _book(table_bytes(frame, ".xlsx", "x"))["x"]
    header, row = [cell for cell in sheet.iter_rows(max_row=2)]
    assert [cell.value for cell in header] == ["submitted_at (UTC)", "shanghai_at (UTC)", "expires_on", "days_pending",
                                               "takedown_rate", "worth_contesting"]
    assert row[0].value == row[1].value == dt.datetime(2026, 9, 1, 10, 30) and row[0].is_date
    assert row[2].value == dt.datetime(2027, 6, 30) and row[2].number_format == "yyyy-mm-dd"
    assert row[3].value == 17.8 and row[3].number_format == "0.0"
    assert row[4].value == 0.8125 and row[4].number_format == "0.0%"
    assert row[5].value == "yes"


def test_formulas_nulls_and_nan_are_safe():
    frame = pl.DataFrame({"title": ["=1+1", None, "@SUM(A1)"], "price": [float("nan"), None, 2.5]})
    sheet = _book(table_bytes(frame, ".xlsx", "x"))["x"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("'=1+1", "nan") and rows[1] == (None, None) and rows[2] == ("'@SUM(A1)", 2.5)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_more_rows_than_a_sheet_holds_is_named_with_its_limit():
    assert xlsx_rows_problem("--out", XLSX_MAX_ROWS) is None
    problem = xlsx_rows_problem("--out", XLSX_MAX_ROWS + 1)
    assert "1,048,576 rows" in problem and "1,048,575" in problem and ".csv" in problem


def test_a_failed_write_leaves_the_previous_file(tmp_path, monkeypatch):
    out = tmp_path / "items.xlsx"
    write_table(pl.DataFrame({"a": ["old"]}), out, "items")
    before = out.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("takedown.export.write_sheets", broken)
    with pytest.raises(OSError):
        write_table(pl.DataFrame({"a": ["new"]}), out, "items")
    assert out.read_bytes() == before
    assert [path.name for path in tmp_path.iterdir()] == ["items.xlsx"]  # no temporary left


def test_rejects_past_the_sheet_s_rows_is_a_usage_error_and_links_stay_text(write_file, db_path, tmp_path, capsys,
                                                                            monkeypatch):
    from takedown.cli import main

    bad = ("platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"
           "alibaba,L1,https://a/1,S1,Acme,file:///etc/passwd,2026-03-01\n"
           "alibaba,L2,https://a/2,S1,Acme,counterfeit,2099-01-01\n")
    main(["ingest", "--db", str(db_path), str(write_file("listings.csv", bad))])
    out = tmp_path / "rejects.xlsx"
    assert main(["rejects", "--db", str(db_path), "--out", str(out)]) == 0
    capsys.readouterr()
    sheet = openpyxl.load_workbook(out)["rejects"]
    assert not any(cell.hyperlink for row in sheet.iter_rows() for cell in row)
    assert any("file:///etc/passwd" in str(cell.value) for row in sheet.iter_rows() for cell in row)
    monkeypatch.setattr("takedown.export.XLSX_MAX_ROWS", 1)  # two reasons, a sheet made to hold one
    assert main(["rejects", "--db", str(db_path), "--out", str(tmp_path / "more.xlsx")]) == 2
    assert "do not fit in an XLSX sheet" in capsys.readouterr().err
    assert not (tmp_path / "more.xlsx").exists()


def test_a_download_longer_than_a_sheet_continues_on_the_next_sheets(monkeypatch):
    monkeypatch.setattr("takedown.export.XLSX_MAX_ROWS", 2)  # stands in for 1,048,575
    book = _book(table_bytes(pl.DataFrame({"n": [1, 2, 3, 4, 5]}), ".xlsx", "seller/1"))
    assert book.sheetnames == ["seller_1", "seller_1 (2)", "seller_1 (3)"]
    assert [[row[0] for row in book[name].iter_rows(min_row=2, values_only=True)] for name in book.sheetnames] == [
        [1, 2], [3, 4], [5]]


def test_a_dashboard_download_named_after_a_seller_id_with_a_slash_is_built():
    # The Repeat offenders page names a seller's downloads after its id: `seller-shop/42-listings` crashed it.
    from takedown.dashboard_state import download_files

    files = download_files(pl.DataFrame({"title": ["file:///etc/passwd"]}), "seller-shop/42-listings")
    book = _book(files["xlsx"])
    assert book.sheetnames == ["seller-shop_42-listings"]
    assert book.active["A2"].value == "file:///etc/passwd" and book.active["A2"].hyperlink is None


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_formula_held_as_a_category_is_escaped_too(suffix):
    frame = pl.DataFrame({"account": pl.Series(["=cmd|' /C calc'!A0", "acct-a"], dtype=pl.Categorical)})
    data = table_bytes(frame, suffix, "x")
    cells = (pl.read_csv(io.BytesIO(data)) if suffix == ".csv" else pl.read_excel(io.BytesIO(data))).get_column("account")
    assert cells.to_list() == ["'=cmd|' /C calc'!A0", "acct-a"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_that_cannot_be_created_is_an_os_error(suffix):
    # /proc takes no new files, even from root: the command turns an OSError into one line, exit 1.
    with pytest.raises(OSError, match="No such file or directory"):
        write_table(pl.DataFrame({"a": [1]}), Path("/proc") / f"export{suffix}", "x")
