"""`takedown report --month` of two checkouts side by side: CPU seconds and peak memory (Python + Chromium).

    uv run python benchmarks/compare_report.py --db benchmarks/out/data_1M_.../store.duckdb \\
        --checkout before=/work/wt/report-base --checkout after=. [--repeat 2] [--no-pdf]

Each checkout's own `.venv/bin/takedown` writes the report (HTML, workbook and, unless --no-pdf, the
PDF) into a new folder, the checkouts taking turns run after run, so a busy machine weighs on both
alike (2 cores shared: wall time says little; the CPU seconds, the process tree's user + system time
as wait4 gives it, children included, say what the command costs). Peak MiB is the resident memory of
the whole process tree at once (Python, Playwright's driver, Chromium: common.TreeSampler). One
table: per checkout the median of its runs, and the ratio of each checkout to the first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench_metrics import AS_OF, MONTH
from common import OUT, TreeSampler, load_average


def run_report(checkout: Path, db: Path, month: str, as_of: str, pdf: bool) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the tree, peak MiB of the tree) of one `takedown report`."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        command = [str(checkout / ".venv" / "bin" / "takedown"), "report", "--month", month, "--as-of", as_of,
                   "--out", folder, "--db", str(db), *([] if pdf else ["--no-pdf"])]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=checkout)
        with TreeSampler(process.pid) as sampler:
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"exit {process.returncode}: {' '.join(command)}")
        if pdf and not (Path(folder) / "report.pdf").exists():
            raise RuntimeError(f"{checkout}: takedown report wrote no report.pdf")
    return wall, usage.ru_utime + usage.ru_stime, sampler.peak_mib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--checkout", action="append", required=True, metavar="NAME=PATH",
                        help="a checkout with its .venv; the first is the reference of the ratios")
    parser.add_argument("--month", default=MONTH)
    parser.add_argument("--as-of", default=AS_OF)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    checkouts = [(name, Path(path).resolve()) for name, path in (item.split("=", 1) for item in args.checkout)]
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in checkouts}
    load_before = load_average()
    for round_number in range(args.repeat):
        # Alternate which goes first, so neither always meets a warmer page cache.
        order = checkouts if round_number % 2 == 0 else checkouts[::-1]
        for name, path in order:
            runs[name].append(run_report(path, args.db.resolve(), args.month, args.as_of, not args.no_pdf))
    print(f"takedown report --month {args.month} --as-of {args.as_of} on {args.db} "
          f"({'with' if not args.no_pdf else 'without'} the PDF), median of {args.repeat} run(s) each")
    print(f"| checkout | wall s | CPU s | peak MiB (Python + Chromium) | CPU / {checkouts[0][0]} | "
          f"peak / {checkouts[0][0]} |")
    print("|---|---:|---:|---:|---:|---:|")
    medians = {name: [statistics.median(run[index] for run in found) for index in range(3)]
               for name, found in runs.items()}
    reference = medians[checkouts[0][0]]
    for name, _ in checkouts:
        wall, cpu, peak = medians[name]
        print(f"| {name} | {wall:.1f} | {cpu:.1f} | {peak:,.0f} | {cpu / reference[1]:.2f} | {peak / reference[2]:.2f} |")
    print(f"load average before {load_before}; after {load_average()}")


if __name__ == "__main__":
    main()
