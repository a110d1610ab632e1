"""The one definition of a complaint item's milestones, as SQL: queries/metrics/item_milestones.sql
and its parameters (SPEC section 3). metrics.status runs it over frames and the store; item_facts
runs it at the end of time to keep each item's facts. Kept apart from metrics (no Polars) so that
ingest, which keeps the facts, imports no more than it needs.
"""

from __future__ import annotations

import datetime as dt

from takedown.contract import EVENT_TIE_ORDER
from takedown.sql import load_query

# The brand's answers to a counter-notice (SPEC 3, missed_counter_notice_responses).
RESPONSE_EVENTS = ("counter_notice_accepted", "counter_notice_rejected", "withdrawn")
# The platform's decisions on a complaint (SPEC 3, handled_within_24h_rate).
DECISION_EVENTS = ("removed", "rejected")


def milestone_parameters(as_of: dt.datetime, response_window_hours: float) -> dict[str, object]:
    """The parameters of queries/metrics/item_milestones.sql: T, the tie order, the event groups, the window."""
    return {"as_of": as_of, "tie_order": list(EVENT_TIE_ORDER), "response_events": list(RESPONSE_EVENTS),
            "decision_events": list(DECISION_EVENTS),
            "response_window": dt.timedelta(hours=response_window_hours)}


def milestones_query(known_events: str | None = None) -> str:
    """queries/metrics/item_milestones.sql, reading `known_events` as the SQL `known_events` (None: a
    relation of that name the caller registered)."""
    query = load_query("metrics/item_milestones")
    return query if known_events is None else f"with known_events as ({known_events}) select * from ({query})"
