"""`takedown demo [--seed N] [--scale N] [--end ISO] [--db PATH] [--out DIR] [--no-serve]
[--live [--interval S] [--inbox DIR]]`.

Generates a believable program's export files (takedown.demo), ingests them through the same path
as `takedown ingest`, and shows the result. With --live it then keeps writing new exports into an
inbox folder for `takedown watch` to load.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, fail, finite_number, store_location_problem
from takedown.config import PROGRESS_MIN_ROWS, resolve_db_path
from takedown.demo.settings import CATCH_UP_HOURS, DEFAULT_SCALE, DEFAULT_SEED, INTERVAL_SECONDS, MAX_SCALE

# numpy seeds are non-negative; 64 bits is more than any seed a person types.
MAX_SEED = 2**63 - 1
# The program's history runs 18 months before --end: keep every generated date a valid one.
EARLIEST_END = dt.datetime(2000, 1, 1)
LATEST_END = dt.datetime(2999, 12, 31)
# More than an hour between live files is a typo, not a feed.
MAX_INTERVAL_SECONDS = 3600.0

HELP = "generate a realistic demo program, ingest it, and show it (--live: keep feeding an inbox)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    def scale(text: str) -> int:
        value = int(text.replace("_", ""))
        if not 1 <= value <= MAX_SCALE:
            raise argparse.ArgumentTypeError(f"--scale must be between 1 and {MAX_SCALE:,}")
        return value

    def seed(text: str) -> int:
        value = int(text)
        if not 0 <= value <= MAX_SEED:
            raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_SEED}")
        return value

    parser.add_argument("--seed", type=seed, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--scale", type=scale, default=DEFAULT_SCALE,
                        help=f"complaint items to generate (default {DEFAULT_SCALE:,}, at most {MAX_SCALE:,})")
    parser.add_argument("--end", type=_moment, help="the program's last moment, ISO 8601 (default: now)")
    parser.add_argument("--out", type=Path, help="folder for the export files (default: data/demo/exports)")
    parser.add_argument("--no-serve", action="store_true", help="ingest and summarise only, do not serve")
    parser.add_argument("--live", action="store_true",
                        help="after the history, keep writing new export files into the inbox")
    parser.add_argument("--interval", type=float, default=INTERVAL_SECONDS,
                        help=f"seconds between live files (default {INTERVAL_SECONDS:g})")
    parser.add_argument("--inbox", type=Path, help="folder the live feed writes into (default: data/inbox)")
    add_db_argument(parser)


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from error
    if not EARLIEST_END.year <= moment.year <= LATEST_END.year:
        raise argparse.ArgumentTypeError(f"must lie between {EARLIEST_END.year} and {LATEST_END.year}")
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def serve_or_summarise(db_path: Path, end: dt.datetime) -> None:
    """Summarise the demo store: its contents and the metrics of the last complete month before `end`.

    The figures come from the same function as `takedown metrics` (and the dashboard).
    """
    from takedown.display import print_metrics
    from takedown.display import print_store_summary
    from takedown.metrics.periods import month_label, month_period, shift_month, to_utc
    from takedown.metrics.summary import metrics_from_store
    from takedown.store import connect_reader

    print_store_summary(db_path)
    as_of = to_utc(end)
    last_month = month_label(*shift_month(as_of.year, as_of.month, -1))
    con = connect_reader(db_path)
    try:
        metrics = metrics_from_store(con, month_period(last_month, "UTC"), as_of, "UTC")
    finally:
        con.close()
    print_metrics(metrics)
    print(f"Any month: takedown metrics --month {last_month} [--tz Asia/Shanghai] [--json]; "
          "quarantined rows: takedown rejects")


def start_dashboard(db_path: Path):
    """Serve the dashboard on the demo store in a child process and print its URL (subprocess.Popen)."""
    import os
    import subprocess

    from takedown.commands.dashboard import DEFAULT_PORT, streamlit_command

    process = subprocess.Popen(streamlit_command(db_path, "127.0.0.1", DEFAULT_PORT),
                               env=dict(os.environ, TAKEDOWN_DB=str(db_path.resolve())))
    print(f"Dashboard: http://127.0.0.1:{DEFAULT_PORT}/  (Ctrl-C to stop)", flush=True)
    return process


def stop_dashboard(process) -> None:
    """Stop the dashboard's server (killed when it does not stop within seconds)."""
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(db_path: Path) -> None:
    """Serve the dashboard until Ctrl-C."""
    process = start_dashboard(db_path)
    try:
        process.wait()
    except KeyboardInterrupt:
        stop_dashboard(process)


def run(args: argparse.Namespace) -> int:
    from takedown.demo.live import LiveFeed
    from takedown.demo.pipeline import DemoError, build_demo, default_exports_dir, default_inbox_dir
    from takedown.display import StageProgress, console as make_console, print_line, print_store_summary, shown
    from takedown.store import StoreError

    console = make_console(stderr=True)
    db_path = resolve_db_path(args.db)
    out_dir = args.out or default_exports_dir()
    inbox = args.inbox or default_inbox_dir()
    if problem := finite_number("--interval", args.interval, 0, MAX_INTERVAL_SECONDS, exclusive_minimum=True):
        return fail("demo", problem, EXIT_USAGE)
    for flag, folder in (("--out", out_dir), ("--inbox", inbox)):
        if folder.exists() and not folder.is_dir():
            return fail("demo", f"{flag} {folder} is a file, not a folder", EXIT_USAGE)
    if problem := store_location_problem(db_path):
        return fail("demo", problem, EXIT_FAILED)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    end = args.end or now
    if args.live:
        # The live feed replays the last hours quickly, so the history stops short of now.
        end = min(end, now) - dt.timedelta(hours=CATCH_UP_HOURS)
    print_line(console, f"Generating {args.scale:,} complaint items up to {end:%Y-%m-%d %H:%M} UTC "
               f"(seed {args.seed}) into {shown(out_dir)}")
    reporter = StageProgress(min_rows=PROGRESS_MIN_ROWS, console=console)
    try:
        build = build_demo(db_path, out_dir, args.seed, args.scale, end, demo_folders=[out_dir, inbox],
                           progress=reporter,
                           on_chunk=lambda done, total: console.print(f"  wrote chunk {done} of {total}"))
    except (DemoError, StoreError) as error:
        return fail("demo", str(error), EXIT_FAILED)
    finally:
        reporter.close()
    console.print(f"Wrote {len(build.program.files)} export files in {build.generate_seconds:.1f} s; "
                  f"ingested them in {build.ingest_seconds:.1f} s:")
    for result in build.results:
        name = Path(result.file).name
        if result.error:
            print_line(console, f"  {shown(name)}: [red]refused[/red]: {shown(result.error)}")
        else:
            print_line(console, f"  {shown(name)}: {result.rows:,} rows, {result.rejected:,} quarantined")
    quarantined = sum(result.rejected for result in build.results)
    if quarantined:
        console.print(f"{quarantined:,} deliberately bad rows are quarantined: `takedown rejects` lists them.")
    if any(result.error for result in build.results):
        return 1
    if args.no_serve and not args.live:
        print_store_summary(db_path)
        return 0
    serve_or_summarise(db_path, end)
    if not args.live:
        serve(db_path)
        return 0
    dashboard = None if args.no_serve else start_dashboard(db_path)
    feed = LiveFeed(inbox, args.seed, args.scale, end)
    print_line(console, f"Live feed: writing new exports into {shown(inbox)} every {args.interval:g} s "
               f"(Ctrl-C to stop). Load them with: takedown watch {shown(inbox)} --db {shown(db_path)}")
    try:
        feed.run(args.interval, on_tick=lambda tick: console.print(
            f"  {tick.clock:%Y-%m-%d %H:%M} UTC: " + ", ".join(f"{count:,} {kind}" for kind, count in tick.rows.items())
            + f" in {len(tick.files)} file(s)"))
    except KeyboardInterrupt:
        console.print("Live feed stopped.")
    finally:
        if dashboard is not None:
            stop_dashboard(dashboard)
    return 0
