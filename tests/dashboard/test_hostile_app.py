"""Hostile names in the store, in Streamlit's AppTest: every page renders without exception, no
Markdown element quotes them raw (a link, an image, colour or maths would render), and tables show
bidi controls as visible escapes while the downloads keep the text as stored."""

from __future__ import annotations

import re

import pytest
from dashboard_fixtures import APP, AS_OF
from hostile_fixtures import BIDI_SELLER, HOSTILE_URL_PARAMS, LINK_ACCOUNT, LINK_BRAND, hostile_store  # noqa: F401
from streamlit.testing.v1 import AppTest

from takedown.escape import BIDI_CONTROLS

PAGES = ("app_pages/overview.py", "app_pages/good_faith.py", "app_pages/action_queue.py", "app_pages/breakdowns.py",
         "app_pages/repeat_offenders.py", "app_pages/escalations.py", "app_pages/ip_portfolio.py",
         "app_pages/data_quality.py", "app_pages/audit_log.py")
# Raw pieces of the hostile text that only an unescaped quote would contain.
RAW = ("](https://evil", "<a href", "<img", ":red[", "$x^2$", *BIDI_CONTROLS)


def run_page(monkeypatch, db, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("TAKEDOWN_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=30)
    for name, value in params.items():
        app.query_params[name] = value
    return app.switch_page(page).run()  # the link opens the page itself


def markdown_texts(app: AppTest) -> list[str]:
    """Every text the page hands Streamlit's Markdown: blocks, captions, alerts, titles, labels and help."""
    texts = [element.value for kind in ("markdown", "caption", "warning", "info", "error", "success", "title",
                                        "header", "subheader") for element in app.get(kind)]
    widgets = [*app.selectbox, *app.button, *app.metric, *app.get("button_group")]
    texts += [text for widget in widgets for text in (getattr(widget, "label", None), getattr(widget, "help", None))
              if text]
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_no_markdown_quotes_hostile_text_raw(monkeypatch, hostile_store, page):
    # A link to the page with hostile parameters, filtered on the hostile account (a value the store holds).
    app = run_page(monkeypatch, hostile_store, page, as_of=AS_OF, **HOSTILE_URL_PARAMS)
    assert not app.exception
    texts = markdown_texts(app)
    assert texts, "the page shows text"
    assert len(app.warning) == 3  # tz, month, brand: each quoted
    assert app.query_params["account"] == LINK_ACCOUNT
    # What Markdown would read once backslash escapes are set aside.
    read = [re.sub(r"\\.", "", text) for text in texts]
    assert [text for text in read if any(raw in text for raw in RAW)] == []


def test_tables_show_bidi_controls_visibly(monkeypatch, hostile_store):
    app = run_page(monkeypatch, hostile_store, "app_pages/repeat_offenders.py", as_of=AS_OF)
    assert not app.exception
    cells = [value for frame in app.dataframe for column in frame.value.columns
             for value in frame.value[column].tolist() if isinstance(value, str)]
    assert "invoice\\u202egpj.exe" in cells and BIDI_SELLER not in cells
    assert not any(char in cell for cell in cells for char in BIDI_CONTROLS)


def test_the_sidebar_choosers_show_the_names_as_plain_text(monkeypatch, hostile_store):
    app = run_page(monkeypatch, hostile_store, "app_pages/overview.py", as_of=AS_OF)
    options = {box.label: box.options for box in app.selectbox}
    assert LINK_ACCOUNT in options["IPP account"] and LINK_BRAND in options["Brand"]
