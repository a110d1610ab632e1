"""Counter-notices and the brand's responses to them (SPEC section 3).

A counter-notice c is answered in time when the item has a counter_notice_accepted,
counter_notice_rejected or withdrawn event with occurred_at in [c, c + window] (both ends
included). It is missed once c + window <= T and no such answer came.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from takedown.metrics.status import ITEM_ID, RESPONSE_EVENTS


def counter_notices_due(events: pl.DataFrame, as_of: dt.datetime, window_hours: float,
                        key: Sequence[str] = ITEM_ID) -> pl.DataFrame:
    """Each counter_notice event whose response deadline (occurred_at + window) has passed by `as_of`.

    Columns: the item `key` columns, noticed_at, answered (a response came within the window).
    Pass events already limited to what was known at `as_of`.
    """
    keys = list(key)
    window = dt.timedelta(hours=window_hours)
    notices = (events.filter((pl.col("event") == "counter_notice") & (pl.col("occurred_at") + window <= as_of))
               .select(*keys, pl.col("occurred_at").alias("noticed_at"))
               .unique())
    responses = (events.filter(pl.col("event").is_in(RESPONSE_EVENTS))
                 .select(*keys, pl.col("occurred_at").alias("responded_at")))
    answered = (notices.join(responses, on=keys)
                .filter(pl.col("responded_at").is_between(pl.col("noticed_at"), pl.col("noticed_at") + window,
                                                          closed="both"))
                .select(*keys, "noticed_at")
                .unique()
                .with_columns(pl.lit(True).alias("answered")))
    return (notices.join(answered, on=[*keys, "noticed_at"], how="left")
            .with_columns(pl.col("answered").fill_null(False)))


def missed_responses_per_item(events: pl.DataFrame, as_of: dt.datetime, window_hours: float,
                              key: Sequence[str] = ITEM_ID) -> pl.DataFrame:
    """One row per item with at least one missed counter-notice response: missed_counter_notice_responses."""
    return (counter_notices_due(events, as_of, window_hours, key)
            .filter(~pl.col("answered"))
            .group_by(key)
            .agg(pl.len().cast(pl.Int64).alias("missed_counter_notice_responses")))
