"""`takedown report` at scale: the whole command's wall time, and where it goes.

    uv run python benchmarks/bench_report.py --db /tmp/big.duckdb [--month YYYY-MM] [--no-pdf]

Prints one table: loading the snapshot, each section, the workbook, the HTML and the PDF, and the
total (the target is under 10 s at 1M complaint items). Make the store with
`takedown demo --no-serve --scale 1000000 --db /tmp/big.duckdb --out /tmp/big`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from takedown.metrics.periods import month_label, month_of, shift_month, utc_now
from takedown.report import escalations, sections
from takedown.report.data import load_report_data
from takedown.report.html import render_html
from takedown.report.pdf import print_pdf
from takedown.store import connect_reader


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--month", help="default: last month")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    as_of = utc_now().replace(second=0, microsecond=0)
    month = args.month or month_label(*shift_month(*month_of(as_of, "UTC"), -1))
    timings: list[tuple[str, float]] = []

    def timed(label, function, *arguments):
        started = time.perf_counter()
        result = function(*arguments)
        timings.append((label, time.perf_counter() - started))
        return result

    con = connect_reader(Path(args.db))
    started = time.perf_counter()
    data = timed("load snapshot + metrics JSON", load_report_data, con, month, as_of, "UTC")
    for name in ("headline_figures", "projection", "trend", "repeat_offenders", "networks", "effectiveness"):
        timed(f"section {name}", getattr(sections, name), data)
    sheets = timed("escalation sheets", escalations.escalation_sheets, data)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        timed("escalations.xlsx", escalations.write_escalations, sheets, out / "escalations.xlsx")
        page = timed("report.html (sections again)", render_html, data, sheets)
        (out / "report.html").write_text(page, encoding="utf-8")
        if not args.no_pdf:
            timed("report.pdf", print_pdf, out / "report.html", out / "report.pdf", month, str(as_of))
    total = time.perf_counter() - started
    items = data.snapshot.facts.height
    print(f"takedown report {month} on {args.db}: {items:,} complaint items")
    for label, seconds in timings:
        print(f"  {label:<34} {seconds:7.2f} s")
    print(f"  {'total (sections counted twice)':<34} {total:7.2f} s")


if __name__ == "__main__":
    main()
