"""Each viewer sees only their brands: the access file's scope on every page, figure, table, download
and drill-down of the dashboard, before any other filter (issue 20).

A signed-in Acme viewer sees on every page exactly what an admin sees with ?brand=Acme, and no
Bolt name in any element or download, hostile URL parameters included; seller S1 sells both
brands, so its drill-down would leak a Bolt listing if the scope were missed there.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from dashboard_fixtures import APP, AS_OF, COMPLAINTS, IP_RIGHTS, LISTINGS, MONTH, OUTCOMES, record_call
from program_stores import ingest_program, write_csv
from streamlit.testing.v1 import AppTest

from takedown import access
from takedown.dashboard_lib import state as dashboard_state
from takedown.cli import main
from takedown.ingest import ingest_files
from takedown.dashboard_lib.data import HEADLINE_KPIS
from takedown.metrics.registry import metric

PAGES = ("app_pages/overview.py", "app_pages/good_faith.py", "app_pages/action_queue.py", "app_pages/breakdowns.py",
         "app_pages/repeat_offenders.py", "app_pages/escalations.py", "app_pages/ip_portfolio.py")
# Seller S1 (an Acme repeat offender) also sells a Bolt listing, complained of and removed in September.
BOLT_LISTING = ["alibaba", "B9", "https://www.alibaba.com/B9.html", "Bolt secret gadget", "S1", "<b>Shop</b> **one**",
                "Bolt", "counterfeit", "50", "USD", "9", "70", "2026-09-10T00:00:00Z"]
BOLT_COMPLAINT = ["K7", "alibaba", "B9", "S1", "listing", "design", "DES-9", "design copy", "acct-c",
                  "2026-09-11T00:00:00Z", "", ""]
BOLT_REMOVED = ["K7", "B9", "removed", "2026-09-12T00:00:00Z", ""]
# Quarantined rows (line 2: Acme's, line 3: Bolt's): a listing of an unknown kind, an event of no known name.
ACME_BAD_LISTING = ["alibaba", "A9", "https://www.alibaba.com/A9.html", "Acme fake", "S1", "shop", "Acme", "recipe",
                    "1", "USD", "1", "10", "2026-09-20T00:00:00Z"]
BOLT_BAD_LISTING = ["alibaba", "B8", "https://www.alibaba.com/B8.html", "Bolt secret fake", "S1", "shop", "Bolt",
                    "recipe", "1", "USD", "1", "10", "2026-09-20T00:00:00Z"]
ACME_BAD_EVENT = ["K3", "A2", "boom", "2026-09-21T00:00:00Z", ""]
BOLT_BAD_EVENT = ["K7", "B9", "boom", "2026-09-21T00:00:00Z", ""]
# Text only Bolt's rows hold: its brand, its titles and seller, its design right, its own account.
BOLT_TEXT = ("Bolt", "Shop two", "DES-9", "acct-c")
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x", "client_id": "id",
        "client_secret": "s", "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration",
        "allowed_emails": ["acme@client.example", "admin@agency.example", "nobody@client.example",
                           "acct@client.example", "exec@client.example"]}
ACCESS = """
[viewers."acme@client.example"]
role = "analyst"
brands = ["Acme"]
accounts = "*"

[viewers."exec@client.example"]
role = "executive"
brands = ["Acme"]
accounts = "*"

[viewers."@agency.example"]
role = "admin"
brands = "*"
accounts = "*"

[viewers."acct@client.example"]
role = "analyst"
brands = "*"
accounts = ["acct-a"]
"""


@pytest.fixture(scope="module")
def scoped_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scoped")
    db, results = ingest_program(folder, {"ip_rights": IP_RIGHTS, "listings": [*LISTINGS, BOLT_LISTING],
                                          "complaints": [*COMPLAINTS, BOLT_COMPLAINT],
                                          "outcomes": [*OUTCOMES, BOLT_REMOVED]})
    assert [result.error for result in results] == [None] * 4
    record_call(db, folder)  # September's call: escalations of both brands' items, sellers and accounts
    bad = [write_csv(folder / "bad-listings.csv", [LISTINGS[0], ACME_BAD_LISTING, BOLT_BAD_LISTING]),
           write_csv(folder / "bad-outcomes.csv", [OUTCOMES[0], ACME_BAD_EVENT, BOLT_BAD_EVENT])]
    assert [result.rejected for result in ingest_files(bad, db, timezone="UTC")] == [2, 2]
    (folder / "access.toml").write_text(ACCESS)
    return db, folder / "access.toml"


def run_as(monkeypatch, scoped_store, email: str, page: str | None = None, *, script=None, **params: str) -> AppTest:
    """The app (or `script`) run by the signed-in `email` with the URL's `params`, switched to `page`."""
    db, rules = scoped_store
    monkeypatch.setenv("TAKEDOWN_DB", str(db))
    monkeypatch.setenv(access.ACCESS_ENV, str(rules))
    app = AppTest.from_file(APP, default_timeout=30) if script is None else AppTest.from_function(script, default_timeout=30)
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": email}
    for name, value in {"month": MONTH, "as_of": AS_OF, **params}.items():
        app.query_params[name] = value
    app.run()
    if page is not None:
        app.switch_page(page).run()
    assert not app.exception
    return app


def element_text(app: AppTest) -> str:
    """Every element's content as Streamlit sends it (text, table cells, chart specs, chooser options)."""
    texts: list[str] = []

    def walk(node) -> None:
        if getattr(node, "proto", None) is not None:
            texts.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(app._tree)
    return "\n".join(texts)


def shown(app: AppTest) -> tuple[list, list]:
    """The figures of the main area: each tile (label, value, delta), each table's rows, each chart's data."""
    tiles = [(tile.label, tile.value, tile.delta) for tile in app.main.metric]
    tables = [frame.value.to_csv() for frame in app.main.dataframe]
    charts = [json.loads(chart.proto.spec)["data"] for chart in app.main.get("plotly_chart")]
    return tiles, tables, charts


@pytest.fixture
def downloads(monkeypatch):
    """The tables behind every download button of a run (what its files would hold)."""
    tables: list[pl.DataFrame] = []
    original = dashboard_state.download_buttons
    monkeypatch.setattr(dashboard_state, "download_buttons",
                        lambda table, name, key: tables.append(table) or original(table, name, key))
    return tables


@pytest.mark.parametrize("params", [{}, {"brand": "Bolt"}, {"brand": "Bolt", "account": "acct-c", "kpi": "removed"}])
@pytest.mark.parametrize("page", PAGES)
def test_a_scoped_viewer_sees_no_other_brand_on_any_page_element_or_download(monkeypatch, scoped_store, downloads,
                                                                            page, params):
    app = run_as(monkeypatch, scoped_store, "acme@client.example", page, **params)
    assert app.main.metric or app.main.dataframe, "the page shows figures"
    text = element_text(app)
    assert not [word for word in BOLT_TEXT if word in text]
    assert downloads, "the page offers downloads"
    for table in downloads:
        written = table.write_csv()
        assert not [word for word in BOLT_TEXT if word in written], table.columns


@pytest.mark.parametrize("page", PAGES)
def test_a_scoped_viewer_sees_what_an_admin_sees_filtered_to_the_brand(monkeypatch, scoped_store, page):
    scoped = run_as(monkeypatch, scoped_store, "acme@client.example", page, kpi="removed")
    admin = run_as(monkeypatch, scoped_store, "admin@agency.example", page, brand="Acme", kpi="removed")
    assert shown(scoped) == shown(admin)
    unscoped = run_as(monkeypatch, scoped_store, "admin@agency.example", page, kpi="removed")
    assert "Bolt" in element_text(unscoped)  # the store holds Bolt: the admin sees it


def escalations_shown(app: AppTest) -> set[tuple[str, str]]:
    """(kind, what it is about) of each row of the Escalations page's "Every escalation" table."""
    every = pl.from_pandas(app.main.dataframe[-1].value)
    return {(row["escalation_kind"], row["complaint_id"] or row["seller_id"] or f"{row['account']} / {row['reason']}")
            for row in every.iter_rows(named=True)}


@pytest.mark.parametrize("email, expected", [
    # Acme's K5 (account acct-b), seller S1 (an Acme seller), acct-b's overall standing; never Bolt's K2 and
    # K4 (seller S2) or acct-b's "design copy" reason, which only Bolt's items have.
    ("acme@client.example", {("missed_response", "K5"), ("pending_too_long", "K5"), ("storefront_action", "S1"),
                             ("good_faith_risk", "acct-b / (all)")}),
    ("acct@client.example", {("storefront_action", "S1")}),  # acct-a's items are all S1's
])
def test_the_escalations_page_holds_only_the_escalations_of_the_viewers_items(monkeypatch, scoped_store, email,
                                                                            expected):
    assert escalations_shown(run_as(monkeypatch, scoped_store, email, "app_pages/escalations.py")) == expected
    every = escalations_shown(run_as(monkeypatch, scoped_store, "admin@agency.example", "app_pages/escalations.py"))
    assert expected < every and ("rejected_to_contest", "K4") in every  # the store holds the others


def metrics_json(capsys, db, *flags: str) -> dict:
    assert main(["metrics", "--db", str(db), "--json", "--month", MONTH, "--as-of", AS_OF, *flags]) == 0
    return json.loads(capsys.readouterr().out)["totals"]


@pytest.mark.parametrize("email, params, flags", [
    ("acme@client.example", {}, ["--brand", "Acme"]),
    ("acme@client.example", {"brand": "Bolt"}, ["--brand", "Acme"]),  # outside the scope: warned, not widened
    ("acme@client.example", {"account": "acct-b"}, ["--brand", "Acme", "--account", "acct-b"]),  # narrows
    ("acct@client.example", {}, ["--account", "acct-a"]),
    ("acct@client.example", {"account": "acct-b"}, ["--account", "acct-a"]),
])
def test_the_overview_shows_what_takedown_metrics_prints_for_the_scope(monkeypatch, capsys, scoped_store, email,
                                                                       params, flags):
    app = run_as(monkeypatch, scoped_store, email, **params)
    expected = metrics_json(capsys, scoped_store[0], *flags)
    assert {tile.label: tile.value for tile in app.metric} == {
        metric(name).label: metric(name).format(expected[name]) for name in HEADLINE_KPIS}
    if params:
        name = next(iter(params))
        if not (name == "account" and email.startswith("acme")):
            [warning] = [warning.value for warning in app.warning]
            assert "that you may see" in warning and params[name] not in warning.split("It holds")[1]


def test_the_filter_choosers_offer_only_the_scope(monkeypatch, scoped_store):
    app = run_as(monkeypatch, scoped_store, "acme@client.example")
    assert app.selectbox(key="view-brand").options == ["(all)", "Acme"]
    app = run_as(monkeypatch, scoped_store, "acct@client.example")
    assert app.selectbox(key="view-account").options == ["(all)", "acct-a"]


def test_an_address_without_an_entry_sees_only_a_sentence(monkeypatch, scoped_store):
    app = run_as(monkeypatch, scoped_store, "nobody@client.example")
    assert not app.metric and not app.dataframe
    assert any("not given any brand" in info.value for info in app.info)


def test_the_data_quality_page_shows_a_viewer_only_their_own_rows(monkeypatch, scoped_store, downloads):
    app = run_as(monkeypatch, scoped_store, "acme@client.example", "app_pages/data_quality.py")
    [reasons] = [frame.value for frame in app.main.dataframe if "rule" in frame.value.columns
                 and "line" in frame.value.columns]
    # Acme's bad listing and the bad event of its item K3; never Bolt's, nor the store-wide figures.
    assert sorted(zip(reasons["kind"], reasons["line"])) == [("listings", 2), ("outcomes", 2)]
    text = element_text(app)
    assert not [word for word in (*BOLT_TEXT, "K7") if word in text]
    assert "Store contents" not in text and "cannot be attributed" in text
    assert downloads and not [word for table in downloads for word in BOLT_TEXT if word in table.write_csv()]
    admin = run_as(monkeypatch, scoped_store, "admin@agency.example", "app_pages/data_quality.py")
    assert "Store contents" in element_text(admin) and "Bolt" in element_text(admin)


def test_an_access_file_without_sign_in_shows_nothing(monkeypatch, scoped_store):
    db, rules = scoped_store
    monkeypatch.setenv("TAKEDOWN_DB", str(db))
    monkeypatch.setenv(access.ACCESS_ENV, str(rules))
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception and not app.metric
    assert any("needs sign-in" in error.value.replace("\\", "") for error in app.error)


def _snapshot_brands() -> None:
    # A page that reads the loaded snapshot itself (as a new page might): it holds only the scope's rows.
    import streamlit as st

    from takedown.dashboard_lib import state

    state.require_sign_in()
    loaded = state.load(state.View(filters=state.Filters(brand="Bolt")))
    st.text(repr(sorted(set(loaded.snapshot.facts.get_column("brand").cast(str).drop_nulls()))))
    st.text(repr(sorted(set(loaded.snapshot.facts.get_column("account").cast(str)))))


@pytest.mark.parametrize("email, expected", [
    ("acme@client.example", ["[]", "[]"]),  # a Bolt filter outside the scope: nothing, never Bolt
    ("admin@agency.example", ["['Bolt']", "['acct-b', 'acct-c']"]),
])
def test_the_snapshot_every_page_reads_is_loaded_within_the_scope(monkeypatch, scoped_store, email, expected):
    app = run_as(monkeypatch, scoped_store, email, script=_snapshot_brands)
    assert [text.value for text in app.text] == expected


@pytest.fixture(scope="module")
def a_trained_model():
    """A model trained on a program of its own (the scoped store is too small to train one)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "prediction"))
    from prediction_stores import program, store_from

    from takedown.prediction.registry import train_as_of

    training = train_as_of(store_from(*program(1500, seed=5)), dt.datetime(2027, 1, 1))
    assert training.model is not None, training.unavailable
    return training


@pytest.mark.parametrize("email, sees_scores", [("admin@agency.example", True), ("acme@client.example", False)])
def test_the_model_s_store_wide_scores_are_shown_only_to_a_viewer_of_every_brand(
        monkeypatch, scoped_store, a_trained_model, email, sees_scores):
    from takedown.dashboard_lib import predictions

    monkeypatch.setattr(predictions, "training", lambda version, as_of: a_trained_model)
    app = run_as(monkeypatch, scoped_store, email, "app_pages/model.py")
    labels = [tile.label for tile in app.main.metric]
    assert ("Brier score (lower is better)" in labels) is sees_scores
    assert any("every brand" in info.value for info in app.main.info) is not sees_scores
