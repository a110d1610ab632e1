"""The frames every metric reads, and the loaders that read them from the store.

This is the only module of `takedown.metrics` that does I/O, with takedown.item_facts (the facts
ingest keeps, which the loaders read). Everything else takes these frames
(or frames derived from them) and returns new ones. The loaders filter and join in DuckDB (by
bound parameters, SQL in queries/metrics/) so that only the rows the metrics need reach Polars.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from takedown.config import exchange_rates_path
from takedown.contract import EVENT_TIE_ORDER, STATUS_OF_EVENT
from takedown.item_facts import has_item_facts, milestones_as_of, read_kept_milestones
from takedown.metrics.exchange_rates import check_exchange_rates
from takedown.metrics.filters import Filters
from takedown.metrics.listing_text import LISTING_TEXT_COLUMNS, ListingText
from takedown.metrics.status import (
    MILESTONE_COLUMNS,
    STATUS_ENUM,
    last_event,
    milestone_parameters,
    milestones_query,
    typed_milestones,
)
from takedown.sql import load_query
from takedown.frames import register_frame

# Text columns with few distinct values are loaded as categoricals: a few bytes per row instead of
# a string, in DuckDB's result and in Polars. Hand-made frames may hold them as strings: every
# function takes either, and every frame a Snapshot gives back holds strings (see snapshot.plain).
_CATEGORY = pl.Categorical()
# One row per complaint item (SPEC 1.2); key (complaint_id, listing_id), listing_id '' for a storefront.
# item_id is any integer unique per item (the store's row id): events refer to their item by it.
ITEM_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(), "complaint_id": pl.String(), "listing_id": pl.String(), "platform": _CATEGORY,
    "seller_id": _CATEGORY, "enforcement_type": _CATEGORY, "ipr_type": _CATEGORY,
    "ipr_registration": _CATEGORY, "reason": _CATEGORY, "account": _CATEGORY, "submitted_at": pl.Datetime("us"),
}
# A complaint item with its listing's brand and value columns (null when it has no listing), and
# listing_key: the store's row id of that listing (null: none), which the queues join on and
# listing text is fetched by (inputs.listing_text_from_store).
LISTED_ITEM_SCHEMA: dict[str, pl.DataType] = {
    **ITEM_SCHEMA, "brand": _CATEGORY, "price": pl.Float64(), "currency": _CATEGORY, "units_sold": pl.Int64(),
    "listing_key": pl.Int32(),
}
# One row per outcome event (SPEC 1.3) of a known item, keyed by that item's item_id.
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(), "event": _CATEGORY, "occurred_at": pl.Datetime("us"),
}
# One row per detected listing (SPEC 1.1); key (platform, listing_id).
LISTING_SCHEMA: dict[str, pl.DataType] = {
    "platform": _CATEGORY, "listing_id": pl.String(), "url": pl.String(), "title": pl.String(),
    "seller_id": _CATEGORY, "seller_name": pl.String(), "brand": _CATEGORY, "infringement_type": _CATEGORY,
    "price": pl.Float64(), "currency": _CATEGORY, "units_sold": pl.Int64(), "risk_score": pl.Float64(),
    "detected_at": pl.Datetime("us"),
}
# A listing as a snapshot holds it (only those the high-risk backlog ranks): its text left in the
# store (fetched by listing_key, the store's row id, for the rows shown: listing_text_from_store).
KEYED_LISTING_SCHEMA: dict[str, pl.DataType] = {
    "listing_key": pl.Int32(),
    **{name: dtype for name, dtype in LISTING_SCHEMA.items() if name not in LISTING_TEXT_COLUMNS},
}
# One row per seller with listings detected by a snapshot's as_of: when it was first and last seen.
LISTING_SIGHTING_SCHEMA: dict[str, pl.DataType] = {
    "platform": _CATEGORY, "seller_id": _CATEGORY, "first_detected_at": pl.Datetime("us"),
    "last_detected_at": pl.Datetime("us"),
}
# The low-variety text columns of each query, and the store's columns their values come from.
CATEGORIES: dict[str, dict[str, str]] = {
    "metrics/complaint_items": {
        "platform": "complaint_items.platform", "enforcement_type": "complaint_items.enforcement_type",
        "ipr_type": "complaint_items.ipr_type", "ipr_registration": "complaint_items.ipr_registration",
        "reason": "complaint_items.reason",
        "account": "complaint_items.account", "brand": "listings.brand", "currency": "listings.currency",
    },
    "metrics/outcome_events": {"event": "outcome_events.event"},
    "metrics/unreported_listings": {
        "platform": "listings.platform", "brand": "listings.brand", "infringement_type": "listings.infringement_type",
        "currency": "listings.currency",
    },
    "metrics/listing_sightings": {"platform": "listings.platform"},
    "metrics/listings": {
        "platform": "listings.platform", "brand": "listings.brand", "infringement_type": "listings.infringement_type",
        "currency": "listings.currency",
    },
}
# One row per registered right (SPEC 1.4); key registration.
RIGHT_SCHEMA: dict[str, pl.DataType] = {
    "registration": pl.String(), "ipr_type": pl.String(), "brand": pl.String(), "jurisdiction": pl.String(),
    "expires_on": pl.Date(), "ipp_status": pl.String(),
}
# One row per (month, currency): US dollars for one unit of the currency, averaged over the month.
EXCHANGE_RATE_SCHEMA: dict[str, pl.DataType] = {
    "month": pl.Date(), "currency": pl.String(), "usd_per_unit": pl.Float64(),
}

# Bounds that stand for "no bound" in the loader's SQL (a bound parameter keeps the filter pushed down).
_EARLIEST = dt.datetime(1, 1, 1)
_LATEST = dt.datetime(9999, 12, 31)


@dataclass(frozen=True)
class MetricInputs:
    """The store as the metrics see it: complaint items, their events, listings, rights and rates.

    `items` follow LISTED_ITEM_SCHEMA: each item carries its listing's brand, price, currency and
    units_sold (facts.attach_listing_values builds that from hand-made frames); `events` follow
    EVENT_SCHEMA, keyed by item_id (status.events_of_items turns exported events into that).
    `as_of`, `since` and `until` record what was loaded: the items submitted in [since, until) and
    by as_of, and their events by as_of (None: no bound); `filters` which items were kept. Bounded
    inputs carry no listings or rights unless asked (the metrics read an item's listing values
    from the item; the rows behind a figure and the work queues need them). Hand-made inputs
    leave the bounds None, which means "complete".
    """

    items: pl.DataFrame
    events: pl.DataFrame
    listings: pl.DataFrame
    rights: pl.DataFrame
    exchange_rates: pl.DataFrame
    as_of: dt.datetime | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    filters: Filters = Filters()

    def covers(self, since: dt.datetime, until: dt.datetime | None, as_of: dt.datetime) -> bool:
        """Whether these inputs hold every item submitted in [since, until) (until None: no end) and
        by as_of, with its events by as_of."""
        return _covers(self.as_of, self.since, self.until, since, until, as_of)

    @property
    def complete(self) -> bool:
        """Whether these inputs hold the whole store (the work queues need that)."""
        return self.since is None and self.until is None


def _covers(loaded_as_of: dt.datetime | None, loaded_since: dt.datetime | None, loaded_until: dt.datetime | None,
            since: dt.datetime, until: dt.datetime | None, as_of: dt.datetime) -> bool:
    if loaded_as_of is not None and loaded_as_of < as_of:
        return False
    if loaded_since is not None and loaded_since > since:
        return False
    if loaded_until is None:
        return True
    # Items submitted up to as_of (inclusive) or up to `until` (exclusive), whichever comes first.
    return loaded_until > as_of if until is None or until > as_of else loaded_until >= until


def empty_frame(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A frame with no rows and the given columns."""
    return pl.DataFrame(schema=schema)


def read_exchange_rates(path: Path | None = None) -> pl.DataFrame:
    """The monthly exchange-rate table (month YYYY-MM, currency, usd_per_unit) as EXCHANGE_RATE_SCHEMA.

    A row with an empty rate is kept as a null rate: the currency's value is unknown that month.
    """
    path = path or exchange_rates_path()
    raw = pl.read_csv(path, schema_overrides={"month": pl.String, "currency": pl.String, "usd_per_unit": pl.Float64})
    rates = raw.select(
        pl.col("month").str.to_date("%Y-%m"),
        pl.col("currency").str.strip_chars().str.to_uppercase(),
        pl.col("usd_per_unit"),
    )
    return check_exchange_rates(rates)


def load_metric_inputs(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, since: dt.datetime | None = None,
                       until: dt.datetime | None = None, rates_path: Path | None = None,
                       filters: Filters = Filters(), listings: bool | None = None) -> MetricInputs:
    """Read the store as known at `as_of` (naive UTC).

    Items submitted by `as_of` (and, when given, in [since, until)) that match `filters`, with
    their listing's values, their events by `as_of`, and the exchange-rate table. `listings`
    (default: only without bounds) also reads the listings and rights of the filters' platform,
    brand and ipr_type. Filters, bounds and the item-listing join run in DuckDB as bound
    parameters; only the rows the metrics need reach Polars.
    """
    items = load_items(con, as_of, since, filters, until)
    if listings if listings is not None else (since is None and until is None):
        listing_frame, rights = load_listings_and_rights(con, filters)
    else:
        listing_frame, rights = empty_frame(LISTING_SCHEMA), empty_frame(RIGHT_SCHEMA)
    return MetricInputs(items, _events_of(con, items, as_of), listing_frame, rights, read_exchange_rates(rates_path),
                        as_of, since, until, filters)


def load_listings_and_rights(con: duckdb.DuckDBPyConnection,
                             filters: Filters = Filters()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The listings (LISTING_SCHEMA) of the filters' platform and brand, and the rights (RIGHT_SCHEMA)
    of their brand and ipr_type."""
    listing_frame = _query(con, "metrics/listings", listing_parameters(filters), LISTING_SCHEMA)
    return listing_frame, load_rights(con, filters)


def load_rights(con: duckdb.DuckDBPyConnection, filters: Filters = Filters()) -> pl.DataFrame:
    """The rights (RIGHT_SCHEMA) of the filters' brand and ipr_type."""
    item_filters = filters.parameters()
    return _query(con, "metrics/ip_rights", {"brand": item_filters["brand"], "brands": item_filters["brands"],
                                             "ipr_type": item_filters["ipr_type"]},
                  RIGHT_SCHEMA)


def load_unreported_listings(con: duckdb.DuckDBPyConnection, as_of: dt.datetime,
                             filters: Filters = Filters()) -> pl.DataFrame:
    """The listings of the filters' platform and brand detected by `as_of` that no listing item of
    load_items(con, as_of, filters=filters) names, KEYED_LISTING_SCHEMA: without their text.

    The items are those of metrics/complaint_items over metrics/matching_items (the one definition
    of which items a snapshot holds), read inside the store: a snapshot loads these before its items, while it is small.
    """
    reported = f"select listing_key from ({load_query('metrics/complaint_items')}) where enforcement_type = 'listing'"
    query = over_matching_items(
        f"with {_REPORTED_LISTINGS} as ({reported}) select * from ({load_query('metrics/unreported_listings')})")
    query = as_categories(con, query, CATEGORIES["metrics/unreported_listings"])
    frame = con.execute(query, item_parameters(as_of, None, None, filters)).pl()
    return frame.cast(KEYED_LISTING_SCHEMA)  # type: ignore[arg-type]


def load_listing_sightings(con: duckdb.DuckDBPyConnection, as_of: dt.datetime,
                           filters: Filters = Filters()) -> pl.DataFrame:
    """Per seller with a listing of the filters' platform and brand detected by `as_of`: first_detected_at
    and last_detected_at (LISTING_SIGHTING_SCHEMA)."""
    return _query(con, "metrics/listing_sightings", {"as_of": as_of, **listing_parameters(filters)},
                  LISTING_SIGHTING_SCHEMA)


def listing_parameters(filters: Filters) -> dict[str, object]:
    """staging/listings_matching's parameters: the filters' platform and brand, and the scope's brands."""
    item_filters = filters.parameters()
    return {"platform": item_filters["platform"], "brand": item_filters["brand"], "brands": item_filters["brands"]}


def load_items(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, since: dt.datetime | None = None,
               filters: Filters = Filters(), until: dt.datetime | None = None,
               categories: str | None = None) -> pl.DataFrame:
    """The items of load_metric_inputs (LISTED_ITEM_SCHEMA): submitted by `as_of`, in [since, until),
    matching `filters` (metrics/matching_items), with their listing's columns (metrics/complaint_items).
    `categories`: item_categories(con), when the caller read it already."""
    query = over_matching_items(load_query("metrics/complaint_items"))
    query = as_categories(con, query, CATEGORIES["metrics/complaint_items"], categories)
    frame = con.execute(query, item_parameters(as_of, since, until, filters)).pl()
    return frame.cast(LISTED_ITEM_SCHEMA)  # type: ignore[arg-type]


def first_submitted_at(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the store's first complaint item was submitted (None: no item)."""
    return con.sql("select min(submitted_at) from complaint_items").fetchall()[0][0]


def count_items(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, since: dt.datetime | None = None,
                until: dt.datetime | None = None) -> int:
    """How many complaint items were submitted by `as_of` in [since, until) (None: no bound), filters aside."""
    query = f"select count(*) from ({load_query('metrics/matching_items')})"  # the one item window
    parameters = item_parameters(as_of, since, until, Filters())
    del parameters["brand"], parameters["brands"]  # applied by the queries that read the listings, not matching_items
    return con.execute(query, parameters).fetchall()[0][0]


def over_matching_items(query: str) -> str:
    """`query` with the relation matching_items defined: metrics/matching_items, the items a snapshot
    holds but for the brand filter, which `query` applies (the parameters: item_parameters)."""
    return f"with {MATCHING_ITEMS} as ({load_query('metrics/matching_items')}) select * from ({query})"


def item_parameters(as_of: dt.datetime, since: dt.datetime | None, until: dt.datetime | None,
                     filters: Filters) -> dict[str, object]:
    """metrics/matching_items' parameters: the bounds (None: none) and the filters."""
    return {"as_of": as_of, "since": since or _EARLIEST, "until": until or _LATEST, **filters.parameters()}


def load_removed_listing_items(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, since: dt.datetime,
                               until: dt.datetime | None, response_window_hours: float,
                               filters: Filters = Filters()) -> pl.DataFrame:
    """The listing items submitted in [since, until) by `as_of` (None: no `until`) that match
    `filters` and have status removed at `as_of`, as repeat_offenders.removed_listing_items gives
    them (platform, seller_id, listing_id, enforcement_type, status, submitted_at; seller_id as text).

    What the repeat-offender figures read of the items outside a period's cohort, in one query: the
    listing items of metrics/matching_items (metrics/repeat_window_items: no listing read unless a
    brand filter asks) and each item's status by the one rule (item_milestones.sql's last event,
    kept by ingest where it holds at `as_of`: item_facts.milestones_as_of), only the removed items
    leaving DuckDB.
    """
    items = load_query("metrics/repeat_window_items")
    milestones, milestone_values = milestones_as_of(con, as_of, response_window_hours, columns=("last_rank",))
    query = over_matching_items(
        f"with {LOADED_ITEMS} as ({items}), milestones as (select item_id, last_rank from ({milestones}))\n"
        "select platform, seller_id, listing_id, submitted_at\n"
        f"from {LOADED_ITEMS} join milestones using (item_id)\n"
        "where list_contains($removed_ranks, milestones.last_rank)")
    query = as_categories(con, query, {"platform": "complaint_items.platform"})
    parameters = {**milestone_values, **item_parameters(as_of, since, until, filters),
                  "removed_ranks": _REMOVED_RANKS}
    frame = con.execute(query, parameters).pl()
    return frame.select(
        pl.col("platform").cast(pl.Categorical), pl.col("seller_id").cast(pl.String), pl.col("listing_id").cast(pl.String),
        pl.lit("listing", dtype=pl.Categorical).alias("enforcement_type"),
        pl.lit("removed", dtype=STATUS_ENUM).alias("status"),
        pl.col("submitted_at").cast(pl.Datetime("us")))


# The tie ranks (positions in EVENT_TIE_ORDER) of the events whose status is removed.
_REMOVED_RANKS = [rank for rank, event in enumerate(EVENT_TIE_ORDER) if STATUS_OF_EVENT[event] == "removed"]


def load_item_milestones(con: duckdb.DuckDBPyConnection, items: pl.DataFrame, as_of: dt.datetime,
                         response_window_hours: float, status_only: bool = False) -> pl.DataFrame:
    """status.event_milestones of `items` as of `as_of`, computed inside the store by the same query
    (item_milestones.sql): the events never leave DuckDB, one row per item with events does.

    A store that keeps item facts (takedown.item_facts) answers from them for the items whose facts
    hold at `as_of`; only the others (an event or a response deadline after `as_of`) are computed
    from their events. `status_only`: item_id and last_event only.
    """
    keys = items.select("item_id", "complaint_id", "listing_id")
    held: pl.DataFrame | None = None
    if has_item_facts(con):
        register_frame(con, LOADED_ITEMS, keys)
        try:
            kept = read_kept_milestones(con, as_of, response_window_hours)
        finally:
            con.unregister(LOADED_ITEMS)
        held = kept.filter(pl.col("holds")).drop("holds")
        # An item without a kept row has no event: only the kept rows that do not hold are recomputed.
        keys = keys.join(kept.filter(~pl.col("holds")).select("item_id"), on="item_id", how="semi")
    parts = [] if held is None else [held.select("item_id", "last_rank") if status_only else held]
    if held is None or keys.height:
        parts.append(_milestones_from_events(con, keys, as_of, response_window_hours, status_only))
    raw = pl.concat(parts, how="vertical_relaxed")
    if status_only:
        return raw.select(pl.col("item_id").cast(pl.Int64), last_event(pl.col("last_rank")).alias("last_event"))
    return typed_milestones(raw).select(MILESTONE_COLUMNS)


def _milestones_from_events(con: duckdb.DuckDBPyConnection, keys: pl.DataFrame, as_of: dt.datetime,
                            response_window_hours: float, status_only: bool = False) -> pl.DataFrame:
    # item_milestones.sql over the events by as_of of the items in `keys`, inside the store; for the
    # status only, DuckDB then skips the missed notices' search (a third of a minute at 1M items).
    register_frame(con, LOADED_ITEMS, keys)
    try:
        query = milestones_query(known_events=load_query("metrics/outcome_events"))
        if status_only:
            query = f"select item_id, last_rank from ({query})"
        return con.execute(query, milestone_parameters(as_of, response_window_hours)).pl()
    finally:
        con.unregister(LOADED_ITEMS)


# The name under which the loader shows DuckDB the item_ids it loaded (metrics/outcome_events).
LOADED_ITEMS = "loaded_items"
# The name under which metrics/complaint_items and metrics/repeat_window_items read metrics/matching_items.
MATCHING_ITEMS = "matching_items"
# The names under which listing_text_from_store shows DuckDB the listing keys asked for, and
# load_unreported_listings those the snapshot's items name.
_WANTED_LISTINGS = "wanted_listings"
_REPORTED_LISTINGS = "reported_listings"


def listing_text_from_store(con: duckdb.DuckDBPyConnection) -> ListingText:
    """A listing_text.ListingText reading the store behind `con` by listing_key (the listing's row id).

    Each call runs one query on a fresh cursor of `con` (so from any thread), reading only the
    rows asked for: `con` must stay open while it is used.
    """
    def fetch(keys: pl.DataFrame) -> pl.DataFrame:
        wanted = keys.select(pl.col("listing_key").drop_nulls().unique())
        cursor = con.cursor()
        try:
            register_frame(cursor, _WANTED_LISTINGS, wanted)
            text = cursor.sql(load_query("metrics/listing_text")).pl()
        finally:
            cursor.close()
        text = text.cast({"listing_key": pl.Int32, **{name: pl.String for name in LISTING_TEXT_COLUMNS}})
        return (keys.select("listing_key").join(text, on="listing_key", how="left", maintain_order="left")
                .select(LISTING_TEXT_COLUMNS))
    return fetch


def _events_of(con: duckdb.DuckDBPyConnection, items: pl.DataFrame, as_of: dt.datetime) -> pl.DataFrame:
    # The events query reads the items already chosen, so their bounds and filters live in one file.
    register_frame(con, LOADED_ITEMS, items.select("item_id", "complaint_id", "listing_id"))
    try:
        return _query(con, "metrics/outcome_events", {"as_of": as_of}, EVENT_SCHEMA)
    finally:
        con.unregister(LOADED_ITEMS)


def _query(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object],
           schema: dict[str, pl.DataType]) -> pl.DataFrame:
    query = load_query(name)
    categories = CATEGORIES.get(name)
    if categories:
        query = as_categories(con, query, categories)
    frame = con.execute(query, params).pl()
    return frame.cast(schema)  # type: ignore[arg-type]


def as_categories(con: duckdb.DuckDBPyConnection, query: str, columns: dict[str, str],
                   casts: str | None = None) -> str:
    """`query` with each of `columns` cast to a DuckDB ENUM of the values its store column holds.

    An ENUM reaches Polars as a categorical, so DuckDB's result and the frame hold a small integer
    per row. DuckDB cannot bind a type, and a read-only store cannot create one, so the values are
    written into the SQL as string literals (quotes doubled: the values are untrusted text).
    `casts`: those casts made already (item_categories), for a load that reads several slices.
    """
    return f"select * replace ({casts or _category_casts(con, columns)}) from ({query})"


def item_categories(con: duckdb.DuckDBPyConnection) -> str:
    """The casts load_items makes of its low-variety columns (each store column's distinct values, read
    once): a load reading the items slice by slice passes them to each (a scan of two tables saved)."""
    return _category_casts(con, CATEGORIES["metrics/complaint_items"])


def _category_casts(con: duckdb.DuckDBPyConnection, columns: dict[str, str]) -> str:
    values: dict[str, list[str] | None] = {}
    tables: dict[str, list[str]] = {}
    for source in columns.values():
        table, column = source.split(".")
        tables.setdefault(table, []).append(column)
    for table, names in tables.items():
        lists = ", ".join(f"list(distinct {name}) filter ({name} is not null)" for name in names)
        row = con.sql(f"select {lists} from {table}").fetchall()[0]
        values.update({f"{table}.{name}": found for name, found in zip(names, row, strict=True)})
    return ", ".join(f"cast({column} as {_enum_type(values[source])}) as {column}"
                     for column, source in columns.items())


def _enum_type(values: list[str] | None) -> str:
    # An ENUM needs a value: a column of nulls only (which any ENUM holds) gets a stand-in.
    literals = [_sql_string(value) for value in sorted(values or [])] or ["''"]
    return f"enum({', '.join(literals)})"


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
