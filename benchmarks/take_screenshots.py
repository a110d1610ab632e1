"""Take the README's dashboard screenshots: serve a store, open every page in Debian's Chromium, save PNGs.

    uv run python benchmarks/take_screenshots.py --db /tmp/big.duckdb   # e.g. a 1M-item demo store

Each page of dashboard/app.py is shown as a link opens it (the default month: the last complete one),
once drawn (bench_browser.DRAWN). Writes docs/screenshots/<page>.png.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench_browser import DRAWN, VIEWPORT, app_pages, page_name
from playwright.sync_api import sync_playwright

from takedown.browser import launch_chromium, serve_dashboard

HERE = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the store to show")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    with serve_dashboard(args.db, timeout=60) as url:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            # 1440 px: a common laptop width, the one the pages are laid out for; tall enough for the charts.
            page = browser.new_page(viewport=VIEWPORT)
            for path, title in app_pages():
                page.goto(f"{url}/{path}")
                # Drawn as the browser benchmark defines it (bench_browser.DRAWN), then a moment for the
                # charts' transitions to settle.
                page.wait_for_function(DRAWN, arg=title, polling=50, timeout=180_000)
                time.sleep(3)
                page.screenshot(path=str(args.out / f"{page_name(path)}.png"), timeout=180_000)
                print(f"{page_name(path)}.png")
            browser.close()


if __name__ == "__main__":
    main()
