"""The status rule's one definition (item_milestones.sql) against the Polars oracle, on random events.

Random items with up to six events each, many on the same instant (every tie), some exactly on a
counter-notice's deadline, some after as_of; the SQL and the oracle must agree on every milestone.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from status_oracle import oracle_milestones

from takedown.contract import EVENT_TIE_ORDER
from takedown.metrics.status import MILESTONE_COLUMNS, event_milestones

T0 = dt.datetime(2026, 9, 10)
# Offsets in hours: ties, the 72-hour deadline's edges and a microsecond either side.
OFFSETS = [0, 0, 1, 1, 24, 72, 73, 72 + 1e-9, 96, 150, 200]


def random_events(seed: int, items: int = 60) -> pl.DataFrame:
    generator = random.Random(seed)
    rows = []
    for item_id in range(items):
        base = T0 + dt.timedelta(hours=generator.choice([0, 5, 30]))
        for _ in range(generator.randint(1, 6)):
            offset = dt.timedelta(hours=generator.choice(OFFSETS))
            if generator.random() < 0.2:
                offset += dt.timedelta(microseconds=generator.choice([-1, 1]))
            rows.append((item_id, generator.choice(EVENT_TIE_ORDER), base + offset))
    return pl.DataFrame(rows, schema={"item_id": pl.Int64, "event": pl.String, "occurred_at": pl.Datetime("us")},
                        orient="row")


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("window_hours", [72.0, 24.5])
def test_the_sql_rule_agrees_with_the_oracle(seed, window_hours):
    events = random_events(seed)
    as_of = T0 + dt.timedelta(hours=130)
    known = events.filter(pl.col("occurred_at") <= as_of)
    got = event_milestones(known, as_of, window_hours).sort("item_id")
    expected = oracle_milestones(known, as_of, window_hours).select(MILESTONE_COLUMNS)
    assert got.columns == list(MILESTONE_COLUMNS)
    assert got.with_columns(pl.col("missed_notices").fill_null([])).to_dicts() == \
        expected.with_columns(pl.col("missed_notices").fill_null([])).to_dicts()


def test_items_without_events_have_no_row_and_an_empty_frame_is_fine():
    empty = random_events(0).clear()
    assert event_milestones(empty, T0).height == 0
