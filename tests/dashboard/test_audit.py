"""The dashboard's audit log (takedown.audit): sign-ins, page views with their filters, downloads, with the
user and the time, one JSON line each beside the store."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import threading

import pytest
from dashboard_fixtures import APP, AS_OF, MONTH, build_store
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest
from test_access_scope import ACCESS, AUTH

from takedown import access, audit


def test_each_event_is_one_whole_json_line_with_the_user_and_the_time(tmp_path):
    log = tmp_path / "store.duckdb.audit.jsonl"
    assert audit.audit_path(tmp_path / "store.duckdb") == log
    audit.record(log, "sign_in", "ceo@acme.example", now=dt.datetime(2026, 12, 2, 1, 2, 3, tzinfo=dt.UTC))
    audit.record(log, "download", None, file="rows.csv\n=cmd", rows=3)
    first, second = audit.read_events(log)
    assert first == {"at": "2026-12-02T01:02:03Z", "event": "sign_in", "user": "ceo@acme.example"}
    assert second["file"] == "rows.csv\n=cmd" and second["user"] is None and second["rows"] == 3
    assert len(log.read_text().splitlines()) == 2  # a newline in a value stays inside its JSON string
    with pytest.raises(ValueError, match="unknown audit event"):
        audit.record(log, "peek", None)


def test_concurrent_sessions_never_interleave_their_lines(tmp_path):
    log = tmp_path / "audit.jsonl"
    long = "x" * 3000

    def writer(number: int) -> None:
        for line in range(50):
            audit.record(log, "page_view", f"user{number}@example.com", page=long, line=line)
    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    events = audit.read_events(log)  # every line parses: none was cut into another
    assert len(events) == 200 and all(event["page"] == long for event in events)


def _append_lines(log, number: int, start) -> None:
    # One dashboard server's appends (a process of its own), started with the other's at the barrier.
    start.wait()
    for line in range(LINES_PER_PROCESS):
        audit.record(log, "download", f"server{number}@example.com", file=str(number) * LONG_LINE, rows=line)


# Long lines, many of them: a line written in pieces (more than one write) would be torn by the other
# process's lines; one O_APPEND write per line never is.
LINES_PER_PROCESS, LONG_LINE = 300, 20_000


def test_two_processes_appending_at_once_never_tear_a_line(tmp_path):
    log = tmp_path / "audit.jsonl"
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    servers = [context.Process(target=_append_lines, args=(log, number, start)) for number in (1, 2)]
    for server in servers:
        server.start()
    for server in servers:
        server.join()
    assert [server.exitcode for server in servers] == [0, 0]
    lines = log.read_bytes().split(b"\n")
    assert lines.pop() == b""  # the log ends with a whole line
    events = [json.loads(line) for line in lines]  # a torn line would not parse
    assert len(events) == 2 * LINES_PER_PROCESS
    for number in (1, 2):
        mine = [event for event in events if event["user"] == f"server{number}@example.com"]
        assert [event["rows"] for event in mine] == list(range(LINES_PER_PROCESS))
        assert all(event["file"] == str(number) * LONG_LINE for event in mine)


@pytest.fixture
def served(monkeypatch, tmp_path):
    db = build_store(tmp_path)
    (tmp_path / "access.toml").write_text(ACCESS)
    monkeypatch.setenv("TAKEDOWN_DB", str(db))
    monkeypatch.setenv(access.ACCESS_ENV, str(tmp_path / "access.toml"))
    return audit.audit_path(db)


def signed_in(email: str, **params: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30)
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": email}
    for name, value in params.items():
        app.query_params[name] = value
    return app


def test_sign_ins_and_page_views_are_logged_with_their_filters(served):
    app = signed_in("acme@client.example", month=MONTH, as_of=AS_OF, platform="alibaba").run()
    assert not app.exception
    app.switch_page("app_pages/good_faith.py").run()
    app.run()  # a rerun of the same view logs nothing new
    events = audit.read_events(served)
    assert [event["event"] for event in events] == ["sign_in", "page_view", "page_view"]
    sign_in, overview, good_faith = events
    assert sign_in["user"] == "acme@client.example" and sign_in["role"] == "analyst"
    assert sign_in["brands"] == ["Acme"] and sign_in["known"] is True
    assert overview["page"] == "Overview" and overview["user"] == "acme@client.example"
    assert overview["filters"] == {"month": MONTH, "platform": "alibaba", "as_of": AS_OF}
    assert good_faith["page"] == "Good-Faith standing"
    assert all(dt.datetime.strptime(event["at"], "%Y-%m-%dT%H:%M:%SZ") for event in events)


def test_an_address_without_an_entry_is_logged_as_unknown(served):
    app = signed_in("nobody@client.example").run()
    assert not app.exception and not app.metric
    [event] = audit.read_events(served)
    assert event["event"] == "sign_in" and event["known"] is False and event["brands"] is None


def test_every_download_is_logged_when_its_file_is_built(monkeypatch, served):
    builders = []
    original = DeltaGenerator.download_button

    def recording(self, label, data, *args, **kwargs):
        builders.append((kwargs["file_name"], data))
        return original(self, label, data, *args, **kwargs)
    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    app = signed_in("acme@client.example", month=MONTH, as_of=AS_OF, kpi="removed").run()
    assert not app.exception and builders
    assert [event["event"] for event in audit.read_events(served)] == ["sign_in", "page_view"]  # none built yet
    name, build = next((name, build) for name, build in builders if name.endswith(".csv"))
    assert build()  # the button pressed: the file is built
    download = audit.read_events(served)[-1]
    assert download["event"] == "download" and download["user"] == "acme@client.example"
    assert download["file"] == name and download["rows"] >= 1
