"""Take the README's dashboard screenshots: serve a store, open every page in Debian's Chromium, save PNGs.

    uv run python benchmarks/take_screenshots.py --db /tmp/big.duckdb   # e.g. a 1M-item demo store

Each page is shown as a link opens it (the default month: the last complete one), after the page has
finished running. Writes docs/screenshots/<page>.png.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from takedown.browser import launch_chromium, serve_dashboard

HERE = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# url path -> file name
PAGES = {"": "overview", "good_faith": "good_faith", "action_queue": "action_queue", "breakdowns": "breakdowns",
         "repeat_offenders": "repeat_offenders", "ip_portfolio": "ip_portfolio", "data_quality": "data_quality"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the store to show")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    with serve_dashboard(args.db, timeout=60) as url:
        base = url + "/"
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            # 1440 px: a common laptop width, the one the pages are laid out for; tall enough for the charts.
            page = browser.new_page(viewport={"width": 1440, "height": 1900})
            for path, name in PAGES.items():
                page.goto(base + path)
                # Every page shows its freshness badge once its data is in; charts draw a moment later.
                page.get_by_text("Data as of").first.wait_for(timeout=180_000)
                # The sidebar's link to the view is drawn last, once the page's body has run.
                page.get_by_text("Link to this view").first.wait_for(timeout=180_000)
                page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')"
                                       " && !document.querySelector('[data-testid=\"stSpinner\"]')"
                                       # Widgets, tables and charts draw once their code has loaded.
                                       " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
                                       " && [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
                                       "    .every(chart => chart.querySelector('.main-svg'))",
                                       timeout=180_000)
                time.sleep(3)
                page.screenshot(path=str(args.out / f"{name}.png"), timeout=180_000)
                print(f"{name}.png")
            browser.close()


if __name__ == "__main__":
    main()
