"""What the report reads: one whole-store snapshot, the month's metrics JSON, and two event details.

Every figure of the report comes from `ReportData.snapshot` (or `metrics`, which is
summary.metrics_json of that snapshot: what `takedown metrics --json` prints for the same month,
time zone and as-of). The rejection and restoration details and the listings' image URLs are
the only things read besides it.

Listing text (title, url, seller name, image URL) is read only through `listings_with_text` and
`rows` (which take it from there). The report loads its snapshot with the listings and their text
(load_snapshot(listings=True)); `takedown items` and the queues fetch text by key for the rows
shown instead (metrics.listing_text): `listings_with_text` is the one function to change to do so here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.escalations import ESCALATION_SCHEMA, LOG_SCHEMA
from takedown.metrics.filters import Filters
from takedown.metrics.periods import Period, month_period, time_zone
from takedown.metrics.inputs import load_listings_and_rights
from takedown.metrics.snapshot import Snapshot, load_snapshot, plain
from takedown.metrics.status import known_listings
from takedown.metrics.summary import metrics_json
from takedown.sql import load_query

DETAIL_SCHEMA = {"complaint_id": pl.String, "listing_id": pl.String, "event": pl.String,
                 "occurred_at": pl.Datetime("us"), "detail": pl.String}
IMAGE_SCHEMA = {"platform": pl.String, "listing_id": pl.String, "image_url": pl.String}
LISTING_KEY = ["platform", "listing_id"]
# The listing columns that hold untrusted, long text (and image_url, from the export's extra columns).
LISTING_TEXT = ("title", "url", "seller_name")


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
    # Every listing detected by as_of, with its text (a snapshot holds only the backlog's, without
    # text): the networks and the sellers' names read them.
    listings: pl.DataFrame
    # Sections already computed, by name: the page and the workbook share them.
    computed: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # The escalations earlier calls raised and what each call said of them (metrics.escalations).
    escalations: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ESCALATION_SCHEMA))
    escalation_log: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LOG_SCHEMA))
    # The Good-Faith window's items' probabilities of ending removed (complaint_id, listing_id,
    # probability: prediction.registry.predict_items as of as_of), None without a model; and the
    # sentence that says which model, or why there is none.
    window_probabilities: pl.DataFrame | None = None
    prediction_note: str = "No prediction: none was asked for."

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()`, computed the first time `name` is asked for and remembered after."""
        if name not in self.computed:
            self.computed[name] = compute()
        return self.computed[name]

    def facts(self) -> pl.DataFrame:
        """The snapshot's facts with their categoricals as text (made once: every section joins on text)."""
        return self.once("facts", lambda: plain(self.snapshot.facts))

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

    def listings_with_text(self, keys: pl.DataFrame | None = None) -> pl.DataFrame:
        """The snapshot's listings with their text: title, url, seller_name, and image_url when the store has any.

        Every listing, or only those of `keys` (a frame with platform and listing_id). The one
        place the report and the networks read listing text from.
        """
        listings = self.listings
        if keys is not None:
            listings = listings.join(plain(keys).select(LISTING_KEY), on=LISTING_KEY, how="semi")
        if self.listing_images.is_empty():
            return listings
        return listings.join(self.listing_images, on=LISTING_KEY, how="left")

    def rows(self, period: Period, metric: str) -> pl.DataFrame:
        """The rows behind `metric` in `period` (snapshot.rows), their listing text from `listings_with_text`."""
        rows = self.snapshot.rows(period, metric)
        text = self.listings_with_text(rows).select(*LISTING_KEY, *LISTING_TEXT)
        return (rows.drop(LISTING_TEXT).join(text, on=LISTING_KEY, how="left", maintain_order="left")
                .select(rows.columns))


def load_report_data(con: duckdb.DuckDBPyConnection, month: str, as_of: dt.datetime, timezone: str,
                     settings: Settings = DEFAULT_SETTINGS, filters: Filters = Filters()) -> ReportData:
    """Read the store behind `con` once for the report of `month` (YYYY-MM in `timezone`) as of `as_of`.

    `filters` (`takedown report --brand/--account`: one client's report) scope every section: the
    snapshot and the listings are read through them, so every figure equals `takedown metrics` with
    the same flags. ValueError for a bad month or time zone; UnknownFilterValue (a ValueError) for a
    brand or account the store does not hold.
    """
    time_zone(timezone)
    settings = dataclasses.replace(settings, report_timezone=timezone)
    period = month_period(month, timezone)
    # The whole store: the escalation queues and the year-ago month need every item.
    snapshot = load_snapshot(con, as_of, filters, settings=settings, listings=True)
    details = con.execute(load_query("report/decision_details"), {"as_of": as_of}).pl().cast(DETAIL_SCHEMA)
    images = con.sql(load_query("report/listing_images")).pl().cast(IMAGE_SCHEMA)
    listings = known_listings(plain(load_listings_and_rights(con, filters)[0]), as_of)
    escalations, log = load_escalation_record(con)
    probabilities, note = window_probabilities(con, snapshot.good_faith_window(period), as_of, filters)
    return ReportData(month, period, snapshot, metrics_json(snapshot, period), details, images, listings,
                      escalations=escalations, escalation_log=log, window_probabilities=probabilities,
                      prediction_note=note)


def window_probabilities(con: duckdb.DuckDBPyConnection, window: Period, as_of: dt.datetime,
                         filters: Filters) -> tuple[pl.DataFrame | None, str]:
    """The probabilities of the items submitted in `window` (None without a model) and the sentence
    naming the model (the store's newest as of <= as_of; none trained now) or why there is none."""
    from takedown.prediction.registry import predict_items, stored_training
    from takedown.prediction.summary import describe_model_briefly

    training = stored_training(con, as_of)
    if training.model is None:
        return None, describe_model_briefly(training)
    _, predictions = predict_items(con, as_of, window.start, window.end, filters, training)
    return predictions.select("complaint_id", "listing_id", "probability"), describe_model_briefly(training)


def load_escalation_record(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The store's escalations and escalation log (empty for a store no filled workbook was loaded into,
    or one made before the tables existed)."""
    tables = {row[0] for row in con.sql(
        "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}
    if not {"escalations", "escalation_log"} <= tables:
        return pl.DataFrame(schema=ESCALATION_SCHEMA), pl.DataFrame(schema=LOG_SCHEMA)
    return (con.sql(load_query("report/escalations")).pl().cast(ESCALATION_SCHEMA),  # type: ignore[arg-type]
            con.sql(load_query("report/escalation_log")).pl().cast(LOG_SCHEMA))  # type: ignore[arg-type]
