"""Serve the dashboard in a subprocess and drive it with Playwright on Debian's Chromium."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from takedown.browser import chromium, free_port, serve_dashboard  # noqa: F401 - chromium and free_port are the tests'
from takedown.config import CHROMIUM  # noqa: F401 - the tests'

# Short, so the live test sees a new store within seconds.
REFRESH_SECONDS = 1.0


@contextlib.contextmanager
def serve(db: Path, port: int | None = None, cwd: Path | None = None, options: tuple[str, ...] = ()) -> Iterator[str]:
    """`takedown dashboard --db db [options]` on `port` (default a free one), run in `cwd` (where its
    .streamlit/ is), until the block ends; yields its base URL."""
    with serve_dashboard(db, ["--refresh", str(REFRESH_SECONDS), *options], port=port, cwd=cwd) as url:
        yield url


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
