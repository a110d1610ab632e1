"""Where the test suite's CPU goes: each test file's CPU seconds (the test process's own and its waited-for
children's: subprocess CLIs, Chromium, LibreOffice) and wall seconds, most CPU first.

    .venv/bin/python benchmarks/suite_cpu.py                  # the whole suite, as `make test` runs it
    .venv/bin/python benchmarks/suite_cpu.py -m "not (browser or pdf or notebook or kill or lake or slow)"
    .venv/bin/python benchmarks/suite_cpu.py tests/ingest --top 10

On a shared machine wall times stretch with the load; CPU seconds much less, so compare those. A file's
figures include the session and module fixtures its first test builds (stores, Great Expectations' set-up,
a PostgreSQL): they are built once per worker, by whichever file needs them first. Not counted: processes
not waited for by the test process (the lake tests' PostgreSQL server).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUT_VARIABLE = "TAKEDOWN_SUITE_CPU_OUT"


def _now() -> tuple[float, float, float]:
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system, time.perf_counter()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """(Plugin, loaded with -p suite_cpu.) One JSON line per test, setup and teardown included."""
    before = _now()
    yield
    after = _now()
    out = os.environ.get(OUT_VARIABLE)
    if out:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(Path(out) / f"{worker}.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"id": item.nodeid, "cpu": after[0] - before[0],
                                     "children": after[1] - before[1], "wall": after[2] - before[2]}) + "\n")


def table(folder: Path, top: int) -> str:
    per_file: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for path in folder.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            entry = per_file[row["id"].split("::")[0]]
            entry[0] += 1
            entry[1] += row["cpu"]
            entry[2] += row["children"]
            entry[3] += row["wall"]
    ranked = sorted(per_file.items(), key=lambda item: -(item[1][1] + item[1][2]))
    total = sum(entry[1] + entry[2] for entry in per_file.values())
    lines = [f"{'file':60} {'tests':>5} {'CPU s':>7} {'children':>8} {'wall s':>7}"]
    for name, (tests, cpu, children, wall) in ranked[:top]:
        lines.append(f"{name:60} {tests:5d} {cpu:7.1f} {children:8.1f} {wall:7.1f}")
    lines.append(f"{'all ' + str(len(per_file)) + ' files':60} {sum(e[0] for e in per_file.values()):5d} "
                 f"{total:7.1f} CPU s (own + children)")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=30, help="files to list (default 30)")
    options, pytest_args = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="suite-cpu-") as out:
        env = {**os.environ, OUT_VARIABLE: out,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH")]))}
        started = time.perf_counter()
        status = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadfile", "-p", "suite_cpu",
                                 *pytest_args], cwd=ROOT, env=env).returncode
        print(f"\npytest exited {status} after {time.perf_counter() - started:.0f} s wall\n")
        print(table(Path(out), options.top))
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
