"""What the report reads: one whole-store snapshot, the month's metrics JSON, and two event details.

Every figure of the report comes from `ReportData.snapshot` (or `metrics`, which is
summary.metrics_json of that snapshot: what `takedown metrics --json` prints for the same month,
time zone and as-of). The rejection and restoration details and the listings' image URLs are
the only things read besides it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from takedown.metrics.snapshot import plain

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.periods import Period, month_period, time_zone
from takedown.metrics.snapshot import Snapshot, load_snapshot
from takedown.metrics.summary import metrics_json
from takedown.sql import load_query

DETAIL_SCHEMA = {"complaint_id": pl.String, "listing_id": pl.String, "event": pl.String,
                 "occurred_at": pl.Datetime("us"), "detail": pl.String}
IMAGE_SCHEMA = {"platform": pl.String, "listing_id": pl.String, "image_url": pl.String}


@dataclass(frozen=True)
class ReportData:
    """The inputs of one month's report: `month` (YYYY-MM) in the snapshot's time zone, as of its as_of."""

    month: str
    period: Period
    snapshot: Snapshot
    metrics: dict[str, object]
    # The latest rejected / restored event detail per item (the platform's reason, untrusted).
    decision_details: pl.DataFrame
    # The listings with an image URL among their export's extra columns (may be empty).
    listing_images: pl.DataFrame
    # Sections already computed, by name: the page and the workbook share them.
    computed: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()`, computed the first time `name` is asked for and remembered after."""
        if name not in self.computed:
            self.computed[name] = compute()
        return self.computed[name]

    @property
    def window(self) -> Period:
        """The Good-Faith window of the month."""
        return self.snapshot.good_faith_window(self.period)

    @property
    def has_data(self) -> bool:
        """Whether any complaint item was submitted in the month or its Good-Faith window."""
        window = self.window
        return self.snapshot.cohort(Period(min(window.start, self.period.start),
                                           max(window.end, self.period.end))).height > 0

    def listings_with_images(self) -> pl.DataFrame:
        """The snapshot's listings, with an image_url column when the store has any."""
        listings = plain(self.snapshot.listings)
        if self.listing_images.is_empty():
            return listings  # type: ignore[return-value]
        return listings.join(self.listing_images, on=["platform", "listing_id"], how="left")  # type: ignore[union-attr]


def load_report_data(con: duckdb.DuckDBPyConnection, month: str, as_of: dt.datetime, timezone: str,
                     settings: Settings = DEFAULT_SETTINGS) -> ReportData:
    """Read the store behind `con` once for the report of `month` (YYYY-MM in `timezone`) as of `as_of`.

    ValueError for a bad month or time zone.
    """
    time_zone(timezone)
    settings = dataclasses.replace(settings, report_timezone=timezone)
    period = month_period(month, timezone)
    # The whole store: the escalation queues and the year-ago month need every item.
    snapshot = load_snapshot(con, as_of, settings=settings, listings=True)
    details = con.sql(load_query("report/decision_details"), params={"as_of": as_of}).pl().cast(DETAIL_SCHEMA)
    images = con.sql(load_query("report/listing_images")).pl().cast(IMAGE_SCHEMA)
    return ReportData(month, period, snapshot, metrics_json(snapshot, period), details, images)
