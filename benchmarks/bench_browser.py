"""Benchmark: every dashboard page as a person sees it, in Chromium, cold and warm; the server's memory.

    uv run python benchmarks/bench_browser.py --db STORE [--month 2026-10 --other-month 2026-09 --as-of ISO]

For each page of dashboard/app.py (read from its st.Page lines, so a new page is measured too):
- cold: a fresh `takedown dashboard` server (takedown.browser.serve_dashboard: started and answering its
  health check before the clock),
  a new browser tab, from `goto` of the page's URL to the page drawn;
- warm: on the same server, after that one page, a click on the next page's link in the sidebar (how a
  person moves between pages) to that page drawn. Each page is warm once, after the page before it.
"Drawn" (DRAWN below): Streamlit's running indicator, spinners and skeletons gone; the page's own title
(an h1 starting with its st.Page title) and the sidebar's "Link to this view" (drawn after the page's
body, see takedown.dashboard_lib.state.live) present and not stale (not left over from the page before);
every Plotly chart holding its SVG.
The first server also opens a second browser session on --other-month while the first stays open: the
server's peak memory with two sessions on different months. Memory is resident memory of the server's
process tree (polled every 50 ms); the browser's (Playwright's driver and Chromium) separately.
Prints one JSON object (the driver, stages.browser, turns it into table cells).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import urllib.parse
from pathlib import Path

from common import ROOT, TreeSampler, children_of

APP = ROOT / "dashboard" / "app.py"
# How long a page may take to draw before the run calls it failed (10M stores on a busy machine took
# minutes before issue 19).
DRAW_TIMEOUT_MS = 600_000
SERVE_TIMEOUT_S = 300
VIEWPORT = {"width": 1440, "height": 1900}

# The page is drawn: see the module docstring. `title` is the page's st.Page title.
DRAWN = """title => {
    const fresh = element => element && !element.closest('[data-stale="true"]');
    if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSpinner"], '
                               + '[data-testid="stSkeleton"]')) return false;
    const heading = [...document.querySelectorAll('h1')].find(
        h => fresh(h) && h.textContent.trim().startsWith(title));
    if (!heading) return false;
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const link = sidebar && [...sidebar.querySelectorAll('[data-testid="stCaptionContainer"]')].find(
        caption => fresh(caption) && caption.textContent.includes('Link to this view'));
    if (!link) return false;
    return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(
        chart => chart.querySelector('.main-svg'));
}"""


def app_pages(app: Path = APP) -> list[tuple[str, str]]:
    """(URL path, title) of each page the dashboard lists, in its order; the default page's path is ''."""
    pages = []
    for match in re.finditer(r'st\.Page\("app_pages/(\w+)\.py",\s*title="([^"]+)"([^)]*)\)', app.read_text()):
        name, title, rest = match.groups()
        if name == "first_run":
            continue  # shown only while the store cannot be opened
        pages.append(("" if "default=True" in rest else name, title))
    if not pages:
        raise RuntimeError(f"no st.Page found in {app}")
    return pages


def page_name(path: str) -> str:
    return path or "overview"


def server_pid() -> int:
    """The dashboard server this process started (takedown.browser.serve_dashboard: `takedown dashboard`
    becomes `streamlit run`), among this process's children."""
    for pid in children_of(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"streamlit" in command:
            return pid
    raise RuntimeError("the dashboard server is not a child of this process")


def drawn_seconds(tab, title: str, action) -> float:
    """Seconds from `action()` (a navigation or a click) to the page titled `title` drawn."""
    started = time.perf_counter()
    action()
    tab.wait_for_function(DRAWN, arg=title, polling=50, timeout=DRAW_TIMEOUT_MS)
    return time.perf_counter() - started


def measure(db: str, params: dict[str, str], other_params: dict[str, str]) -> dict:
    from playwright.sync_api import sync_playwright

    from takedown.browser import launch_chromium, serve_dashboard

    pages = app_pages()
    result: dict[str, object] = {"pages": {}, "servers": []}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        with TreeSampler(os.getpid()) as own:
            for index, (path, title) in enumerate(pages):
                next_path, next_title = pages[(index + 1) % len(pages)]
                started = time.perf_counter()
                with serve_dashboard(db, timeout=SERVE_TIMEOUT_S) as url:
                    serving_s = time.perf_counter() - started
                    server = server_pid()
                    own.exclude = frozenset({server})  # the browser's memory, not the server's
                    with TreeSampler(server) as server_memory:
                        context = browser.new_context(viewport=VIEWPORT)
                        tab = context.new_page()
                        query = urllib.parse.urlencode(params, safe=":")
                        cold = drawn_seconds(tab, title, lambda: tab.goto(f"{url}/{path}?{query}",
                                                                         wait_until="commit"))
                        link = tab.locator(f'[data-testid="stSidebarNavLink"][href$="/{next_path}"]').first
                        warm = drawn_seconds(tab, next_title, link.click)
                        two_sessions = None
                        if index == 0:
                            other = browser.new_context(viewport=VIEWPORT).new_page()
                            other_query = urllib.parse.urlencode(other_params, safe=":")
                            drawn_seconds(other, title, lambda: other.goto(f"{url}/{path}?{other_query}",
                                                                          wait_until="commit"))
                            two_sessions = server_memory.peak_mib
                            other.context.close()
                        context.close()
                print(f"{page_name(path)}: cold {cold:.2f} s; {page_name(next_path)} warm {warm:.2f} s; "
                      f"server {server_memory.peak_mib:.0f} MiB", file=sys.stderr, flush=True)
                result["pages"].setdefault(page_name(path), {})["cold"] = cold
                result["pages"].setdefault(page_name(next_path), {})["warm"] = warm
                result["servers"].append({"first_page": page_name(path), "serving_s": serving_s,
                                          "peak_mib": server_memory.peak_mib, "two_sessions_mib": two_sessions})
        browser.close()
    result["browser_peak_mib"] = own.peak_mib
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the store (a file or a DuckLake location)")
    parser.add_argument("--month", help="YYYY-MM the first session shows (default: the page's default)")
    parser.add_argument("--other-month", help="YYYY-MM of the second session (default: the page's default)")
    parser.add_argument("--as-of", help="ISO instant both sessions see the store as of (default: now)")
    args = parser.parse_args()
    frozen = {"as_of": args.as_of} if args.as_of else {}
    params = {**({"month": args.month} if args.month else {}), **frozen}
    other = {**({"month": args.other_month} if args.other_month else {}), **frozen}
    print(json.dumps(measure(args.db, params, other)))


if __name__ == "__main__":
    main()
