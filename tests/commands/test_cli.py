"""The command line as a user runs it: output, JSON lines, exit codes, messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from takedown.cli import main

GOOD = ("platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"
        "alibaba,L1,https://a/1,S1,Acme,counterfeit,2026-03-01\n"
        "alibaba,L2,https://a/2,S1,Acme,counterfeit,2099-01-01\n")


def test_ingest_json_prints_one_object_per_file(write_file, db_path, capsys):
    good = write_file("listings.csv", GOOD)
    code = main(["ingest", "--json", "--db", str(db_path), str(good), str(good)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [list(line) for line in lines] == [
        ["file", "kind", "rows", "inserted", "updated", "unchanged", "rejected", "batch_id"]] * 2
    assert [(l["rows"], l["inserted"], l["unchanged"], l["rejected"]) for l in lines] == [(2, 1, 0, 1), (2, 0, 1, 1)]


def test_the_ingest_summary_shows_the_published_counts_without_opening_the_store_again(
        write_file, db_path, capsys, monkeypatch):
    import takedown.store

    assert main(["ingest", "--db", str(db_path), str(write_file("listings.csv", GOOD))]) == 0
    more = write_file("more.csv", GOOD.replace("L1", "L3").replace("L2", "L4"))
    opened = []
    real_connect_reader = takedown.store.connect_reader
    monkeypatch.setattr(takedown.store, "connect_reader", lambda path: opened.append(path) or real_connect_reader(path))
    capsys.readouterr()
    assert main(["ingest", "--db", str(db_path), str(more)]) == 0
    output = capsys.readouterr().out
    assert opened == []
    # The store table's rows are the only ones with two cells: `│ listings │ 2 │`.
    shown = {name: int(count.replace(",", ""))
             for name, count in re.findall(r"^\W (\w+) +\W +([\d,]+) \W$", output, flags=re.MULTILINE)}
    con = real_connect_reader(db_path)
    try:
        published = {name: con.sql(f"select count(*) from {name}").fetchall()[0][0] for name in shown}
    finally:
        con.close()
    assert shown == published
    assert (shown["listings"], shown["ingest_batches"], shown["quarantined_rows"]) == (2, 2, 2)


def test_an_unreadable_file_exits_1_and_loads_nothing_of_it(write_file, tmp_path, db_path, capsys):
    good = write_file("listings.csv", GOOD)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code = main(["ingest", "--json", "--db", str(db_path), str(binary), str(good)])
    captured = capsys.readouterr()
    assert code == 1
    assert f"{binary}: refused, nothing loaded: not a text table" in captured.err
    first, second = (json.loads(line) for line in captured.out.splitlines())
    assert (first["rows"], first["inserted"], first["error"].startswith("not a text table")) == (0, 0, True)
    assert second["inserted"] == 1  # the good file still loads


@pytest.mark.parametrize(("text", "words"), [
    ("", "the file is empty"),
    ("a,b,c\n1,2,3\n", "cannot tell the kind from the header"),
    ("complaint_id,event\nC1,removed\n", "cannot tell the kind"),
])
def test_files_that_are_not_exports_are_refused_with_the_reason(write_file, db_path, capsys, text, words):
    path = write_file("odd.csv", text)
    assert main(["ingest", "--db", str(db_path), str(path)]) == 1
    assert words in capsys.readouterr().err


def test_a_kind_that_does_not_fit_the_header_is_refused(write_file, db_path, capsys):
    path = write_file("listings.csv", GOOD)
    assert main(["ingest", "--kind", "complaints", "--db", str(db_path), str(path)]) == 1
    assert "not a complaints export: required column(s) missing from the header: complaint_id" in capsys.readouterr().err


def test_a_missing_file_is_refused(tmp_path, db_path, capsys):
    assert main(["ingest", "--db", str(db_path), str(tmp_path / "nope.csv")]) == 1
    assert "cannot open the file" in capsys.readouterr().err


@pytest.mark.parametrize("arguments", [["--tz", "Mars/Olympus"], ["--kind", "sellers"], []])
def test_usage_errors_exit_2(write_file, db_path, arguments):
    path = write_file("listings.csv", GOOD)
    files = [str(path)] if arguments else []
    with pytest.raises(SystemExit) as exit_info:
        code = main(["ingest", "--db", str(db_path), *arguments, *files])
        raise SystemExit(code)
    assert exit_info.value.code == 2


def test_a_bad_mapping_file_is_a_usage_error(write_file, tmp_path, db_path, capsys):
    mapping = tmp_path / "m.toml"
    mapping.write_text("[columns\n")
    assert main(["ingest", "--mapping", str(mapping), "--db", str(db_path), str(write_file("l.csv", GOOD))]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_rejects_lists_and_exports_formula_safe_csv(write_file, tmp_path, db_path, capsys):
    hostile = GOOD + 'alibaba,L3,https://a/3,=cmd|calc,Acme,=HYPERLINK("x"),2026-03-01\n'
    main(["ingest", "--db", str(db_path), str(write_file("listings.csv", hostile))])
    capsys.readouterr()
    assert main(["rejects", "--db", str(db_path)]) == 0
    listing = capsys.readouterr().out
    assert "listings.csv:3: detected_at [not_in_future]" in listing
    assert "listings.csv:4: infringement_type [allowed_values]" in listing
    out = tmp_path / "rejects.csv"
    assert main(["rejects", "--db", str(db_path), "--out", str(out)]) == 0
    import polars as pl

    exported = pl.read_csv(out)
    assert exported.columns == ["batch_id", "file", "line", "kind", "column", "rule", "expectation", "message", "raw"]
    assert exported.height == 2
    messages = exported.filter(pl.col("line") == 4)["message"].to_list()
    assert messages == ["infringement_type: unknown value '=HYPERLINK(\"x\")'; expected one of copyright, "
                        "counterfeit, design, lookalike, patent, trademark_misuse"]
    for cell in exported.select(pl.col(pl.Utf8)).iter_rows():
        assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in cell if value)


def test_rejects_without_a_store_says_how_to_make_one(tmp_path, capsys):
    assert main(["rejects", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "takedown ingest" in capsys.readouterr().err


def test_the_installed_script_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "takedown.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "ingest" in result.stdout and "rejects" in result.stdout


def test_rejects_export_to_xlsx_keeps_hostile_text_as_text(write_file, tmp_path, db_path, capsys):
    import polars as pl

    hostile = GOOD + 'alibaba,L3,https://a/3,S9,Acme,=HYPERLINK("http://evil"),2026-03-01\n'
    main(["ingest", "--db", str(db_path), str(write_file("listings.csv", hostile))])
    out = tmp_path / "rejects.xlsx"
    assert main(["rejects", "--db", str(db_path), "--out", str(out)]) == 0
    sheet = pl.read_excel(out)
    messages = sheet.filter(pl.col("line") == 4)["message"].to_list()
    assert messages == ["infringement_type: unknown value '=HYPERLINK(\"http://evil\")'; expected one of copyright, "
                        "counterfeit, design, lookalike, patent, trademark_misuse"]
    raw = sheet.filter(pl.col("line") == 4)["raw"].item()
    assert '"infringement_type":"=HYPERLINK(\\"http://evil\\")"' in raw


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_hostile_cell_that_reaches_the_rejects_export_is_escaped(tmp_path, db_path, monkeypatch, capsys, suffix):
    import polars as pl

    # Two cells of the export that begin with text the user controls: the file name as given, and
    # the column of a short row (the header's name at the first missing field).
    monkeypatch.chdir(tmp_path)
    hostile = Path("=1+2.csv")
    hostile.write_text(GOOD.replace("detected_at\n", "detected_at,@SUM(A1)\n", 1).replace(
        "2026-03-01\n", "2026-03-01,x\n") + "alibaba,L9,https://a/9,S1,Acme,counterfeit,2026-03-01\n")
    assert main(["ingest", "--db", str(db_path), str(hostile)]) == 0
    out = tmp_path / f"rejects{suffix}"
    assert main(["rejects", "--db", str(db_path), "--out", str(out)]) == 0
    capsys.readouterr()
    exported = pl.read_csv(out) if suffix == ".csv" else pl.read_excel(out)
    short_row = exported.filter(pl.col("rule") == "field_count")
    assert short_row["file"].to_list() == ["'=1+2.csv"] * 2  # the rows of L2 and L9 lack the last field
    assert short_row["column"].to_list() == ["'@SUM(A1)"] * 2


def test_ingest_piped_in_a_40_column_shell_prints_whole_paths_and_cells(tmp_path):
    import os

    folder = tmp_path / "a-rather-long-folder-name" / "another_long_sub_folder"
    folder.mkdir(parents=True)
    export = folder / "listings_export_2026_09_from_the_vendor.csv"
    export.write_text(GOOD, encoding="utf-8")
    db = folder / "store.duckdb"
    env = {**os.environ, "COLUMNS": "40"}
    env.pop("FORCE_COLOR", None), env.pop("TTY_COMPATIBLE", None)
    result = subprocess.run([sys.executable, "-m", "takedown.cli", "ingest", str(export), "--db", str(db)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "…" not in result.stdout
    [row] = [line for line in lines if export.name in line]
    assert str(export) in row and "listings" in row
    assert f"store {db}" in lines
