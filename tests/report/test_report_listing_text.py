"""The report reads listing text (titles, URLs, seller names) through ReportData.listings_with_text only.

When the snapshot stops holding that text and fetches it by key, that accessor is the one thing
to change: this test replaces it and checks that every title, URL and seller name the report
shows came through it.
"""

from __future__ import annotations

import markupsafe
import polars as pl
from report_fixtures import AS_OF, FORMULA_SELLER, MONTH, SCRIPT_TITLE

from takedown.metrics.periods import parse_instant
from takedown.report import escalations, sections
from takedown.report.data import LISTING_TEXT, ReportData, load_report_data
from takedown.report.html import render_html
from takedown.store import connect_reader

MARK = "via-accessor:"


def test_every_listing_text_shown_comes_from_the_accessor(report_store, monkeypatch):
    original = ReportData.listings_with_text

    def marked(self, keys=None):
        return original(self, keys).with_columns(pl.format(f"{MARK}{{}}", column).alias(column)
                                                 for column in LISTING_TEXT)

    monkeypatch.setattr(ReportData, "listings_with_text", marked)
    # The snapshot fetches listing text through its connection: it stays open while the report is made.
    con = connect_reader(report_store)
    try:
        data = load_report_data(con, MONTH, parse_instant(AS_OF, "UTC"), "UTC")
        sheets = escalations.escalation_sheets(data)
        shown = [frame.select(column for column in frame.columns if column in LISTING_TEXT)
                 for frame in (*sheets.values(), sections.repeat_offenders(data))]
        values = [value for frame in shown for column in frame.columns
                  for value in frame.get_column(column).drop_nulls().to_list()]
        assert values and all(value.startswith(MARK) for value in values)
        # The networks link sellers by the marked names: the one shared name still links them.
        names = sections.networks(data).get_column("seller_names").to_list()
        assert all(name.startswith(MARK) for row in names for name in row.split(", "))
        page = render_html(data, sheets)
        # The page shows the hostile seller name and title, each time as the accessor gave them.
        for text in (FORMULA_SELLER, SCRIPT_TITLE):
            escaped = str(markupsafe.escape(text))
            assert page.count(escaped) > 0 and page.count(escaped) == page.count(str(markupsafe.escape(MARK + text)))
    finally:
        con.close()