"""`takedown dashboard [--db PATH] [--port N] [--host H] [--refresh S] [--access FILE]`: serve the Streamlit dashboard.

Runs `streamlit run` on the entry file shipped inside the package (the checkout's dashboard/ when
running from source). The store reaches the app through $TAKEDOWN_DB. Without sign-in configured
([auth] in the Streamlit secrets) it binds this computer only; a careless [auth] is refused before
serving (takedown.sign_in, the check the app makes too). The access file (takedown.access: who sees
which brands and accounts) is checked the same way, and refused without sign-in; it reaches the app
through $TAKEDOWN_ACCESS.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from takedown import access, sign_in
from takedown.cli import EXIT_USAGE, add_db_argument, fail, finite_number
from takedown.config import PACKAGE_DIR, REPO_DIR, resolve_db_path

HELP = "serve the dashboard in a browser (binds 127.0.0.1 unless told otherwise)"
# Streamlit's own default port.
DEFAULT_PORT = 8501
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
REFRESH_ENV = "TAKEDOWN_DASHBOARD_REFRESH_SECONDS"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    # A day at most: an open page that never refreshes is what --refresh is there to prevent.
    if problem := finite_number("--refresh", value, 0, 86_400, exclusive_minimum=True):
        raise argparse.ArgumentTypeError(problem)
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to serve on (default {DEFAULT_PORT})")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1; another needs [auth] sign-in, see the README)")
    parser.add_argument("--refresh", type=_seconds, metavar="S",
                        help="seconds between an open page's looks for a newly published store (default 30)")
    parser.add_argument("--access", metavar="FILE",
                        help="the access file: which brands and accounts each signed-in viewer sees "
                             f"(default ${access.ACCESS_ENV}, else .streamlit/access.toml; README: Dashboard)")
    add_db_argument(parser)


def entry_file() -> Path:
    """dashboard/app.py: inside the installed package, else the checkout's."""
    packaged = PACKAGE_DIR / "dashboard" / "app.py"
    return packaged if packaged.exists() else REPO_DIR / "dashboard" / "app.py"


def auth_configured(cwd: Path | None = None, home: Path | None = None) -> bool:
    """Whether the secrets files Streamlit reads (~/.streamlit, ./.streamlit) configure sign-in; a
    SignInError (naming the files) when their [auth] is one Streamlit could not use."""
    secrets, files = sign_in.read_secrets(cwd, home)
    try:
        return sign_in.sign_in_settings(secrets) is not None
    except sign_in.SignInError as error:
        raise sign_in.SignInError(f"{files}: {error}") from error


def streamlit_command(db: Path, host: str, port: int) -> list[str]:
    """The `streamlit run` command line that serves the dashboard."""
    return [sys.executable, "-m", "streamlit", "run", str(entry_file()),
            "--server.address", host, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--client.toolbarMode", "minimal"]


def run(args: argparse.Namespace) -> int:
    try:
        signed_in = auth_configured()
    except sign_in.SignInError as error:
        return fail("dashboard", str(error), EXIT_USAGE)
    if args.host not in LOCAL_HOSTS and not signed_in:
        return fail("dashboard", f"--host {args.host} would serve the figures to the network without sign-in; "
                    "add an [auth] section to .streamlit/secrets.toml first (README: Dashboard)", EXIT_USAGE)
    path = access.access_path(getattr(args, "access", None))
    if path is not None:
        try:
            access.read_access(path)
        except access.AccessError as error:
            return fail("dashboard", str(error), EXIT_USAGE)
        if not signed_in:
            return fail("dashboard", f"{path}: an access file needs sign-in to know who is viewing; add an [auth] "
                        "section to .streamlit/secrets.toml (README: Dashboard)", EXIT_USAGE)
    db = resolve_db_path(args.db).resolve()
    env = dict(os.environ, TAKEDOWN_DB=str(db))
    if path is not None:
        env[access.ACCESS_ENV] = str(path.resolve())
    if args.refresh:
        env[REFRESH_ENV] = str(args.refresh)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Dashboard of {db}: http://{shown}:{args.port}/  (Ctrl-C to stop)", flush=True)
    command = streamlit_command(db, args.host, args.port)
    # Become the server: a signal to this process (Ctrl-C, a supervisor's stop) reaches Streamlit
    # itself, and no orphaned server outlives a killed parent.
    os.execve(command[0], command, env)
    return 0  # not reached
