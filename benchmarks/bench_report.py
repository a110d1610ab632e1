"""`takedown report` at scale: the whole command's wall time, and where it goes.

    uv run python benchmarks/bench_report.py --db /tmp/big.duckdb [--month YYYY-MM] [--no-pdf]

Runs the steps of report.build.write_report one by one, in its order, and prints one table (each
step's wall seconds, its CPU seconds in this process, and the process's peak resident memory after it):
reading the store, each section (each computed once, as the report does), the HTML, the
workbook, the PDF (Chromium starts in the background at the beginning and prints while the
workbook is written, so "waiting for report.pdf" is only what is left after the workbook), and
the total, with the machine's load average (2 cores shared: a load above 2 slows every step).
The target is under 10 s at 1M complaint items. Make the store with
`takedown demo --no-serve --scale 1000000 --db /tmp/big.duckdb --out /tmp/big`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import tempfile
import time
from pathlib import Path

from takedown.metrics.periods import month_label, month_of, parse_instant, shift_month, utc_now
from takedown.report import escalations, sections
from takedown.report.data import load_report_data
from takedown.report.html import render_html
from takedown.report.pdf import PdfPrinter
from takedown.store import connect_reader

SECTIONS = ("headline_figures", "projection", "trend", "repeat_offenders", "networks", "effectiveness")


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--month", help="default: last month")
    parser.add_argument("--as-of", help="ISO instant (default: now)")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    as_of = parse_instant(args.as_of, "UTC") if args.as_of else utc_now().replace(second=0, microsecond=0)
    month = args.month or month_label(*shift_month(*month_of(as_of, "UTC"), -1))
    timings: list[tuple[str, float, float, float]] = []

    def timed(label, function, *arguments):
        started, cpu = time.perf_counter(), time.process_time()
        result = function(*arguments)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        timings.append((label, time.perf_counter() - started, time.process_time() - cpu, peak))
        return result

    load_before = _load()
    con = connect_reader(Path(args.db))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        out = Path(folder)
        printer = None if args.no_pdf else stack.enter_context(PdfPrinter())
        data = timed("load the month, trend + metrics JSON", load_report_data, con, month, as_of, "UTC")
        for name in SECTIONS:
            timed(f"section {name}", getattr(sections, name), data)
        sheets = timed("escalation sheets", escalations.escalation_sheets, data)
        page = timed("report.html", render_html, data, sheets)
        (out / "report.html").write_text(page, encoding="utf-8")
        if printer is not None:
            printer.start(out / "report.html", out / "report.pdf", month, f"{as_of:%Y-%m-%d %H:%M} UTC")
        timed("escalations.xlsx (while printing)", escalations.write_escalations, sheets, out / "escalations.xlsx")
        if printer is not None:
            timed("waiting for report.pdf", printer.wait)
    total = time.perf_counter() - started
    print(f"takedown report {month} on {args.db}: {data.snapshot.facts.height:,} complaint items in the report's snapshot "
          f"(the month, its Good-Faith window and the month before's)")
    print(f"  {'step':<40} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9}")
    for label, seconds, cpu, peak in timings:
        print(f"  {label:<40} {seconds:7.2f} {cpu:7.2f} {peak:9,.0f}")
    print(f"  {'total':<40} {total:7.2f} {time.process_time():7.2f}")
    print(f"  load average before {load_before}; after {_load()}")


if __name__ == "__main__":
    main()
