"""Every path and setting of the project, in one place.

Paths are computed from the package's own location so that no command depends on the working
directory; each can be overridden by an environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The repository root when running from a checkout (src/takedown -> repo); unused from a wheel.
REPO_DIR = PACKAGE_DIR.parent.parent

DEFAULT_DB_RELATIVE = Path("data") / "takedown.duckdb"


def project_dir() -> Path:
    """The checkout's root; from an installed wheel, the working directory."""
    return REPO_DIR if (REPO_DIR / "pyproject.toml").exists() else Path.cwd()


def data_dir() -> Path:
    """The project's data folder: the store, the demo's exports, the live feed's inbox."""
    return project_dir() / "data"


def default_db_path() -> Path:
    """The store: $TAKEDOWN_DB, else data/takedown.duckdb under the project."""
    env = os.environ.get("TAKEDOWN_DB")
    if env:
        return Path(env)
    return project_dir() / DEFAULT_DB_RELATIVE


def resolve_db_path(db: str | os.PathLike[str] | None) -> Path:
    """`--db` wins, then $TAKEDOWN_DB, then the default."""
    return Path(db) if db else default_db_path()


EXCHANGE_RATES_RELATIVE = Path("data") / "exchange_rates.csv"


def exchange_rates_path() -> Path:
    """The monthly exchange-rate table: $TAKEDOWN_EXCHANGE_RATES, else data/exchange_rates.csv of the
    project, else the copy shipped inside the installed package."""
    env = os.environ.get("TAKEDOWN_EXCHANGE_RATES")
    if env:
        return Path(env)
    project_copy = project_dir() / EXCHANGE_RATES_RELATIVE
    if project_copy.exists():
        return project_copy
    return PACKAGE_DIR / EXCHANGE_RATES_RELATIVE


@dataclass(frozen=True)
class Settings:
    """Thresholds and windows of the metric definitions (SPEC section 3)."""

    # Alibaba's Good-Faith mechanism asks for a takedown rate of at least 90% ...
    good_faith_min_takedown_rate: float = 0.90
    # ... and at most 5% successful counter-notices over the past 3 months.
    good_faith_max_counter_notice_success_rate: float = 0.05
    # The Good-Faith look-back: the 3 calendar months ending with the period's month.
    good_faith_months: int = 3
    # Sellers get 3 days to answer and brands are expected to answer counter-notices as fast.
    response_window_hours: float = 72.0
    # Three removed listings in a year is where brand teams escalate to storefront action.
    repeat_offender_threshold: int = 3
    # Repeat offending is judged over the past year.
    repeat_offender_window_days: int = 365
    # Reports and --month boundaries default to UTC; Alibaba's own exports are often China time.
    report_timezone: str = "UTC"
    # An export "handled" a complaint in time when the first decision came within a day.
    handled_within_hours: float = 24.0
    # Rights that lapse within a quarter need renewing now: IPP re-verification takes weeks.
    rights_expiry_warning_days: int = 90
    # The report shows each escalation sheet's first 25 rows by rank (a page or so); the workbook holds all.
    report_agenda_rows: int = 25
    # Corsearch flags a listing priced below half its category's mean price.
    abnormal_price_mean_share: float = 0.5
    # Iglewicz and Hoaglin's cut-off for an outlier's modified z-score (median and MAD), low side.
    abnormal_price_robust_z: float = -3.5
    # Below 20 priced peers a median and a MAD are too noisy to call any price abnormal.
    abnormal_price_min_peers: int = 20
    # Prices drift: peers are the listings detected over the trailing half year.
    abnormal_price_window_days: int = 180
    # A backlog listing whose cited right is more likely rejected than removed is marked ...
    backlog_likely_rejected_below: float = 0.5
    # ... and another right of its brand is named when it raises the probability by 5 points at least
    # (a smaller gain is not worth changing how the team files).
    backlog_better_right_margin: float = 0.05
    # The success model learns from the decided items among the latest million complaint items submitted
    # by T (prediction.registry.training_window_start): the latest filings tell most about the next ones,
    # a million items is far more than the booster needs, and training's memory stays bounded whatever
    # the store holds (at 10M items a whole-history training took over 12 GB; issue 21).
    training_window_items: int = 1_000_000


DEFAULT_SETTINGS = Settings()

# Ingest: a timestamp more than this far after the moment of ingest is rejected (SPEC 1).
FUTURE_TOLERANCE_HOURS = 24
# Ingest: the longest line a text export (CSV, JSON Lines) may have. A real row is a few KB (a
# 40,000-character title in Chinese is 120 KB); 8 MB is generous, and refusing past it keeps one line
# from taking gigabytes in the readers.
MAX_LINE_BYTES = 8 * 1024 * 1024
# Ingest: the most columns a file may have (Excel's own limit, 16,384): a header of millions of
# names is refused before any reader builds a column for each.
MAX_COLUMNS = 16_384
# Show a progress bar on a terminal for files with at least this many rows.
PROGRESS_MIN_ROWS = 100_000
# DuckDB's memory cap for the writer: beyond it, it evicts cached pages of the store (and spills
# temporary tables to disk) instead of growing with the store; ingest's Polars frames live outside it.
WRITER_MEMORY_LIMIT = "1GB"
# How long ingest waits for another writer (e.g. `takedown watch`) to release the working store.
WRITER_LOCK_TIMEOUT_SECONDS = 120.0

# Debian's Chromium (apt package chromium) prints the report's PDF and runs the browser tests;
# Playwright's own browser download is never used. $TAKEDOWN_CHROMIUM names another build.
CHROMIUM = os.environ.get("TAKEDOWN_CHROMIUM", "/usr/bin/chromium")
# Containers and CI machines give Chromium neither a sandbox nor a GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
