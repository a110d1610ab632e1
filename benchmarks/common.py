"""What the benchmark scripts share: sizes, a measured child process, growth exponents, machine facts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
OUT = BENCHMARKS / "out"

_SUFFIXES = {"": 1, "k": 1_000, "m": 1_000_000}
# Growth verdicts from the exponent k in time ~ size^k (the words).
FLAT_BELOW = 0.3
WORSE_ABOVE = 1.15


def parse_size(text: str) -> int:
    """`100k`, `1M`, `10m`, `2.5M`, `250000` or `1_000_000` -> a number of complaint items."""
    match = re.fullmatch(r"\s*(\d[\d_]*(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 100k, 1M, 10M)")
    number = float(match.group(1).replace("_", "")) * _SUFFIXES[match.group(2).lower()]
    if number < 1 or number != int(number):
        raise ValueError(f"not a whole, positive size: {text!r}")
    return int(number)


def parse_sizes(text: str) -> list[int]:
    """A comma-separated list of sizes, smallest first, each once: `10M,100k` -> [100000, 10000000]."""
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    if not parts:
        raise ValueError("no sizes given (use e.g. 100k,1M,10M)")
    return sorted({parse_size(part) for part in parts})


def size_label(size: int) -> str:
    """100000 -> `100k`, 10000000 -> `10M`; other sizes keep their digits."""
    for suffix, unit in (("M", 1_000_000), ("k", 1_000)):
        if size % unit == 0:
            return f"{size // unit}{suffix}"
    return str(size)


def growth_exponent(small: tuple[int, float], large: tuple[int, float]) -> float | None:
    """k in time ~ size^k between two (size, seconds) points; None when it cannot be told."""
    (size_1, time_1), (size_2, time_2) = small, large
    if size_1 == size_2 or min(size_1, size_2, time_1, time_2) <= 0:
        return None
    return math.log(time_2 / time_1) / math.log(size_2 / size_1)


def growth_verdict(exponent: float | None) -> str:
    """How a cost grows, from its exponent: flat, sub-linear, linear or worse than linear."""
    if exponent is None:
        return ""
    if exponent < FLAT_BELOW:
        return "flat"
    if exponent > WORSE_ABOVE:
        return "worse than linear"
    return "linear" if exponent >= 0.85 else "sub-linear"


@dataclasses.dataclass(frozen=True)
class Run:
    """One child process: its wall time, peak resident memory (max RSS) and what it printed."""
    seconds: float
    peak_mib: float
    stdout: str


class ChildFailed(RuntimeError):
    """A measured child process exited with a non-zero status."""


def measured(command: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> Run:
    """Run `command` in a fresh process; its wall time and its own peak RSS (os.wait4), not ours."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.PIPE if stdin else None,
                               text=True, env=env)
    out, _ = process.communicate(stdin) if stdin else (process.stdout.read(), None)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise ChildFailed(f"exit {process.returncode}: {' '.join(command)}")
    return Run(seconds, usage.ru_maxrss / 1024, out)


def _first_line(path: str, prefix: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _command_output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _version(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # an optional package missing is a fact to print, not a failure
        return "not installed"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine_facts(data_folder: Path) -> dict[str, str]:
    """The machine the benchmark runs on, as label -> text (for docs/benchmarks.md)."""
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    data_folder.mkdir(parents=True, exist_ok=True)
    file_system = _command_output(["df", "--output=fstype,source", str(data_folder)]).splitlines()[-1:]
    return {
        "CPU": _first_line("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "RAM": f"{pages / 2**30:.1f} GiB",
        "data folder file system": f"{' '.join(file_system[0].split()) if file_system else 'unknown'} "
                                   f"({data_folder.relative_to(ROOT) if data_folder.is_relative_to(ROOT) else data_folder})",
        "OS": f"{platform.freedesktop_os_release().get('PRETTY_NAME', platform.system())}, "
              f"kernel {platform.release()}",
        "Python": sys.version.split()[0],
        "packages": ", ".join(f"{name} {_version(name)}" for name in ("duckdb", "polars", "pandas", "streamlit",
                                                                        "great-expectations")),
        "git commit": _command_output(["git", "rev-parse", "--short", "HEAD"]),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _children_by_parent() -> dict[int, list[int]]:
    """Every live process's children, from /proc/<pid>/stat (field 4 is the parent)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue  # ended meanwhile
        # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    return children


def children_of(pid: int) -> list[int]:
    """The live child processes of `pid`."""
    return _children_by_parent().get(pid, [])


def tree_rss_mib(root: int, exclude: frozenset[int] = frozenset()) -> float:
    """Resident memory of `root` and all its descendants (subtrees under `exclude` left out), in MiB."""
    children = _children_by_parent()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid in exclude:
            continue
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1])
        except OSError:
            pass  # ended meanwhile
        stack += children.get(pid, [])
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


class TreeSampler:
    """Polls the resident memory of a process tree in a thread; `peak_mib` is the largest sum seen.

    A process's own max RSS (wait4) misses its children (Chromium under the report, the server's
    workers) and is a maximum per process, not of the sum at one moment: this adds up the tree."""

    def __init__(self, root: int, exclude: frozenset[int] = frozenset(), interval: float = 0.05) -> None:
        import threading

        self.root, self.exclude, self.interval = root, exclude, interval
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, tree_rss_mib(self.root, self.exclude))
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measured_tree(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Like `measured`, but the peak is of the whole process tree's resident memory at once (e.g. the
    report's Python process and the Chromium it starts for the PDF), polled every 50 ms."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    with TreeSampler(process.pid) as sampler:
        out = process.stdout.read()
        process.wait()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise ChildFailed(f"exit {process.returncode}: {' '.join(command)}")
    return Run(seconds, sampler.peak_mib, out)
