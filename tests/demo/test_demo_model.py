"""The demo keeps a model of predicted success that the dashboard's live view of its end may use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from demo_constants import SEED

from takedown.demo.pipeline import build_demo
from takedown.metrics.snapshot import round_as_of
from takedown.prediction.registry import stored_training
from takedown.store import connect_reader

# Not on a whole minute: a live view's as-of is the minute floored (round_as_of).
END = dt.datetime(2026, 6, 15, 10, 0, 37, tzinfo=dt.UTC)


def test_the_demo_keeps_a_model_its_live_view_may_use(tmp_path: Path):
    build = build_demo(tmp_path / "demo.duckdb", tmp_path / "exports", SEED, 1500, END, demo_folders=[tmp_path])
    live_as_of = round_as_of(build.program.plan.end_datetime.replace(tzinfo=None))
    con = connect_reader(tmp_path / "demo.duckdb")
    try:
        training = stored_training(con, live_as_of)
    finally:
        con.close()
    assert training.model_id is not None, training.unavailable
    assert training.as_of <= live_as_of
