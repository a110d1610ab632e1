"""The demo's user-facing defaults, importable without numpy or polars (the CLI's --help reads them)."""

from __future__ import annotations

# The seed of the demo everyone sees first; any other gives another, equally believable program.
DEFAULT_SEED = 7
# A believable mid-size program: ~30k complaint items over 18 months (~1,700 a month).
DEFAULT_SCALE = 30_000
# The largest --scale the generator promises to handle (the benchmarks use it).
MAX_SCALE = 10_000_000
# 18 months of history: enough for a year-on-year view plus the Good-Faith quarter.
HISTORY_MONTHS = 18
# The most complaint items generated and written at once; 500k keeps the generator near 1.3 GB.
CHUNK_ITEMS = 500_000
# With --live the history stops this long before now; the feed replays the gap (two days).
CATCH_UP_HOURS = 48
# Simulated time per live tick while catching up with the clock (48 ticks replay the gap).
STEP_HOURS = 1.0
# Wall-clock seconds between live ticks: "every few seconds".
INTERVAL_SECONDS = 3.0
