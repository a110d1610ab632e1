"""Hostile names in the store and hostile URL parameters, in a real browser: every page of the served
dashboard shows them as text. No link, image or maths from them in the DOM (charts' SVG included),
no request to their address, no bidi control obeyed in the page's text, no traceback."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from browser import chromium, errors_on, serve, wait_for_page
from dashboard_fixtures import AS_OF
from hostile_fixtures import (
    BIDI_SELLER,
    HOSTILE_URL_PARAMS,
    LINK_ACCOUNT,
    LINK_BRAND,
    WARNED_PARAMS,
    hostile_store,  # noqa: F401 (the fixture)
)

from takedown.escape import BIDI_CONTROLS, WORD_JOINER

PAGES = ("", "good_faith", "action_queue", "breakdowns", "repeat_offenders", "escalations", "ip_portfolio",
         "data_quality", "audit_log")
# Every link, image or frame in the page, the charts' SVG included, that points at the hostile address.
HOSTILE_ELEMENTS = """() => [...document.querySelectorAll('a, img, image, iframe, source, video, audio')]
    .map(element => ['href', 'xlink:href', 'src', 'srcset'].map(name => element.getAttribute(name) || '').join(' '))
    .filter(address => address.includes('evil.example'))"""


@pytest.fixture(scope="module")
def hostile(hostile_store):  # noqa: F811
    with serve(hostile_store) as url, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        yield context, url, requests
        context.close()


def assert_inert(page, requests: list[str]) -> None:
    """Nothing from the hostile text became markup, a link, a fetch, maths or a traceback."""
    assert page.evaluate(HOSTILE_ELEMENTS) == []
    assert page.locator(".katex, [data-testid='stException']").count() == 0
    text = page.evaluate("() => document.body.innerText")
    assert "Traceback" not in text and not any(char in text for char in BIDI_CONTROLS)
    assert [address for address in requests if urlsplit(address).hostname == "evil.example"] == []


def test_every_page_shows_hostile_names_and_url_parameters_as_text(hostile):
    context, url, requests = hostile
    page = context.new_page()
    for name in PAGES:  # one tab, as a user follows the link and then the pages
        wait_for_page(page, f"{url}/{name}?{urlencode({**HOSTILE_URL_PARAMS, 'as_of': AS_OF})}")
        page.get_by_text("Data as of").first.wait_for(timeout=30000)
        assert_inert(page, requests)
        warnings = page.locator('[data-testid="stAlertContentWarning"]')
        shown = " ".join(warnings.nth(index).inner_text() for index in range(warnings.count()))
        # The warnings quote each bad parameter exactly as the link wrote it.
        for parameter in WARNED_PARAMS:
            assert HOSTILE_URL_PARAMS[parameter] in shown.replace(WORD_JOINER, ""), (name, parameter)
        assert errors_on(page) == [], name
    page.close()


def test_hostile_names_in_the_charts_and_choosers_are_text(hostile):
    context, url, requests = hostile
    page = context.new_page()
    wait_for_page(page, f"{url}/good_faith?as_of={AS_OF}&month=2026-09")
    page.locator('[data-testid="stPlotlyChart"] .ytick text').first.wait_for(timeout=30000)
    # The chart's category axis shows the account's text, escaped.
    ticks = page.locator('[data-testid="stPlotlyChart"] .ytick text').evaluate_all(
        "texts => texts.map(text => text.textContent)")
    assert LINK_ACCOUNT in ticks
    # The sidebar's choosers list the names as text.
    sidebar = page.locator('[data-testid="stSidebar"]')
    for label in ("IPP account", "Brand"):
        sidebar.get_by_text(label, exact=True).locator("xpath=ancestor::*[@data-testid='stSelectbox']").click()
        options = page.locator('[role="option"]')
        options.first.wait_for(timeout=10000)
        texts = options.all_inner_texts()
        assert LINK_ACCOUNT in texts if label == "IPP account" else LINK_BRAND in texts
        assert_inert(page, requests)
        page.keyboard.press("Escape")
    # One seller's page: the seller chooser shows the bidi control visibly.
    wait_for_page(page, f"{url}/repeat_offenders?as_of={AS_OF}")
    page.get_by_text("Data as of").first.wait_for(timeout=30000)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Seller").click()
    page.locator('[role="option"]').first.wait_for(timeout=10000)
    assert_inert(page, requests)
    page.keyboard.press("Escape")
    assert BIDI_SELLER not in page.evaluate("() => document.body.innerText")
    page.close()
