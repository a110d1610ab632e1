"""`takedown report --month YYYY-MM [--as-of ISO] [--tz ZONE] [--brand B] [--account A] [--out DIR] [--no-pdf] [--db PATH]`.

--brand and --account write one client's report: every section scoped, every figure equal to
`takedown metrics` with the same flags; a brand or account the store does not hold is a usage error.

The three files are published together (takedown.report.build): a failed or killed run leaves the
previous report in --out as it was, and the message says so. On a terminal a progress line per
step goes to stderr; piped, the command prints only the published paths.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, describe_os_error, fail
from takedown.commands._period_args import UsageError, add_as_of_arguments, period_and_as_of
from takedown.config import resolve_db_path
from takedown.escape import terminal_text

HELP = "write the monthly Good-Faith call report: report.html, report.pdf and escalations.xlsx"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", metavar="YYYY-MM", required=True, help="the calendar month, in the report time zone")
    add_as_of_arguments(parser)
    parser.add_argument("--brand", metavar="B", help="one client's report: only the items, listings and rights of brand B")
    parser.add_argument("--account", metavar="A", help="one client's report: only the items of IPP account A")
    parser.add_argument("--out", metavar="DIR", default="report", help="the folder to write into (default: report/)")
    parser.add_argument("--no-pdf", action="store_true",
                        help="skip report.pdf (no browser needed): publish report.html and escalations.xlsx only")
    add_db_argument(parser)


class StepLines:
    """One line per step on stderr when it is a terminal (`takedown report: [2/6] writing report.html`),
    with the time the previous steps took; silent when stderr is piped or redirected."""

    def __init__(self, steps: int) -> None:
        self.enabled = sys.stderr.isatty()
        self.steps = steps
        self.done = 0
        self.started = time.monotonic()

    def __call__(self, step: str) -> None:
        self.done += 1
        if self.enabled:
            elapsed = time.monotonic() - self.started
            print(f"takedown report: [{self.done}/{self.steps}] {step} ({elapsed:.1f} s)", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from takedown.metrics.filters import Filters, UnknownFilterValue
    from takedown.report.build import ReportOutProblem, build_report, out_problem
    from takedown.report.pdf import PdfError
    from takedown.store import StoreError, connect_reader, read_source

    # The period helper reads --start/--end too; the report has only --month.
    args.start = args.end = None
    try:
        _, as_of = period_and_as_of(args)
        filters = Filters(account=args.account, brand=args.brand)
    except (UsageError, ValueError) as error:
        return fail("report", str(error), EXIT_USAGE)
    out = Path(args.out)
    if problem := out_problem(out):
        # an --out that is a file is a usage error; a folder or a name in the way is a file problem
        return fail("report", problem, EXIT_USAGE if problem.endswith("is a file, not a folder") else EXIT_FAILED)
    db = resolve_db_path(args.db)
    try:
        con = connect_reader(db)
    except StoreError as error:
        return fail("report", str(error), EXIT_FAILED)
    unchanged = f"nothing was published: {out} keeps its previous report" if out.is_dir() else \
        "nothing was written"
    # reading, agenda, html, workbook, (pdf), publishing
    progress = StepLines(5 if args.no_pdf else 6)
    try:
        files = build_report(con, args.month, as_of, args.tz, out, pdf=not args.no_pdf, progress=progress,
                             filters=filters, source=read_source(con, db))
    except UnknownFilterValue as error:
        described = "; and ".join(value.describe("--" + value.name) for value in error.unknown)
        return fail("report", f"{described}; {unchanged}", EXIT_USAGE)
    except PdfError as error:
        return fail("report", f"cannot write the report: {error}; {unchanged} "
                              f"(--no-pdf writes report.html and escalations.xlsx without a browser)", EXIT_FAILED)
    except ReportOutProblem as error:
        return fail("report", str(error), EXIT_FAILED)
    except OSError as error:
        return fail("report", f"cannot write the report: {describe_os_error(error)}; {unchanged}", EXIT_FAILED)
    except (duckdb.Error, ValueError) as error:
        return fail("report", f"cannot write the report: {error}; {unchanged}", EXIT_FAILED)
    finally:
        con.close()
    if files.cut_cells:
        print(f"takedown report: {files.cut_cells:,} workbook cell(s) longer than Excel's 32,767 characters were cut "
              f"and end with '… [cut: N more characters ...]'; `takedown items --out FILE.csv` gives the full text",
              file=sys.stderr)
    for path in files.paths():
        print(terminal_text(path))
    return 0
