"""`takedown demo [--seed N] [--scale N] [--end ISO] [--db PATH] [--out DIR] [--no-serve] [--port N]
[--live [--interval S] [--inbox DIR]]`.

Generates a believable program's export files (takedown.demo), ingests them through the same path
as `takedown ingest`, and shows the result. With --live it then keeps writing new exports into an
inbox folder for `takedown watch` to load.

The dashboard it serves runs in a child process group of its own, stopped with the demo: on Ctrl-C,
on SIGTERM (a supervisor's or `kill`'s stop) and on SIGHUP (a closed terminal), and, on Linux, when
the demo dies without a chance to stop it (SIGKILL).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import signal
from collections.abc import Iterator
from pathlib import Path

from takedown.cli import EXIT_FAILED, EXIT_USAGE, add_db_argument, fail, finite_number, store_location_problem
from takedown.commands.dashboard import DEFAULT_PORT
from takedown.commands.dashboard import _port as port_number
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

# Signals that stop the demo as Ctrl-C does: a supervisor's or `kill`'s stop, and a closed terminal.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# Seconds the dashboard's server has to stop after SIGTERM before it is killed (Streamlit takes < 1 s).
STOP_GRACE_SECONDS = 5.0
# Linux's prctl option that sends the child a signal when its parent dies (<linux/prctl.h>).
PR_SET_PDEATHSIG = 1


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the demo is so that it stops its dashboard on the way out.

    A KeyboardInterrupt, so every clean-up written for Ctrl-C (ingest's, the live feed's) runs too.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise Stopped instead of ending the process at once."""
    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


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
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT,
                        help=f"port the dashboard serves on (default {DEFAULT_PORT})")
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


def _dying_with_parent():
    """A preexec_fn for the dashboard's child: on Linux, SIGTERM when the demo dies (even by SIGKILL).

    Everything is looked up here, in the demo: the child, forked from a process with threads, only
    makes the one call (and stops at once if the demo died before it could).
    """
    import ctypes
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return None
    prctl, parent = ctypes.CDLL(None, use_errno=True).prctl, os.getpid()

    def die_with_parent() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)

    return die_with_parent


def start_dashboard(db_path: Path, port: int = DEFAULT_PORT):
    """Serve the dashboard on the demo store in a child process and print its URL (subprocess.Popen).

    The child leads a process group of its own (stop_dashboard stops the whole group), and dies
    with the demo on Linux.
    """
    import os
    import subprocess

    from takedown.commands.dashboard import streamlit_command

    process = subprocess.Popen(streamlit_command(db_path, "127.0.0.1", port),
                               env=dict(os.environ, TAKEDOWN_DB=str(db_path.resolve())),
                               start_new_session=True, preexec_fn=_dying_with_parent())
    print(f"Dashboard: http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
    return process


def stop_dashboard(process) -> None:
    """Stop the dashboard's server and anything it started: SIGTERM to its process group, then,
    after STOP_GRACE_SECONDS, SIGKILL; returns once the server is gone."""
    import os
    import subprocess

    def signal_group(signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(process.pid, signum)

    # Ctrl-C, SIGTERM or SIGHUP again while stopping must not leave the server behind.
    with contextlib.ExitStack() as restore:
        for signum in (signal.SIGINT, *STOP_SIGNALS):
            previous = signal.signal(signum, signal.SIG_IGN)
            restore.callback(signal.signal, signum, previous)
        signal_group(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        # Whatever of the group outlived the grace (the server, or a child of it): killed.
        signal_group(signal.SIGKILL)
        process.wait()


def serve(db_path: Path, port: int = DEFAULT_PORT) -> int:
    """Serve the dashboard until Ctrl-C (returns 0), SIGTERM or SIGHUP (Stopped, re-raised once the
    server is stopped); the server's own exit status when it stops by itself (e.g. its port is taken)."""
    process = start_dashboard(db_path, port)
    try:
        return process.wait()
    except Stopped:
        raise
    except KeyboardInterrupt:
        return 0  # Ctrl-C: the documented way to stop
    finally:
        stop_dashboard(process)


def run(args: argparse.Namespace) -> int:
    try:
        with stopping_on_signals():
            return _run(args)
    except Stopped as stopped:
        # The shell's convention for a process ended by a signal: 128 + its number.
        return fail("demo", f"stopped by {signal.Signals(stopped.signum).name}", 128 + stopped.signum)


def _run(args: argparse.Namespace) -> int:
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
                  f"ingested them in {build.ingest_seconds:.1f} s and kept the model of predicted success "
                  f"(takedown train) in {build.train_seconds:.1f} s:")
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
        if status := serve(db_path, args.port):
            return fail("demo", f"the dashboard's server stopped with exit status {status} (is port "
                        f"{args.port} taken? --port N serves on another)", EXIT_FAILED)
        return 0
    dashboard = None if args.no_serve else start_dashboard(db_path, args.port)
    feed = LiveFeed(inbox, args.seed, args.scale, end)
    print_line(console, f"Live feed: writing new exports into {shown(inbox)} every {args.interval:g} s "
               f"(Ctrl-C to stop). Load them with: takedown watch {shown(inbox)} --db {shown(db_path)}")
    try:
        feed.run(args.interval, on_tick=lambda tick: console.print(
            f"  {tick.clock:%Y-%m-%d %H:%M} UTC: " + ", ".join(f"{count:,} {kind}" for kind, count in tick.rows.items())
            + f" in {len(tick.files)} file(s)"))
    except Stopped:
        raise
    except KeyboardInterrupt:
        console.print("Live feed stopped.")
    finally:
        if dashboard is not None:
            stop_dashboard(dashboard)
    return 0
