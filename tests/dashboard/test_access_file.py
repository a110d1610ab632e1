"""The access file (takedown.access): who sees which brands and accounts, validated before serving."""

from __future__ import annotations

import os

import pytest

from takedown import access
from takedown.cli import main

from test_command import SIGN_IN

ACCESS = """
[viewers."ceo@acme.example"]
role = "executive"
brands = ["Acme"]
accounts = "*"

[viewers."@agency.example"]
role = "admin"
brands = "*"
accounts = "*"

[viewers."boss@agency.example"]
role = "analyst"
brands = ["Acme", "Bolt"]
accounts = ["acct-1"]
"""


def test_an_exact_address_beats_its_domain_and_an_unknown_one_sees_nothing(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text(ACCESS)
    rules = access.read_access(path)
    assert access.scope_for(" CEO@Acme.example ", rules) == access.Scope("executive", ("Acme",), None)
    assert access.scope_for("boss@agency.example", rules) == access.Scope("analyst", ("Acme", "Bolt"), ("acct-1",))
    anyone = access.scope_for("temp@agency.example", rules)
    assert anyone is not None and anyone.everything and anyone.admin
    assert access.scope_for("ceo@other.example", rules) is None
    assert access.scope_for(None, rules) is None


@pytest.mark.parametrize("text, expected", [
    ("[viewers\n", "not valid TOML"),
    ("viewers = 3\n", "[viewers] must hold a table"),
    ("[people]\n", "unknown key 'people'"),
    ('[viewers."ceo"]\nrole = "admin"\nbrands = "*"\naccounts = "*"\n', "viewers.'ceo': not an e-mail"),
    ('[viewers."a@b.example"]\nrole = "boss"\nbrands = "*"\naccounts = "*"\n', "viewers.'a@b.example'.role: must be one of"),
    ('[viewers."a@b.example"]\nrole = "admin"\nbrands = "Acme"\naccounts = "*"\n', ".brands: must be \"*\" or"),
    ('[viewers."a@b.example"]\nrole = "admin"\nbrands = []\naccounts = "*"\n', ".brands: must be \"*\" or"),
    ('[viewers."a@b.example"]\nrole = "admin"\nbrands = "*"\n', ".accounts: must be \"*\" or"),
    ('[viewers."a@b.example"]\nrole = "admin"\nbrands = "*"\naccounts = "*"\nbrand = "x"\n', ".brand: unknown key"),
    ('[viewers."a@b.example"]\nrole="admin"\nbrands="*"\naccounts="*"\n[viewers."A@b.example"]\nrole="admin"\n'
     'brands="*"\naccounts="*"\n', "named twice"),
])
def test_a_careless_access_file_is_refused_before_serving_with_one_line(monkeypatch, tmp_path, capsys, text, expected):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(access.ACCESS_ENV, raising=False)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(SIGN_IN)
    (tmp_path / "rules.toml").write_text(text)
    monkeypatch.setattr(os, "execve", lambda *a, **k: pytest.fail("must not serve"))
    assert main(["dashboard", "--access", "rules.toml"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("takedown dashboard: rules.toml: ") and expected in line


def test_an_access_file_without_sign_in_is_refused(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(access.ACCESS_ENV, raising=False)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "access.toml").write_text(ACCESS)  # found beside the secrets
    monkeypatch.setattr(os, "execve", lambda *a, **k: pytest.fail("must not serve"))
    assert main(["dashboard"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "access.toml: an access file needs sign-in" in line


def test_a_valid_access_file_reaches_the_app(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(SIGN_IN)
    (tmp_path / "rules.toml").write_text(ACCESS)
    monkeypatch.setenv(access.ACCESS_ENV, str(tmp_path / "rules.toml"))
    calls = []
    monkeypatch.setattr(os, "execve", lambda path, command, env: calls.append(env))
    assert main(["dashboard", "--db", str(tmp_path / "store.duckdb")]) == 0
    assert calls[0][access.ACCESS_ENV] == str(tmp_path / "rules.toml")
