"""What the report reads: the month, its Good-Faith window, the trend's months and the queues, never the whole store.

`ReportData.snapshot` holds the items submitted from the previous month's Good-Faith window to the
month's end (load_snapshot(since=, until=), with the repeat window's removed listing items it leaves
out: what `takedown metrics --month` reads, and the previous month's standing): every figure of the
month, its window and the month before comes from it, and `metrics` is summary.metrics_json of it (what
`takedown metrics --json` prints for the same month, time zone and as-of). The trend's other months and
the same month a year earlier are read a few months at a time (TREND_MONTHS_PER_LOAD), each load let go
once its rows are counted. What every item of the store counts toward (the repeat offenders with their
history, the items still pending, the facts of the sellers and items a section names) is read on demand
from the open store by metrics.narrow (`ReportData.store`): only the items each one shows. The
rejection and restoration details of the window's items and the listings' image URLs are the only
other things read.

Listing text (title, url, seller name, image URL) is read only through `listings_with_text` and `rows`
(which take it from there): fetched by key (metrics.listing_text), as `takedown items` does, for the
listings asked for; `listings` holds every listing detected by as_of without its text.
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
from takedown.frames import register_frame
from takedown.metrics import narrow
from takedown.metrics.escalations import ESCALATION_SCHEMA, LOG_SCHEMA
from takedown.metrics.filters import Filters, check_filter_values
from takedown.metrics.inputs import listing_parameters, listing_text_from_store
from takedown.metrics.item_rows import rows_behind
from takedown.metrics.listing_text import ListingText, listing_text_from_frame, with_listing_text
from takedown.metrics.periods import (
    Period,
    month_label,
    month_period,
    months_ending,
    parse_month,
    shift_month,
    time_zone,
)
from takedown.metrics.snapshot import Snapshot, load_snapshot, plain
from takedown.metrics.summary import cohort_scope, metrics_json
from takedown.metrics.trends import HEADLINE_METRICS, with_month_changes
from takedown.sql import load_query

DETAIL_SCHEMA = {"complaint_id": pl.String, "listing_id": pl.String, "event": pl.String,
                 "occurred_at": pl.Datetime("us"), "detail": pl.String}
IMAGE_SCHEMA = {"platform": pl.String, "listing_id": pl.String, "image_url": pl.String}
LISTING_KEY = ["platform", "listing_id"]
# The listing columns that hold untrusted, long text (and image_url, from the export's extra columns).
LISTING_TEXT = ("title", "url", "seller_name")
# A listing as the report holds it: its key, its seller, when it was detected, and the store's row id its
# text is fetched by (queries/report/listings.sql).
LISTING_SCHEMA = {"platform": pl.String, "listing_id": pl.String, "seller_id": pl.String,
                  "detected_at": pl.Datetime("us"), "listing_key": pl.Int32}
# The months of the report's trend, ending with its month.
TREND_MONTHS = 12
# The trend's months (and the same month a year earlier) the report's snapshot does not hold are read
# this many at a time: a few months' items in memory at once, each month's rows counted from its load.
TREND_MONTHS_PER_LOAD = 3
_ITEM = ["complaint_id", "listing_id"]
# The decided statuses whose latest event detail the report shows (rejected to contest, restored).
_DETAILED_STATUSES = ("rejected", "restored")
# The name under which the details' query reads the keys of the items whose details are shown.
_DETAILED_ITEMS = "detailed_items"


def compared_months(month: str) -> tuple[str, str]:
    """The previous month and the same month a year earlier (YYYY-MM)."""
    year, number = parse_month(month)
    return month_label(*shift_month(year, number, -1)), month_label(*shift_month(year, number, -12))


@dataclass(frozen=True)
class ReportStore:
    """The open store the report reads what every item counts toward from, as of `as_of` under `filters`
    (metrics.narrow: only the items each answer needs). `con` stays open while the report is made."""

    con: duckdb.DuckDBPyConnection
    as_of: dt.datetime
    filters: Filters
    settings: Settings

    def facts_of(self, wanted: pl.DataFrame) -> pl.DataFrame:
        """The complaint item facts (text, not categoricals) of the items whose columns equal a row of `wanted`
        (platform and seller_id: a seller's items; complaint_id and listing_id: the items named)."""
        return plain(narrow.facts_of(self.con, self.as_of, self.filters, self.settings, wanted))

    def pending_facts(self) -> pl.DataFrame:
        """The facts of a superset of the items pending at as_of, of the whole store (narrow.pending_facts)."""
        return plain(narrow.pending_facts(self.con, self.as_of, self.filters, self.settings))

    def repeat_offenders_queue(self, offenders: pl.DataFrame) -> pl.DataFrame:
        """Snapshot.repeat_offenders_queue of the whole store for `offenders` (Snapshot.repeat_offenders of the
        report's snapshot: narrow.repeat_offenders_queue)."""
        return narrow.repeat_offenders_queue(self.con, self.as_of, self.filters, self.settings, offenders)

    def listing_text(self) -> ListingText:
        """The listings' text read by listing_key (inputs.listing_text_from_store)."""
        return listing_text_from_store(self.con)


# What a snapshot's rows carry as listing text in the report: none (ReportData.rows adds it by key).
_NO_TEXT = listing_text_from_frame(pl.DataFrame(schema={name: pl.String for name in (*LISTING_KEY, *LISTING_TEXT)}))


@dataclass(frozen=True)
class ReportData:
    """The inputs of one month's report: `month` (YYYY-MM) in the snapshot's time zone, as of its as_of."""

    month: str
    period: Period
    # The items submitted from the previous month's Good-Faith window to the month's end (and the repeat
    # window's removed listing items it leaves out): the month's, its window's and the month before's figures.
    snapshot: Snapshot
    metrics: dict[str, object]
    # The latest rejected / restored event detail of the items of the snapshot whose status is one
    # (the platform's reason, untrusted).
    decision_details: pl.DataFrame
    # The listings with an image URL among their export's extra columns (may be empty).
    listing_images: pl.DataFrame
    # Every listing detected by as_of (LISTING_SCHEMA: no text; listings_with_text fetches it by key):
    # the networks and the sellers' names read them.
    listings: pl.DataFrame
    # The trend of the TREND_MONTHS months ending with the month (Snapshot.trend's frame).
    trend: pl.DataFrame
    # The totals (Snapshot.totals) of the previous month and of the same month a year earlier, by month.
    compared_totals: dict[str, pl.DataFrame]
    # Where the queues, the items still pending and the facts of named sellers and items are read from.
    store: ReportStore
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

    def totals(self, month: str) -> pl.DataFrame:
        """One row: every metric of `month`'s cohort (Snapshot.totals), for the month, the previous one and
        the same month a year earlier."""
        if month in self.compared_totals:
            return self.compared_totals[month]
        return self.snapshot.totals(month_period(month, self.snapshot.timezone))

    def item_facts(self, wanted: pl.DataFrame) -> pl.DataFrame:
        """The facts (text) of the items of the store whose columns equal a row of `wanted` (ReportStore.facts_of)."""
        return self.store.facts_of(wanted)

    def repeat_offenders_queue(self) -> pl.DataFrame:
        """The repeat offenders with their history, storefront candidates flagged (Snapshot.repeat_offenders_queue
        of the whole store), read once."""
        return self.once("repeat_offenders_queue",
                         lambda: self.store.repeat_offenders_queue(self.snapshot.repeat_offenders()))

    def listings_with_text(self, keys: pl.DataFrame | None = None) -> pl.DataFrame:
        """The listings with their text: title, url, seller_name, and image_url when the store has any.

        Every listing, or only those of `keys` (a frame with platform and listing_id), the text fetched by
        key for those only. The one place the report and the networks read listing text from.
        """
        listings = self.listings
        if keys is not None:
            listings = listings.join(plain(keys).select(LISTING_KEY), on=LISTING_KEY, how="semi")
        listings = with_listing_text(listings, self.store.listing_text()).drop("listing_key")
        if self.listing_images.is_empty():
            return listings
        return listings.join(self.listing_images, on=LISTING_KEY, how="left")

    def rows(self, period: Period, metric: str) -> pl.DataFrame:
        """The rows behind `metric` in `period` (snapshot.rows), their listing text from `listings_with_text`."""
        return self._with_text(self.snapshot.rows(period, metric))

    def pending_rows(self, before: dt.datetime) -> pl.DataFrame:
        """The rows behind `pending` of every item of the store submitted before `before` (the whole store's,
        from ReportStore.pending_facts), their listing text from `listings_with_text`."""
        facts = self.store.pending_facts().filter(pl.col("submitted_at") < before)
        return self._with_text(plain(rows_behind(facts, "pending", self.snapshot.listings,  # type: ignore[arg-type]
                                                 self.snapshot.missed_counter_notices, _NO_TEXT)))

    def _with_text(self, rows: pl.DataFrame) -> pl.DataFrame:
        text = self.listings_with_text(rows).select(*LISTING_KEY, *LISTING_TEXT)
        return (rows.drop(LISTING_TEXT).join(text, on=LISTING_KEY, how="left", maintain_order="left")
                .select(rows.columns))


def report_span(period: Period, month: str, settings: Settings) -> Period:
    """The span of submitted_at the report's snapshot holds: the month and its Good-Faith window
    (summary.cohort_scope: what `takedown metrics` reads) and the previous month's (the standing it is
    compared with), months in settings.report_timezone."""
    timezone = settings.report_timezone
    scope = cohort_scope(period, timezone, settings)
    previous = cohort_scope(month_period(compared_months(month)[0], timezone), timezone, settings)
    return Period(min(scope.start, previous.start), max(scope.end, previous.end))


def load_report_data(con: duckdb.DuckDBPyConnection, month: str, as_of: dt.datetime, timezone: str,
                     settings: Settings = DEFAULT_SETTINGS, filters: Filters = Filters()) -> ReportData:
    """Read what the report of `month` (YYYY-MM in `timezone`) as of `as_of` shows from the store behind `con`.

    `filters` (`takedown report --brand/--account`: one client's report) scope every section: every read
    goes through them, so every figure equals `takedown metrics` with the same flags. ValueError for a bad
    month or time zone; UnknownFilterValue (a ValueError) for a brand or account the store does not hold.
    `con` must stay open while the report is made (listing text and the queues are read on demand).
    """
    time_zone(timezone)
    settings = dataclasses.replace(settings, report_timezone=timezone)
    period = month_period(month, timezone)
    check_filter_values(con, filters)
    span = report_span(period, month, settings)
    snapshot = load_snapshot(con, as_of, filters, since=span.start, until=span.end, settings=settings,
                             repeat_offenders=True, strict=False)
    # The rows behind a figure get their text from ReportData.listings_with_text, and the report shows no
    # price flag: the snapshot reads neither (the flags would read every listing of the store).
    snapshot = dataclasses.replace(snapshot, listing_text=_NO_TEXT, price_flag_source=None)
    trend, totals = _trend_and_totals(con, snapshot, month, span, filters, settings)
    details = _decision_details(con, snapshot, as_of)
    images = con.sql(load_query("report/listing_images")).pl().cast(IMAGE_SCHEMA)
    listings = con.execute(load_query("report/listings"), {"as_of": snapshot.as_of,
                                                           **listing_parameters(filters)}).pl().cast(LISTING_SCHEMA)
    escalations, log = load_escalation_record(con)
    probabilities, note = window_probabilities(con, snapshot.good_faith_window(period), as_of, filters)
    return ReportData(month, period, snapshot, metrics_json(snapshot, period), details, images, listings, trend,
                      totals, ReportStore(con, snapshot.as_of, filters, settings),
                      escalations=escalations, escalation_log=log, window_probabilities=probabilities,
                      prediction_note=note)


def _trend_and_totals(con: duckdb.DuckDBPyConnection, snapshot: Snapshot, month: str, span: Period,
                      filters: Filters, settings: Settings) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The trend of the TREND_MONTHS months ending with `month` and the totals of the compared months: the
    months `snapshot` (of `span`) holds from it, the others from snapshots of TREND_MONTHS_PER_LOAD months
    at a time, each let go once its months are counted."""
    timezone = settings.report_timezone
    labels = months_ending(month, TREND_MONTHS)
    compared = compared_months(month)
    rows: dict[str, pl.DataFrame] = {}
    totals: dict[str, pl.DataFrame] = {}

    def count(source: Snapshot, label: str) -> None:
        if label in labels:
            rows[label] = source.trend(label, 1).select(pl.exclude("^.*_change$"))
        if label in compared:
            totals[label] = source.totals(month_period(label, timezone))

    wanted = sorted({*labels, *compared})
    held = [label for label in wanted if span.start <= month_period(label, timezone).start
            and month_period(label, timezone).end <= span.end]
    for label in held:
        count(snapshot, label)
    others = [label for label in wanted if label not in held]
    for first in range(0, len(others), TREND_MONTHS_PER_LOAD):
        block = others[first:first + TREND_MONTHS_PER_LOAD]
        since, until = month_period(block[0], timezone).start, month_period(block[-1], timezone).end
        loaded = load_snapshot(con, snapshot.as_of, filters, since=since, until=until, settings=settings,
                               listings=False, strict=False)
        for label in block:
            count(loaded, label)
        del loaded
    return with_month_changes(pl.concat([rows[label] for label in labels]), HEADLINE_METRICS), totals


def _decision_details(con: duckdb.DuckDBPyConnection, snapshot: Snapshot, as_of: dt.datetime) -> pl.DataFrame:
    """report/decision_details of the snapshot's items whose status is rejected or restored (the only
    rows whose details the report shows: those of its window)."""
    keys = (snapshot.facts.filter(pl.col("status").cast(pl.String).is_in(_DETAILED_STATUSES))
            .select(pl.col(_ITEM).cast(pl.String)).unique())
    query = (f"select * from ({load_query('report/decision_details')}) as detail "
             f"semi join {_DETAILED_ITEMS} as item using (complaint_id, listing_id)")
    cursor = con.cursor()
    try:
        register_frame(cursor, _DETAILED_ITEMS, keys)
        return cursor.execute(query, {"as_of": as_of}).pl().cast(DETAIL_SCHEMA)  # type: ignore[arg-type]
    finally:
        cursor.close()


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
