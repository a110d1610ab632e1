"""The dashboard's pages that once read the whole store (the Action queue, Repeat offenders, the IP
portfolio, Escalations), each reading only the rows it shows: no Snapshot of the store.

The reading is the library's (takedown.metrics.narrow, which the report reads too): this module names
its functions for the pages (state.narrowed looks a page's frame up here by name) and adds the three
that shape what they read as only the dashboard shows it (a seller's complaints and outcomes by month,
the IP portfolio).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from takedown.config import Settings
from takedown.dashboard_lib.data import portfolio_of, seller_complaints_of, seller_outcomes_of
from takedown.metrics.filters import Filters
from takedown.metrics.inputs import load_rights
from takedown.metrics.narrow import (  # noqa: F401 (the pages' frames, looked up here by name)
    ACTION_QUEUES,
    REGISTRATIONS_PER_LOAD,
    action_queue,
    complaint_items_on_weak_rights,
    counter_notices_awaiting_response,
    escalation_view,
    expiring_rights,
    facts_of,
    high_risk_backlog,
    repeat_offender_figures,
    repeat_offenders_queue,
    rights_usage,
    seller_facts,
    statuses_of,
)
from takedown.metrics.snapshot import plain


def seller_complaints(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters, settings: Settings,
                      platform: str, seller_id: str) -> pl.DataFrame:
    """data.seller_complaints of the seller's own facts."""
    return plain(seller_complaints_of(seller_facts(con, as_of, filters, settings, platform, seller_id)))


def seller_outcomes_by_month(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                             settings: Settings, platform: str, seller_id: str) -> pl.DataFrame:
    """data.seller_outcomes_by_month of the seller's own facts."""
    return seller_outcomes_of(seller_facts(con, as_of, filters, settings, platform, seller_id),
                              settings.report_timezone)


def rights_portfolio(con: duckdb.DuckDBPyConnection, as_of: dt.datetime, filters: Filters,
                     settings: Settings) -> pl.DataFrame:
    """data.rights_portfolio: the rights with their use (metrics.narrow.rights_usage: every group's own
    items, a few registrations at a time)."""
    return portfolio_of(load_rights(con, filters), rights_usage(con, as_of, filters, settings), as_of)
