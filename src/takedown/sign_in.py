"""The dashboard's sign-in settings: the [auth] section of the Streamlit secrets, checked in one place.

`takedown dashboard` checks them before serving (a careless [auth] is a one-line usage error, not
Streamlit's traceback at the first sign-in) and the app checks them again before every page (it
may be started with `streamlit run`). No Streamlit import: the CLI reads the files itself, the app
passes `st.secrets`.

    [auth]                       # a table
    redirect_uri = "https://dashboard.example.com/oauth2callback"   # an http(s) URL ending /oauth2callback
    cookie_secret = "..."        # a non-empty string
    allowed_emails = ["ceo@example.com"]                           # a list of strings (the allow-list)
    client_id = "..."            # the default provider: client_id, client_secret, server_metadata_url
    client_secret = "..."
    server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"
    [auth.okta]                  # and/or named providers, each with the same three keys
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# The secrets files Streamlit reads (its `secrets.files` default), later ones winning key by key.
SECRETS_FILES = (Path("~") / ".streamlit" / "secrets.toml", Path(".streamlit") / "secrets.toml")
# What [auth] itself must hold, and what each provider must hold (Streamlit's own requirements).
AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
# The route Streamlit answers the identity provider on.
CALLBACK_PATH = "/oauth2callback"
# Tables inside [auth] that are settings of the default provider, not providers of their own.
_PROVIDER_SETTINGS = ("client_kwargs",)


class SignInError(ValueError):
    """Sign-in settings Streamlit could not use (the message names the key and what it must be)."""


@dataclass(frozen=True)
class SignIn:
    """Valid sign-in settings: the providers a user may sign in with ("default": [auth]'s own keys) and the allow-list."""

    providers: tuple[str, ...]
    allowed_emails: frozenset[str]

    def allows(self, email: object) -> bool:
        """Whether `email` is on the allow-list (compared trimmed and case-insensitively)."""
        return str(email or "").strip().lower() in self.allowed_emails


def read_secrets(cwd: Path | None = None, home: Path | None = None) -> tuple[dict[str, object], str]:
    """The secrets as Streamlit merges them (~/.streamlit, then ./.streamlit), and the files they came from.

    A file that is not valid TOML is a SignInError (Streamlit would fail on it too).
    """
    secrets: dict[str, object] = {}
    found: list[str] = []
    for relative in SECRETS_FILES:
        path = ((home or Path.home()) / relative.relative_to("~") if relative.parts[0] == "~"
                else (cwd or Path.cwd()) / relative)
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            continue
        except (OSError, UnicodeDecodeError) as error:
            raise SignInError(f"{path}: cannot be read ({error})") from error
        try:
            secrets.update(tomllib.loads(text))
        except tomllib.TOMLDecodeError as error:
            raise SignInError(f"{path}: not valid TOML ({error})") from error
        found.append(str(path))
    return secrets, " and ".join(found)


def sign_in_settings(secrets: Mapping[str, object]) -> SignIn | None:
    """The sign-in settings of `secrets` (None without an [auth] section), or a SignInError naming
    the first problem: [auth] not a table, a required key missing or not a non-empty string,
    redirect_uri not an http(s) URL ending in /oauth2callback, allowed_emails not a list of strings,
    no provider, or a provider ([auth.NAME]) without its keys."""
    if "auth" not in secrets:
        return None
    auth = secrets["auth"]
    if not isinstance(auth, Mapping):
        raise SignInError(f"[auth] must be a table of sign-in settings, not {_kind(auth)} (README: Dashboard)")
    for key in AUTH_KEYS:
        _text(auth, key, "[auth]")
    redirect = urlsplit(str(auth["redirect_uri"]).replace("{port}", "8501"))
    if redirect.scheme not in ("http", "https") or not redirect.netloc or redirect.path != CALLBACK_PATH:
        raise SignInError(f"[auth] redirect_uri must be the dashboard's http(s) address ending in {CALLBACK_PATH} "
                          f"(e.g. https://dashboard.example.com{CALLBACK_PATH}), not {auth['redirect_uri']!r}")
    emails = auth.get("allowed_emails")
    if not isinstance(emails, (list, tuple)) or not all(isinstance(email, str) for email in emails):
        raise SignInError("[auth] allowed_emails must be a list of the e-mail addresses that may sign in "
                          f"(e.g. [\"ceo@example.com\"]), not {_kind(emails)}")
    providers = []
    if any(key in auth for key in PROVIDER_KEYS):
        _provider(auth, "[auth]")
        providers.append("default")
    for name, section in auth.items():
        if isinstance(section, Mapping) and name not in _PROVIDER_SETTINGS:
            if "_" in name:
                raise SignInError(f"[auth.{name}]: a provider's name may not contain an underscore")
            _provider(section, f"[auth.{name}]")
            providers.append(name)
    if not providers:
        raise SignInError(f"[auth] names no identity provider: add {', '.join(PROVIDER_KEYS)} "
                          "to [auth] or to an [auth.NAME] table")
    return SignIn(tuple(providers), frozenset(email.strip().lower() for email in emails))


def _provider(section: Mapping[str, object], where: str) -> None:
    for key in PROVIDER_KEYS:
        _text(section, key, where)
    metadata = urlsplit(str(section["server_metadata_url"]))
    if metadata.scheme not in ("http", "https") or not metadata.netloc:
        raise SignInError(f"{where} server_metadata_url must be an http(s) URL, not {section['server_metadata_url']!r}")


def _text(section: Mapping[str, object], key: str, where: str) -> None:
    value = section.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SignInError(f"{where} {key} must be a non-empty string, not {_kind(value)}")


def _kind(value: object) -> str:
    # The kind of a value, never the value: it may be a secret.
    if value is None:
        return "missing"
    if isinstance(value, str):
        return "empty" if not value.strip() else "a string"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "a list holding other values than strings"
    return {bool: "a boolean", int: "a number", float: "a number"}.get(type(value), f"a {type(value).__name__}")
