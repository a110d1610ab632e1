"""`takedown dashboard`: usage errors exit 2, it refuses to serve the network without sign-in, and it
runs `streamlit run` on the packaged entry file with the store passed through $TAKEDOWN_DB."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from takedown.cli import main
from takedown.commands import dashboard, demo


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_a_bad_port_is_a_usage_error(port, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["dashboard", "--port", port])
    assert stop.value.code == 2
    assert "port" in capsys.readouterr().err


def test_serving_the_network_without_sign_in_is_refused(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(os, "execve", lambda *a, **k: pytest.fail("must not serve"))
    assert main(["dashboard", "--host", "0.0.0.0"]) == 2
    assert "[auth]" in capsys.readouterr().err


SIGN_IN = """[auth]
redirect_uri = "https://dashboard.example.com/oauth2callback"
cookie_secret = "s3cret"
client_id = "id"
client_secret = "s3cret"
server_metadata_url = "https://accounts.example.com/.well-known/openid-configuration"
allowed_emails = ["ceo@example.com"]
"""


@pytest.mark.parametrize("secrets, expected", [
    ('auth = "yes please"\n', "[auth] must be a table of sign-in settings, not a string"),
    (SIGN_IN.replace('"https://dashboard.example.com/oauth2callback"', '"dashboard"'), "redirect_uri must be"),
    (SIGN_IN.replace('allowed_emails = ["ceo@example.com"]', 'allowed_emails = "ceo@example.com"'),
     "allowed_emails must be a list"),
    ("[auth\n", "not valid TOML"),
])
@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_careless_sign_in_settings_are_refused_before_serving(monkeypatch, tmp_path, capsys, secrets, expected, host):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(secrets)
    monkeypatch.setattr(os, "execve", lambda *a, **k: pytest.fail("must not serve"))
    assert main(["dashboard", "--host", host]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("takedown dashboard: ") and expected in line and "secrets.toml" in line
    assert "s3cret" not in line


def test_valid_sign_in_settings_serve_the_network(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(SIGN_IN)
    calls = []
    monkeypatch.setattr(os, "execve", lambda path, command, env: calls.append(command))
    assert main(["dashboard", "--host", "0.0.0.0", "--db", str(tmp_path / "store.duckdb")]) == 0
    assert dict(zip(calls[0][5::2], calls[0][6::2], strict=True))["--server.address"] == "0.0.0.0"


def test_it_runs_streamlit_on_the_entry_file_bound_to_localhost(monkeypatch, tmp_path, capsys):
    calls = []
    monkeypatch.setattr(os, "execve", lambda path, command, env: calls.append((command, env)))
    assert main(["dashboard", "--db", str(tmp_path / "store.duckdb"), "--port", "8765", "--refresh", "2"]) == 0
    [(command, env)] = calls
    assert command[1:4] == ["-m", "streamlit", "run"] and Path(command[4]) == dashboard.entry_file()
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.address"] == "127.0.0.1" and options["--server.port"] == "8765"
    assert options["--server.headless"] == "true" and options["--browser.gatherUsageStats"] == "false"
    assert env["TAKEDOWN_DB"] == str((tmp_path / "store.duckdb").resolve())
    assert env[dashboard.REFRESH_ENV] == "2.0"
    assert "http://127.0.0.1:8765/" in capsys.readouterr().out


def test_the_demo_serves_the_dashboard_and_prints_its_url(monkeypatch, tmp_path, capsys):
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda command, env, **group: started.append(command) or "process")
    assert demo.start_dashboard(tmp_path / "takedown.duckdb") == "process"
    assert Path(started[0][4]) == dashboard.entry_file()
    assert "Dashboard: http://127.0.0.1:8501/" in capsys.readouterr().out
