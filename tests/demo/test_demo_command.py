"""`takedown demo` end to end: builds a store, rebuilds it cleanly, and never touches data it did not make."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from demo_constants import END

from takedown.cli import main
from takedown.ingest import ingest_files
from takedown.store import connect_reader

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"


def counts(db: Path) -> dict[str, int]:
    con = connect_reader(db)
    try:
        return dict(con.sql("select name, row_count from store_summary").fetchall())
    finally:
        con.close()


def demo_args(tmp_path: Path, *extra: str) -> list[str]:
    return ["demo", "--scale", "1500", "--seed", "3", "--end", END.isoformat(), "--db", str(tmp_path / "demo.duckdb"),
            "--out", str(tmp_path / "exports"), *extra]


def test_demo_builds_a_store_and_a_second_run_replaces_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch):
    from takedown.commands import demo

    served = []
    monkeypatch.setattr(demo, "serve", served.append)  # the dashboard would serve until Ctrl-C
    assert main(demo_args(tmp_path, "--no-serve")) == 0
    assert served == []
    first = counts(tmp_path / "demo.duckdb")
    assert first["complaint_items"] == 1500 and first["quarantined_rows"] > 0
    capsys.readouterr()
    assert main(demo_args(tmp_path)) == 0  # serves: the store and the last complete month's metrics
    assert served == [tmp_path / "demo.duckdb"]
    second = counts(tmp_path / "demo.duckdb")
    assert second == first  # rebuilt from scratch, not loaded on top
    out = capsys.readouterr().out
    assert "complaint_items" in out and "headline figures" in out
    # the figures shown are `takedown metrics` for the month before the demo's end, as of its end
    year, month = (END.year, END.month - 1) if END.month > 1 else (END.year - 1, 12)
    label = f"{year:04d}-{month:02d}"
    assert main(["metrics", "--month", label, "--as-of", END.isoformat(), "--json",
                 "--db", str(tmp_path / "demo.duckdb")]) == 0
    submitted = json.loads(capsys.readouterr().out)["totals"]["submitted"]
    assert submitted > 0
    assert re.search(rf"complaint items submitted\s*│\s*{submitted:,}\s*│", out)


def test_demo_refuses_a_store_holding_other_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    db = tmp_path / "demo.duckdb"
    ingest_files([FIXTURES / "listings.csv"], db)
    before = counts(db)
    assert main(demo_args(tmp_path, "--no-serve")) == 1
    assert "holds data the demo did not make" in capsys.readouterr().err
    assert counts(db) == before


def test_demo_refuses_an_export_folder_it_did_not_make(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "quarterly.xlsx").write_bytes(b"someone's work")
    assert main(demo_args(tmp_path, "--no-serve")) == 1
    assert "not made by the demo" in capsys.readouterr().err
    assert (folder / "quarterly.xlsx").read_bytes() == b"someone's work"
    assert not (tmp_path / "demo.duckdb").exists()


def test_scale_is_bounded(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--scale", "10000001"])
    assert exit_info.value.code == 2
    assert "--scale must be between" in capsys.readouterr().err
