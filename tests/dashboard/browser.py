"""Serve the dashboard in a subprocess and drive it with Playwright on Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from takedown.config import CHROMIUM, CHROMIUM_ARGS

# Short, so the live test sees a new store within seconds.
REFRESH_SECONDS = 1.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(db: Path, port: int | None = None, cwd: Path | None = None, options: tuple[str, ...] = ()) -> Iterator[str]:
    """`takedown dashboard --db db [options]` on `port` (default a free one), run in `cwd` (where its
    .streamlit/ is), until the block ends; yields its base URL."""
    port = port or free_port()
    command = [sys.executable, "-m", "takedown.cli", "dashboard", "--db", str(db), "--port", str(port),
               "--refresh", str(REFRESH_SECONDS), *options]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd,
                              env=dict(os.environ, PYTHONUNBUFFERED="1"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the dashboard did not start: {server.stderr.read().decode()}") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser (Playwright never downloads its own here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def metric_value(page, label: str) -> str:
    """The value shown by the st.metric whose label is `label`."""
    tile = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def wait_for_page(page, url: str) -> None:
    """Open `url` and wait until Streamlit has finished running the page."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                           " && document.querySelectorAll('[data-testid=\"stMain\"] h1').length > 0", timeout=20000)


def errors_on(page) -> list[str]:
    """The text of every Streamlit exception, error box or dialog (such as "Page not found") on the page."""
    boxes = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]')
    return [boxes.nth(index).inner_text() for index in range(boxes.count())]
