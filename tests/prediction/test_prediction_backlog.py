"""The backlog ranked by expected value removed, with the listings likely rejected under the right
the team would cite and the right that would do better (a hand-made store)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from prediction_stores import START, store_from

from takedown.metrics.snapshot import load_snapshot
from takedown.prediction.backlog import backlog_filings, only_likely_rejected, predicted_backlog
from takedown.prediction.model import Training
from takedown.prediction.registry import train_as_of

AS_OF = START + dt.timedelta(days=320)
# The right decides: complaints on the verified trademark are removed, those on the pending one mostly rejected.
REMOVED_SHARE = {"TM-V": 0.95, "TM-P": 0.15}


def _program(count: int = 700, seed: int = 2, path: str = ":memory:"):
    """Acme's complaints: 60% cite the pending right TM-P (the team's habit), 40% the verified TM-V;
    each is decided a day later, removed with its right's share. Plus the unreported listings of the
    backlog: three of Acme (values 100, 1,000 and unknown), one of Globex (never filed on)."""
    rng = np.random.default_rng(seed)
    right = np.where(rng.random(count) < 0.6, "TM-P", "TM-V")
    submitted = [START + dt.timedelta(days=300 * index / count) for index in range(count)]
    items = pl.DataFrame({
        "complaint_id": [f"C{index:04d}" for index in range(count)],
        "platform": ["taobao"] * count,
        "listing_id": [f"L{index:04d}" for index in range(count)],
        "seller_id": [f"S{index % 90}" for index in range(count)],
        "enforcement_type": ["listing"] * count,
        "ipr_type": ["trademark"] * count,
        "ipr_registration": right,
        "reason": ["counterfeit"] * count,
        "account": ["acct-a"] * count,
        "submitted_at": submitted,
    })
    removed = rng.random(count) < np.array([REMOVED_SHARE[value] for value in right])
    events = pl.DataFrame({
        "complaint_id": items["complaint_id"], "listing_id": items["listing_id"],
        "event": np.where(removed, "removed", "rejected"),
        "occurred_at": [moment + dt.timedelta(days=1) for moment in submitted],
    })
    backlog = pl.DataFrame({
        "platform": ["taobao"] * 4, "listing_id": ["B1", "B2", "B3", "G1"],
        "seller_id": ["S1", "S2", "S3", "S4"], "brand": ["Acme", "Acme", "Acme", "Globex"],
        "price": [10.0, 100.0, None, 50.0], "units_sold": [10, 10, 5, 10],
        # Risk order: B3, G1, B1, B2 (the prediction must re-rank by expected value removed).
        "risk_score": [50.0, 40.0, 90.0, 70.0],
    })
    listings = pl.concat([
        pl.DataFrame({"platform": items["platform"], "listing_id": items["listing_id"], "seller_id": items["seller_id"],
                      "brand": ["Acme"] * count, "price": [20.0] * count, "units_sold": [1] * count,
                      "risk_score": [60.0] * count}),
        backlog,
    ]).with_columns(
        pl.format("https://example.com/{}", "listing_id").alias("url"),
        pl.lit("counterfeit").alias("infringement_type"), pl.lit("USD").alias("currency"),
        pl.lit(START).alias("detected_at"),
    ).with_columns(pl.when(pl.col("price").is_null()).then(None).otherwise(pl.col("currency")).alias("currency"))
    rights = pl.DataFrame({
        "registration": ["TM-V", "TM-P", "TM-G"], "ipr_type": ["trademark"] * 3, "brand": ["Acme", "Acme", "Globex"],
        "expires_on": [dt.date(2030, 1, 1)] * 3, "ipp_status": ["verified", "pending", "verified"],
    })
    return store_from(items, events, listings, rights, path=path)


@pytest.fixture(scope="module")
def store():
    return _program()


@pytest.fixture(scope="module")
def training(store) -> Training:
    return train_as_of(store, AS_OF)


def _backlog(store) -> pl.DataFrame:
    return load_snapshot(store, AS_OF, rates_path=None).high_risk_backlog()


def test_each_listing_is_filed_as_the_team_files_its_brand_and_under_its_brands_other_rights(store):
    backlog = _backlog(store)
    assert backlog.get_column("listing_id").to_list() == ["B3", "G1", "B1", "B2"]
    filings = backlog_filings(store, backlog, AS_OF)
    # Acme's habit is TM-P (cited), TM-V its other right; Globex was never filed on: no filing.
    assert sorted(filings.select("listing_id", "choice", "ipr_registration", "account", "reason").rows()) == [
        ("B1", "alternative", "TM-V", "acct-a", "counterfeit"), ("B1", "cited", "TM-P", "acct-a", "counterfeit"),
        ("B2", "alternative", "TM-V", "acct-a", "counterfeit"), ("B2", "cited", "TM-P", "acct-a", "counterfeit"),
        ("B3", "alternative", "TM-V", "acct-a", "counterfeit"), ("B3", "cited", "TM-P", "acct-a", "counterfeit"),
    ]
    assert set(filings.get_column("known_at")) == {AS_OF}


def test_the_backlog_ranks_by_expected_value_removed_and_names_the_better_right(store, training):
    assert training.model is not None
    ranked = predicted_backlog(store, _backlog(store), AS_OF, training)
    rows = {row["listing_id"]: row for row in ranked.to_dicts()}
    # B2 (value 1,000 USD) before B1 (100 USD); then by risk order where the expected value is
    # unknown: B3 (no price), G1 (a brand never filed on: no probability).
    assert ranked.get_column("listing_id").to_list() == ["B2", "B1", "B3", "G1"]
    assert ranked.get_column("rank").to_list() == [1, 2, 3, 4]
    assert ranked.get_column("risk_rank").to_list() == [4, 3, 1, 2]
    cited = rows["B2"]
    assert cited["ipr_registration"] == "TM-P" and cited["probability"] < 0.5
    assert cited["expected_value_removed_usd"] == pytest.approx(cited["probability"] * cited["value_usd"])
    # Under the pending right the listing is likely rejected; the verified one does better.
    assert cited["likely_rejected"] is True
    assert cited["better_ipr_registration"] == "TM-V" and cited["better_probability"] > 0.8
    assert rows["B3"]["expected_value_removed_usd"] is None and rows["B3"]["likely_rejected"] is True
    assert rows["G1"]["probability"] is None and rows["G1"]["likely_rejected"] is None
    assert rows["G1"]["better_ipr_registration"] is None
    assert only_likely_rejected(ranked).get_column("listing_id").to_list() == ["B2", "B1", "B3"]


def test_no_better_right_is_named_when_the_cited_one_already_does_best(store, training):
    import dataclasses

    from takedown.config import DEFAULT_SETTINGS

    # With a margin no right can clear, none is named, and nothing is likely rejected at a 0 threshold.
    settings = dataclasses.replace(DEFAULT_SETTINGS, backlog_better_right_margin=1.0, backlog_likely_rejected_below=0.0)
    ranked = predicted_backlog(store, _backlog(store), AS_OF, training, settings)
    assert ranked.get_column("better_ipr_registration").null_count() == ranked.height
    assert not ranked.get_column("likely_rejected").fill_null(False).any()


def test_without_a_model_the_backlog_keeps_its_risk_order_and_shows_no_probability(store):
    too_few = train_as_of(store, START + dt.timedelta(days=20))
    assert too_few.model is None
    backlog = _backlog(store)
    ranked = predicted_backlog(store, backlog, AS_OF, too_few)
    assert ranked.get_column("listing_id").to_list() == backlog.get_column("listing_id").to_list()
    assert ranked.get_column("probability").null_count() == ranked.height
    assert ranked.get_column("expected_value_removed_usd").null_count() == ranked.height


def test_the_action_queue_shows_the_backlog_by_expected_value_and_filters_the_likely_rejected(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from takedown.config import REPO_DIR

    from takedown.prediction.registry import keep_trained_model

    path = tmp_path / "store.duckdb"
    _program(path=str(path)).close()
    monkeypatch.setenv("TAKEDOWN_DB", str(path))

    def action_queue() -> AppTest:
        app = AppTest.from_file(str(REPO_DIR / "dashboard" / "app.py"), default_timeout=60)
        app.query_params["as_of"] = AS_OF.isoformat() + "Z"
        app.run()
        app.switch_page("app_pages/action_queue.py").run()
        assert not app.exception
        return app

    # No model kept: the page trains none while it renders (minutes on a large store), shows no
    # probability and says which command keeps one.
    app = action_queue()
    [backlog] = [frame.value for frame in app.dataframe if "expected_value_removed_usd" in frame.value.columns]
    assert backlog["probability"].isna().all()
    assert any("run takedown train --as-of" in caption.value for caption in app.caption)

    keep_trained_model(path, AS_OF)
    app = action_queue()
    [backlog] = [frame.value for frame in app.dataframe if "expected_value_removed_usd" in frame.value.columns]
    assert list(backlog["listing_id"]) == ["B2", "B1", "B3", "G1"]
    assert list(backlog["better_ipr_registration"])[:2] == ["TM-V", "TM-V"]
    [checkbox] = [box for box in app.checkbox if box.label == "likely rejected only"]
    checkbox.check().run()
    assert not app.exception
    assert any(caption.value == "3 of them likely rejected under the right the team would cite." for caption in app.caption)
    app.switch_page("app_pages/model.py").run()
    assert not app.exception
    assert {tile.label for tile in app.metric} >= {"Brier score (lower is better)", "expected calibration error"}
