"""The live feed: new export files in an inbox every few seconds, time moving forward.

`takedown demo --live` builds the history up to a little before now (settings.CATCH_UP_HOURS), then the
feed replays the missing hours quickly -- one simulated hour per tick -- and, once it has caught up
with the clock, carries on in real time. Each tick writes what happened in its slice of time: new
detections (listings CSV), new complaints (semicolon CSV) and the outcome events that came due
(JSON Lines), including the decisions and counter-notices of items that were still pending when
the history ended. Nothing is ever dated after the wall clock.

Files are written under a temporary name and renamed into place (see takedown.ingest.inbox), so
`takedown watch` never reads half a file.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from takedown.demo.files import complaints_text, events_text, listings_text, write_atomically, write_csv
from takedown.demo.generate import ProgramGenerator
from takedown.demo.plan import Unit, from_epoch, make_plan, to_epoch
from takedown.demo.settings import INTERVAL_SECONDS, STEP_HOURS

# Random stream of the live feed's slices (after the seed); the history uses another.
LIVE_STREAM = 3
# History units ending this close to the end may still have events to come (late decisions,
# counter-notices and their 72-hour windows): they are generated again for their pending events.
PENDING_HORIZON_DAYS = 35
# Live listings are numbered from here (history numbers stay far below), ...
LIVE_LISTING_BASE = 50_000_000_000
# ... with this many numbers per second of feed time, more than any scale needs.
LISTING_NUMBERS_PER_SECOND = 100


@dataclass
class Tick:
    """What one tick wrote."""

    clock: dt.datetime  # the feed's time after the tick
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


class LiveFeed:
    """Writes a program's continuation into an inbox folder, one slice of time per tick."""

    def __init__(self, inbox: Path, seed: int, scale: int, history_end: dt.datetime,
                 step_hours: float = STEP_HOURS) -> None:
        self.inbox = inbox
        self.plan = make_plan(seed, scale, history_end)
        self.generator = ProgramGenerator(self.plan)
        self.step = int(step_hours * 3600)
        self.clock = self.plan.end
        full_units = [u for u in self.plan.units if u.stop - u.start >= 86_400] or list(self.plan.units)
        reference = full_units[-1]
        # Complaint items per second at the history's latest pace.
        self.rate = reference.items / max(1, reference.stop - reference.start)
        horizon = self.plan.end - PENDING_HORIZON_DAYS * 86_400
        pending = [self.generator.unit(unit).events.filter(pl.col("occurred_at") > self.plan.end)
                   for unit in self.plan.units if unit.stop >= horizon]
        self.queue = pl.concat(pending).sort("occurred_at") if pending else None

    def _slice(self, start: int, stop: int) -> Unit:
        counts = np.random.default_rng([self.plan.seed, LIVE_STREAM, start, stop])
        items = int(counts.poisson(self.rate * (stop - start)))
        offset = LIVE_LISTING_BASE + (start - self.plan.end) * LISTING_NUMBERS_PER_SECOND
        return Unit(f"L{from_epoch(start):%Y%m%d%H%M%S}", start, stop, items, offset, 0, (start, stop))

    def tick(self, now: dt.datetime) -> Tick:
        """Advance the feed by one step (never past `now`) and write what happened in between."""
        target = min(self.clock + self.step, to_epoch(now))
        if target <= self.clock:
            return Tick(from_epoch(self.clock))
        data = self.generator.unit(self._slice(self.clock, target), stream=LIVE_STREAM)
        queue = data.events if self.queue is None else pl.concat([self.queue, data.events])
        due = queue.filter(pl.col("occurred_at") <= target).sort("occurred_at", "complaint_id", "listing_id")
        self.queue = queue.filter(pl.col("occurred_at") > target)
        self.clock = target
        stamp = f"{from_epoch(target):%Y%m%dT%H%M%SZ}"
        tick = Tick(from_epoch(target))
        listings = data.listings.filter(pl.col("detected_at") <= target)
        if listings.height:
            tick.files.append(write_csv(listings_text(listings), self.inbox / f"{stamp}_listings.csv"))
        if data.complaints.height:
            tick.files.append(write_csv(complaints_text(data.complaints), self.inbox / f"{stamp}_complaints.csv",
                                        separator=";"))
        if due.height:
            payload = events_text(due).write_ndjson().encode("utf-8")
            tick.files.append(write_atomically(self.inbox / f"{stamp}_outcomes.jsonl",
                                               lambda handle: handle.write(payload)))
        tick.rows = {"listings": listings.height, "complaints": data.complaints.height, "outcomes": due.height}
        return tick

    def run(self, interval: float = INTERVAL_SECONDS, max_ticks: int | None = None,
            clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
            sleep: Callable[[float], None] = time.sleep, on_tick: Callable[[Tick], None] | None = None) -> None:
        """Tick every `interval` seconds until max_ticks (forever when None)."""
        done = 0
        while max_ticks is None or done < max_ticks:
            tick = self.tick(clock())
            if on_tick and tick.files:
                on_tick(tick)
            done += 1
            if max_ticks is None or done < max_ticks:
                sleep(interval)
