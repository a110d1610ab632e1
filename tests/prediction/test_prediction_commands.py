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


@pytest.fixture(scope="module")
def trained_store(store, tmp_path_factory) -> str:
    """`store` with a model kept as of AS_OF (the report uses kept models only)."""
    import shutil

    path = str(tmp_path_factory.mktemp("trained") / "store.duckdb")
    shutil.copy(store, path)
    assert main(["train", "--as-of", AS_OF.isoformat(), "--db", path]) == 0
    return path


def test_the_report_trains_no_model_and_says_how_to_keep_one(store):
    from takedown.report import sections
    from takedown.report.data import load_report_data
    from takedown.report.html import render_html
    from takedown.store import connect_reader

    con = connect_reader(store)
    try:
        data = load_report_data(con, "2025-10", AS_OF, "UTC")
        page = render_html(data)
        projection = sections.projection(data)
    finally:
        con.close()
    assert data.window_probabilities is None
    assert data.prediction_note.startswith("No prediction: the store keeps no model trained as of")
    assert f"run takedown train --as-of {AS_OF:%Y-%m-%dT%H:%M} to keep one." in data.prediction_note
    assert projection.get_column("expected_takedown_rate").null_count() == projection.height
    assert "keeps no model trained as of" in page and "Probabilities from the model" not in page


def test_the_reports_projection_shows_the_expected_rate_between_worst_and_best(trained_store):
    from takedown.report import sections
    from takedown.report.data import load_report_data
    from takedown.report.html import render_html
    from takedown.store import connect_reader

    con = connect_reader(trained_store)
    try:  # the page reads the price flags from the store on first use: it stays open
        data = load_report_data(con, "2025-10", AS_OF, "UTC")
        assert data.window_probabilities is not None
        projection = sections.projection(data)
        assert projection.get_column("pending").sum() > 0
        for row in projection.iter_rows(named=True):
            assert row["worst_takedown_rate"] <= row["low_expected_takedown_rate"] <= row["expected_takedown_rate"]
            assert row["expected_takedown_rate"] <= row["high_expected_takedown_rate"] <= row["best_takedown_rate"]
        page = render_html(data)
    finally:
        con.close()
    assert "expected (90%)" in page and "Probabilities from the model as of 2025-10-28 00:00 UTC (model " in page
    first = projection.row(0, named=True)
    assert f"{first['low_expected_takedown_rate']:.1%} to {first['high_expected_takedown_rate']:.1%}" in page


def test_the_good_faith_page_shows_the_reports_expected_rate(monkeypatch, trained_store):
    from streamlit.testing.v1 import AppTest

    from takedown.config import REPO_DIR
    from takedown.report import sections
    from takedown.report.data import load_report_data
    from takedown.store import connect_reader

    con = connect_reader(trained_store)
    try:
        expected = sections.projection(load_report_data(con, "2025-10", AS_OF, "UTC"))
    finally:
        con.close()
    monkeypatch.setenv("TAKEDOWN_DB", trained_store)
    app = AppTest.from_file(str(REPO_DIR / "dashboard" / "app.py"), default_timeout=60)
    app.query_params.update(month="2025-10", as_of=AS_OF.isoformat() + "Z")
    app.run()
    app.switch_page("app_pages/good_faith.py").run()
    assert not app.exception
    [shown] = [frame.value for frame in app.dataframe if "expected_takedown_rate" in frame.value.columns]
    # The page sends rates x100 to the browser (its percent format).
    for row in expected.iter_rows(named=True):
        [mine] = shown[shown["account"] == row["account"]].to_dict("records")
        for name in ("expected_takedown_rate", "low_expected_takedown_rate", "high_expected_takedown_rate"):
            assert mine[name] == pytest.approx(100 * row[name])
    assert any(caption.value.startswith("Probabilities from the model as of") for caption in app.caption)


def test_predict_as_of_an_earlier_t_beats_the_base_rate_on_later_months_and_is_calibrated(tmp_path, capsys):
    """The held-back check of issue 21 through the command: a program whose outcome depends on the
    reason (92% against 45% removed), `takedown predict --start --end --as-of T` on the months after
    T; against the outcomes the store holds later, its Brier score clearly beats the base rate's
    (that of the items decided by T) and its expected calibration error over ten bins is under 0.05."""
    from prediction_stores import program, store_from

    from takedown.prediction.features import decided_label, load_filing_features
    from takedown.prediction.model import expected_calibration_error, reliability_bins

    path = str(tmp_path / "held_back.duckdb")
    store_from(*program(8000, seed=12), path=path).close()
    as_of, end = START + dt.timedelta(days=280), START + dt.timedelta(days=400)
    assert main(["predict", "--start", as_of.isoformat(), "--end", end.isoformat(), "--as-of", as_of.isoformat(),
                 "--db", path, "--json"]) == 0
    predicted = pl.DataFrame(_lines(capsys.readouterr().out))
    assert predicted.height > 2000 and predicted["status"].null_count() == predicted.height  # all after T
    con = duckdb.connect(path, read_only=True)
    try:
        later = load_filing_features(con, dt.datetime(2030, 1, 1), as_of, end)
        earlier = load_filing_features(con, as_of, until=as_of)
    finally:
        con.close()
    outcome = later.select("complaint_id", "listing_id", decided_label(pl.col("status")).alias("label"))
    checked = predicted.join(outcome, on=["complaint_id", "listing_id"]).drop_nulls(["label", "probability"])
    assert checked.height > 2000
    label, probability = checked["label"].to_numpy(), checked["probability"].to_numpy()
    base_rate = earlier.select(decided_label(pl.col("status")).mean()).item()
    brier, brier_base = ((probability - label) ** 2).mean(), ((base_rate - label) ** 2).mean()
    assert brier < 0.85 * brier_base
    assert expected_calibration_error(reliability_bins(label, probability)) < 0.05
