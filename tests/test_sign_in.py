"""Sign-in settings ([auth] in the Streamlit secrets) are checked in one place, the same for the CLI
and the app: a careless section is a one-line SignInError naming the key, never a secret's value."""

from __future__ import annotations

import pytest

from takedown.sign_in import SignInError, read_secrets, sign_in_settings

VALID = {"redirect_uri": "https://dashboard.example.com/oauth2callback", "cookie_secret": "s3cret-cookie",
         "client_id": "id", "client_secret": "s3cret-client", "allowed_emails": ["CEO@example.com "],
         "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration"}
NAMED = {"redirect_uri": "http://localhost:{port}/oauth2callback", "cookie_secret": "c", "allowed_emails": [],
         "okta": {"client_id": "id", "client_secret": "s", "server_metadata_url": "https://okta.example.com/x"},
         "client_kwargs": {"prompt": "login"}}


def test_valid_settings_name_their_providers_and_allow_list():
    settings = sign_in_settings({"auth": VALID})
    assert settings.providers == ("default",) and settings.allows("ceo@example.com") and not settings.allows("x@y")
    assert sign_in_settings({"auth": NAMED}).providers == ("okta",)
    assert sign_in_settings({"auth": {**VALID, "google": NAMED["okta"]}}).providers == ("default", "google")
    assert sign_in_settings({}) is None and sign_in_settings({"other": 1}) is None


@pytest.mark.parametrize("auth, expected", [
    ("yes please", "[auth] must be a table of sign-in settings, not a string"),
    (True, "[auth] must be a table of sign-in settings, not a boolean"),
    ({**VALID, "redirect_uri": ""}, "[auth] redirect_uri must be a non-empty string, not empty"),
    ({key: value for key, value in VALID.items() if key != "cookie_secret"}, "[auth] cookie_secret must be a non-empty"),
    ({**VALID, "cookie_secret": 12345}, "[auth] cookie_secret must be a non-empty string, not a number"),
    ({**VALID, "redirect_uri": "dashboard.example.com"}, "[auth] redirect_uri must be the dashboard's http(s) address"),
    ({**VALID, "redirect_uri": "https://dashboard.example.com/"}, "ending in /oauth2callback"),
    ({**VALID, "redirect_uri": "javascript:alert(1)//oauth2callback"}, "redirect_uri must be"),
    ({**VALID, "allowed_emails": "ceo@example.com"}, "[auth] allowed_emails must be a list of the e-mail addresses"),
    ({**VALID, "allowed_emails": ["ceo@example.com", 7]}, "not a list holding other values than strings"),
    ({key: value for key, value in VALID.items() if key != "allowed_emails"}, "allowed_emails must be a list"),
    ({key: value for key, value in VALID.items() if key != "client_secret"}, "[auth] client_secret must be a non-empty"),
    ({**VALID, "server_metadata_url": "accounts.example.com"}, "[auth] server_metadata_url must be an http(s) URL"),
    ({key: VALID[key] for key in ("redirect_uri", "cookie_secret", "allowed_emails")}, "names no identity provider"),
    ({**NAMED, "okta": {"client_id": "id"}}, "[auth.okta] client_secret must be a non-empty string, not missing"),
    ({**NAMED, "my_idp": NAMED["okta"]}, "[auth.my_idp]: a provider's name may not contain an underscore"),
])
def test_careless_settings_are_one_line_naming_the_key(auth, expected):
    with pytest.raises(SignInError) as error:
        sign_in_settings({"auth": auth})
    message = str(error.value)
    assert expected in message and "\n" not in message
    assert "s3cret" not in message and "12345" not in message  # never a secret's value


def test_the_secrets_files_merge_as_streamlit_merges_them_and_bad_toml_is_refused(tmp_path):
    home, project = tmp_path / "home", tmp_path / "project"
    (home / ".streamlit").mkdir(parents=True)
    (project / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text('token = "home"\n[auth]\nredirect_uri = "x"\n')
    assert read_secrets(project, home)[0] == {"token": "home", "auth": {"redirect_uri": "x"}}
    (project / ".streamlit" / "secrets.toml").write_text('auth = "yes please"\n')
    secrets, files = read_secrets(project, home)
    assert secrets == {"token": "home", "auth": "yes please"} and str(project) in files and str(home) in files
    (project / ".streamlit" / "secrets.toml").write_text("[auth\n")
    with pytest.raises(SignInError, match="secrets.toml: not valid TOML"):
        read_secrets(project, home)
    assert read_secrets(tmp_path / "nowhere", tmp_path / "nobody") == ({}, "")


def test_an_unreadable_secrets_file_is_named(tmp_path):
    (tmp_path / ".streamlit" / "secrets.toml").mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(SignInError, match="cannot be read"):
        read_secrets(tmp_path, tmp_path / "nobody")
