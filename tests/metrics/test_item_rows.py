"""metrics.item_rows: the rows behind a count are the items its registry condition counts, with their text."""

from __future__ import annotations

import polars as pl
import pytest
from metric_frames import T0, event, facts, hours, item, listing, listings_frame

from takedown.metrics.item_rows import ROW_COLUMNS, rows_behind

NO_MISSED = pl.DataFrame(schema={"item_id": pl.Int64, "counter_noticed_at": pl.Datetime("us"),
                                 "response_deadline": pl.Datetime("us")})


def _cohort():
    # C2 submitted first and removed; C1 rejected; C3 waits: submitted counts 3, removed 1, pending 1.
    items = [item("C1", "L1", submitted_at=T0 + hours(1)), item("C2", "L2"), item("C3", "L3", seller_id="S3")]
    events = [event("C1", "L1", "rejected", T0 + hours(3)), event("C2", "L2", "removed", T0 + hours(2))]
    listings = [listing("L1"), listing("L2", seller_id="S2"), listing("L3", seller_id="S3")]
    return facts(items, events, listings), listings_frame(*listings)


def test_rows_are_the_items_the_metric_counts_oldest_first_with_their_text():
    cohort, listings = _cohort()
    submitted = rows_behind(cohort, "submitted", listings, NO_MISSED)
    assert submitted.columns == list(ROW_COLUMNS)
    # C2 and C3 were submitted at T0 (ordered by complaint id), C1 an hour later.
    assert submitted.get_column("complaint_id").to_list() == ["C2", "C3", "C1"]
    removed = rows_behind(cohort, "removed", listings, NO_MISSED).row(0, named=True)
    assert (removed["complaint_id"], removed["status"], removed["first_removed_at"]) == ("C2", "removed",
                                                                                        T0 + hours(2))
    assert (removed["title"], removed["seller_name"], removed["url"]) == ("title L2", "name S2",
                                                                         "https://example.com/L2")
    rejected = rows_behind(cohort, "rejected", listings, NO_MISSED).row(0, named=True)
    assert (rejected["complaint_id"], rejected["first_decided_at"]) == ("C1", T0 + hours(3))
    assert rows_behind(cohort, "pending", listings, NO_MISSED).get_column("complaint_id").to_list() == ["C3"]


def test_a_rate_has_no_rows_and_the_error_names_those_that_do():
    cohort, listings = _cohort()
    with pytest.raises(ValueError, match="not a count: the metrics with rows behind them are submitted, removed"):
        rows_behind(cohort, "takedown_rate", listings, NO_MISSED)
