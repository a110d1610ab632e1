"""Debian's Chromium through Playwright, and the dashboard served in a subprocess: the one place each starts.

The report's PDF, the browser tests and the README's screenshots all launch Chromium here (the path and
flags live in takedown.config); the browser tests, the screenshots and the demo's tests serve and wait
for the dashboard here.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from takedown.config import CHROMIUM, CHROMIUM_ARGS


def launch_chromium(playwright):  # noqa: ANN001, ANN201 - Playwright's sync API types
    """A headless Chromium from a started Playwright: Debian's build (Playwright never downloads its own)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser for the length of the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Poll Streamlit's health check at `url` until it answers; RuntimeError when `process` (the server, or
    what starts it) ends first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None:
            error = process.stderr.read() if process.stderr is not None else ""
            raise RuntimeError(f"the dashboard stopped before serving: {error}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the dashboard did not answer at {url} within {timeout:g} s")
        time.sleep(0.1)


@contextlib.contextmanager
def serve_dashboard(db: Path | str, extra_args: Sequence[str] = (), timeout: float = 30.0,
                    env: dict[str, str] | None = None, port: int | None = None,
                    cwd: Path | None = None) -> Iterator[str]:
    """`takedown dashboard --db db` on `port` (default a free one), started in `cwd` (where its
    .streamlit/ is), until the block ends; yields its base URL."""
    port = port or free_port()
    command = [sys.executable, "-m", "takedown.cli", "dashboard", "--db", str(db), "--port", str(port), *extra_args]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd,
                              env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server, timeout)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
