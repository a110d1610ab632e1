"""The report reads only its month, window, trend and queues (report.data), and what it shows equals, digit
for digit, what the whole-store snapshot gives: on a store with history before the trend's first month and
items after the month (and after the as-of), in two time zones, for the whole store and one client."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from program_stores import ingest_program, random_program

from takedown.metrics import snapshot as snapshot_module
from takedown.metrics.filters import Filters
from takedown.metrics.inputs import listing_text_from_store, load_listings_and_rights
from takedown.metrics.periods import Period, month_period
from takedown.metrics.snapshot import Snapshot, load_snapshot, plain
from takedown.metrics.status import known_listings
from takedown.metrics.summary import metrics_json
from takedown.report import calls, changes, escalations, sections
from takedown.report.build import write_report
from takedown.report.data import ReportData, compared_months, load_report_data
from takedown.report.html import render_html
from takedown.sql import load_query
from takedown.store import Reader

AS_OF = dt.datetime(2026, 6, 20, 12)
MONTH = "2026-05"
CASES = [(timezone, filters) for timezone in ("UTC", "Asia/Shanghai")
         for filters in (Filters(), Filters(brand="Acme"), Filters(account="acct-b"))]


def _program(items: int = 900) -> dict[str, list[list[str]]]:
    # Items submitted from January 2025 (five months before the trend's first month, June 2025) to July
    # 2026 (after the month and after the as-of), 0 to 3 events each within 40 days, some after the as-of;
    # sellers with many listings (repeat offenders), storefront items, pages shown by several sellers on
    # two hosts (networks), rights in force, expired and missing.
    program = random_program(
        seed=23, sellers=40, days=560, items=items,
        url=lambda number, listing: (f"https://{('a', 'b')[number % 2]}.example.com"
                                     + (f"/item/shared-{number % 17}" if number % 5 == 0 else f"/item/{listing}")),
        title=lambda number: f"title {number % 60}", detail=lambda number: f"note {number}")
    rights = [["registration", "ipr_type", "brand", "jurisdiction", "expires_on", "ipp_status"],
              ["TM-0", "trademark", "Acme", "CN", "2030-01-01", "verified"],
              ["TM-1", "design", "Zenith", "CN", "2025-09-01", "verified"],
              ["TM-2", "trademark", "Acme", "EU", "2030-01-01", "pending"]]
    return {"ip_rights": rights, **program}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db, results = ingest_program(tmp_path_factory.mktemp("report-narrow"), _program(),
                                 now=dt.datetime(2026, 9, 1))
    assert [result.rejected for result in results] == [0, 0, 0, 0]
    connection = Reader(db).cursor()
    yield connection
    connection.close()


@dataclasses.dataclass(frozen=True)
class WholeStore:
    """report.data.ReportStore's answers from the whole-store snapshot: every item's facts (a superset of any
    items asked for: each caller picks its own), the snapshot's own queue."""

    whole: Snapshot
    con: object

    def facts_of(self, wanted: pl.DataFrame) -> pl.DataFrame:
        return plain(self.whole.facts)

    def pending_facts(self) -> pl.DataFrame:
        return plain(self.whole.facts)

    def repeat_offenders_queue(self, offenders: pl.DataFrame) -> pl.DataFrame:
        return self.whole.repeat_offenders_queue()

    def listing_text(self):
        return listing_text_from_store(self.con)


def _whole_store_data(con, data: ReportData, filters: Filters) -> ReportData:
    """`data` as the report read it before: one snapshot of the whole store, every figure from it."""
    settings = data.snapshot.settings
    whole = load_snapshot(con, AS_OF, filters, settings=settings)
    details = con.execute(load_query("report/decision_details"), {"as_of": AS_OF}).pl()
    return dataclasses.replace(
        data, snapshot=whole, metrics=metrics_json(whole, data.period), trend=whole.trend(data.month, 12),
        compared_totals={label: whole.totals(month_period(label, settings.report_timezone))
                         for label in compared_months(data.month)},
        store=WholeStore(whole, con), decision_details=details.cast(data.decision_details.schema), computed={})


def _page(data: ReportData, sheets: dict[str, pl.DataFrame]) -> str:
    # The charts' element ids are drawn at random per render: everything else must be equal.
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", render_html(data, sheets))


def _equal(shown: pl.DataFrame, expected: pl.DataFrame, name: str) -> None:
    try:
        assert_frame_equal(shown, expected, check_dtypes=False)
    except AssertionError as error:
        raise AssertionError(f"{name}: {error}") from error


SECTIONS = ("headline_figures", "good_faith_accounts", "good_faith_reasons", "projection", "reasons_at_risk", "trend",
            "platforms", "repeat_offenders", "networks", "effectiveness")


@pytest.mark.parametrize("timezone, filters", CASES)
def test_the_report_read_narrowly_equals_the_whole_store_s(con, timezone, filters):
    data = load_report_data(con, MONTH, AS_OF, timezone, filters=filters)
    whole = _whole_store_data(con, data, filters)
    assert data.metrics == whole.metrics
    for name in SECTIONS:
        _equal(getattr(sections, name)(data), getattr(sections, name)(whole), name)
    assert_frame_equal(changes.what_changed(data), changes.what_changed(whole))
    assert_frame_equal(changes.new_repeat_offenders(data), changes.new_repeat_offenders(whole), check_dtypes=False)
    assert_frame_equal(calls.call_status(data), calls.call_status(whole), check_dtypes=False)
    sheets, whole_sheets = escalations.escalation_sheets(data), escalations.escalation_sheets(whole)
    assert list(sheets) == list(whole_sheets)
    for name, frame in sheets.items():
        _equal(frame, whole_sheets[name], name)
    assert _page(data, sheets) == _page(whole, whole_sheets)
    # The listings are the store's detected by the as-of, of the client's brand (their text read by key).
    before = known_listings(plain(load_listings_and_rights(con, filters)[0]), AS_OF)
    columns = ["platform", "listing_id", "seller_id", "detected_at"]
    assert_frame_equal(data.listings.select(columns), before.select(columns), check_dtypes=False)
    if filters == Filters():
        # What is compared is not empty: the trend's first month and the year before hold items, the
        # sheets and the queues rows, and items after the month exist (the snapshot must leave them out).
        previous, last_year = compared_months(MONTH)
        assert data.trend.get_column("submitted")[0] > 0 and data.totals(last_year).get_column("submitted")[0] > 0
        assert all(sheets[name].height for name in escalations.SHEETS if name != "Missed CN responses")
        assert sections.networks(data).height and changes.new_repeat_offenders(whole).height
        assert whole.snapshot.facts.height > data.snapshot.facts.height
        assert whole.snapshot.facts.filter(pl.col("submitted_at") >= data.period.end).height
        assert whole.snapshot.facts.filter(pl.col("submitted_at") < data.trend.get_column("start")[0]).height


def test_the_report_loads_no_whole_store_snapshot(con, monkeypatch, tmp_path):
    # Every snapshot the report loads (through any caller) is of a span of a few months: the month, its
    # Good-Faith window and the month before, or a block of the trend's months.
    loads: list[tuple[dt.datetime | None, dt.datetime | None]] = []
    original = snapshot_module._load_snapshot

    def recording(con, as_of, filters, since, until, *args):
        loads.append((since, until))
        return original(con, as_of, filters, since, until, *args)

    monkeypatch.setattr(snapshot_module, "_load_snapshot", recording)
    data = load_report_data(con, MONTH, AS_OF, "Asia/Shanghai")
    write_report(data, tmp_path / "out", pdf=False)
    assert (tmp_path / "out" / "report.html").exists()
    assert loads and all(since is not None and until is not None for since, until in loads), loads
    assert all(until - since <= dt.timedelta(days=4 * 31) for since, until in loads), loads  # type: ignore[operator]
    # Together they hold the trend's months, the same month a year earlier and the window: no more.
    first = month_period("2025-05", "Asia/Shanghai").start
    assert min(since for since, _ in loads) == first  # type: ignore[type-var]
    assert max(until for _, until in loads) == month_period(MONTH, "Asia/Shanghai").end  # type: ignore[type-var]
    assert Period(first, data.period.end).start < data.period.start
