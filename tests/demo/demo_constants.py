"""The demo program the tests share: its end, scale and seed."""

from __future__ import annotations

import datetime as dt

# A fixed end, so every run of the tests sees the same program.
END = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
# Small enough to generate and ingest in seconds, big enough for the calibration to show (~650
# alibaba items, ~150 items of the slipping account in its last three months).
SCALE = 4000
SEED = 11
