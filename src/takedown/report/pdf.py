"""report.pdf: report.html printed by headless Chromium (Playwright driving Debian's /usr/bin/chromium).

A4, the page breaks and unbroken table rows of the page's print CSS, a header with the month and
the as-of time, and page numbers. The page is opened from its file, so it prints exactly as it shows.
"""

from __future__ import annotations

import html
import queue
import threading
from concurrent.futures import Future
from pathlib import Path

from takedown.browser import launch_chromium
from takedown.config import CHROMIUM

# Debian's Chromium: Playwright's own browser download is not used.
# The printable width of A4 (210 mm) less the margins, in CSS pixels: charts are laid out for it.
PRINT_VIEWPORT = {"width": 760, "height": 1000}
_MARGIN = {"top": "18mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}
_TEXT = "font-family: DejaVu Sans, Arial, sans-serif; font-size: 8px; color: #666; width: 100%; margin: 0 12mm;"


class PdfError(RuntimeError):
    """The browser could not be started or could not print the page."""


def _templates(month: str, as_of_text: str) -> tuple[str, str]:
    header = (f'<div style="{_TEXT} display: flex; justify-content: space-between;">'
              f"<span>Good-Faith call report {html.escape(month)}</span>"
              f"<span>as of {html.escape(as_of_text)}</span></div>")
    footer = (f'<div style="{_TEXT} text-align: right;">page <span class="pageNumber"></span> of '
              '<span class="totalPages"></span></div>')
    return header, footer


class PdfPrinter:
    """Chromium started at once in a thread of its own, to print one page when asked.

    Starting the browser takes a second or two: it starts while the report is still being
    computed, and prints while the workbook is written. Use as a context manager:

        with PdfPrinter() as printer:
            ... write report.html ...
            printer.start(html_path, pdf_path, month, as_of_text)
            ... write the workbook ...
            printer.wait()   # PdfError when the browser failed
    """

    def __init__(self) -> None:
        # Playwright's sync API belongs to the thread that started it: the browser lives and dies in this one.
        self._jobs: queue.Queue[tuple[Path, Path, str, str] | None] = queue.Queue(maxsize=1)
        self._done: Future[None] = Future()
        self._asked = False
        self._thread = threading.Thread(target=self._run, name="report-pdf", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    page = browser.new_page(viewport=PRINT_VIEWPORT)
                    job = self._jobs.get()
                    if job is not None:
                        html_path, pdf_path, month, as_of_text = job
                        header, footer = _templates(month, as_of_text)
                        page.goto(html_path.resolve().as_uri(), wait_until="load")
                        page.emulate_media(media="print")
                        page.pdf(path=str(pdf_path), format="A4", print_background=True,
                                 display_header_footer=True, header_template=header, footer_template=footer,
                                 margin=_MARGIN, prefer_css_page_size=True)
                finally:
                    browser.close()
            self._done.set_result(None)
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread, which raises it
            self._done.set_exception(error)

    def start(self, html_path: Path, pdf_path: Path, month: str, as_of_text: str) -> None:
        """Print `html_path` to `pdf_path` (A4, a header with the month and as-of, page numbers) in the background."""
        self._asked = True
        self._jobs.put((html_path, pdf_path, month, as_of_text))

    def wait(self) -> None:
        """Wait for the page asked for by `start`; PdfError when the browser could not start or print."""
        from playwright.sync_api import Error

        try:
            self._done.result()
        except Error as error:
            raise PdfError(f"cannot print the PDF with {CHROMIUM}: {error.message.splitlines()[0]}") from error

    def close(self) -> None:
        """Stop the browser (without printing when nothing was asked) and its thread."""
        if not self._asked:
            self._asked = True
            self._jobs.put(None)
        self._thread.join()

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def print_pdf(html_path: Path, pdf_path: Path, month: str, as_of_text: str) -> None:
    """Print `html_path` to `pdf_path` on A4 with a header (month, as-of) and page numbers in the footer."""
    with PdfPrinter() as printer:
        printer.start(html_path, pdf_path, month, as_of_text)
        printer.wait()
