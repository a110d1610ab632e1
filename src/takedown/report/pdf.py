"""report.pdf: report.html printed by headless Chromium (Playwright driving Debian's /usr/bin/chromium).

A4, the page breaks and unbroken table rows of the page's print CSS, a header with the month and
the as-of time, and page numbers. The page is opened from its file, so it prints exactly as it shows.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

# Debian's Chromium: Playwright's own browser download is not used.
CHROMIUM = os.environ.get("TAKEDOWN_CHROMIUM", "/usr/bin/chromium")
# The printable width of A4 (210 mm) less the margins, in CSS pixels: charts are laid out for it.
PRINT_VIEWPORT = {"width": 760, "height": 1000}
_MARGIN = {"top": "18mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}
_TEXT = "font-family: DejaVu Sans, Arial, sans-serif; font-size: 8px; color: #666; width: 100%; margin: 0 12mm;"


class PdfError(RuntimeError):
    """The browser could not be started or could not print the page."""


def print_pdf(html_path: Path, pdf_path: Path, month: str, as_of_text: str) -> None:
    """Print `html_path` to `pdf_path` on A4 with a header (month, as-of) and page numbers in the footer."""
    from playwright.sync_api import Error, sync_playwright

    header = (f'<div style="{_TEXT} display: flex; justify-content: space-between;">'
              f"<span>Good-Faith call report {html.escape(month)}</span>"
              f"<span>as of {html.escape(as_of_text)}</span></div>")
    footer = (f'<div style="{_TEXT} text-align: right;">page <span class="pageNumber"></span> of '
              '<span class="totalPages"></span></div>')
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(viewport=PRINT_VIEWPORT)
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.pdf(path=str(pdf_path), format="A4", print_background=True, display_header_footer=True,
                         header_template=header, footer_template=footer, margin=_MARGIN,
                         prefer_css_page_size=True)
            finally:
                browser.close()
    except Error as error:
        raise PdfError(f"cannot print the PDF with {CHROMIUM}: {error.message.splitlines()[0]}") from error
