"""The live feed continues the demo history: new files every tick, never ahead of the clock."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
from demo_constants import END, SCALE, SEED

from takedown.demo.live import LiveFeed
from takedown.ingest import ingest_files
from takedown.store import connect_reader


def _times(path: Path) -> list[str]:
    """Every timestamp a live file holds, as written (all UTC with Z)."""
    if path.suffix == ".jsonl":
        return [json.loads(line)["occurred_at"] for line in path.read_text(encoding="utf-8").splitlines()]
    separator = ";" if "complaints" in path.name else ","
    frame = pl.read_csv(path, separator=separator, infer_schema=False)
    column = "submitted_at" if "complaints" in path.name else "Detected At"
    return frame[column].to_list()


def test_ticks_write_complete_files_never_dated_after_the_feed_clock(tmp_path: Path):
    inbox = tmp_path / "inbox"
    feed = LiveFeed(inbox, SEED, SCALE, END)
    clock = END + dt.timedelta(hours=10)
    ticks = [feed.tick(clock) for _ in range(4)]
    assert [tick.clock for tick in ticks] == [END + dt.timedelta(hours=h) for h in (1, 2, 3, 4)]
    written = [path for tick in ticks for path in tick.files]
    assert written and all(path.exists() for path in written)
    assert sorted(p.name for p in inbox.iterdir()) == sorted(p.name for p in written)  # no temporary leftovers
    for tick in ticks:
        for path in tick.files:
            assert max(_times(path)) <= f"{tick.clock:%Y-%m-%dT%H:%M:%SZ}", path.name
    assert sum(sum(tick.rows.values()) for tick in ticks) == sum(len(_times(path)) for path in written)


def test_the_feed_stops_at_the_wall_clock(tmp_path: Path):
    feed = LiveFeed(tmp_path / "inbox", SEED, SCALE, END)
    now = END + dt.timedelta(minutes=20)
    assert feed.tick(now).clock == now
    idle = feed.tick(now)
    assert idle.clock == now and idle.files == []


def test_live_files_load_cleanly_and_move_pending_items_on(tmp_path: Path, demo_db: Path):
    store = tmp_path / "store.duckdb"
    shutil.copyfile(demo_db, store)
    feed = LiveFeed(tmp_path / "inbox", SEED, SCALE, END)
    ticks = [feed.tick(END + dt.timedelta(days=2)) for _ in range(12)]
    files = [path for tick in ticks for path in tick.files]
    con = connect_reader(store)
    before = con.sql("select count(*) from outcome_events").fetchall()[0][0]
    con.close()
    results = ingest_files(files, store, now=(END + dt.timedelta(days=2)).replace(tzinfo=None))
    assert all(result.error is None and result.rejected == 0 for result in results)
    con = connect_reader(store)
    try:
        after = con.sql("select count(*) from outcome_events").fetchall()[0][0]
        # Events for items the history left pending: their complaints were filed before END.
        continued = con.sql("""
            select count(*) from outcome_events as events join complaint_items as items using (complaint_id, listing_id)
            where events.occurred_at > $end and items.submitted_at <= $end
        """, params={"end": END.replace(tzinfo=None)}).fetchall()[0][0]
        orphans = con.sql("select count(*) from orphan_outcome_events").fetchall()[0][0]
        new_items = con.sql("select count(*) from complaint_items where submitted_at > $end",
                            params={"end": END.replace(tzinfo=None)}).fetchall()[0][0]
    finally:
        con.close()
    assert after > before
    assert continued > 0
    assert new_items > 0
    assert orphans == 0
