"""Sign-in end to end in Chromium against a real OpenID Connect provider (oidc-provider-mock on loopback):
Streamlit's st.login (Authlib) signs two users with different scopes in, each sees exactly their brand's
figures (equal to `takedown metrics --brand`), a hostile URL does not widen that, and a user the access
file does not name sees no figure."""

from __future__ import annotations

import contextlib
import io
import json

import oidc_provider_mock as oidc
import pytest
from browser import chromium, free_port, metric_value, serve
from dashboard_fixtures import AS_OF, MONTH

from takedown.cli import main
from takedown.dashboard_lib.data import HEADLINE_KPIS
from takedown.metrics.registry import metric


ACCESS = """
[viewers."acme@client.example"]
role = "executive"
brands = ["Acme"]
accounts = "*"

[viewers."bolt@client.example"]
role = "analyst"
brands = ["Bolt"]
accounts = "*"
"""
USERS = {"acme-lead": "acme@client.example", "bolt-lead": "bolt@client.example", "stranger": "who@client.example"}


def expected_tiles(db, brand: str) -> dict[str, str]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["metrics", "--db", str(db), "--json", "--month", MONTH, "--as-of", AS_OF, "--brand", brand]) == 0
    totals = json.loads(printed.getvalue())["totals"]
    return {metric(name).label: metric(name).format(totals[name]) for name in HEADLINE_KPIS}


@pytest.fixture(scope="module")
def signed_in_server(dashboard_store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc")
    users = [oidc.User(sub=sub, claims={"email": email}) for sub, email in USERS.items()]
    port = free_port()
    with oidc.run_server_in_thread(user_claims=users) as provider:
        (folder / ".streamlit").mkdir()
        (folder / ".streamlit" / "secrets.toml").write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a test cookie secret"
client_id = "takedown-test"
client_secret = "takedown-test-secret"
server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"
allowed_emails = {json.dumps(list(USERS.values()))}
""")
        (folder / "access.toml").write_text(ACCESS)
        with serve(dashboard_store, port=port, cwd=folder, options=("--access", str(folder / "access.toml"))) as url, \
                chromium() as browser:
            yield url, browser


def sign_in(browser, url: str, sub: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{url}/?month={MONTH}&as_of={AS_OF}&brand=Bolt&account=acct-b")
    page.get_by_role("button", name="Sign in").click(timeout=60000)
    page.get_by_role("button", name=sub).click(timeout=60000)  # the provider's form: sign in as this user
    page.wait_for_url(f"{url}/**", timeout=60000)
    page.goto(f"{url}/?month={MONTH}&as_of={AS_OF}")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60000)
    return page


@pytest.mark.parametrize("sub, brand", [("acme-lead", "Acme"), ("bolt-lead", "Bolt")])
def test_each_user_sees_exactly_their_brands_figures(signed_in_server, dashboard_store, sub, brand):
    url, browser = signed_in_server
    page = sign_in(browser, url, sub)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60000)
    expected = expected_tiles(dashboard_store, brand)
    assert {label: metric_value(page, label) for label in expected} == expected
    other = "Bolt" if brand == "Acme" else "Acme"
    page.goto(f"{url}/?month={MONTH}&as_of={AS_OF}&brand={other}")  # a hostile link: warned, not widened
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60000)
    assert {label: metric_value(page, label) for label in expected} == expected
    page.context.close()


def test_an_unknown_user_sees_no_figure(signed_in_server):
    url, browser = signed_in_server
    page = sign_in(browser, url, "stranger")
    page.wait_for_selector("text=not given any brand", timeout=60000)
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.context.close()
