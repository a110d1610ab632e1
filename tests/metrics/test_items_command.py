"""`takedown items` end to end: the rows behind a figure, as JSON Lines, CSV and XLSX, and its exit codes."""

from __future__ import annotations

import csv
import json

import polars as pl
import pytest

from program_stores import ingest_program

from takedown.cli import main



def _this_folders_conftest():
    # By path: every test folder has a module named `conftest`, and which one `import conftest`
    # finds depends on what pytest loaded last.
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("metrics_conftest", Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SEPTEMBER = ["--month", "2026-09", "--as-of", "2026-10-15T00:00:00Z"]


def run_json(capsys, argv) -> list[dict]:
    assert main(argv + ["--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def metrics(capsys, argv) -> dict:
    assert main(["metrics", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture()
def store(program_store) -> list[str]:
    return ["--db", str(program_store)]


def test_the_items_of_every_count_equal_the_metrics_figure(store, capsys):
    figures = metrics(capsys, SEPTEMBER + store)
    for name in ("submitted", "removed", "pending", "counter_notices", "missed_counter_notice_responses",
                 "value_unknown_items"):
        rows = run_json(capsys, ["items", *SEPTEMBER, "--metric", name, *store])
        assert len(rows) == figures["totals"][name], name
    removed = run_json(capsys, ["items", *SEPTEMBER, "--metric", "value_removed_usd", *store])
    assert sum(row["value_usd"] or 0 for row in removed) == figures["totals"]["value_removed_usd"] == 14.0


def test_a_row_has_spec_s_fields(store, capsys):
    [row] = run_json(capsys, ["items", *SEPTEMBER, "--metric", "removed", "--platform", "taobao.com", *store])
    assert row == {
        "complaint_id": "K2", "listing_id": "T1", "platform": "taobao", "account": "acct-a",
        "reason": "design copy", "ipr_type": "design", "brand": "Bolt", "seller_id": "S2", "seller_name": "Shop two",
        "title": "Bolt case", "url": "https://item.taobao.com/T1", "status": "removed",
        "submitted_at": "2026-09-15T10:00:00Z", "first_removed_at": "2026-09-15T20:00:00Z",
        "first_decided_at": "2026-09-15T20:00:00Z", "value_usd": 14.0,
        "abnormal_price": None,  # five listings in the store: too few peers to judge
    }
    # K3 was removed, but its VND price has no rate: its value is unknown (null), not 0.
    [unknown] = run_json(capsys, ["items", *SEPTEMBER, "--metric", "value_unknown_items", *store])
    assert (unknown["complaint_id"], unknown["value_usd"]) == ("K3", None)
    [missed] = run_json(capsys, ["items", *SEPTEMBER, "--metric", "missed_counter_notice_responses", *store])
    assert (missed["complaint_id"], missed["counter_noticed_at"], missed["response_deadline"]) == (
        "K5", "2026-09-11T00:00:00Z", "2026-09-14T00:00:00Z")


@pytest.mark.parametrize(("flag", "value"), [("--platform", "lazada"), ("--account", "acct-b"),
                                             ("--reason", "COUNTERFEIT"), ("--ipr-type", "trademark"),
                                             ("--brand", "Acme")])
def test_filtered_items_and_filtered_metrics_equal_the_breakdown(store, capsys, flag, value):
    whole = metrics(capsys, SEPTEMBER + store)
    key = {"--platform": "by_platform", "--account": "by_account", "--reason": "by_reason",
           "--ipr-type": "by_ipr_type", "--brand": "by_brand"}[flag]
    cell = whole[key][value.lower() if flag == "--reason" else value]
    assert metrics(capsys, SEPTEMBER + [flag, value] + store)["totals"] == cell
    assert len(run_json(capsys, ["items", *SEPTEMBER, flag, value, *store])) == cell["submitted"]


def test_a_filter_that_matches_nothing_prints_nothing(store, capsys):
    assert main(["items", *SEPTEMBER, "--brand", "Nobody", "--json", *store]) == 0
    assert capsys.readouterr().out == ""


def test_csv_and_xlsx_hold_every_row_with_formulas_escaped(program_store, tmp_path, capsys, monkeypatch):
    # A seller title that a spreadsheet would run as a formula is written with a leading quote.
    from takedown.metrics.item_rows import rows_behind as real

    def with_hostile_title(*args, **kwargs):
        rows = real(*args, **kwargs)
        return rows.with_columns(pl.lit("=HYPERLINK(\"http://evil\")").alias("title"))

    monkeypatch.setattr("takedown.metrics.snapshot.rows_behind", with_hostile_title)
    csv_path, xlsx_path = tmp_path / "removed.csv", tmp_path / "removed.xlsx"
    for path in (csv_path, xlsx_path):
        assert main(["items", *SEPTEMBER, "--metric", "removed", "--out", str(path), "--db", str(program_store)]) == 0
    with csv_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 and {row["title"] for row in rows} == {"'=HYPERLINK(\"http://evil\")"}
    sheet = pl.read_excel(xlsx_path)
    assert sheet.height == 2 and set(sheet.get_column("title")) == {"'=HYPERLINK(\"http://evil\")"}
    assert sorted(sheet.get_column("complaint_id")) == ["K2", "K3"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--metric", "takedown_rate"], "has no rows behind it"),
    (["--metric", "nonsense"], "is not a metric; choose one of: submitted, removed"),
    (["--ipr-type", "trade mark"], "unknown ipr_type"),
    (["--brand", " "], "the brand filter is empty"),
    (["--out", "items.pdf"], "must end in .csv or .xlsx"),
    (["--month", "2026-13"], "not a month"),
])
def test_usage_errors_exit_2(store, capsys, argv, message):
    base = [] if "--month" in argv else ["--month", "2026-09"]
    assert main(["items", *base, *argv, *store]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_store_exits_1(tmp_path, capsys):
    assert main(["items", "--month", "2026-09", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "no store at" in capsys.readouterr().err


def test_the_terminal_table_escapes_rich_markup(store, capsys, monkeypatch):
    from takedown.metrics.item_rows import rows_behind as real

    monkeypatch.setenv("COLUMNS", "300")  # wide enough that rich does not cut the title
    monkeypatch.setattr("takedown.metrics.snapshot.rows_behind",
                        lambda *a, **k: real(*a, **k).with_columns(pl.lit("[red]boom[/red]").alias("title")))
    assert main(["items", *SEPTEMBER, "--metric", "removed", *store]) == 0
    assert "[red]boom[/red]" in capsys.readouterr().out


def test_hostile_text_held_as_a_category_is_escaped_too(tmp_path, capsys):
    # The snapshot keeps account, reason and brand as categoricals; the rows it gives back must be
    # text again, or the CSV/XLSX escaping (which escapes text columns) would pass them through.
    metrics_conftest = _this_folders_conftest()
    hostile = "=HYPERLINK(\"http://evil\")"
    listings = [row if index == 0 else [*row[:6], hostile, *row[7:]] for index, row in enumerate(metrics_conftest.LISTINGS)]
    complaints = [row if index == 0 else [*row[:7], hostile, hostile, *row[9:]]
                  for index, row in enumerate(metrics_conftest.COMPLAINTS)]
    db_path, results = ingest_program(tmp_path / "hostile", {
        "ip_rights": metrics_conftest.IP_RIGHTS, "listings": listings, "complaints": complaints,
        "outcomes": metrics_conftest.OUTCOMES})
    assert [result.rejected for result in results] == [0, 0, 0, 0]
    out = tmp_path / "items.csv"
    assert main(["items", *SEPTEMBER, "--out", str(out), "--db", str(db_path)]) == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4
    for column in ("account", "reason", "brand"):
        assert {row[column] for row in rows} <= {"'" + hostile.lower() if column == "reason" else "'" + hostile, ""}
        assert any(row[column] for row in rows)


def _with_titles(monkeypatch, titles):
    from takedown.metrics.item_rows import rows_behind as real

    def hostile(*args, **kwargs):
        rows = real(*args, **kwargs)
        return rows.with_columns(pl.Series("title", (titles * rows.height)[: rows.height]))

    monkeypatch.setattr("takedown.metrics.snapshot.rows_behind", hostile)


def test_xlsx_cells_that_look_like_links_stay_text(program_store, tmp_path, capsys, monkeypatch):
    import openpyxl

    links = ["file:///etc/passwd", "external:\\\\evil\\share\\x.exe"]
    _with_titles(monkeypatch, links)
    out = tmp_path / "items.xlsx"
    assert main(["items", *SEPTEMBER, "--out", str(out), "--db", str(program_store)]) == 0
    sheet = openpyxl.load_workbook(out)["items"]
    header = [cell.value for cell in sheet[1]]
    titles = [row[header.index("title")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(titles) == set(links)
    assert not any(cell.hyperlink for row in sheet.iter_rows() for cell in row)
    assert "submitted_at (UTC)" in header and sheet.cell(2, header.index("submitted_at (UTC)") + 1).is_date


def test_an_xlsx_cell_past_excel_s_limit_is_cut_with_a_mark_and_the_user_told(program_store, tmp_path, capsys,
                                                                               monkeypatch):
    long_title = "t" * 40_000
    _with_titles(monkeypatch, [long_title])
    out = tmp_path / "items.xlsx"
    assert main(["items", *SEPTEMBER, "--metric", "removed", "--out", str(out), "--db", str(program_store)]) == 0
    error = capsys.readouterr().err
    assert "2 cell(s) longer than Excel's 32,767 characters were cut" in error and ".csv" in error
    titles = pl.read_excel(out).get_column("title").to_list()
    assert all(len(title) <= 32_767 and "more characters; a CSV export keeps the full text]" in title for title in titles)
    csv_out = tmp_path / "items.csv"
    assert main(["items", *SEPTEMBER, "--metric", "removed", "--out", str(csv_out), "--db", str(program_store)]) == 0
    assert "were cut" not in capsys.readouterr().err
    assert set(pl.read_csv(csv_out).get_column("title")) == {long_title}


def test_more_rows_than_an_xlsx_sheet_holds_is_a_usage_error_before_the_file_is_built(program_store, tmp_path,
                                                                                       capsys, monkeypatch):
    # September has 4 items; a sheet made to hold 3 stands in for Excel's 1,048,575 (so the test stays small).
    monkeypatch.setattr("takedown.export.XLSX_MAX_ROWS", 3)
    built = []
    monkeypatch.setattr("takedown.export.write_sheets", lambda *args: built.append(args))
    out = tmp_path / "items.xlsx"
    assert main(["items", *SEPTEMBER, "--out", str(out), "--db", str(program_store)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("takedown items: --out: 4 rows do not fit in an XLSX sheet (Excel holds at most 3 rows")
    assert "write a .csv file instead" in error and len(error.strip().splitlines()) == 1
    assert built == [] and not out.exists() and list(tmp_path.iterdir()) == []
    assert main(["items", *SEPTEMBER, "--out", str(tmp_path / "items.csv"), "--db", str(program_store)]) == 0
