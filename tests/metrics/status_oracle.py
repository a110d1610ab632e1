"""The status and counter-notice rules written a second way, in Polars: the test oracle only.

The one definition the code runs is queries/metrics/item_milestones.sql (status.event_milestones);
test_milestones.py checks it against this independent reading of SPEC section 3 on random events.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from takedown.contract import EVENT_TIE_ORDER
from takedown.metrics.status import DECISION_EVENTS, EVENT_ENUM, RESPONSE_EVENTS


def oracle_milestones(events: pl.DataFrame, as_of: dt.datetime, window_hours: float) -> pl.DataFrame:
    """status.MILESTONE_COLUMNS of each item with events (item_id, event, occurred_at, known at as_of)."""
    ranked = events.with_columns(pl.col("event").cast(EVENT_ENUM).to_physical().cast(pl.Int64).alias("tie_rank"))
    # The last event: the latest occurred_at, and on a tie the later in the tie order.
    last = (ranked.sort("item_id", "occurred_at", "tie_rank")
            .group_by("item_id", maintain_order=True).last()
            .select("item_id", pl.col("event").cast(EVENT_ENUM).alias("last_event"),
                    pl.col("occurred_at").alias("status_at")))
    summary = ranked.group_by("item_id").agg(
        pl.col("occurred_at").filter(pl.col("event") == "removed").min().alias("first_removed_at"),
        pl.col("occurred_at").filter(pl.col("event").is_in(DECISION_EVENTS)).min().alias("first_decision_at"),
        (pl.col("event") == "counter_notice").any().alias("has_counter_notice"),
    )
    missed = _missed(events, as_of, window_hours)
    return (last.join(summary, on="item_id").join(missed, on="item_id", how="left")
            .sort("item_id"))


def _missed(events: pl.DataFrame, as_of: dt.datetime, window_hours: float) -> pl.DataFrame:
    # Python loops on purpose: a reading of SPEC independent of any frame or SQL idiom.
    window = dt.timedelta(hours=window_hours)
    rows: dict[int, list[dt.datetime]] = {}
    for item_id, group in events.group_by("item_id"):
        pairs = group.select(pl.col("event").cast(pl.String), "occurred_at").rows()
        answers = [at for name, at in pairs if name in RESPONSE_EVENTS]
        for notice in sorted({at for name, at in pairs if name == "counter_notice"}):
            due = notice + window <= as_of
            answered = any(notice <= at <= notice + window for at in answers)
            if due and not answered:
                rows.setdefault(item_id[0], []).append(notice)
    return pl.DataFrame({"item_id": list(rows), "missed_notices": list(rows.values())},
                        schema={"item_id": pl.Int64, "missed_notices": pl.List(pl.Datetime("us"))})


assert len(EVENT_TIE_ORDER) == 7
