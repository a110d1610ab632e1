"""The dashboard in a real browser: every page opens without an error box, a link with month and
as_of shows the expected figures, a KPI shows its rows, and (last: it changes the store) an open
page picks up a newly published store within the refresh interval, without a reload."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from browser import REFRESH_SECONDS, chromium, errors_on, metric_value, serve, wait_for_page
from dashboard_fixtures import AS_OF, LATER_OUTCOMES, MONTH
from program_stores import write_csv

from takedown.config import CHROMIUM

from takedown.ingest import ingest_files



def test_chromium_is_there():
    # Never skipped: without Chromium the browser tests must fail, not pass unseen (make test installs it).
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make chromium` as root, or see the README"

# url path -> the page's title (a shared link opens the page itself, with the app's sidebar).
PAGES = {"": "Overview", "good_faith": "Good-Faith standing", "action_queue": "Action queue",
         "breakdowns": "Platforms and complaint types", "repeat_offenders": "Repeat offenders",
         "escalations": "Escalations", "ip_portfolio": "IP portfolio", "data_quality": "Data quality"}


@pytest.fixture(scope="module")
def browser_context(dashboard_store, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "takedown.duckdb"
    shutil.copy(dashboard_store, db)
    with serve(db) as url, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.base_url = url
        context.db = db
        yield context
        context.close()


@pytest.fixture(scope="module")
def page(browser_context):
    tab = browser_context.new_page()
    tab.base_url = browser_context.base_url
    tab.db = browser_context.db
    return tab


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_from_a_link_without_an_error(browser_context, name):
    # A fresh tab per page: the first request of a session must resolve a deep link by itself.
    page = browser_context.new_page()
    wait_for_page(page, f"{browser_context.base_url}/{name}?month={MONTH}&as_of={AS_OF}&platform=alibaba")
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().startswith(PAGES[name])
    page.locator('[data-testid="stSidebar"]').get_by_text("Report time zone").wait_for(timeout=30000)
    assert errors_on(page) == []
    assert page.get_by_text("Page not found").count() == 0
    assert "platform=alibaba" in page.url and "month=" in page.url
    page.close()


def test_a_link_with_month_and_as_of_shows_its_takedown_rate(page):
    wait_for_page(page, f"{page.base_url}/?month={MONTH}&as_of={AS_OF}&platform=alibaba")
    assert metric_value(page, "takedown rate") == "100.0%"
    wait_for_page(page, f"{page.base_url}/?month={MONTH}&as_of={AS_OF}")
    assert metric_value(page, "takedown rate") == "50.0%"
    assert metric_value(page, "complaint items submitted") == "3"


def test_clicking_a_kpi_shows_its_rows(page):
    wait_for_page(page, f"{page.base_url}/?month={MONTH}&as_of={AS_OF}")
    page.get_by_role("radio", name="complaint items submitted").click()
    page.get_by_text("3 rows behind complaint items submitted").wait_for(timeout=10000)
    # The table is drawn after its caption: wait for it (a count taken at once raced the drawing).
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=10000)
    page.get_by_text("Download XLSX").first.wait_for(timeout=10000)
    assert errors_on(page) == []


def test_a_download_is_built_when_its_button_is_pressed(page):
    wait_for_page(page, f"{page.base_url}/?month={MONTH}&as_of={AS_OF}&kpi=removed")
    page.get_by_text("1 rows behind removed").wait_for(timeout=10000)
    with page.expect_download(timeout=20000) as download:
        page.get_by_role("button", name="Download CSV").first.click()
    assert download.value.suggested_filename == f"{MONTH}-removed.csv"
    text = Path(download.value.path()).read_text()
    assert text.splitlines()[0].startswith("complaint_id,") and "K3" in text
    assert errors_on(page) == []


# Records whether any element of the page was marked stale (greyed out while the page reruns).
_WATCH_STALE = """() => { window.staleSeen = 0;
  new MutationObserver(records => { for (const record of records) {
      if (record.target.getAttribute && record.target.getAttribute('data-stale') === 'true') window.staleSeen++; } })
    .observe(document.querySelector('[data-testid="stMain"]'),
             {attributes: true, attributeFilter: ['data-stale'], subtree: true}); }"""


def test_the_live_refresh_reruns_nothing_while_the_store_is_unchanged(page):
    wait_for_page(page, f"{page.base_url}/?month={MONTH}")
    page.evaluate(_WATCH_STALE)
    # Four refresh intervals: the watcher looks at the store's version each time and finds no news.
    page.wait_for_timeout(int(REFRESH_SECONDS * 4000))
    assert page.evaluate("window.staleSeen") == 0
    assert metric_value(page, "takedown rate") == "50.0%"


def test_an_ingest_while_the_page_is_open_changes_the_figure(page, tmp_path):
    wait_for_page(page, f"{page.base_url}/?month={MONTH}")
    assert metric_value(page, "takedown rate") == "50.0%"
    [result] = ingest_files([write_csv(tmp_path / "later_outcomes.csv", LATER_OUTCOMES)], page.db)
    assert result.error is None
    deadline = time.monotonic() + REFRESH_SECONDS + 8
    while metric_value(page, "takedown rate") != "66.7%":
        assert time.monotonic() < deadline, "the open page did not show the new store in time"
        time.sleep(0.2)
    assert errors_on(page) == []
