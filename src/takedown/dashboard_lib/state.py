"""The dashboard's shared state: the view a URL asks for, the cached store and snapshot, sign-in,
the freshness badge, live refresh and the table downloads. Pages call these and only lay out.

A view lives in the URL's query parameters (month, tz, platform, account, brand, reason, ipr_type,
as_of), so a link reproduces what its sender saw; a bad value gives a short warning and its default.

The viewer's scope (takedown.access: the brands and accounts the signed-in address may see) is
applied here, to every snapshot, cached frame, chooser and drill-down a page reads (`scoped`), so a
page cannot show what the scope leaves out, and a URL parameter or widget only narrows it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import os
import re
import threading
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from takedown import access, audit, sign_in
from takedown.dashboard_lib import data as dashboard_data
from takedown.config import DEFAULT_SETTINGS, Settings, resolve_db_path
from takedown.escape import markdown_text, shown_cells, terminal_text
from takedown.export import table_bytes
from takedown.metrics.filters import FILTER_COLUMNS, SHOWN_KNOWN_VALUES, Filters, UnknownValue, unknown_filter_values
from takedown.metrics.registry import METRIC_BY_NAME, format_hours, format_percent
from takedown.metrics.periods import (
    Period,
    checked_as_of,
    checked_month,
    iso_utc,
    months_ending,
    time_zone,
    utc_now,
)
from takedown.metrics.snapshot import Snapshot, load_snapshot, round_as_of
from takedown.store import Reader, StoreError, store_exists, store_version

# How often an open page looks for a newly published store (seconds); tests set it low.
REFRESH_ENV = "TAKEDOWN_DASHBOARD_REFRESH_SECONDS"
# Half a minute: news shows quickly, and an unchanged store costs only a cache look-up.
DEFAULT_REFRESH_SECONDS = 30.0
# How old the newest loaded file may be before the freshness badge turns amber / red (hours).
FRESHNESS_AMBER_ENV = "TAKEDOWN_FRESHNESS_AMBER_HOURS"
FRESHNESS_RED_ENV = "TAKEDOWN_FRESHNESS_RED_HOURS"
# How long a live view keeps the as-of it first read a store version at (seconds): an hour, so a
# store left alone is re-read hourly (ages and deadlines move on) instead of every minute.
LIVE_AS_OF_SECONDS = 3600
# Rows a table shows on the page (its downloads hold every row): past this, sending the rows to
# the browser costs more than anyone reads.
TABLE_ROWS_SHOWN = 5_000
# The report time zones offered in the sidebar (any IANA name works in the URL).
TIMEZONES = ("UTC", "Asia/Shanghai", "Asia/Singapore", "Europe/London", "Europe/Berlin", "America/New_York")
ANY = "(all)"
_VIEW_KEY = "takedown_view_params"
_CURRENT_KEY = "takedown_current_view"
_SERVED_KEY = "takedown_served_data"
_SIGNED_IN_KEY = "takedown_audited_sign_in"
_VIEWED_KEY = "takedown_audited_view"
_log = logging.getLogger(__name__)
FILTER_LABELS = {"platform": "Platform", "account": "IPP account", "brand": "Brand", "reason": "Reason",
                 "ipr_type": "IPR type"}
# URL parameters of a page's own choices (a KPI's rows, the trend shown, a tab, an account): kept in
# the URL beside the view's, so a shared link opens the same drill-down.
PAGE_PARAMS = ("kpi", "trend", "tab", "account_shown")


@dataclass(frozen=True)
class View:
    """What a page shows: a month (None: the default month), the report time zone, a frozen as-of or now, filters."""

    month: str | None = None
    timezone: str = DEFAULT_SETTINGS.report_timezone
    as_of: dt.datetime | None = None
    filters: Filters = Filters()

    def query_params(self) -> dict[str, str]:
        """The URL parameters that reproduce this view (defaults left out)."""
        params: dict[str, str] = {}
        if self.month:
            params["month"] = self.month
        if self.timezone != DEFAULT_SETTINGS.report_timezone:
            params["tz"] = self.timezone
        params.update(self.filters.active)
        if self.as_of is not None:
            params["as_of"] = iso_utc(self.as_of)
        return params


def parse_view(params: Mapping[str, str], now: dt.datetime | None = None) -> tuple[View, list[str]]:
    """The view of the URL's query parameters, and one warning per bad value (which falls back to its default).

    Never raises, whatever the text. The checks are the CLI's (metrics.periods.checked_*): a month
    between 1971 and 2999, an as-of within those years and not after `now` (default: the clock).
    A warning quotes the value as given: show it through escape.markdown_text (show_warnings).
    """
    warnings: list[str] = []
    timezone = params.get("tz", DEFAULT_SETTINGS.report_timezone)
    try:
        time_zone(timezone)
    except ValueError as error:
        warnings.append(f"tz: {error}; showing UTC.")
        timezone = DEFAULT_SETTINGS.report_timezone
    month = params.get("month")
    if month is not None:
        try:
            checked_month(month)
        except ValueError as error:
            warnings.append(f"month: {error}; showing the default month.")
            month = None
    as_of = None
    if params.get("as_of"):
        try:
            as_of = checked_as_of(params["as_of"], timezone, utc_now() if now is None else now)
        except ValueError as error:
            warnings.append(f"as_of: {error}; showing the store as it is now.")
    values: dict[str, str] = {}
    for name in FILTER_COLUMNS:
        value = params.get(name)
        if value is None:
            continue
        try:
            Filters(**{name: value}).normalised()
            values[name] = value
        except ValueError as error:
            warnings.append(f"{name}: {error}; showing every {name}.")
    return View(month, timezone, as_of, Filters(**values)), warnings


def show_warnings(warnings: list[str]) -> None:
    """Each warning as plain text (it quotes URL parameters: never Markdown, a link or an image)."""
    for warning in warnings:
        st.warning(markdown_text(warning), icon="⚠️")


def refresh_seconds() -> float:
    """The live refresh interval ($TAKEDOWN_DASHBOARD_REFRESH_SECONDS, default 30 s)."""
    try:
        return max(0.5, float(os.environ.get(REFRESH_ENV, DEFAULT_REFRESH_SECONDS)))
    except ValueError:
        return DEFAULT_REFRESH_SECONDS


def _hours_setting(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


def freshness_hours() -> tuple[float, float]:
    """Hours since the last ingest past which the badge turns amber, then red
    ($TAKEDOWN_FRESHNESS_AMBER_HOURS, default 24; $TAKEDOWN_FRESHNESS_RED_HOURS, default 72)."""
    return (_hours_setting(FRESHNESS_AMBER_ENV, dashboard_data.FRESHNESS_AMBER_HOURS),
            _hours_setting(FRESHNESS_RED_ENV, dashboard_data.FRESHNESS_RED_HOURS))


def db_path() -> Path:
    """The store the dashboard serves ($TAKEDOWN_DB, set by `takedown dashboard --db`)."""
    return resolve_db_path(None)


# --- the store, cached ---

_cursor_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _reader(path: str) -> Reader:
    return Reader(Path(path))


def cursor():
    """A fresh read-only cursor on the published store (the Reader reconnects after a publish)."""
    with _cursor_lock:
        return _reader(str(db_path())).cursor()


def store_problem() -> str | None:
    """Why there is nothing to show (no store, not a store, no complaint items), or None when ready."""
    path = db_path()
    if not store_exists(path):  # a DuckLake location is no file: connecting tells
        return f"There is no store at {path} yet."
    try:
        if dashboard_data.complaint_item_count(cursor()) == 0:
            return f"The store at {path} holds no complaint items yet."
    except (StoreError, duckdb.Error, OSError) as error:
        return f"The store at {path} cannot be read: {error}"
    return None


def current_version() -> str:
    """The published store's version (changes with every publish)."""
    return store_version(db_path())


def filter_choices(version: str, timezone: str = "UTC") -> dict[str, list[str]]:
    """The filters' values in the store of `version` within the viewer's scope, months in `timezone`."""
    return _filter_choices(version, timezone, scoped(Filters()).key)


@st.cache_data(show_spinner=False, max_entries=16)
def _filter_choices(version: str, timezone: str, scope: tuple[tuple[str, object], ...]) -> dict[str, list[str]]:
    return dashboard_data.filter_choices(cursor(), timezone, Filters(**dict(scope)))


def unknown_filters(version: str, filters: tuple[tuple[str, str], ...]) -> list[UnknownValue]:
    """The view's filter values the store of `version` does not hold within the viewer's scope (cached)."""
    return _unknown_filters(version, scoped(Filters(**dict(filters))).key) if filters else []


@st.cache_data(show_spinner=False, max_entries=32)
def _unknown_filters(version: str, filters: tuple[tuple[str, object], ...]) -> list[UnknownValue]:
    return unknown_filter_values(cursor(), Filters(**dict(filters)))


@st.cache_data(show_spinner=False, max_entries=8)
def last_ingest(version: str) -> dt.datetime | None:
    """When the newest file of the store of `version` was loaded."""
    return dashboard_data.last_ingest(cursor())


def store_quality(version: str) -> dict[str, pl.DataFrame] | None:
    """The Data quality page's store-wide frames of the store of `version` (summary, batches, by_rule,
    reasons, orphans), or None when the viewer may not see them (allowed("store_quality"): with an access
    file only an admin, as a quarantined row may name any brand); others read scoped_quality."""
    return _store_quality(version) if allowed("store_quality") else None


def scoped_quality(version: str) -> dict[str, pl.DataFrame]:
    """The Data quality page of a viewer who is not an admin: their own quarantined rows, files and
    orphans (quality_scope.quality_within_scope), cached per store version and scope."""
    scope = viewer_scope() or access.Scope("none", (), ())
    return _scoped_quality(version, scope.brands, scope.accounts)


@st.cache_data(show_spinner=False, max_entries=16)
def _scoped_quality(version: str, brands: tuple[str, ...] | None,
                    accounts: tuple[str, ...] | None) -> dict[str, pl.DataFrame]:
    from takedown.quality_scope import quality_within_scope

    return quality_within_scope(cursor(), brands, accounts)


@st.cache_data(show_spinner=False, max_entries=8)
def _store_quality(version: str) -> dict[str, pl.DataFrame]:
    from takedown import quality

    con = cursor()
    orphans = quality.orphans(con)
    return {"summary": quality.store_summary(con), "batches": quality.ingest_batches(con),
            "by_rule": quality.quarantine_by_rule(con), "reasons": quality.flatten_reasons(quality.quarantined_rows(con)),
            "orphan_complaint_items": orphans["complaint_items"], "orphan_outcome_events": orphans["outcome_events"]}


# Snapshots kept at once (each until LIVE_AS_OF_SECONDS after it was made). A page reads a span of
# months (data.view_span): a few of those are small, and every session on the same view shares one.
# A whole-store snapshot (the queues, repeat offenders, the IP portfolio, escalations) is the size of the
# store (GBs at 10M items): one at a time, whatever month each session shows (the month is not its key).
SPAN_SNAPSHOTS = 6
STORE_SNAPSHOTS = 1
Span = tuple[dt.datetime | None, dt.datetime | None]


def _settings(timezone: str) -> Settings:
    return dataclasses.replace(DEFAULT_SETTINGS, report_timezone=timezone)


def _load(version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, object], ...],
          since: dt.datetime | None, until: dt.datetime | None, listings: bool = True) -> Snapshot:
    # choose_view has warned of (and dropped) any value the store does not hold: never raise here.
    return load_snapshot(cursor(), as_of, Filters(**dict(filters)), since=since, until=until,
                         settings=_settings(timezone), version=version, strict=False, listings=listings)


@st.cache_resource(show_spinner=False, max_entries=SPAN_SNAPSHOTS, ttl=LIVE_AS_OF_SECONDS)
def _span_snapshot(version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, object], ...],
                   since: dt.datetime, until: dt.datetime) -> Snapshot:
    return _load(version, as_of, timezone, filters, since, until)


@st.cache_resource(show_spinner=False, max_entries=STORE_SNAPSHOTS, ttl=LIVE_AS_OF_SECONDS)
def _store_snapshot(version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, object], ...]) -> Snapshot:
    return _load(version, as_of, timezone, filters, None, None)


def _snapshot(version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, object], ...],
              since: dt.datetime | None = None, until: dt.datetime | None = None) -> Snapshot:
    """The snapshot of the items submitted in [since, until) (None, None: the whole store), cached."""
    if since is None and until is None:
        return _store_snapshot(version, as_of, timezone, filters)
    return _span_snapshot(version, as_of, timezone, filters, since, until)


@dataclass(frozen=True)
class Loaded:
    """A page's data: the view with its month resolved, the store version, the as-of, time zone and
    filters (within the viewer's scope) it is read at, the span of submission times the page reads
    (data.view_span) and its snapshot (None for a page that reads none: data quality)."""

    view: View
    month: str
    snapshot: Snapshot | None
    version: str
    as_of: dt.datetime
    timezone: str
    filters: tuple[tuple[str, object], ...]
    span: Span = (None, None)


@st.cache_data(show_spinner=False, max_entries=8, ttl=LIVE_AS_OF_SECONDS)
def live_as_of(version: str) -> dt.datetime:
    """The as-of a live view reads store `version` at: the minute it was first read (for an hour at most).

    Every session and page then shares one snapshot per version, and an unchanged store is not
    recomputed every minute (a cold snapshot of 1M items takes seconds).
    """
    return round_as_of(utc_now())


DataKey = tuple[str, dt.datetime, str, tuple[tuple[str, object], ...]]


def _fresh_key(view: View) -> DataKey:
    # The data `view` reads now: the store's version, the as-of, the time zone and the filters within
    # the viewer's scope (the one place a snapshot's filters are made: every page reads through it).
    version = current_version()
    as_of = view.as_of if view.as_of is not None else live_as_of(version)
    return version, as_of, view.timezone, scoped(view.filters).key


def _served_key(view: View) -> DataKey:
    # The data this session shows for `view`: kept until the live refresh has the next one ready.
    identity = (view.as_of, view.timezone, scoped(view.filters).key)
    served = st.session_state.get(_SERVED_KEY)
    if served is not None and served[0] == identity:
        return served[1]
    key = _fresh_key(view)
    st.session_state[_SERVED_KEY] = (identity, key)
    return key


def _month_and_span(view: View, key: DataKey, reads: str) -> tuple[str, Span]:
    # The month `view` shows (its own, else the default month of the store of `key`) and the span it reads.
    version, as_of, timezone, _ = key
    month = view.month or dashboard_data.default_month(filter_choices(version, timezone)["month"], as_of, timezone)
    return month, dashboard_data.view_span(reads, month, _settings(timezone))


def load(view: View, reads: str = "store") -> Loaded:
    """The data of `view` as this session shows it, for a page that `reads` (data.SPANS: what it shows; by
    default the whole store): a snapshot of that span only, cached on (store version, as-of, tz, filters, span)."""
    key = _served_key(view)
    version, as_of, timezone, filters = key
    month, span = _month_and_span(view, key, reads)
    snapshot = None if reads == "none" else _snapshot(*key, *span)
    return Loaded(view, month, snapshot, version, as_of, timezone, filters, span)


# Derived frames kept (each for LIVE_AS_OF_SECONDS at most): a page's tables and charts, the size of what
# they show (the rows behind a figure are the largest: a month's removed items).
DERIVED_FRAMES = 256


@st.cache_data(show_spinner=False, max_entries=DERIVED_FRAMES, ttl=LIVE_AS_OF_SECONDS)
def derived(widget: str, version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, object], ...],
            span: Span, *args: object) -> pl.DataFrame:
    """dashboard_data.<widget>(snapshot, *args) on the snapshot of `span`, cached on (store version, as-of, tz,
    filters, span, args)."""
    snapshot = _snapshot(version, as_of, timezone, filters, *span)
    return getattr(dashboard_data, widget)(snapshot, *args)


@st.cache_data(show_spinner=False, max_entries=DERIVED_FRAMES, ttl=LIVE_AS_OF_SECONDS)
def narrowed(widget: str, version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, object], ...],
             *args: object) -> pl.DataFrame:
    """narrow.<widget>(store, as_of, filters, settings, *args): a frame of a page that reads no snapshot (the
    Action queue, Repeat offenders, the IP portfolio), read from the items it shows only, cached on (store
    version, as-of, tz, filters, args)."""
    from takedown.dashboard_lib import narrow

    return getattr(narrow, widget)(cursor(), as_of, Filters(**dict(filters)), _settings(timezone), *args)


@st.cache_data(show_spinner=False, max_entries=DERIVED_FRAMES, ttl=LIVE_AS_OF_SECONDS)
def escalation_view(version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, object], ...],
                    month: str, _escalations: pl.DataFrame, _log: pl.DataFrame) -> pl.DataFrame:
    """The escalations raised by the calls up to `month` about what the view holds, with their status
    (narrow.escalation_view), of the store of `version`'s escalation record (`_escalations`, `_log`: the
    page's, read per version; not hashed, the version keys them), cached per view."""
    from takedown.dashboard_lib import narrow

    return narrow.escalation_view(cursor(), as_of, Filters(**dict(filters)), _settings(timezone),
                                  _escalations, _log, month)


def trend(loaded: Loaded, months: int = 12) -> pl.DataFrame:
    """The headline metrics' trend over the `months` calendar months ending with the view's month
    (data.trend's frame): the months the page's snapshot holds from it, the others read a calendar block
    (data.TREND_MONTHS_PER_LOAD months) at a time and cached per block, never a snapshot of the whole window."""
    rows = []
    for label in months_ending(loaded.month, months):
        since, until = dashboard_data.view_span("month", label, _settings(loaded.timezone))
        covered = (loaded.snapshot is not None and loaded.span[0] is not None and loaded.span[0] <= since
                   and loaded.span[1] is not None and until <= loaded.span[1])
        if covered:
            rows.append(frame(loaded, "trend_month", label))
        else:
            block = _trend_block(loaded.version, loaded.as_of, loaded.timezone, loaded.filters,
                                dashboard_data.trend_block(label))
            rows.append(block.filter(pl.col("month") == label))
    return dashboard_data.trend_of_months(rows)


@st.cache_data(show_spinner=False, max_entries=DERIVED_FRAMES, ttl=LIVE_AS_OF_SECONDS)
def _trend_block(version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, object], ...],
                 block: tuple[str, ...]) -> pl.DataFrame:
    # The trend rows of a block of months from one snapshot of those months alone, let go once read.
    since, until = dashboard_data.trend_block_span(block, _settings(timezone))
    snapshot = _load(version, as_of, timezone, filters, since, until, listings=False)
    return pl.concat([dashboard_data.trend_month(snapshot, label) for label in block])


def clock(loaded: Loaded) -> dt.datetime:
    """The instant a page's clock-bound figures (a counter-notice's hours left) are seen at: the frozen
    as-of of a link, else now (naive UTC). A live view's snapshot keeps the as-of it first read its store
    version at (live_as_of): those figures are recomputed from it at each render instead."""
    return loaded.view.as_of if loaded.view.as_of is not None else utc_now().replace(tzinfo=None)


def listings_detected(version: str, period: Period, as_of: dt.datetime, filters: tuple[tuple[str, object], ...]) -> int:
    """dashboard_data.listings_detected on the store of `version` within the viewer's scope (cached per view)."""
    return _listings_detected(version, period, as_of, scoped(Filters(**dict(filters))).key)


@st.cache_data(show_spinner=False, max_entries=64)
def _listings_detected(version: str, period: Period, as_of: dt.datetime, filters: tuple[tuple[str, object], ...]) -> int:
    return dashboard_data.listings_detected(cursor(), period, as_of, Filters(**dict(filters)))


def seller_listings(version: str, platform: str, seller_id: str, as_of: dt.datetime,
                    filters: tuple[tuple[str, object], ...]) -> pl.DataFrame:
    """dashboard_data.seller_listings on the store of `version`: only the brands of the viewer's scope (cached),
    only for a role that may see rows."""
    require("rows")
    return _seller_listings(version, platform, seller_id, as_of, scoped(Filters(**dict(filters))).key)


@st.cache_data(show_spinner=False, max_entries=64)
def _seller_listings(version: str, platform: str, seller_id: str, as_of: dt.datetime,
                     filters: tuple[tuple[str, object], ...]) -> pl.DataFrame:
    return dashboard_data.seller_listings(cursor(), platform, seller_id, as_of, Filters(**dict(filters)))


# The widgets of dashboard_data that are rows behind a figure or lists of rows: only a role with the
# "rows" permission reads them (access.ROLE_PERMISSIONS), whichever page asks.
ROW_WIDGETS = frozenset({"kpi_rows", "breakdown_rows", "good_faith_pull_downs", "action_queue",
                         "repeat_offenders_queue", "seller_complaints", "rights_portfolio"})


def frame(loaded: Loaded, widget: str, *args: object) -> pl.DataFrame:
    """A widget's frame of the loaded view (see derived), within the viewer's scope; a row widget
    (ROW_WIDGETS) only for a role that may see rows (a page asked anyway: it stops, saying why)."""
    if widget in ROW_WIDGETS:
        require("rows")
    return derived(widget, loaded.version, loaded.as_of, loaded.timezone, loaded.filters, loaded.span, *args)


def view_frame(loaded: Loaded, widget: str, *args: object) -> pl.DataFrame:
    """frame's twin for a page that reads no snapshot (reads="none"): narrowed(widget, ...) of the view."""
    if widget in ROW_WIDGETS:
        require("rows")
    return narrowed(widget, loaded.version, loaded.as_of, loaded.timezone, loaded.filters, *args)


def view_filters(loaded: Loaded) -> Filters:
    """The filters (within the viewer's scope) the loaded view reads."""
    return Filters(**dict(loaded.filters))


def view_settings(loaded: Loaded) -> Settings:
    """The settings the loaded view's figures use (its report time zone)."""
    return _settings(loaded.timezone)


# --- the view across pages ---

def current_view() -> View:
    """The view of this run: the URL's parameters, else the last view of this session (page switches drop them).

    Writes the view back to the URL and shows a warning per bad parameter.
    """
    params = {name: st.query_params[name] for name in st.query_params}
    if not params and st.session_state.get(_VIEW_KEY):
        params = dict(st.session_state[_VIEW_KEY])
    view, warnings = parse_view(params)
    show_warnings(warnings)
    set_view(view)
    return view


def set_view(view: View) -> None:
    """Make `view` the URL's parameters and this session's view (a page's own choices stay in the URL)."""
    params = view.query_params()
    st.session_state[_VIEW_KEY] = params
    url = {**params, **_page_params()}
    if dict(st.query_params) != url:
        st.query_params.from_dict(url)


def _page_params() -> dict[str, str]:
    return {name: st.query_params[name] for name in PAGE_PARAMS if name in st.query_params}


def _changed(name: str, key: str) -> None:
    # A sidebar choice goes into the URL before the rerun, so the URL stays the one truth.
    value = st.session_state[key]
    params = dict(st.session_state.get(_VIEW_KEY) or {})
    if value in (None, ANY) or (name == "tz" and value == DEFAULT_SETTINGS.report_timezone):
        params.pop(name, None)
    else:
        params[name] = value
    st.session_state[_VIEW_KEY] = params
    st.query_params.from_dict({**params, **_page_params()})


def _unfreeze() -> None:
    params = dict(st.session_state.get(_VIEW_KEY) or {})
    params.pop("as_of", None)
    st.session_state[_VIEW_KEY] = params
    st.query_params.from_dict({**params, **_page_params()})


def choose_view() -> View:
    """The view of this run (current_view), with the sidebar's choosers; kept for the pages.

    A filter value the store does not hold gives a warning that lists the values it holds, and is
    dropped. Values (the URL's, the store's) show as inline code: Markdown in them is not obeyed.
    """
    view = current_view()
    version = current_version()
    choices = filter_choices(version, view.timezone)
    unknown = unknown_filters(version, tuple(sorted(view.filters.active.items())))
    for value in unknown:
        held = ", ".join(repr(known) for known in value.known[:SHOWN_KNOWN_VALUES])
        more = f" and {len(value.known) - SHOWN_KNOWN_VALUES:,} more" if len(value.known) > SHOWN_KNOWN_VALUES else ""
        guess = f" Did you mean {value.suggestion!r}?" if value.suggestion is not None else ""
        yours = "" if viewer_scope() is None or viewer_scope().everything else " that you may see"
        show_warnings([f"{value.name}: the store holds no {value.name} {value.value!r}{yours}; showing every "
                       f"{value.name}{yours}.{guess} It holds: {held or 'none'}{more}."])
    dropped = {value.name for value in unknown}
    kept = {name: value for name, value in view.filters.active.items() if name not in dropped}
    view = dataclasses.replace(view, filters=Filters(**kept))
    set_view(view)
    as_of = view.as_of if view.as_of is not None else round_as_of(utc_now())
    month = view.month or dashboard_data.default_month(choices["month"], as_of, view.timezone)
    with st.sidebar:
        st.subheader("View")
        months = choices["month"] if month in choices["month"] else [month, *choices["month"]]
        st.session_state["view-month"] = month
        st.selectbox("Month", months, key="view-month", on_change=_changed, args=("month", "view-month"))
        zones = TIMEZONES if view.timezone in TIMEZONES else (view.timezone, *TIMEZONES)
        st.session_state["view-tz"] = view.timezone
        st.selectbox("Report time zone", zones, key="view-tz", on_change=_changed, args=("tz", "view-tz"))
        for name in ("platform", "account", "brand", "reason", "ipr_type"):
            key = f"view-{name}"
            current = getattr(Filters(**kept), name)
            options = [ANY, *choices[name]]
            if name == "reason" and current is not None:
                # The URL's spelling may differ in case from the store's: show the store's.
                normal = current.strip().lower()
                current = next((reason for reason in choices[name] if reason.strip().lower() == normal), current)
            elif current is not None:
                current = getattr(Filters(**{name: current}).normalised(), name)
            st.session_state[key] = current if current is not None and current in options else ANY
            st.selectbox(FILTER_LABELS[name], options, key=key, on_change=_changed, args=(name, key),
                         format_func=terminal_text)
        if view.as_of is not None:
            st.caption(f"Frozen at {iso_utc(view.as_of)} by the link.")
            st.button("Show live data", on_click=_unfreeze)
        if not auth_configured():
            st.caption("No sign-in configured: served on this computer only (see the README).")
        scope = viewer_scope()
        if scope is not None and scope.role in access.ROLE_SUMMARIES:
            st.caption(f"Your role, {scope.role}: {access.ROLE_SUMMARIES[scope.role]}.")
    st.session_state[_CURRENT_KEY] = view
    return view


# --- sign-in ---

def _sign_in() -> sign_in.SignIn | None:
    # The app's secrets checked as the CLI checks them (None: no secrets or no [auth]).
    try:
        secrets = st.secrets.to_dict()
    except FileNotFoundError as error:  # Streamlit's: no secrets file at all, or one it cannot parse
        if getattr(error, "error_id", None) == "no-secrets-found" or "No secrets found" in str(error):
            return None
        raise sign_in.SignInError(f"the Streamlit secrets cannot be read: {error}") from error
    return sign_in.sign_in_settings(secrets)


def _access() -> access.Access | None:
    # The access file ($TAKEDOWN_ACCESS, else .streamlit/access.toml), re-read when it changes; None: none.
    path = access.access_path()
    if path is None:
        return None
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as error:
        raise access.AccessError(f"{path}: cannot be read ({error})") from error
    return _read_access(str(path), stamp)


@functools.lru_cache(maxsize=4)
def _read_access(path: str, stamp: int) -> access.Access:
    return access.read_access(Path(path))


def viewer_email() -> str | None:
    """The signed-in viewer's e-mail address (None: not signed in, or no sign-in configured)."""
    try:
        if _sign_in() is None:
            return None
    except sign_in.SignInError:
        return None
    user = st.user
    return str(user.get("email")) if user.get("is_logged_in", False) and user.get("email") else None


def viewer_scope() -> access.Scope | None:
    """What this viewer may see (None: everything, when there is no access file).

    With an access file, an address without an entry (or no address) gets an empty scope: nothing.
    require_sign_in stops such a viewer first; this fails closed anyway.
    """
    rules = _access()
    if rules is None:
        return None
    return access.scope_for(viewer_email(), rules) or access.Scope("none", (), ())


def scoped(filters: Filters) -> Filters:
    """`filters` within the viewer's scope (viewer_scope): what every snapshot, frame and chooser reads."""
    scope = viewer_scope()
    return filters.scoped(None, None) if scope is None else filters.scoped(scope.brands, scope.accounts)


# --- what the viewer's role may do (access.ROLE_PERMISSIONS), enforced here for every page ---

_ROLE_NEEDED = {"rows": "analysts and admins", "downloads": "analysts and admins", "store_quality": "admins",
                "audit_log": "admins"}


def allowed(permission: str) -> bool:
    """Whether this viewer's role has `permission` (access.PERMISSIONS); without an access file, yes."""
    scope = viewer_scope()
    return scope is None or scope.may(permission)


def page_allowed(title: str) -> bool:
    """Whether the page titled `title` is open to this viewer's role (access.PAGE_PERMISSIONS)."""
    scope = viewer_scope()
    return scope is None or scope.may_see_page(title)


def rows_allowed(what: str) -> bool:
    """Whether this viewer may see the rows behind `what` (a drill-down); if not, a caption says so."""
    if allowed("rows"):
        return True
    st.caption(markdown_text(f"The rows behind {what} are for {_ROLE_NEEDED['rows']} "
                             f"(your role: {viewer_scope().role})."))  # type: ignore[union-attr]
    return False


def require(permission: str) -> None:
    """Stop the page, saying why, unless this viewer's role has `permission` (a backstop: pages ask first)."""
    if not allowed(permission):
        st.info(markdown_text(f"This is for {_ROLE_NEEDED[permission]} of the dashboard's access file "
                              f"(your role: {viewer_scope().role})."))  # type: ignore[union-attr]
        st.stop()


def auth_configured() -> bool:
    """Whether the Streamlit secrets hold an [auth] section (then require_sign_in guards every page)."""
    try:
        return _sign_in() is not None
    except sign_in.SignInError:
        return True  # guarded: require_sign_in shows nothing but the problem


def require_sign_in() -> None:
    """With [auth]: stop the page unless the user signed in with an address of [auth] allowed_emails.

    Settings Streamlit could not use (sign_in.sign_in_settings) stop every page with one line,
    never a traceback and never the figures; so does an access file that is not valid, or one
    without sign-in. With an access file, a signed-in address it does not name sees one sentence.
    """
    try:
        settings = _sign_in()
        rules = _access()
    except (sign_in.SignInError, access.AccessError) as error:
        st.title("Takedown dashboard")
        st.error(markdown_text(f"Sign-in is configured but cannot be used: {error}. "
                               "Fix .streamlit/secrets.toml or the access file (README: Dashboard) and reload."))
        st.stop()
    if settings is None:
        if rules is not None:
            st.title("Takedown dashboard")
            st.error(markdown_text(f"{rules.path}: an access file needs sign-in to know who is viewing; add an "
                                   "[auth] section to .streamlit/secrets.toml (README: Dashboard)."))
            st.stop()
        return
    user = st.user
    if not user.get("is_logged_in", False):
        st.title("Takedown dashboard")
        st.info("Sign in to see the program's figures.")
        for provider in settings.providers:
            label = "Sign in" if provider == "default" else f"Sign in with {markdown_text(provider)}"
            st.button(label, on_click=st.login, args=() if provider == "default" else (provider,), type="primary",
                      key=f"sign-in-{provider}")
        st.stop()
    if not settings.allows(user.get("email")):
        st.error("This address is not on the dashboard's allow-list: ask the program owner to add it.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    if st.session_state.get(_SIGNED_IN_KEY) != user.get("email"):
        st.session_state[_SIGNED_IN_KEY] = user.get("email")
        scope = None if rules is None else access.scope_for(user.get("email"), rules)
        _audit("sign_in", str(user.get("email")), role=None if scope is None else scope.role,
               brands=None if scope is None else scope.brands, accounts=None if scope is None else scope.accounts,
               known=rules is None or scope is not None)
    if rules is not None and access.scope_for(user.get("email"), rules) is None:
        st.title("Takedown dashboard")
        st.info("Your address is not given any brand in the dashboard's access file, so there is nothing to "
                "show you: ask the program owner to add it.")
        st.button("Sign out", on_click=st.logout)
        st.stop()


# --- the audit log ---

def audit_log() -> Path:
    """The audit log of the served store (audit.audit_path: `<store>.audit.jsonl`)."""
    return audit.audit_path(db_path())


def audit_events() -> pl.DataFrame:
    """The audit log's events, newest first, one row each (audit.events_frame); admins only (a backstop)."""
    require("audit_log")
    return audit.events_frame(audit.read_events(audit_log()))


def _audit(event: str, user: str | None, path: Path | None = None, **fields: object) -> bool:
    # One event into the audit log; a log that cannot be written is reported, never a traceback.
    path = path or audit_log()
    try:
        audit.record(path, event, user, **fields)
    except OSError as error:
        _log.error("takedown dashboard: the audit log %s cannot be written: %s", path, error)
        return False
    return True


def audit_page_view(page: str, params: Mapping[str, str]) -> None:
    """Log that this viewer sees `page` with the URL parameters `params` (once per page and parameters)."""
    seen = (page, tuple(sorted(params.items())))
    if st.session_state.get(_VIEWED_KEY) == seen:
        return
    st.session_state[_VIEWED_KEY] = seen
    if not _audit("page_view", viewer_email(), page=page, filters=dict(params)):
        st.warning(markdown_text(f"The audit log {audit_log()} cannot be written: tell the program owner."))


# --- what every page shows ---

def freshness_badge(loaded: Loaded) -> None:
    """Data as of ..., last ingest ..., and whether the view is frozen; green while the last ingest is
    recent, amber past freshness_hours()[0] hours, red past [1] (or when nothing was ever loaded)."""
    ingested = last_ingest(loaded.version)
    frozen = " (frozen by the link's as_of)" if loaded.view.as_of is not None else ""
    now = utc_now().replace(tzinfo=None)
    age = "" if ingested is None else f" ({_age(now - ingested)} ago)"
    text = (f"Data as of {loaded.as_of:%Y-%m-%d %H:%M} UTC{frozen} · last ingest "
            f"{'never' if ingested is None else f'{ingested:%Y-%m-%d %H:%M} UTC'}{age} · report time zone "
            f"{markdown_text(loaded.timezone)}")
    amber, red = freshness_hours()
    colour = dashboard_data.freshness_colour(ingested, now, amber, red)
    st.badge(text, icon=":material/schedule:", color=colour,
             help=f"Amber {amber:,.0f} h after the last ingest, red after {red:,.0f} h "
                  f"(${FRESHNESS_AMBER_ENV}, ${FRESHNESS_RED_ENV}).")


def _age(age: dt.timedelta) -> str:
    hours = age.total_seconds() / 3600
    if hours < 1:
        return f"{max(0, int(hours * 60))} min"
    return f"{hours:,.0f} h" if hours < 48 else f"{hours / 24:,.0f} days"


def live(title: str, render: Callable[[Loaded], None], *, with_month: bool = True, reads: str = "store") -> None:
    """A page: its title and a progress line at once, then its body with the data of this session's view.

    The page's snapshot holds what it `reads` (data.SPANS: its month, the Overview's months, the
    Good-Faith window, the whole store, or nothing), never more.
    The title carries the view's month when `with_month`; render(loaded) lays out the rest (the
    freshness badge is drawn here, under the title). A watcher looks for a newly published store every
    refresh interval: it reads only the store's version, prepares the new data in the background while
    the page stays as it is, and reruns the page once it is ready. An unchanged store reruns nothing.
    """
    view: View = st.session_state.get(_CURRENT_KEY) or View()
    heading = st.empty()
    heading.title(title)
    if not page_allowed(title):
        require(access.PAGE_PERMISSIONS[title])
    try:
        with st.spinner("Loading the store ...", show_time=True):
            loaded = load(view, reads)
    except (StoreError, FileNotFoundError) as error:
        st.info(markdown_text(f"The store is being updated ({error}); the page refreshes in a moment."))
        _watch(view, reads)
        return
    if with_month:
        heading.title(f"{title} · {loaded.month}")
    audit_page_view(title, {**loaded.view.query_params(), **_page_params()})
    freshness_badge(loaded)
    render(loaded)
    share_link(loaded)
    _watch(view, reads)


# Snapshots being prepared in the background for a live refresh, by data key (one thread each).
_preparing: dict[tuple[object, ...], threading.Thread] = {}
_preparing_lock = threading.Lock()


def _prepare(key: DataKey, span: Span | None) -> bool:
    """Start computing the snapshot of `key` for `span` (None: none to compute) off the page's thread; True
    once it is ready."""
    if span is None:
        return True
    with _preparing_lock:
        thread = _preparing.get((*key, *span))
        if thread is None:
            from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

            thread = threading.Thread(target=_snapshot, args=(*key, *span), name="takedown-prepare", daemon=True)
            add_script_run_ctx(thread, get_script_run_ctx())
            _preparing[(*key, *span)] = thread
            thread.start()
        if thread.is_alive():
            return False
        del _preparing[(*key, *span)]
        return True


def _watch(view: View, reads: str) -> None:
    @st.fragment(run_every=refresh_seconds())
    def watch() -> None:
        # Runs every refresh interval and draws nothing: the page is rerun only for new data.
        try:
            fresh = _fresh_key(view)
        except (StoreError, FileNotFoundError):
            return
        served = st.session_state.get(_SERVED_KEY)
        if served is not None and served[1] == fresh:
            return
        if _prepare(fresh, None if reads == "none" else _month_and_span(view, fresh, reads)[1]):
            st.session_state[_SERVED_KEY] = ((view.as_of, view.timezone, fresh[3]), fresh)
            st.rerun(scope="app")

    watch()


def page_choice(param: str, options: Sequence[object], default: object = None) -> object:
    """The value of a page's own widget kept in the URL as `param` (one of PAGE_PARAMS): the URL's when it
    names one of `options`, else `default`. Give it to the widget as its default, with key=param and
    on_change=keep_choice, args=(param,): the URL then follows the widget, and a shared link restores it."""
    named = {str(option): option for option in options}
    return named.get(st.query_params.get(param, ""), default)


def keep_choice(param: str) -> None:
    """on_change of a widget of page_choice: its value into the URL (its default's absence: out of it)."""
    value = st.session_state.get(param)
    params = {**dict(st.session_state.get(_VIEW_KEY) or {}), **_page_params()}
    if value is None:
        params.pop(param, None)
    else:
        params[param] = str(value)
    st.query_params.from_dict(params)


def share_link(loaded: Loaded) -> None:
    """In the sidebar: a link to exactly this view, frozen at the as-of of the figures shown (page choices kept)."""
    params = {**loaded.view.query_params(), "as_of": iso_utc(loaded.as_of), **_page_params()}
    params.setdefault("month", loaded.month)
    base = (st.context.url or "").split("?", 1)[0]
    with st.sidebar:
        st.caption("Link to this view (frozen at the data shown; add nothing, it opens as you see it):")
        st.code(f"{base}?{urllib.parse.urlencode(params, safe=':')}", language=None, wrap_lines=True)


def download_files(table: pl.DataFrame, name: str) -> dict[str, bytes]:
    """CSV and XLSX bytes of `table`, every text cell a spreadsheet would run as a formula escaped."""
    return {"csv": table_bytes(table, ".csv", name), "xlsx": table_bytes(table, ".xlsx", name)}


_MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def download_buttons(table: pl.DataFrame, name: str, key: str) -> None:
    """Download CSV / Download XLSX buttons for `table` (download_files). Nothing is built until a button
    is pressed: the file is made then, off the page's thread, and the page does not rerun. Each file
    built is logged in the audit log (audit_log) with the viewer, its name and its rows. None for a role
    without downloads (allowed("downloads"))."""
    if not allowed("downloads"):
        return
    build = functools.cache(lambda: download_files(table, name))
    who = (viewer_email(), audit_log(), table.height)
    for column, suffix in zip(st.columns(2), ("csv", "xlsx"), strict=True):
        column.download_button(f"Download {suffix.upper()}", functools.partial(_file_of, build, suffix, name, who),
                               file_name=f"{name}.{suffix}", mime=_MIME[suffix], key=f"{key}-{suffix}",
                               on_click="ignore")


def _file_of(build: Callable[[], dict[str, bytes]], suffix: str, name: str,
             who: tuple[str | None, Path, int]) -> bytes:
    # A download's file, built when its button is pressed, and the download in the audit log.
    data = build()[suffix]
    user, path, rows = who
    _audit("download", user, path, file=f"{name}.{suffix}", rows=rows)
    return data


def _decimals(shown: str) -> int:
    # The digits after the point of a figure as the registry formats it ("50.0%" -> 1).
    number = shown.rstrip("%h ").split(".")
    return len(number[1]) if len(number) == 2 else 0


# Tables show a figure with the registry's decimals (metric.format): read off its formatters, so a
# table and a tile never differ. Fractions are shown x100 with a % sign (Streamlit's "percent" has two).
_PERCENT_DECIMALS = _decimals(format_percent(0.5))
_HOURS_DECIMALS = _decimals(format_hours(1.0))
_COLUMN_FORMAT = {"fraction": f"%.{_PERCENT_DECIMALS}f%%", "usd": "dollar", "hours": f"%.{_HOURS_DECIMALS}f h",
                  "items": "localized", "events": "localized"}
# Columns beside the registry's metrics that hold a fraction (the projection's best_/worst_ rates, shares).
_FRACTION_SUFFIXES = ("_rate", "share_of_removed", "share_of_detected")


def _is_fraction(name: str, dtype: pl.DataType) -> bool:
    if name in METRIC_BY_NAME:
        return METRIC_BY_NAME[name].unit == "fraction"
    return dtype.is_float() and name.endswith(_FRACTION_SUFFIXES)


def column_label(name: str) -> str:
    """How a column is headed: the registry's label for a metric, else its name in words."""
    return METRIC_BY_NAME[name].label if name in METRIC_BY_NAME else name.replace("_", " ")


def column_formats(frame_: pl.DataFrame) -> dict[str, object]:
    """Column configs heading every column in words and formatting its numbers as the registry does:
    percentages and hours with the registry's decimals, dollars, counts with thousands separators."""
    config: dict[str, object] = {}
    for name, dtype in frame_.schema.items():
        label = column_label(name)
        if _is_fraction(name, dtype):
            config[name] = st.column_config.NumberColumn(label, format=_COLUMN_FORMAT["fraction"])
        elif name in METRIC_BY_NAME:
            config[name] = st.column_config.NumberColumn(label, format=_COLUMN_FORMAT[METRIC_BY_NAME[name].unit])
        elif dtype == pl.Date:
            config[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif dtype.is_integer():
            config[name] = st.column_config.NumberColumn(label, format="localized")
        else:
            config[name] = st.column_config.Column(label)
    return config


def relabel(frame_: pl.DataFrame, name: str, label: str) -> object:
    """Column `name` of `frame_` headed `label`, formatted as column_formats formats it."""
    config = column_formats(frame_.select(name))[name]
    config["label"] = label  # type: ignore[index]
    return config


def shown_frame(frame_: pl.DataFrame) -> pl.DataFrame:
    """The rows a table shows (the first TABLE_ROWS_SHOWN), fractions x100 for their % format."""
    fractions = [name for name, dtype in frame_.schema.items() if _is_fraction(name, dtype)]
    return frame_.head(TABLE_ROWS_SHOWN).with_columns(pl.col(fractions) * 100)


def table(frame_: pl.DataFrame, name: str, key: str, column_config: dict[str, object] | None = None) -> None:
    """A table (st.dataframe never renders its cells as HTML or Markdown; controls and bidi characters are
    shown as visible escapes) with its CSV and XLSX downloads (the raw text).

    Columns are headed and formatted by column_formats (column_config overrides); a long table shows
    its first TABLE_ROWS_SHOWN rows and says so, the downloads hold every row.
    """
    st.dataframe(shown_cells(shown_frame(frame_)), hide_index=True, width="stretch",
                 column_config={**column_formats(frame_), **(column_config or {})})
    if frame_.height > TABLE_ROWS_SHOWN:
        st.caption(f"Showing the first {TABLE_ROWS_SHOWN:,} of {frame_.height:,} rows; the downloads hold them all.")
    download_buttons(frame_, name, key)
