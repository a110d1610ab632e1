"""`takedown demo` end to end: builds a store, rebuilds it cleanly, and never touches data it did not make."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from demo_constants import END

from takedown.cli import main
from takedown.ingest import ingest_files
from takedown.store import connect_reader

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"


def counts(db: Path) -> dict[str, int]:
    con = connect_reader(db)
    try:
        return dict(con.sql("select name, row_count from store_summary").fetchall())
    finally:
        con.close()


def demo_args(tmp_path: Path, *extra: str) -> list[str]:
    return ["demo", "--scale", "1500", "--seed", "3", "--end", END.isoformat(), "--db", str(tmp_path / "demo.duckdb"),
            "--out", str(tmp_path / "exports"), *extra]


def test_demo_builds_a_store_and_a_second_run_replaces_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch):
    from takedown.commands import demo

    served = []
    monkeypatch.setattr(demo, "serve", lambda db, port: served.append(db))  # it would serve until Ctrl-C
    assert main(demo_args(tmp_path, "--no-serve")) == 0
    assert served == []
    first = counts(tmp_path / "demo.duckdb")
    assert first["complaint_items"] == 1500 and first["quarantined_rows"] > 0
    capsys.readouterr()
    assert main(demo_args(tmp_path)) == 0  # serves: the store and the last complete month's metrics
    assert served == [tmp_path / "demo.duckdb"]
    second = counts(tmp_path / "demo.duckdb")
    assert second == first  # rebuilt from scratch, not loaded on top
    out = capsys.readouterr().out
    assert "complaint_items" in out and "headline figures" in out
    # the figures shown are `takedown metrics` for the month before the demo's end, as of its end
    year, month = (END.year, END.month - 1) if END.month > 1 else (END.year - 1, 12)
    label = f"{year:04d}-{month:02d}"
    assert main(["metrics", "--month", label, "--as-of", END.isoformat(), "--json",
                 "--db", str(tmp_path / "demo.duckdb")]) == 0
    submitted = json.loads(capsys.readouterr().out)["totals"]["submitted"]
    assert submitted > 0
    assert re.search(rf"complaint items submitted\s*│\s*{submitted:,}\s*│", out)


def test_demo_refuses_a_store_holding_other_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    db = tmp_path / "demo.duckdb"
    ingest_files([FIXTURES / "listings.csv"], db)
    before = counts(db)
    assert main(demo_args(tmp_path, "--no-serve")) == 1
    assert "holds data the demo did not make" in capsys.readouterr().err
    assert counts(db) == before


def test_demo_refuses_an_export_folder_it_did_not_make(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "quarterly.xlsx").write_bytes(b"someone's work")
    assert main(demo_args(tmp_path, "--no-serve")) == 1
    assert "not made by the demo" in capsys.readouterr().err
    assert (folder / "quarterly.xlsx").read_bytes() == b"someone's work"
    assert not (tmp_path / "demo.duckdb").exists()


def test_scale_is_bounded(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--scale", "10000001"])
    assert exit_info.value.code == 2
    assert "--scale must be between" in capsys.readouterr().err


# --- stopping: SIGTERM or SIGHUP to the demo stops its dashboard (issue 16) ----------------------

def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, ended but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def gone(pid: int, within: float = 10.0) -> bool:
    """Whether `pid` has ended, waiting up to `within` seconds: a signal reaches a process only once
    it is scheduled, and this machine may be busy (a bound, not a timing assertion)."""
    import time

    deadline = time.monotonic() + within
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_the_signals_that_stop_the_demo_raise_stopped_and_are_restored():
    import os
    import signal

    from takedown.commands import demo

    before = {signum: signal.getsignal(signum) for signum in demo.STOP_SIGNALS}
    for signum in demo.STOP_SIGNALS:
        with pytest.raises(demo.Stopped) as stopped, demo.stopping_on_signals():
            os.kill(os.getpid(), signum)
        assert stopped.value.signum == signum
    assert {signum: signal.getsignal(signum) for signum in demo.STOP_SIGNALS} == before


def test_stopping_the_dashboard_stops_its_whole_process_group(monkeypatch):
    import os
    import signal
    import subprocess
    import sys

    from takedown.commands import demo

    # A server that ignores SIGTERM and has a child of its own: both must be gone afterwards.
    script = ("import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
              "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
              "print(child.pid, flush=True); time.sleep(60)")
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    grandchild = int(server.stdout.readline())
    monkeypatch.setattr(demo, "STOP_GRACE_SECONDS", 0.5)
    try:
        demo.stop_dashboard(server)
        assert server.returncode is not None
        assert gone(grandchild)
    finally:  # leave nothing running, whatever failed
        for pid in (server.pid, grandchild):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_sigterm_to_the_serving_demo_leaves_nothing_serving(tmp_path: Path):
    import os
    import signal
    import subprocess
    import sys

    from takedown.browser import free_port, wait_until_serving

    port = free_port()
    command = [sys.executable, "-m", "takedown.cli", *demo_args(tmp_path, "--port", str(port))]
    command[command.index("1500")] = "1"  # the smallest program: this test is about stopping
    demo = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    servers: list[int] = []
    try:
        # Building and ingesting, then Streamlit's start, on a busy machine.
        wait_until_serving(f"http://127.0.0.1:{port}", demo, timeout=240)
        servers += children_of(demo.pid)
        assert servers, "the dashboard runs in a child of the demo"
        demo.send_signal(signal.SIGTERM)
        status = demo.wait(timeout=30)
        assert all(gone(pid) for pid in servers)
        assert port_is_free(port)
        assert status == 128 + signal.SIGTERM
        assert demo.stderr.read().strip().splitlines()[-1] == "takedown demo: stopped by SIGTERM"
    finally:  # whatever failed, leave nothing running
        for pid in servers + (children_of(demo.pid) if demo.poll() is None else []):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if demo.poll() is None:
            demo.kill()
            demo.wait()
