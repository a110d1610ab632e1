"""The dashboard in Streamlit's AppTest: every page renders without exception, the Overview shows
exactly what `takedown metrics --json` prints, and bad URLs give warnings, never exceptions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dashboard_fixtures import APP, AS_OF, MONTH
from streamlit.testing.v1 import AppTest

from takedown.cli import main
from takedown.dashboard_lib.data import HEADLINE_KPIS
from takedown.escape import WORD_JOINER, markdown_text
from takedown.metrics.registry import metric


def run_app(monkeypatch, db: Path, **params: str) -> AppTest:
    monkeypatch.setenv("TAKEDOWN_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=30)
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def plain(markdown: str) -> str:
    """The text Markdown written by escape.markdown_text shows (its backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


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
    app.button_group(key="kpi").set_value("removed").run()
    assert not app.exception
    [rows] = [frame.value for frame in app.dataframe if "complaint_id" in frame.value.columns]
    assert list(rows["complaint_id"]) == ["K3"]
    # Seller text reaches the page only through st.dataframe, never as Markdown or HTML.
    assert rows["seller_name"].tolist() == ["<b>Shop</b> **one**"]
    assert not any("Shop" in block.value for block in app.markdown)
    keys = {button.key for button in app.get("download_button")}
    assert {"overview-rows-removed-csv", "overview-rows-removed-xlsx"} <= keys


def test_bad_query_parameters_warn_and_fall_back(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month="2026-13", tz="Mars/Olympus", as_of="yesterday",
                  ipr_type="recipe", platform="nowhere")
    assert not app.exception
    warnings = " ".join(plain(warning.value) for warning in app.warning)
    for name in ("month", "tz", "as_of", "ipr_type", "platform"):
        assert f"{name}:" in warnings
    assert app.metric, "the page falls back to the defaults and shows its figures"
    assert dict(app.query_params) == {}


@pytest.mark.parametrize("params", [{"month": "0001-01"}, {"month": "9999-12"},
                                    {"as_of": "0001-01-01T00:00:00+01:00"}, {"as_of": "2999-01-01T00:00:00Z"}])
def test_a_month_or_as_of_the_cli_refuses_warns_and_falls_back(monkeypatch, dashboard_store, params):
    app = run_app(monkeypatch, dashboard_store, **params)
    assert not app.exception
    [warning] = [plain(warning.value) for warning in app.warning]
    assert warning.startswith(f"{next(iter(params))}: ")
    assert app.metric and dict(app.query_params) == {}


# Markdown Streamlit would act on (a link, an outside image, colour, maths, HTML) and a bidi override.
HOSTILE_PARAMS = {"tz": "[click here](https://evil.example/phish)", "month": "![i](https://evil.example/i.png)",
                  "account": ":red[alarm] $x^2$ <b>bold</b>", "brand": "invoice\u202egpj.exe"}


def test_url_parameters_are_quoted_as_plain_text_in_warnings(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, **HOSTILE_PARAMS)
    assert not app.exception
    warnings = [warning.value for warning in app.warning]
    assert len(warnings) == 4
    for warning in warnings:
        assert warning == markdown_text(plain(warning)), "every Markdown character is escaped"
    shown = " ".join(plain(warning) for warning in warnings).replace(WORD_JOINER, "")
    for value in ("[click here](https://evil.example/phish)", "![i](https://evil.example/i.png)",
                  ":red[alarm] $x^2$ <b>bold</b>", "invoice\\u202egpj.exe"):
        assert value in shown


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

    from takedown.dashboard_lib import state as dashboard_state

    rows = pl.DataFrame({"title": ['=HYPERLINK("http://x")', "@SUM(A1)", "plain"], "units": [1, 2, 3]})
    files = dashboard_state.download_files(rows, "removed")
    assert files["csv"].decode().splitlines()[1:3] == ['"\'=HYPERLINK(""http://x"")",1', "'@SUM(A1),2"]
    sheet = pl.read_excel(io.BytesIO(files["xlsx"]))
    assert sheet["title"].to_list() == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", "plain"]


PAGES = ("app_pages/overview.py", "app_pages/good_faith.py", "app_pages/action_queue.py", "app_pages/breakdowns.py",
         "app_pages/repeat_offenders.py", "app_pages/escalations.py", "app_pages/ip_portfolio.py",
         "app_pages/data_quality.py", "app_pages/audit_log.py", "app_pages/model.py")
# The Model page of this small store says it cannot predict: it has no table to download.
PAGES_WITH_DOWNLOADS = tuple(page for page in PAGES if page != "app_pages/model.py")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception_and_keeps_the_view(monkeypatch, dashboard_store, page):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF, platform="alibaba")
    app.switch_page(page).run()
    assert not app.exception
    assert not app.warning
    assert app.title and any("Data as of 2026-10-15 00:00 UTC" in block.value for block in app.markdown)
    assert app.query_params["platform"] == "alibaba" and app.query_params["as_of"] == AS_OF


@pytest.mark.parametrize("auth", ["yes please", {"redirect_uri": "http://localhost:8501/oauth2callback"}])
def test_careless_sign_in_settings_stop_every_page_with_one_line(monkeypatch, dashboard_store, auth):
    monkeypatch.setenv("TAKEDOWN_DB", str(dashboard_store))
    app = AppTest.from_file(APP, default_timeout=30)
    app.secrets["auth"] = auth
    app.run()
    assert not app.exception and not app.metric and not app.button
    [error] = [plain(error.value) for error in app.error]
    assert error.startswith("Sign-in is configured but cannot be used: [auth] ")


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


@pytest.mark.parametrize("page", PAGES_WITH_DOWNLOADS)
def test_no_download_is_built_before_its_button_is_pressed(monkeypatch, dashboard_store, page):
    from takedown.dashboard_lib import state as dashboard_state

    built = []
    monkeypatch.setattr(dashboard_state, "download_files", lambda table, name: built.append(name) or {})
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF, kpi="removed")
    app.switch_page(page).run()
    assert not app.exception
    assert app.get("download_button"), "the page offers downloads"
    assert built == []


def test_a_change_is_coloured_by_whether_lower_is_better(monkeypatch, dashboard_store):
    from streamlit.proto.Metric_pb2 import Metric

    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF)
    tiles = {tile.label: tile for tile in app.metric}
    shown = {label: (tile.delta, Metric.MetricColor.Name(tile.proto.color), Metric.MetricDirection.Name(
        tile.proto.direction)) for label, tile in tiles.items()}
    # September against August: removal got faster (good: green, down), 24 h handling fell (red, down),
    # removals and the counter-notice success rate did not change (grey, no arrow, no sign).
    assert shown["median time to removal"] == ("-5.0 h", "GREEN", "DOWN")
    assert shown["handled within 24 h"] == ("-50.0 pp", "RED", "DOWN")
    assert shown["removed"] == ("0", "GRAY", "NONE")
    assert shown["counter-notice success rate"] == ("0.0 pp", "GRAY", "NONE")
    assert shown["complaint items submitted"] == ("+1", "GREEN", "UP")


@pytest.mark.parametrize("amber, red, colour", [(None, None, "green"), ("0", "100", "orange"), ("0", "0", "red")])
def test_the_freshness_badge_turns_amber_then_red_with_age(monkeypatch, dashboard_store, amber, red, colour):
    for name, value in (("TAKEDOWN_FRESHNESS_AMBER_HOURS", amber), ("TAKEDOWN_FRESHNESS_RED_HOURS", red)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF)
    [badge] = [block.value for block in app.markdown if "Data as of" in block.value]
    assert badge.startswith(f":{colour}-badge[")


def test_the_link_to_this_view_freezes_it_and_keeps_the_drill_down(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, platform="alibaba", kpi="removed", trend="submitted")
    assert not app.exception
    assert app.query_params["kpi"] == "removed" and app.query_params["trend"] == "submitted"
    assert app.button_group(key="kpi").value == "removed"
    assert app.selectbox(key="trend").value == "submitted"
    [link] = [block.value for block in app.sidebar.code]
    params = dict(part.split("=", 1) for part in link.split("?", 1)[1].split("&"))
    # A live view: the link adds the as-of of the figures shown, so it opens what the sender saw.
    assert params["as_of"].endswith("Z") and params["month"] == MONTH and params["platform"] == "alibaba"
    assert params["kpi"] == "removed" and params["trend"] == "submitted"
    app.selectbox(key="trend").set_value("removed").run()
    assert app.query_params["trend"] == "removed" and app.query_params["platform"] == "alibaba"
    assert "trend=removed" in app.sidebar.code[0].value


def test_reason_and_ipr_type_are_sidebar_filters_the_url_sets(monkeypatch, capsys, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF, reason="Design Copy", ipr_type="design")
    assert not app.exception and not app.warning
    assert app.selectbox(key="view-reason").value == "design copy"
    assert app.selectbox(key="view-ipr_type").value == "design"
    expected = metrics_json(capsys, dashboard_store, "--month", MONTH, "--as-of", AS_OF, "--reason", "design copy",
                            "--ipr-type", "design")["totals"]
    assert {tile.label: tile.value for tile in app.metric}["complaint items submitted"] == str(expected["submitted"])
    app.selectbox(key="view-reason").set_value("counterfeit").run()
    assert app.query_params["reason"] == "counterfeit"


def test_the_good_faith_page_shows_the_projection_with_labelled_columns(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF)
    app.switch_page("app_pages/good_faith.py").run()
    assert not app.exception
    [projection] = [frame.value for frame in app.dataframe if "removals_needed" in frame.value.columns]
    assert projection.iloc[0]["account"] == "acct-b" and projection.iloc[0]["removals_needed"] == "out of reach"
    # Every column is headed in words, a percentage with the registry's one decimal, a count with separators.
    for frame in app.dataframe:
        columns = json.loads(frame.proto.columns)
        assert set(frame.value.columns) <= set(columns)
        assert all("_" not in config.get("label", "") for config in columns.values())
    accounts = json.loads(app.dataframe[0].proto.columns)
    assert accounts["takedown_rate"]["type_config"]["format"] == "%.1f%%"
    assert accounts["reasons_at_risk"]["type_config"]["format"] == "localized"
    assert accounts["at_risk"].get("hidden") is True
    # Fractions go to the browser x100 for that format (the download keeps the fraction).
    assert list(app.dataframe[0].value["takedown_rate"]) == [0.0, 100.0]


def test_the_backlog_filters_to_abnormal_prices(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF)
    app.switch_page("app_pages/action_queue.py").run()
    [checkbox] = [box for box in app.checkbox if box.label == "abnormal price only"]
    assert not any("at an abnormal price" in caption.value for caption in app.caption)
    checkbox.check().run()
    assert not app.exception
    # The store's few listings are too few peers for any flag: none is abnormal.
    assert any(caption.value == "0 of them at an abnormal price." for caption in app.caption)
