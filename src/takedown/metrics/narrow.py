"""The queues and figures where every item of the store counts (the Action queue, repeat offenders, the IP
portfolio, escalations, the items still pending), each read from only the items it shows: no Snapshot of
the store. The dashboard's pages (dashboard_lib.narrow) and the report (report.data) read them.

One definition still: every figure is the Snapshot's own function (metrics.queues, metrics.rights,
metrics.repeat_offenders, metrics.escalations, kpis.cohort_metrics) run on the complaint item facts of
the items it needs, and those facts are the snapshot's, item by item (the same loaders: the items of
metrics/matching_items and metrics/complaint_items, their milestones from the kept facts or their
events, facts_from_milestones). What changes is only which items are loaded: a superset of those a
figure reads, chosen by a key the rule does not compute (an item with a counter-notice event, the
sellers over the threshold, the registrations of the expiring rights, the (registration, day) pairs the
weak-rights rule flags on an aggregate of the items, the escalated items, the items whose last event
leaves them pending), so the figures equal the whole snapshot's to the digit (tests/dashboard/test_narrow.py
and tests/report/test_report_narrow.py compare them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import polars as pl

from takedown.config import Settings
from takedown.contract import EVENT_TIE_ORDER, STATUS_OF_EVENT
from takedown.frames import register_frame
from takedown.item_facts import milestones_as_of
from takedown.metrics import escalations as calls
from takedown.metrics import queues as queues_module
from takedown.metrics import repeat_offenders as repeat_module
from takedown.metrics import rights as rights_module
from takedown.metrics.facts import facts_from_milestones
from takedown.metrics.filters import Filters
from takedown.metrics.inputs import (
    CATEGORIES,
    LOADED_ITEMS,
    MATCHING_ITEMS,
    LISTED_ITEM_SCHEMA,
    as_categories,
    item_parameters,
    over_matching_items,
    load_item_milestones,
    load_listing_sightings,
    load_removed_listing_items,
    load_rights,
    load_unreported_listings,
    listing_text_from_store,
    read_exchange_rates,
)
from takedown.metrics.kpis import cohort_metrics
from takedown.metrics.prices import price_flags
from takedown.metrics.registry import PENDING_STATUSES
from takedown.metrics.snapshot import plain
from takedown.metrics.status import known_items, status_of_last_event
from takedown.sql import load_query

SELLER = list(repeat_module.SELLER)
_ITEM = ["complaint_id", "listing_id"]
# The name under which a load shows DuckDB the keys of the items it wants.
_WANTED = "wanted_keys"
# The IP portfolio reads the items of this many registrations at a time (its memory: theirs).
REGISTRATIONS_PER_LOAD = 8


def _items_query(where: str = "") -> str:
    # metrics/complaint_items over metrics/matching_items (the snapshot's items), these narrowed by `where`
    # (on the columns of matching_items, as `item`) before the items meet their listings.
    if not where:
        return over_matching_items(load_query("metrics/complaint_items"))
    matching = f"select item.* from ({load_query('metrics/matching_items')}) as item {where}"
    return f"with {MATCHING_ITEMS} as ({matching}) select * from ({load_query('metrics/complaint_items')})"


def facts_of(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, settings: Settings,
             wanted: pl.DataFrame, on: str | None = None) -> pl.DataFrame:
    """The complaint item facts as of `as_of` (a snapshot's rows, by the same loaders) of the items of
    `filters` whose columns equal a row of `wanted` (`on`: the join condition of `item` and `wanted`
    when it is not equality of wanted's columns). Categorical columns as the snapshot keeps them."""
    items = _items(con, as_of, filters, wanted, on)
    milestones = load_item_milestones(con, items, as_of, settings.response_window_hours)
    return facts_from_milestones(items, milestones, read_exchange_rates(), as_of, settings)


def _items(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, wanted: pl.DataFrame,
           on: str | None) -> pl.DataFrame:
    # The items of facts_of (LISTED_ITEM_SCHEMA).
    condition = on or " and ".join(f"item.{name} is not distinct from wanted.{name}" for name in wanted.columns)
    query = _items_query(f"semi join {_WANTED} as wanted on {condition}")
    query = as_categories(con, query, CATEGORIES["metrics/complaint_items"])
    cursor = con.cursor()
    try:
        register_frame(cursor, _WANTED, wanted)
        items = cursor.execute(query, item_parameters(as_of, None, None, filters)).pl()
    finally:
        cursor.close()
    return items.cast(LISTED_ITEM_SCHEMA)  # type: ignore[arg-type]


def statuses_of(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, settings: Settings,
                wanted: pl.DataFrame, on: str | None = None) -> pl.DataFrame:
    """facts_of's items with their status only (status_of_last_event of their last event as of `as_of`, the
    facts' own rule), the columns a history or a right's use reads: cheaper than every milestone."""
    items = _items(con, as_of, filters, wanted, on)
    last = load_item_milestones(con, items, as_of, settings.response_window_hours, status_only=True)
    return (known_items(items, as_of).select("item_id", *SELLER, "listing_id", "enforcement_type", "ipr_registration",
                                             "submitted_at")
            .join(last, on="item_id", how="left", maintain_order="left")
            .with_columns(status_of_last_event(pl.col("last_event")).alias("status")))


def _aggregate(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, select: str) -> pl.DataFrame:
    # `select` (a select list with aggregates or distinct) over the view's items, no milestone read.
    query = f"select {select} from ({_items_query()})"
    return con.execute(query, item_parameters(as_of, None, None, filters)).pl()


# --- the Action queue ---

def counter_notices_awaiting_response(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                                      settings: Settings) -> pl.DataFrame:
    """Snapshot.counter_notices_awaiting_response (soonest deadline first) of the items that had a
    counter-notice event: an item whose last event is one has one."""
    noticed = con.sql(load_query("metrics/counter_noticed_items")).pl()
    facts = facts_of(con, as_of, filters, settings, noticed)
    return plain(queues_module.counter_notices_awaiting_response(facts, as_of, settings)).sort("response_deadline")


def _no_facts() -> pl.DataFrame:
    return pl.DataFrame(schema={"ipr_registration": pl.String, "status": pl.String})


def expiring_rights(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                    settings: Settings) -> pl.DataFrame:
    """Snapshot.expiring_rights: the rights the rule picks (asked first without items), then their use
    by the items that name them."""
    rights = load_rights(con, filters)
    expiring = rights_module.expiring_rights(rights, _no_facts(), as_of, settings)
    used = statuses_of(con, as_of, filters, settings, expiring.select(pl.col("registration").alias("ipr_registration")))
    return plain(rights_module.expiring_rights(rights, plain(used), as_of, settings))


def complaint_items_on_weak_rights(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                                   settings: Settings) -> pl.DataFrame:
    """Snapshot.complaint_items_on_weak_rights: the weak-rights rule (rights.weak_right_problems) on the
    view's distinct (registration, day filed) pairs, then the facts of the items of the pairs it flags."""
    rights = load_rights(con, filters)
    pairs = _aggregate(con, as_of, filters, "distinct ipr_registration, cast(submitted_at as date) as day")
    flagged = (rights_module.weak_right_problems(
        pairs.with_columns(pl.col("day").cast(pl.Datetime("us")).alias("submitted_at")), rights)
        .select("ipr_registration", "day"))
    facts = facts_of(con, as_of, filters, settings, flagged,
                     on="item.ipr_registration = wanted.ipr_registration "
                        "and cast(item.submitted_at as date) = wanted.day")
    return plain(rights_module.complaint_items_on_weak_rights(plain(facts), rights))


def repeat_window_removed_items(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                                settings: Settings) -> pl.DataFrame:
    """The repeat window's removed listing items (inputs.load_removed_listing_items: what the snapshot reads for
    the window's items it does not hold), whatever their submission: the repeat-offender rule's input."""
    return load_removed_listing_items(con, as_of, repeat_module.repeat_window_start(as_of, settings), None,
                                      settings.response_window_hours, filters)


def _window_removals(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                     settings: Settings) -> pl.DataFrame:
    # repeat_offenders.seller_removals of the repeat window's removed listing items.
    return repeat_module.seller_removals(repeat_window_removed_items(con, as_of, filters, settings), as_of, settings)


def high_risk_backlog(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                      settings: Settings) -> pl.DataFrame:
    """Snapshot.high_risk_backlog: the unreported listings (SQL), ranked with the history of their
    sellers' items only and the repeat offenders of the window."""
    rates = read_exchange_rates()
    candidates = _as_text(load_unreported_listings(con, as_of, filters))
    sellers = candidates.select(SELLER).unique()
    history = repeat_module.seller_history(statuses_of(con, as_of, filters, settings, sellers))
    removals = _window_removals(con, as_of, filters, settings)
    offenders = repeat_module.repeat_offender_sellers(None, as_of, settings, removals)  # type: ignore[arg-type]
    # rank_backlog reads the facts only for what `offenders` and `history` already give.
    return plain(queues_module.rank_backlog(
        candidates, None, rates, as_of, settings, listing_text_from_store(con),  # type: ignore[arg-type]
        _as_text(offenders), _as_text(history), price_flags=price_flags(con, as_of, rates, settings=settings)))


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    # The seller keys as text: the frames come from loads whose categoricals differ.
    return frame.with_columns(pl.col(SELLER).cast(pl.String))


ACTION_QUEUES = {"counter_notices_awaiting_response": counter_notices_awaiting_response,
                 "high_risk_backlog": high_risk_backlog, "expiring_rights": expiring_rights,
                 "complaint_items_on_weak_rights": complaint_items_on_weak_rights}


def action_queue(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, settings: Settings,
                 queue: str) -> pl.DataFrame:
    """data.action_queue's queue (Snapshot.<queue>()) read narrowly."""
    if queue not in ACTION_QUEUES:
        raise ValueError(f"unknown queue {queue!r}; the queues are: {', '.join(ACTION_QUEUES)}")
    return ACTION_QUEUES[queue](con, as_of, filters, settings)


# --- Repeat offenders ---

def repeat_offender_figures(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                            settings: Settings) -> pl.DataFrame:
    """Snapshot.repeat_offender_figures from the repeat window's removed listing items only."""
    removals = _window_removals(con, as_of, filters, settings)
    return plain(repeat_module.repeat_offender_figures(None, as_of, settings, removals))


def repeat_offenders(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                     settings: Settings) -> pl.DataFrame:
    """Snapshot.repeat_offenders (most removed first) from the repeat window's removed listing items only."""
    return plain(_as_text(repeat_module.repeat_offender_sellers(
        None, as_of, settings, _window_removals(con, as_of, filters, settings))))  # type: ignore[arg-type]


def repeat_offenders_queue(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                           settings: Settings, offenders: pl.DataFrame | None = None) -> pl.DataFrame:
    """Snapshot.repeat_offenders_queue: the offenders of the window, the history of their own items and
    the sightings of their own listings. `offenders`: repeat_offenders' frame when the caller holds it
    already (Snapshot.repeat_offenders of a snapshot with the repeat window), else read here."""
    if offenders is None:
        offenders = repeat_offenders(con, as_of, filters, settings)
    keys = offenders.select(SELLER)
    history = (repeat_module.seller_history(_as_text(plain(statuses_of(con, as_of, filters, settings, keys))))
               if keys.height else _as_text(repeat_module.seller_history(_seller_frame())))
    sightings = _as_text(plain(load_listing_sightings(con, as_of, filters))).join(keys, on=SELLER, how="semi")
    return plain(repeat_module.repeat_offenders_queue(None, None, as_of, settings,  # type: ignore[arg-type]
                                                      offenders, history, sightings))


def _seller_frame() -> pl.DataFrame:
    return pl.DataFrame(schema={"platform": pl.String, "seller_id": pl.String, "listing_id": pl.String,
                                "status": pl.String, "enforcement_type": pl.String, "submitted_at": pl.Datetime("us")})


def seller_facts(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, settings: Settings,
                 platform: str, seller_id: str) -> pl.DataFrame:
    """The facts of one seller's complaint items (the drill-down of a seller, read on click)."""
    return facts_of(con, as_of, filters, settings, pl.DataFrame({"platform": [platform], "seller_id": [seller_id]}))


# --- the items still pending ---

# The tie ranks (positions in EVENT_TIE_ORDER) of the events whose status is pending.
_PENDING_RANKS = [rank for rank, event in enumerate(EVENT_TIE_ORDER) if STATUS_OF_EVENT[event] in PENDING_STATUSES]


def pending_facts(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                  settings: Settings) -> pl.DataFrame:
    """facts_of the items of `filters` whose last event as of `as_of` (item_milestones.sql's, kept by ingest
    where it holds) gives a pending status, or that have none: a superset of the items the `pending` metric
    counts over the whole store (its own condition picks them from these facts), found inside the store
    with only their keys leaving it."""
    milestones, milestone_values = milestones_as_of(con, as_of, settings.response_window_hours,
                                                    columns=("last_rank",))
    query = over_matching_items(
        f"with {LOADED_ITEMS} as (select item_id, complaint_id, listing_id from {MATCHING_ITEMS}),\n"
        f"milestones as (select item_id, last_rank from ({milestones}))\n"
        f"select complaint_id, listing_id from {LOADED_ITEMS} left join milestones using (item_id)\n"
        "where milestones.last_rank is null or list_contains($pending_ranks, milestones.last_rank)")
    parameters = item_parameters(as_of, None, None, filters)
    del parameters["brand"], parameters["brands"]  # no listing read here: facts_of applies them
    keys = con.execute(query, {**milestone_values, **parameters, "pending_ranks": _PENDING_RANKS}).pl()
    return facts_of(con, as_of, filters, settings, keys.cast(pl.String))


# --- the IP portfolio ---

def _chunks(values: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def rights_usage(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                 settings: Settings) -> pl.DataFrame:
    """cohort_metrics by ipr_registration over every item of the view that names a registration (each
    group's own items), computed a few registrations at a time, so no more than their items are held at
    once: what the IP portfolio shows per right."""
    named = _aggregate(con, as_of, filters, "distinct ipr_registration").drop_nulls().get_column("ipr_registration")
    parts = []
    for chunk in _chunks(sorted(named.to_list()), REGISTRATIONS_PER_LOAD):
        facts = facts_of(con, as_of, filters, settings, pl.DataFrame({"ipr_registration": chunk}))
        parts.append(plain(cohort_metrics(facts, by="ipr_registration")))
    if parts:
        return pl.concat(parts, how="vertical_relaxed")
    return plain(cohort_metrics(
        facts_of(con, as_of, filters, settings, pl.DataFrame({"ipr_registration": []}, schema={"ipr_registration": pl.String})),
        by="ipr_registration"))


# --- Escalations ---

def escalation_view(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, settings: Settings,
                    escalations: pl.DataFrame, log: pl.DataFrame, month: str) -> pl.DataFrame:
    """calls.within_view(calls.escalation_status(...)) as the Escalations page shows it, from the facts of
    the escalated items and the view's sellers and (account, reason) pairs among the escalated ones:
    what within_view reads of a view's facts."""
    if escalations.is_empty():
        return escalations  # a store no filled workbook was loaded into: nothing to show
    items = escalations.filter(pl.col("escalation_kind").is_in(calls.ITEM_KINDS)).select(_ITEM).unique()
    facts = plain(facts_of(con, as_of, filters, settings, items)) if items.height else None
    status = calls.escalation_status(escalations, log, facts if facts is not None else _item_frame(), month, as_of)
    sellers = escalations.filter(pl.col("escalation_kind") == "storefront_action").select(SELLER).unique()
    held_sellers = _held(con, as_of, filters, sellers)
    pairs = _aggregate(con, as_of, filters, "distinct cast(account as varchar) as account, "
                                            "cast(reason as varchar) as reason")
    subjects = pl.concat([frame for frame in (facts.select(*_ITEM, *SELLER, "account", "reason") if facts is not None
                                              else None, held_sellers, pairs) if frame is not None],
                         how="diagonal_relaxed")
    return calls.within_view(status, subjects)


def _held(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, sellers: pl.DataFrame) -> pl.DataFrame:
    # The sellers of `sellers` the view holds an item of.
    if sellers.is_empty():
        return pl.DataFrame(schema={"platform": pl.String, "seller_id": pl.String})
    where = f"semi join {_WANTED} as wanted on item.platform = wanted.platform and item.seller_id = wanted.seller_id"
    query = f"select distinct platform, seller_id from ({_items_query(where)})"
    cursor = con.cursor()
    try:
        register_frame(cursor, _WANTED, sellers)
        return cursor.execute(query, item_parameters(as_of, None, None, filters)).pl()
    finally:
        cursor.close()


def _item_frame() -> pl.DataFrame:
    return pl.DataFrame(schema={"complaint_id": pl.String, "listing_id": pl.String, "status": pl.String,
                                "status_at": pl.Datetime("us")})
