"""The dashboard in Streamlit's AppTest: every page renders without exception, the Overview shows
exactly what `takedown metrics --json` prints, and bad URLs give warnings, never exceptions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dashboard_fixtures import APP, AS_OF, MONTH
from streamlit.testing.v1 import AppTest

from takedown.cli import main
from takedown.dashboard_data import HEADLINE_KPIS
from takedown.metrics.registry import metric


def run_app(monkeypatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("TAKEDOWN_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=30)
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def metrics_json(capsys, db: Path, *flags: str) -> dict:
    assert main(["metrics", "--db", str(db), "--json", *flags]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("params, flags", [
    ({}, []),
    ({"tz": "Asia/Shanghai", "platform": "taobao"}, ["--tz", "Asia/Shanghai", "--platform", "taobao"]),
    ({"account": "acct-a", "brand": "Acme"}, ["--account", "acct-a", "--brand", "Acme"]),
])
def test_the_overview_shows_what_takedown_metrics_json_prints(monkeypatch, capsys, dashboard_store, params, flags):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF, **params)
    assert not app.exception
    expected = metrics_json(capsys, dashboard_store, "--month", MONTH, "--as-of", AS_OF, *flags)["totals"]
    shown = {tile.label: tile.value for tile in app.metric}
    assert shown == {metric(name).label: metric(name).format(expected[name]) for name in HEADLINE_KPIS}
    assert not app.warning


def test_the_overview_shows_the_change_from_the_previous_month(monkeypatch, capsys, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF)
    august = metrics_json(capsys, dashboard_store, "--month", "2026-08", "--as-of", AS_OF)["totals"]
    september = metrics_json(capsys, dashboard_store, "--month", MONTH, "--as-of", AS_OF)["totals"]
    deltas = {tile.label: tile.delta for tile in app.metric}
    assert deltas["complaint items submitted"] == f"{september['submitted'] - august['submitted']:+,}"
    assert deltas["value removed (USD)"] == "+$20"


def test_a_kpi_shows_the_rows_behind_it_as_plain_text(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF)
    app.button_group(key="overview-drill").set_value("removed").run()
    assert not app.exception
    [rows] = [frame.value for frame in app.dataframe if "complaint_id" in frame.value.columns]
    assert list(rows["complaint_id"]) == ["K3"]
    # Seller text reaches the page only through st.dataframe, never as Markdown or HTML.
    assert rows["seller_name"].tolist() == ["<b>Shop</b> **one**"]
    assert not any("Shop" in block.value for block in app.markdown)
    assert len(app.get("download_button")) == 2


def test_bad_query_parameters_warn_and_fall_back(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month="2026-13", tz="Mars/Olympus", as_of="yesterday",
                  ipr_type="recipe", platform="nowhere")
    assert not app.exception
    warnings = " ".join(warning.value for warning in app.warning)
    for name in ("month", "tz", "as_of", "ipr_type", "platform"):
        assert f"{name}:" in warnings
    assert app.metric, "the page falls back to the defaults and shows its figures"
    assert dict(app.query_params) == {}


def test_the_view_is_written_back_to_the_url(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of="2026-10-15", platform="taobao.com")
    assert not app.exception and not app.warning
    assert app.query_params["month"] == MONTH
    assert app.query_params["as_of"] == "2026-10-15T00:00:00Z"
    app.selectbox(key="view-platform").set_value("alibaba").run()
    assert app.query_params["platform"] == "alibaba"
    assert app.query_params["month"] == MONTH


@pytest.mark.parametrize("make_store", ["missing", "empty", "not a store"])
def test_a_missing_or_empty_store_shows_the_first_run_page(monkeypatch, tmp_path, make_store):
    db = tmp_path / "takedown.duckdb"
    if make_store == "empty":
        from takedown.ingest import ingest_files
        rights = tmp_path / "rights.csv"
        rights.write_text("registration,ipr_type,brand,jurisdiction,expires_on,ipp_status\n"
                          "TM-1,trademark,Acme,CN,2027-06-30,verified\n")
        ingest_files([rights], db)
    elif make_store == "not a store":
        db.write_text("complaint_id,platform\nK1,taobao\n")
    app = run_app(monkeypatch, db)
    assert not app.exception
    assert app.title[0].value.startswith("Takedown dashboard: get started")
    assert any("takedown ingest" in block.value for block in app.code)


def test_with_an_auth_section_nothing_shows_before_sign_in(monkeypatch, dashboard_store):
    monkeypatch.setenv("TAKEDOWN_DB", str(dashboard_store))
    app = AppTest.from_file(APP, default_timeout=30)
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                           "client_id": "id", "client_secret": "s", "allowed_emails": ["ceo@example.com"],
                           "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration"}
    app.run()
    assert not app.exception
    assert [button.label for button in app.button] == ["Sign in"]
    assert not app.metric


def test_downloads_escape_cells_a_spreadsheet_would_run(dashboard_store):
    import io

    import polars as pl

    from takedown import dashboard_state

    rows = pl.DataFrame({"title": ['=HYPERLINK("http://x")', "@SUM(A1)", "plain"], "units": [1, 2, 3]})
    files = dashboard_state.download_files(rows, "removed")
    assert files["csv"].decode().splitlines()[1:3] == ['"\'=HYPERLINK(""http://x"")",1', "'@SUM(A1),2"]
    sheet = pl.read_excel(io.BytesIO(files["xlsx"]))
    assert sheet["title"].to_list() == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "plain"]


PAGES = ("app_pages/overview.py", "app_pages/good_faith.py", "app_pages/action_queue.py", "app_pages/breakdowns.py",
         "app_pages/repeat_offenders.py", "app_pages/ip_portfolio.py", "app_pages/data_quality.py")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception_and_keeps_the_view(monkeypatch, dashboard_store, page):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF, platform="alibaba")
    app.switch_page(page).run()
    assert not app.exception
    assert not app.warning
    assert app.title and any("Data as of 2026-10-15 00:00 UTC" in block.value for block in app.markdown)
    assert app.query_params["platform"] == "alibaba" and app.query_params["as_of"] == AS_OF


@pytest.mark.parametrize("email, allowed", [("CEO@example.com", True), ("intruder@example.com", False)])
def test_only_addresses_on_the_allow_list_get_past_sign_in(monkeypatch, dashboard_store, email, allowed):
    monkeypatch.setenv("TAKEDOWN_DB", str(dashboard_store))
    app = AppTest.from_file(APP, default_timeout=30)
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                           "client_id": "id", "client_secret": "s", "allowed_emails": ["ceo@example.com"],
                           "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration"}
    app.user = {"is_logged_in": True, "email": email}
    app.query_params["month"] = MONTH
    app.run()
    assert not app.exception
    assert bool(app.metric) is allowed
    assert any("allow-list" in error.value for error in app.error) is not allowed


def test_the_backlog_filters_to_abnormal_prices(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF)
    app.switch_page("app_pages/action_queue.py").run()
    [checkbox] = [box for box in app.checkbox if box.label == "abnormal price only"]
    assert not any("at an abnormal price" in caption.value for caption in app.caption)
    checkbox.check().run()
    assert not app.exception
    # The store's few listings are too few peers for any flag: none is abnormal.
    assert any(caption.value == "0 of them at an abnormal price." for caption in app.caption)
