"""A URL's filter value the store does not hold (issue 16): a warning that lists the values the store
holds, the value shown as plain text through escape.markdown_text (its Markdown shown, never obeyed), and the page's figures
without that filter. Every filter counts, the reason and IPR type as much as the sidebar's three."""

from __future__ import annotations

from dashboard_fixtures import AS_OF, MONTH
from test_app import run_app

from takedown.escape import markdown_text


def test_an_unknown_platform_warns_with_the_platforms_the_store_holds(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF, platform="taboa", account="acct-a")
    assert not app.exception
    [warning] = [warning.value for warning in app.warning]
    assert warning == markdown_text("platform: the store holds no platform 'taboa'; showing every platform. "
                                    "Did you mean 'taobao'? It holds: 'alibaba', 'taobao'.")
    assert dict(app.query_params) == {"month": MONTH, "as_of": AS_OF, "account": "acct-a"}
    assert app.metric


def test_an_unknown_reason_is_no_longer_kept_silently(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF, reason="typo", ipr_type="patent")
    assert not app.exception
    warnings = [warning.value for warning in app.warning]
    assert [warning.split("\\:")[0] for warning in warnings] == ["reason", markdown_text("ipr_type")]
    assert markdown_text("It holds: 'counterfeit', 'design copy'.") in warnings[0]
    assert dict(app.query_params) == {"month": MONTH, "as_of": AS_OF}


def test_a_hostile_value_is_quoted_inertly(monkeypatch, dashboard_store):
    app = run_app(monkeypatch, dashboard_store, month=MONTH, as_of=AS_OF, brand="**x** `y` [z](javascript:1)\u202e")
    assert not app.exception
    [warning] = [warning.value for warning in app.warning]
    # Every Markdown character escaped (escape.markdown_text), the bidi control shown as its escape.
    assert markdown_text("the store holds no brand '**x** `y` [z](javascript:1)\u202e';") in warning
    assert "\u202e" not in warning
