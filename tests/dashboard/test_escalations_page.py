"""The Escalations page in AppTest: after September's call (dashboard_fixtures.record_call), the page
shows the escalations, the share removed per call and kind from metrics.escalations (the report's
function), narrows with its filters, and never renders the call's untrusted text as markup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
from dashboard_fixtures import AS_OF, CALL_RESPONSE, MONTH, build_store
from test_app import run_app

from takedown.metrics import escalations as calls
from takedown.metrics.snapshot import load_snapshot, plain
from takedown.report.data import load_escalation_record

PAGE = "app_pages/escalations.py"


def _expected(db: Path) -> pl.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        escalations, log = load_escalation_record(con)
        as_of = dt.datetime(2026, 10, 15)
        facts = plain(load_snapshot(con, as_of).facts)
    finally:
        con.close()
    return calls.within_view(calls.escalation_status(escalations, log, facts, MONTH, as_of), facts)


def test_the_page_shows_the_calls_figures_and_rows(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF)
    app.switch_page(PAGE).run()
    assert not app.exception and not app.warning
    expected = _expected(dashboard_store)
    tiles = {tile.label: tile.value for tile in app.metric}
    assert tiles["escalations"] == f"{expected.height:,}"
    assert tiles["still open or in progress"] == f"{expected.height:,}"
    [shares] = [frame.value for frame in app.dataframe if "removed_share" in frame.value.columns]
    wanted = calls.removed_share(expected)
    assert list(shares["removed_share"]) == wanted.get_column("removed_share").to_list()
    assert list(shares["escalated_items"]) == wanted.get_column("escalated_items").to_list()
    # The call's text reaches the page only through st.dataframe, never as Markdown or HTML.
    assert all(CALL_RESPONSE not in block.value for block in app.markdown)


def test_the_kind_filter_narrows_every_figure(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF)
    app.switch_page(PAGE).run()
    expected = _expected(dashboard_store)
    kind = "pending_too_long"
    app.multiselect(key="escalations-kind").set_value([kind]).run()
    assert not app.exception
    tiles = {tile.label: tile.value for tile in app.metric}
    assert tiles["escalations"] == f"{expected.filter(pl.col('escalation_kind') == kind).height:,}"
    every = app.dataframe[-1].value  # "Every escalation", the page's last table
    assert len(every) == expected.filter(pl.col("escalation_kind") == kind).height
    assert set(every["escalation_kind"]) == {kind}


def test_a_store_without_escalations_says_how_to_record_them(monkeypatch, tmp_path):
    app = run_app(monkeypatch, build_store(tmp_path), month=MONTH, as_of=AS_OF)
    app.switch_page(PAGE).run()
    assert not app.exception
    assert any("takedown ingest escalations.xlsx" in block.value for block in app.info)
