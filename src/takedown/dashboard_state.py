"""The dashboard's shared state: the view a URL asks for, the cached store and snapshot, sign-in,
the freshness badge, live refresh and the table downloads. Pages call these and only lay out.

A view lives in the URL's query parameters (month, tz, platform, account, brand, reason, ipr_type,
as_of), so a link reproduces what its sender saw; a bad value gives a short warning and its default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from takedown import dashboard_data, sign_in
from takedown.config import DEFAULT_SETTINGS, resolve_db_path
from takedown.escape import markdown_text, shown_cells, terminal_text
from takedown.export import table_bytes
from takedown.metrics.filters import FILTER_COLUMNS, SHOWN_KNOWN_VALUES, Filters, UnknownValue, unknown_filter_values
from takedown.metrics.registry import METRIC_BY_NAME
from takedown.metrics.periods import Period, checked_as_of, checked_month, iso_utc, time_zone, utc_now
from takedown.metrics.snapshot import Snapshot, load_snapshot, round_as_of
from takedown.store import Reader, StoreError, store_version

# How often an open page looks for a newly published store (seconds); tests set it low.
REFRESH_ENV = "TAKEDOWN_DASHBOARD_REFRESH_SECONDS"
# Half a minute: news shows quickly, and an unchanged store costs only a cache look-up.
DEFAULT_REFRESH_SECONDS = 30.0
# The report time zones offered in the sidebar (any IANA name works in the URL).
TIMEZONES = ("UTC", "Asia/Shanghai", "Asia/Singapore", "Europe/London", "Europe/Berlin", "America/New_York")
ANY = "(all)"
_VIEW_KEY = "takedown_view_params"
_CURRENT_KEY = "takedown_current_view"


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
    if not path.exists():
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


@st.cache_data(show_spinner=False, max_entries=8)
def filter_choices(version: str, timezone: str = "UTC") -> dict[str, list[str]]:
    """The filters' values in the store of `version`, months in `timezone` (cached per version and zone)."""
    return dashboard_data.filter_choices(cursor(), timezone)


@st.cache_data(show_spinner=False, max_entries=32)
def unknown_filters(version: str, filters: tuple[tuple[str, str], ...]) -> list[UnknownValue]:
    """The view's filter values the store of `version` does not hold (cached per version and filters)."""
    return unknown_filter_values(cursor(), Filters(**dict(filters))) if filters else []


@st.cache_data(show_spinner=False, max_entries=8)
def last_ingest(version: str) -> dt.datetime | None:
    """When the newest file of the store of `version` was loaded."""
    return dashboard_data.last_ingest(cursor())


@st.cache_data(show_spinner=False, max_entries=8)
def store_quality(version: str) -> dict[str, pl.DataFrame]:
    """The Data quality page's frames of the store of `version`: summary, batches, by_rule, reasons, orphans."""
    from takedown import quality, rejects

    con = cursor()
    orphans = quality.orphans(con)
    return {"summary": quality.store_summary(con), "batches": quality.ingest_batches(con),
            "by_rule": quality.quarantine_by_rule(con), "reasons": rejects.flatten_reasons(quality.quarantined_rows(con)),
            "orphan_complaint_items": orphans["complaint_items"], "orphan_outcome_events": orphans["outcome_events"]}


@st.cache_resource(show_spinner=False, max_entries=4)
def _snapshot(version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, str], ...]) -> Snapshot:
    settings = dataclasses.replace(DEFAULT_SETTINGS, report_timezone=timezone)
    # choose_view has warned of (and dropped) any value the store does not hold: never raise here.
    return load_snapshot(cursor(), as_of, Filters(**dict(filters)), settings=settings, version=version, strict=False)


@dataclass(frozen=True)
class Loaded:
    """A page's data: the view with its month resolved, the snapshot and the store version."""

    view: View
    month: str
    snapshot: Snapshot
    version: str


def load(view: View) -> Loaded:
    """The snapshot of `view` from the current store (cached on store version, rounded as-of, tz and filters)."""
    version = current_version()
    as_of = view.as_of if view.as_of is not None else round_as_of(utc_now())
    snapshot = _snapshot(version, as_of, view.timezone, tuple(sorted(view.filters.active.items())))
    month = view.month or dashboard_data.default_month(filter_choices(version, view.timezone)["month"], as_of,
                                                       view.timezone)
    return Loaded(view, month, snapshot, version)


@st.cache_data(show_spinner=False, max_entries=256)
def derived(widget: str, version: str, as_of: dt.datetime, timezone: str, filters: tuple[tuple[str, str], ...],
            *args: object) -> pl.DataFrame:
    """dashboard_data.<widget>(snapshot, *args), cached on (store version, as-of, tz, filters, args)."""
    snapshot = _snapshot(version, as_of, timezone, filters)
    return getattr(dashboard_data, widget)(snapshot, *args)


@st.cache_data(show_spinner=False, max_entries=64)
def listings_detected(version: str, period: Period, as_of: dt.datetime, filters: tuple[tuple[str, str], ...]) -> int:
    """dashboard_data.listings_detected on the store of `version` (cached per version and view)."""
    return dashboard_data.listings_detected(cursor(), period, as_of, Filters(**dict(filters)))


@st.cache_data(show_spinner=False, max_entries=64)
def seller_listings(version: str, platform: str, seller_id: str, as_of: dt.datetime,
                    filters: tuple[tuple[str, str], ...]) -> pl.DataFrame:
    """dashboard_data.seller_listings on the store of `version` (cached per version and view)."""
    return dashboard_data.seller_listings(cursor(), platform, seller_id, as_of, Filters(**dict(filters)))


def frame(loaded: Loaded, widget: str, *args: object) -> pl.DataFrame:
    """A widget's frame of the loaded view (see derived)."""
    snapshot = loaded.snapshot
    return derived(widget, loaded.version, snapshot.as_of, snapshot.timezone,
                   tuple(sorted(snapshot.filters.active.items())), *args)


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
    """Make `view` the URL's parameters and this session's view."""
    params = view.query_params()
    st.session_state[_VIEW_KEY] = params
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def _changed(name: str, key: str) -> None:
    # A sidebar choice goes into the URL before the rerun, so the URL stays the one truth.
    value = st.session_state[key]
    params = dict(st.session_state.get(_VIEW_KEY) or {})
    if value in (None, ANY) or (name == "tz" and value == DEFAULT_SETTINGS.report_timezone):
        params.pop(name, None)
    else:
        params[name] = value
    st.session_state[_VIEW_KEY] = params
    st.query_params.from_dict(params)


def _unfreeze() -> None:
    params = dict(st.session_state.get(_VIEW_KEY) or {})
    params.pop("as_of", None)
    st.session_state[_VIEW_KEY] = params
    st.query_params.from_dict(params)


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
        show_warnings([f"{value.name}: the store holds no {value.name} {value.value!r}; showing every "
                       f"{value.name}.{guess} It holds: {held or 'none'}{more}."])
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
        for name in ("platform", "account", "brand"):
            key = f"view-{name}"
            current = getattr(Filters(**kept).normalised(), name)
            st.session_state[key] = current if current is not None else ANY
            st.selectbox(name.capitalize(), [ANY, *choices[name]], key=key, on_change=_changed, args=(name, key),
                         format_func=terminal_text)
        if view.as_of is not None:
            st.caption(f"Frozen at {iso_utc(view.as_of)} by the link.")
            st.button("Show live data", on_click=_unfreeze)
        st.caption("Copy the address bar to share exactly this view.")
        if not auth_configured():
            st.caption("No sign-in configured: served on this computer only (see the README).")
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


def auth_configured() -> bool:
    """Whether the Streamlit secrets hold an [auth] section (then require_sign_in guards every page)."""
    try:
        return _sign_in() is not None
    except sign_in.SignInError:
        return True  # guarded: require_sign_in shows nothing but the problem


def require_sign_in() -> None:
    """With [auth]: stop the page unless the user signed in with an address of [auth] allowed_emails.

    Settings Streamlit could not use (sign_in.sign_in_settings) stop every page with one line,
    never a traceback and never the figures.
    """
    try:
        settings = _sign_in()
    except sign_in.SignInError as error:
        st.title("Takedown dashboard")
        st.error(markdown_text(f"Sign-in is configured but cannot be used: {error}. "
                               "Fix .streamlit/secrets.toml (README: Dashboard) and reload."))
        st.stop()
    if settings is None:
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


# --- what every page shows ---

def freshness_badge(loaded: Loaded) -> None:
    """Data as of ..., last ingest ..., and whether the view is frozen."""
    ingested = last_ingest(loaded.version)
    frozen = " (frozen by the link's as_of)" if loaded.view.as_of is not None else ""
    text = (f"Data as of {loaded.snapshot.as_of:%Y-%m-%d %H:%M} UTC{frozen} · last ingest "
            f"{'never' if ingested is None else f'{ingested:%Y-%m-%d %H:%M} UTC'} · report time zone "
            f"{markdown_text(loaded.snapshot.timezone)}")
    st.badge(text, icon=":material/schedule:", color="gray")


def live(render: Callable[[Loaded], None]) -> None:
    """Run a page's body now and again every refresh interval, with the store as published then.

    The body shows its title, then freshness_badge(loaded).

    The body is a fragment: it picks up a new copy of the store without a reload. A store being
    replaced at that instant shows a note and is read again at the next tick.
    """
    view: View = st.session_state.get(_CURRENT_KEY) or View()

    @st.fragment(run_every=refresh_seconds())
    def body() -> None:
        try:
            loaded = load(view)
        except (StoreError, FileNotFoundError) as error:
            st.info(markdown_text(f"The store is being updated ({error}); the page refreshes in a moment."))
            return
        render(loaded)

    body()


def download_files(table: pl.DataFrame, name: str) -> dict[str, bytes]:
    """CSV and XLSX bytes of `table`, every text cell a spreadsheet would run as a formula escaped."""
    return {"csv": table_bytes(table, ".csv", name), "xlsx": table_bytes(table, ".xlsx", name)}


_MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def download_buttons(table: pl.DataFrame, name: str, key: str) -> None:
    """Download CSV / Download XLSX buttons for `table` (download_files)."""
    files = download_files(table, name)
    for column, (suffix, data) in zip(st.columns(2), files.items(), strict=True):
        column.download_button(f"Download {suffix.upper()}", data, file_name=f"{name}.{suffix}",
                               mime=_MIME[suffix], key=f"{key}-{suffix}")


# Streamlit's number formats per registry unit.
_COLUMN_FORMAT = {"fraction": "percent", "usd": "dollar", "hours": "%.1f h", "items": "localized",
                  "events": "localized"}


def metric_columns(frame_: pl.DataFrame) -> dict[str, object]:
    """Column configs labelling and formatting every metric column of `frame_` from the registry."""
    return {name: st.column_config.NumberColumn(METRIC_BY_NAME[name].label,
                                                format=_COLUMN_FORMAT[METRIC_BY_NAME[name].unit])
            for name in frame_.columns if name in METRIC_BY_NAME}


def table(frame_: pl.DataFrame, name: str, key: str, column_config: dict[str, object] | None = None) -> None:
    """A table (st.dataframe never renders its cells as HTML or Markdown; controls and bidi characters are shown
    as visible escapes) with its CSV and XLSX downloads (the raw text)."""
    dates = {name: st.column_config.DateColumn(name, format="YYYY-MM-DD")
             for name, dtype in frame_.schema.items() if dtype == pl.Date}
    st.dataframe(shown_cells(frame_), hide_index=True, width="stretch",
                 column_config={**dates, **metric_columns(frame_), **(column_config or {})})
    download_buttons(frame_, name, key)
