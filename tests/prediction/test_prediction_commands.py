"""`takedown predict` and `takedown train` (SPEC 4): JSON Lines per item, models kept in the store."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl
import pytest
from prediction_stores import START, program, store_from

from takedown.cli import main

AS_OF = START + dt.timedelta(days=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("predict") / "store.duckdb")
    items, events, listings, rights = program(1500, seed=8)
    store_from(items, events, listings, rights, path=path).close()
    return path


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_predict_prints_one_object_per_item_submitted_in_the_period(store, capsys):
    assert main(["predict", "--start", "2025-10-01", "--end", "2026-01-01", "--as-of", AS_OF.isoformat(),
                 "--db", store, "--json"]) == 0
    captured = capsys.readouterr()
    rows = _lines(captured.out)
    con = duckdb.connect(store, read_only=True)
    expected = con.sql("select count(*) from complaint_items where submitted_at >= '2025-10-01' "
                       "and submitted_at < '2026-01-01'").fetchall()[0][0]
    con.close()
    assert len(rows) == expected > 100
    assert all(set(row) == {"complaint_id", "listing_id", "probability", "status"} for row in rows)
    assert all(0 <= row["probability"] <= 1 for row in rows)
    # Items submitted after --as-of have no status yet; those before have theirs at --as-of.
    after = [row for row in rows if row["status"] is None]
    assert 0 < len(after) < len(rows)
    assert {row["status"] for row in rows if row["status"]} <= {"submitted", "removed", "rejected", "restored",
                                                              "counter_noticed"}
    assert "Model as of" in captured.err


def test_predict_with_too_few_decided_items_prints_null_probabilities(store, capsys):
    assert main(["predict", "--month", "2025-01", "--as-of", "2025-01-20", "--db", store, "--json"]) == 0
    captured = capsys.readouterr()
    rows = _lines(captured.out)
    assert rows and all(row["probability"] is None for row in rows)
    assert "No prediction: the store holds" in captured.err


def test_train_keeps_a_versioned_model_that_predict_then_uses(tmp_path, capsys):
    path = str(tmp_path / "store.duckdb")
    items, events, listings, rights = program(800, seed=9)
    store_from(items, events, listings, rights, path=path).close()
    assert main(["train", "--as-of", AS_OF.isoformat(), "--db", path, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["decided_items"] > 500 and record["scores"]["brier"] > 0
    con = duckdb.connect(path, read_only=True)
    kept = con.sql("select model_id, as_of, decided_items, model is not null as has_model "
                   "from prediction_models").pl()
    con.close()
    assert kept.height == 1 and kept["model_id"][0] == record["model_id"] and kept["has_model"][0]
    # A prediction as of T or later uses it ...
    assert main(["predict", "--month", "2025-12", "--as-of", AS_OF.isoformat(), "--db", path, "--out",
                 str(tmp_path / "p.csv")]) == 0
    assert f"(model {record['model_id']} of the store)" in capsys.readouterr().err
    # ... one as of an earlier T cannot (it saw later outcomes): it trains its own in memory.
    assert main(["predict", "--month", "2025-08", "--as-of", "2025-09-01", "--db", path, "--json"]) == 0
    assert "(trained now, in memory)" in capsys.readouterr().err
    written = pl.read_csv(tmp_path / "p.csv")
    assert written.columns == ["complaint_id", "listing_id", "probability", "status"]
    con = duckdb.connect(path, read_only=True)
    assert con.sql("select count(*) from prediction_models").fetchall()[0][0] == 1  # predict never writes
    con.close()


def test_predict_refuses_bad_flags_in_one_line(store, capsys, tmp_path):
    assert main(["predict", "--month", "2025-12", "--db", store, "--out", str(tmp_path / "x.txt")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["predict", "--month", "2025-12", "--db", str(tmp_path / "none.duckdb")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("takedown predict: no store at") and err.count("\n") == 1
    assert main(["train", "--as-of", "2999-01-01", "--db", store]) == 2
    assert capsys.readouterr().err.startswith("takedown train: --as-of 2999-01-01 is in the future")
