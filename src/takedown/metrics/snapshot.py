"""A snapshot: the store as known at an as-of instant, optionally filtered, loaded once.

Every surface (the CLI, the notebooks, the dashboard, the report) derives its figures from one
Snapshot and only from it: totals, every breakdown, the monthly trend, Good-Faith standing, repeat
offenders, the work queues and the rows behind a figure. All results are typed Polars frames;
`summary.metrics_json` shapes SPEC 4's JSON from them.

    snapshot = load_snapshot(con, as_of, Filters(platform="taobao"))
    snapshot.totals(period); snapshot.breakdown(period, "brand"); snapshot.trend("2026-10", 12)
    snapshot.rows(period, "removed", by=("platform", "taobao"))

A snapshot loaded from `since` (and before `until`) holds only the items submitted in that span:
asking it for a figure that needs other items raises NarrowSnapshotError instead of returning too
little.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

import duckdb
import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics import good_faith as good_faith_module
from takedown.metrics import queues as queues_module
from takedown.metrics import repeat_offenders as repeat_module
from takedown.metrics import rights as rights_module
from takedown.metrics.facts import facts_from_milestones
from takedown.metrics.filters import FILTER_COLUMNS, Filters, check_filter_values
from takedown.metrics.inputs import (
    KEYED_LISTING_SCHEMA,
    LISTING_SIGHTING_SCHEMA,
    MetricInputs,
    count_items,
    empty_frame,
    first_submitted_at,
    item_categories,
    listing_text_from_store,
    load_item_milestones,
    load_items,
    load_removed_listing_items,
    load_listing_sightings,
    load_rights,
    load_unreported_listings,
    read_exchange_rates,
)
from takedown.metrics.item_rows import rows_behind
from takedown.metrics.listing_text import LISTING_TEXT_COLUMNS, ListingText, listing_text_from_frame, with_listing_keys
from takedown.metrics.kpis import cohort, cohort_metrics
from takedown.metrics.periods import Period, good_faith_window, naive_utc
from takedown.metrics.prices import price_flags
from takedown.metrics.status import event_milestones, known_events, known_items
from takedown.metrics.trends import HEADLINE_METRICS, monthly_trend, trend_window

# The breakdowns of SPEC 3: a fact column each (the filters compare the same columns).
BREAKDOWN_COLUMNS = FILTER_COLUMNS


class NarrowSnapshotError(ValueError):
    """A snapshot was loaded too narrowly (too late a `since`, too early an as-of, no listings) for a figure."""


def round_as_of(instant: dt.datetime, to: dt.timedelta = dt.timedelta(minutes=1)) -> dt.datetime:
    """`instant` floored to a multiple of `to` (since the epoch), so caches can key on it.

    `round_as_of(utc_now())` changes once a minute: every page shown within that minute reads the
    same snapshot.
    """
    if to <= dt.timedelta(0):
        raise ValueError(f"the rounding step must be positive, not {to}")
    epoch = dt.datetime(1970, 1, 1, tzinfo=instant.tzinfo)
    return instant - (instant - epoch) % to


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The store as known at `as_of`: the facts of each complaint item and what the queues read.

    `facts` are complaint item facts (facts.FACT_COLUMNS and listing_key) of the items submitted
    by as_of (from `since` and before `until` when set) that match `filters`; `missed_counter_notices` one row per
    missed counter-notice response (item_id, counter_noticed_at, response_deadline); `listings`
    (None when not loaded) the listings of the filters' platform and brand detected by as_of that
    no listing item of the facts names (the high-risk backlog's candidates; none when `since` is
    set), without their text; `rights` (None when not loaded) those of the filters' brand. `version` is the
    store version it was read from (takedown.store.store_version), for cache keys.
    """

    facts: pl.DataFrame
    missed_counter_notices: pl.DataFrame
    listings: pl.DataFrame | None
    rights: pl.DataFrame | None
    exchange_rates: pl.DataFrame
    as_of: dt.datetime
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    filters: Filters = Filters()
    settings: Settings = DEFAULT_SETTINGS
    version: str | None = None
    # The removed listing items of the repeat-offender window (repeat_offenders.removed_listing_items'
    # columns, seller_id as text) submitted outside the facts' span, when the facts do not cover the window
    # (load_snapshot(..., repeat_offenders=True)); None otherwise.
    repeat_items: pl.DataFrame | None = None
    # Where the listings' free text (url, title, seller_name) comes from, for the rows a view
    # returns: the store the snapshot was loaded from (by listing_key), or the hand-made listings.
    # The frames never hold that text. None when the listings were not loaded.
    listing_text: ListingText | None = None
    # Per seller with listings detected by as_of (of the filters' platform and brand): first and
    # last detected_at (repeat_offenders.listing_sightings); None: computed from `listings`.
    listing_sightings: pl.DataFrame | None = None
    # Computes every listing's abnormal-price flag as of as_of (prices.price_flags), shown on the rows
    # behind a figure and in the backlog: on first use only (it reads every listing of the store; the
    # store must still be open). None when the listings were not loaded (those columns are null).
    price_flag_source: Callable[[], pl.DataFrame] | None = None

    @cached_property
    def price_flags(self) -> pl.DataFrame | None:
        """Every listing's abnormal-price flag as of as_of (None when the listings were not loaded)."""
        return None if self.price_flag_source is None else self.price_flag_source()

    @property
    def timezone(self) -> str:
        """The report time zone: where calendar months begin (settings.report_timezone)."""
        return self.settings.report_timezone

    # --- what the snapshot holds ---

    def require(self, since: dt.datetime, what: str, until: dt.datetime | None = None) -> None:
        """Raise NarrowSnapshotError unless every item submitted from `since` (and before `until`;
        None: by as_of) is in the snapshot."""
        if self.since is not None and self.since > since:
            raise NarrowSnapshotError(
                f"{what} needs every item submitted from {since}, as of {self.as_of}; this snapshot was loaded "
                f"with the items submitted from {self.since} only: load it with since <= {since} (or None)")
        if self._cut_short and (until is None or until > self.until):  # type: ignore[operator]
            raise NarrowSnapshotError(
                f"{what} needs every item submitted {'by ' + str(self.as_of) if until is None else 'before ' + str(until)}"
                f"; this snapshot was loaded with the items submitted before {self.until} only: load it with "
                f"until >= {until or self.as_of} (or None)")

    @property
    def _cut_short(self) -> bool:
        # Loaded with an `until` that leaves out items known by as_of.
        return self.until is not None and self.until <= self.as_of

    def require_whole_store(self, what: str, listings: bool = False) -> None:
        """Raise NarrowSnapshotError unless the snapshot holds every item (and the listings, when asked)."""
        if self.since is not None or self._cut_short:
            span = " ".join(f"{word} {bound}" for word, bound in (("from", self.since), ("before", self.until))
                            if bound is not None)
            raise NarrowSnapshotError(f"{what} needs the whole store; this snapshot was loaded with the items "
                                      f"submitted {span} only: load it with since=None and until=None")
        if listings:
            self.require_listings(what)

    def require_listings(self, what: str) -> None:
        """Raise NarrowSnapshotError unless the snapshot was loaded with the listings and rights."""
        if self.listings is None or self.rights is None:
            raise NarrowSnapshotError(f"{what} needs the listings; this snapshot was loaded without them: "
                                      "load it with listings=True")

    # --- cohort metrics ---

    def cohort(self, period: Period) -> pl.DataFrame:
        """The facts of the items submitted in the period (and by as_of)."""
        self.require(period.start, f"the cohort of {period.start} to {period.end}", period.end)
        return cohort(self.facts, period)

    def totals(self, period: Period) -> pl.DataFrame:
        """One row: every metric (registry.METRIC_NAMES) of the period's cohort."""
        return plain(cohort_metrics(self.cohort(period)))

    def breakdown(self, period: Period, by: str) -> pl.DataFrame:
        """One row per value of `by` (platform, account, reason, ipr_type or brand): its key, then every metric.

        Keys sorted, a null brand (an item without a known listing) last.
        """
        _check_breakdown(by)
        return plain(cohort_metrics(self.cohort(period), by=by))

    def trend(self, last_month: str, months: int = 12, metrics: Sequence[str] = HEADLINE_METRICS,
              by: str | None = None) -> pl.DataFrame:
        """The monthly trend of `metrics` over the `months` calendar months ending with `last_month` (YYYY-MM).

        Per breakdown key when `by` is given. See trends.monthly_trend for the columns.
        """
        if by is not None:
            _check_breakdown(by)
        window = trend_window(last_month, months, self.timezone)
        self.require(window.start, f"a {months}-month trend to {last_month}", window.end)
        return plain(monthly_trend(self.facts, last_month, months, self.timezone, metrics, by))

    # --- Good-Faith standing and repeat offenders (over the snapshot: filtered when it is) ---

    def good_faith_window(self, period: Period) -> Period:
        """The Good-Faith look-back of `period`: settings.good_faith_months calendar months ending with its last."""
        return good_faith_window(period, self.timezone, self.settings.good_faith_months)

    def good_faith(self, period: Period) -> pl.DataFrame:
        """One row per account with items in the window: takedown_rate, counter_notice_success_rate,
        reasons_at_risk, at_risk."""
        window = self.good_faith_window(period)
        return plain(good_faith_module.good_faith_standing(self.facts, window, self.settings,
                                                           self._good_faith_by_reason(window)))

    def good_faith_by_reason(self, period: Period) -> pl.DataFrame:
        """One row per (account, reason) with items in the window: the two rates and at_risk."""
        return plain(self._good_faith_by_reason(self.good_faith_window(period)))

    def _good_faith_by_reason(self, window: Period) -> pl.DataFrame:
        # Both views start from it: counted once per window (the facts never change).
        self.require(window.start, "Good-Faith standing", window.end)
        if window not in self._by_reason:
            self._by_reason[window] = good_faith_module.good_faith_by_reason(self.facts, window, self.settings)
        return self._by_reason[window]

    @cached_property
    def _by_reason(self) -> dict[Period, pl.DataFrame]:
        return {}

    def _repeat_window_items(self) -> pl.DataFrame:
        # The facts when they cover the window; else the facts' removed listing items with those
        # loaded for the rest of the window.
        if self.repeat_items is not None:
            # seller_id as text on both sides: a categorical of the window's sellers costs more to make.
            removed = repeat_module.removed_listing_items(self.facts, self.as_of, self.settings)
            return pl.concat([removed.with_columns(pl.col("seller_id").cast(pl.String)), self.repeat_items],
                             rechunk=False)
        self.require(repeat_module.repeat_window_start(self.as_of, self.settings), "repeat offenders")
        return self.facts

    @cached_property
    def _seller_removals(self) -> pl.DataFrame:
        # Per seller, its removed listings in the repeat window: what the repeat-offender figures,
        # the backlog and the queue all start from. The facts never change, so it is counted once.
        return repeat_module.seller_removals(self._repeat_window_items(), self.as_of, self.settings)

    @cached_property
    def _repeat_offenders(self) -> pl.DataFrame:
        return repeat_module.repeat_offender_sellers(self._repeat_window_items(), self.as_of, self.settings,
                                                     self._seller_removals)

    @cached_property
    def _seller_history(self) -> pl.DataFrame:
        # Per seller, its items' history over the whole store (the backlog and the queue read it).
        return repeat_module.seller_history(self.facts)

    @cached_property
    def _listing_sightings(self) -> pl.DataFrame:
        if self.listing_sightings is not None:
            return self.listing_sightings
        return repeat_module.listing_sightings(self.listings, self.as_of)  # type: ignore[arg-type]

    def repeat_offenders(self) -> pl.DataFrame:
        """The repeat offenders at as_of: platform, seller_id, removed_listings, removed_items, most first."""
        return plain(self._repeat_offenders)

    def repeat_window_removed_items(self) -> pl.DataFrame:
        """The repeat window's removed listing items (repeat_offenders.removed_listing_items: platform, seller_id,
        listing_id, enforcement_type, status, submitted_at): what the repeat-offender rule counts."""
        return plain(repeat_module.removed_listing_items(self._repeat_window_items(), self.as_of, self.settings))

    def repeat_offender_figures(self) -> pl.DataFrame:
        """One row: count, share_of_removed, threshold, window_days (SPEC 4 `repeat_offenders`)."""
        return plain(repeat_module.repeat_offender_figures(None, self.as_of, self.settings, self._seller_removals))

    # --- work queues (the whole store) ---

    def counter_notices_awaiting_response(self) -> pl.DataFrame:
        """Items whose last event is a counter-notice the brand has not answered, the earliest deadline first."""
        self.require_whole_store("the counter-notices awaiting a response")
        return plain(queues_module.counter_notices_awaiting_response(self.facts, self.as_of, self.settings))

    def high_risk_backlog(self) -> pl.DataFrame:
        """Listings detected and not reported yet, the riskiest first."""
        self.require_whole_store("the high-risk backlog", listings=True)
        # The snapshot's listings are the backlog's candidates already (what load_snapshot reads).
        return plain(queues_module.rank_backlog(
            self.listings, self.facts, self.exchange_rates, self.as_of, self.settings,  # type: ignore[arg-type]
            self.listing_text, self._repeat_offenders, self._seller_history,  # type: ignore[arg-type]
            price_flags=self.price_flags))

    def repeat_offenders_queue(self) -> pl.DataFrame:
        """The repeat offenders with their history, storefront candidates flagged."""
        self.require_whole_store("the repeat-offender queue", listings=True)
        return plain(repeat_module.repeat_offenders_queue(
            self.facts, self.listings, self.as_of, self.settings,  # type: ignore[arg-type]
            self._repeat_offenders, self._seller_history, self._listing_sightings))

    def expiring_rights(self) -> pl.DataFrame:
        """Rights expiring within settings.rights_expiry_warning_days, with the items relying on them."""
        self.require_whole_store("the rights expiring", listings=True)
        return plain(rights_module.expiring_rights(
            self.rights, self.facts, self.as_of, self.settings))  # type: ignore[arg-type]

    def complaint_items_on_weak_rights(self) -> pl.DataFrame:
        """Items filed on a right that was expired, not verified or not in the register, newest first."""
        self.require_whole_store("the complaints on weak rights", listings=True)
        return plain(rights_module.complaint_items_on_weak_rights(self.facts, self.rights))  # type: ignore[arg-type]

    # --- the rows behind a figure ---

    def rows(self, period: Period, metric: str = "submitted", by: tuple[str, str | None] | None = None) -> pl.DataFrame:
        """The complaint items (or, for missed_counter_notice_responses, the events) a figure counts.

        `metric` is a count or sum of the registry; `by` = (breakdown column, value) narrows to one
        breakdown cell (value None: the null brand). The rows are chosen by the registry's own
        condition, so their number (their value_usd sum for value_removed_usd) is the figure.
        See item_rows.rows_behind for the columns.
        """
        self.require_listings(f"the rows behind {metric}")
        facts = self.cohort(period)
        if by is not None:
            column, value = by
            _check_breakdown(column)
            facts = facts.filter(pl.col(column).is_null() if value is None else pl.col(column) == value)
        return plain(rows_behind(facts, metric, self.listings, self.missed_counter_notices,  # type: ignore[arg-type]
                                 self.listing_text, self.price_flags))


def plain(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its categorical columns as strings: what every view of a Snapshot returns.

    The snapshot keeps low-variety text as categoricals (inputs.CATEGORIES); what leaves it is
    plain text, so callers compare, join and escape it (escape.escape_cells) as text.
    """
    categorical = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Categorical)]
    return frame.with_columns(pl.col(categorical).cast(pl.String)) if categorical else frame


def _check_breakdown(by: str) -> None:
    if by not in BREAKDOWN_COLUMNS:
        raise ValueError(f"unknown breakdown {by!r}; the breakdowns are: {', '.join(BREAKDOWN_COLUMNS)}")


def snapshot_from_inputs(inputs: MetricInputs, as_of: dt.datetime, settings: Settings = DEFAULT_SETTINGS,
                         filters: Filters | None = None, listings: bool = True,
                         version: str | None = None) -> Snapshot:
    """A snapshot of already loaded (or hand-made) inputs, as known at `as_of`.

    `filters` default to those the inputs were loaded with; filters the loader did not apply are
    applied here (hand-made frames). `listings=False`: the inputs' listings and rights are not
    to be used (they were not loaded). Inputs loaded as of an earlier instant, or up to a bound
    before as_of, raise NarrowSnapshotError.
    """
    filters = inputs.filters if filters is None else filters
    if inputs.as_of is not None and inputs.as_of < as_of:
        raise NarrowSnapshotError(f"the inputs were loaded as of {inputs.as_of}; a snapshot as of {as_of} needs "
                                  "the events up to then")
    if inputs.until is not None and inputs.until <= as_of:
        raise NarrowSnapshotError(f"the inputs hold the items submitted before {inputs.until} only; a snapshot as "
                                  f"of {as_of} needs every item submitted by then")
    items = known_items(inputs.items, as_of)
    # The loader already kept only the events by its as_of of the items it loaded.
    events = inputs.events if inputs.as_of == as_of else known_events(inputs.events, items, as_of)
    milestones = event_milestones(events.select("item_id", "event", "occurred_at"), as_of,
                                  settings.response_window_hours)
    facts = facts_from_milestones(items, milestones, inputs.exchange_rates, as_of, settings)
    listing_frame, rights = inputs.listings, inputs.rights
    if filters != inputs.filters:
        if inputs.filters.active:
            raise ValueError(f"the inputs were loaded with the filters {inputs.filters.active}; they cannot be "
                             f"filtered again with {filters.active}")
        facts = facts.filter(filters.expression())
        listing_filters = Filters(platform=filters.platform, brand=filters.brand)
        listing_frame = listing_frame.filter(listing_filters.expression())
        rights = rights.filter(Filters(brand=filters.brand, ipr_type=filters.ipr_type).expression())
    listing_text = listing_text_from_frame(listing_frame) if set(LISTING_TEXT_COLUMNS) <= set(listing_frame.columns) \
        else None
    # What a snapshot loaded from the store holds: the backlog's candidates without their text.
    listing_frame, facts = with_listing_keys(listing_frame.drop(LISTING_TEXT_COLUMNS, strict=False), facts)
    sightings = repeat_module.listing_sightings(listing_frame, as_of)
    listing_frame = queues_module.unreported_listings(listing_frame, facts, as_of)
    return Snapshot(
        facts=facts,
        missed_counter_notices=_missed_counter_notices(milestones, facts, settings),
        listings=listing_frame if listings else None,
        rights=rights if listings else None,
        exchange_rates=inputs.exchange_rates,
        as_of=as_of,
        since=inputs.since,
        filters=filters,
        settings=settings,
        version=version,
        listing_text=listing_text if listings else None,
        listing_sightings=sightings if listings else None,
    )


def _missed_counter_notices(milestones: pl.DataFrame, facts: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    # The events behind missed_counter_notice_responses, with the deadline each one missed: the
    # same milestones (missed_notices) that count them per item in the facts.
    window = dt.timedelta(hours=settings.response_window_hours)
    return (milestones.select("item_id", pl.col("missed_notices").alias("counter_noticed_at"))
            .filter(pl.col("counter_noticed_at").list.len() > 0)
            .join(facts.select("item_id"), on="item_id", how="semi")
            .explode("counter_noticed_at")
            .with_columns((pl.col("counter_noticed_at") + window).alias("response_deadline"))
            .sort("item_id", "counter_noticed_at"))


def load_snapshot(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters = Filters(),
                  since: dt.datetime | None = None, settings: Settings = DEFAULT_SETTINGS, listings: bool = True,
                  rates_path: Path | None = None, version: str | None = None,
                  repeat_offenders: bool = False, until: dt.datetime | None = None, strict: bool = True) -> Snapshot:
    """Read the store behind `con` as known at `as_of` (naive UTC) into a Snapshot.

    `filters` are pushed into the SQL as bound parameters. `since` (None: the whole store) loads
    only the items submitted from then on, and `until` (None: to as_of) only those submitted before
    it: enough for a period's figures (summary.cohort_scope says which items SPEC's JSON reads),
    too little for the queues. `listings=False` skips the listings and rights (the rows behind a
    figure and the queues need them). `repeat_offenders` also loads what the repeat-offender
    figures read of that window's listing items outside [since, until) (their removed ones), so
    they are answered too. Each item's status and milestones are computed inside DuckDB
    (status.event_milestones' query): no event reaches Polars. A filter value the store does not
    hold raises UnknownFilterValue (listing the values it does) unless `strict=False`.
    """
    as_of = naive_utc(as_of, "as_of")  # an aware time is converted; naive ones are UTC already
    since, until = (None if bound is None else naive_utc(bound, name)
                    for bound, name in ((since, "since"), (until, "until")))
    if strict:
        check_filter_values(con, filters)
    with bounded_memory(con):
        return _load_snapshot(con, as_of, filters, since, until, settings, listings, rates_path, version,
                              repeat_offenders)


# DuckDB's memory while a snapshot loads: the blocks of the store it caches are what it holds after
# a query, and left unbounded (80% of RAM) they grow with the store (half a GB at 10M items). At
# 256MB a slice's item-listing join spills to disk and a 10M load takes four times as long.
LOAD_MEMORY_LIMIT = "512MB"


@contextmanager
def bounded_memory(con: duckdb.DuckDBPyConnection, limit: str = LOAD_MEMORY_LIMIT) -> Iterator[None]:
    """DuckDB's memory_limit at `limit` while the block runs (past it, a query spills to the
    temporary directory and evicts cached blocks of the store), then as it was."""
    previous = con.sql("select current_setting('memory_limit')").fetchall()[0][0]
    con.execute(f"set memory_limit = '{limit}'")
    try:
        yield
    finally:
        con.execute("set memory_limit = ?", [previous])


def _load_snapshot(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, since: dt.datetime | None,
                   until: dt.datetime | None, settings: Settings, listings: bool, rates_path: Path | None,
                   version: str | None, repeat_offenders: bool) -> Snapshot:
    exchange_rates = read_exchange_rates(rates_path)
    listing_frame = sightings = rights = None
    if listings:
        rights = load_rights(con, filters)
        if since is None and until is None:
            # Before the items: the queries' working memory comes and goes while the process is small.
            listing_frame = load_unreported_listings(con, as_of, filters)
            sightings = load_listing_sightings(con, as_of, filters)
        else:
            # The queues that read listings need the whole store (require_whole_store): the rows
            # behind a figure read only their text, by key.
            listing_frame, sightings = empty_frame(KEYED_LISTING_SCHEMA), empty_frame(LISTING_SIGHTING_SCHEMA)
    facts_slices, missed_slices = [], []
    slices = _slices(con, since, until, as_of, _ITEMS_PER_SLICE)
    categories = item_categories(con) if len(slices) > 1 else None
    for start, end in slices:
        items = load_items(con, as_of, start, filters, end, categories)
        milestones = load_item_milestones(con, items, as_of, settings.response_window_hours)
        facts_slices.append(facts_from_milestones(items, milestones, exchange_rates, as_of, settings))
        missed_slices.append(_missed_counter_notices(milestones, facts_slices[-1], settings))
    facts = pl.concat(facts_slices)
    missed = pl.concat(missed_slices).sort("item_id", "counter_noticed_at")
    repeat_items = None
    if repeat_offenders:
        # The repeat window's spans the facts leave out: before `since`, and from `until` on.
        window_start = repeat_module.repeat_window_start(as_of, settings)
        spans = [(window_start, since)] if since is not None and since > window_start else []
        if until is not None and until <= as_of:
            spans.append((max(until, window_start), None))
        if spans:
            repeat_items = _load_repeat_items(con, as_of, spans, filters, settings)
    return Snapshot(facts=facts, missed_counter_notices=missed, listings=listing_frame, rights=rights,
                    exchange_rates=exchange_rates, as_of=as_of, since=since, until=until, filters=filters,
                    settings=settings,
                    version=version, repeat_items=repeat_items,
                    listing_text=listing_text_from_store(con) if listings else None, listing_sightings=sightings,
                    price_flag_source=partial(price_flags, con, as_of, exchange_rates, settings=settings)
                    if listings else None)


def _slices(con: duckdb.DuckDBPyConnection, since: dt.datetime | None, until: dt.datetime | None,
            as_of: dt.datetime, per_slice: int) -> list[tuple[dt.datetime | None, dt.datetime | None]]:
    # The items submitted in [since, until) by as_of (None: no bound) cut into spans of submitted_at
    # of about `per_slice` items each, read one after the other so that DuckDB's working memory is
    # a slice's, not the whole load's. The first span starts at `since`, the last ends at `until`.
    end = as_of if until is None else min(until, as_of)
    slices = max(1, -(-count_items(con, as_of, since, until) // per_slice))
    first = since if since is not None else first_submitted_at(con)
    if slices == 1 or first is None or first >= end:
        return [(since, until)]
    step = (end - first) / slices
    bounds = [first + step * index for index in range(1, slices)]
    return list(zip([since, *bounds], [*bounds, until], strict=True))


def _load_repeat_items(con: duckdb.DuckDBPyConnection, as_of: dt.datetime,
                       spans: list[tuple[dt.datetime, dt.datetime | None]], filters: Filters,
                       settings: Settings) -> pl.DataFrame:
    # The removed listing items submitted in each span [start, end) (None: by as_of) of the window,
    # one query per span: only the removed items leave DuckDB, whose memory stays bounded (it
    # spills), and each query reads every event once (slicing a span would read them once per slice).
    return pl.concat([load_removed_listing_items(con, as_of, start, end, settings.response_window_hours, filters)
                      for start, end in spans], rechunk=False)


# How a load is cut into spans of submitted_at read one after the other (see _slices): the items
# in slices of about this many (a small store whole: its facts in one chunk, which the views read
# fastest).
_ITEMS_PER_SLICE = 2_000_000
