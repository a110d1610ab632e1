"""What each role of the access file may do (access.ROLE_PERMISSIONS), enforced by the dashboard's state
for every page: an executive reads the summary pages without the rows behind a figure or any download,
an analyst also the rows, the work-list pages, their own data quality and every download, an admin
also the store-wide data quality and the audit log. Links to a page or a drill-down the role does not
open show a sentence, never the rows."""

from __future__ import annotations

import pytest
from dashboard_fixtures import ROOT
from streamlit.testing.v1 import AppTest
from test_app import plain
from test_access_scope import AUTH, downloads, run_as, scoped_store  # noqa: F401 (fixtures)

from takedown import access

EXECUTIVE, ANALYST, ADMIN = "exec@client.example", "acme@client.example", "admin@agency.example"
WORK_LIST_PAGES = ["Action queue", "Repeat offenders", "IP portfolio", "Data quality"]
PAGE_FILES = {"Action queue": "app_pages/action_queue.py", "Repeat offenders": "app_pages/repeat_offenders.py",
              "IP portfolio": "app_pages/ip_portfolio.py", "Data quality": "app_pages/data_quality.py",
              "Audit log": "app_pages/audit_log.py"}
SUMMARY_FILES = ("app_pages/overview.py", "app_pages/good_faith.py", "app_pages/breakdowns.py",
                 "app_pages/escalations.py")


def test_each_role_has_the_permissions_the_readme_gives_it():
    assert {role: sorted(permissions) for role, permissions in access.ROLE_PERMISSIONS.items()} == {
        "executive": [], "analyst": ["downloads", "rows"], "admin": ["audit_log", "downloads", "rows", "store_quality"]}
    with pytest.raises(ValueError, match="unknown permission"):
        access.Scope("admin", None, None).may("everything")


def pages_offered(app) -> list[str]:
    """The titles of the pages the app's st.navigation registered, in order."""
    return [info["page_name"] for info in app._registered_pages.values()]


@pytest.mark.parametrize("email, expected", [
    (EXECUTIVE, ["Overview", "Good-Faith standing", "Platforms and complaint types", "Escalations", "Model"]),
    (ANALYST, ["Overview", "Good-Faith standing", "Action queue", "Platforms and complaint types", "Repeat offenders",
               "Escalations", "IP portfolio", "Data quality", "Model"]),
    (ADMIN, ["Overview", "Good-Faith standing", "Action queue", "Platforms and complaint types", "Repeat offenders",
             "Escalations", "IP portfolio", "Data quality", "Model", "Audit log"]),
])
def test_each_role_is_offered_its_pages(monkeypatch, scoped_store, email, expected):
    assert pages_offered(run_as(monkeypatch, scoped_store, email)) == expected


@pytest.mark.parametrize("page", SUMMARY_FILES)
def test_an_executive_reads_the_summary_figures_without_rows_or_downloads(monkeypatch, scoped_store, page):
    app = run_as(monkeypatch, scoped_store, EXECUTIVE, page, kpi="removed")  # a link that asks for a drill-down
    assert app.main.metric or app.main.get("plotly_chart"), "the summary figures are shown"
    assert not app.get("download_button")
    assert any("for analysts and admins (your role: executive)" in plain(caption.value) for caption in app.main.caption)
    item_columns = {"complaint_id", "listing_id", "title", "seller_name"}
    assert [frame.value.columns.tolist() for frame in app.main.dataframe if item_columns & set(frame.value.columns)] == []


@pytest.mark.parametrize("email, title", [*((EXECUTIVE, title) for title in [*WORK_LIST_PAGES, "Audit log"]),
                                          (ANALYST, "Audit log")])
def test_a_page_the_role_does_not_open_shows_a_sentence_even_when_run(monkeypatch, scoped_store, downloads, email,
                                                                      title):
    # The navigation does not offer it; were the page run anyway (a new entry file, a crafted request),
    # the state's check stops it before any figure.
    db, rules = scoped_store
    monkeypatch.setenv("TAKEDOWN_DB", str(db))
    monkeypatch.setenv(access.ACCESS_ENV, str(rules))
    app = AppTest.from_file(str(ROOT / "dashboard" / PAGE_FILES[title]), default_timeout=30)
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": email}
    app.run()
    assert not app.exception
    assert not app.metric and not app.dataframe and not downloads
    role = "executive" if email == EXECUTIVE else "analyst"
    assert any(f"(your role: {role})" in plain(info.value) for info in app.info)


def test_an_analyst_drills_down_and_downloads(monkeypatch, scoped_store, downloads):
    app = run_as(monkeypatch, scoped_store, ANALYST, kpi="removed")
    assert any("complaint_id" in frame.value.columns for frame in app.main.dataframe)
    assert {"overview-rows-removed-csv", "overview-rows-removed-xlsx"} <= {button.key for button in
                                                                        app.get("download_button")}


def test_an_admin_reads_the_audit_log(monkeypatch, scoped_store):
    run_as(monkeypatch, scoped_store, ANALYST, kpi="removed")  # logs a sign-in and a page view
    app = run_as(monkeypatch, scoped_store, ADMIN, PAGE_FILES["Audit log"])
    [events] = [frame.value for frame in app.main.dataframe]
    assert {"sign_in", "page_view"} <= set(events["event"]) and ANALYST in set(events["user"])
    assert events["at"].tolist() == sorted(events["at"].tolist(), reverse=True)
