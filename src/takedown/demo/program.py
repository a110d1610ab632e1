"""Write a whole demo program's export files into a folder, a chunk of units at a time.

The files, in the order they should be ingested:

- `ip_rights.xlsx`: the rights register;
- per chunk of months `<period>`: `listings_<period>.csv`, `complaints_<period>.csv` (semicolons)
  and `outcomes_<period>.jsonl`;
- `listings_manual_review.xlsx`: the analysts' finds, with hostile titles;
- `complaints_ipp_portal_<account>.csv`: the portal export, GB18030 and China time (ingest it with
  the time zone Asia/Shanghai).

Beside them, not to be ingested: `demo_truth_networks.csv`, the seller networks the demo planted
(takedown.demo.networks).

The latest chunk's files carry the deliberately bad rows (takedown.demo.badrows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from takedown.demo.badrows import BadRow, bad_complaints, bad_events, bad_listings, bad_portal
from takedown.demo.files import (
    LISTING_HEADERS,
    NUMERIC_COLUMNS,
    Workbook,
    china_offset_text,
    complaints_text,
    events_text,
    listings_text,
    portal_text,
    write_atomically,
    write_csv,
)
from takedown.demo.generate import ProgramGenerator, UnitData, right_expiry_dates
from takedown.demo.listings import MANUAL_REVIEW
from takedown.demo.networks import TRUTH_FILE
from takedown.demo.plan import CHUNK_ITEMS, Plan, Unit, make_plan, write_groups
from takedown.demo.profile import BRANDS, PORTAL_ACCOUNT, PORTAL_TIMEZONE, RIGHTS
from takedown.demo.text import HOSTILE_SELLER_NAMES, HOSTILE_TITLES

RIGHTS_HEADERS = ("Registration", "IPR Type", "Brand", "Jurisdiction", "Registrant", "Goods Classes", "Expires On",
                  "IPP Status")
MANUAL_REVIEW_FILE = "listings_manual_review.xlsx"
RIGHTS_FILE = "ip_rights.xlsx"
PORTAL_FILE = f"complaints_ipp_portal_{PORTAL_ACCOUNT}.csv"
PORTAL_ENCODING = "gb18030"


@dataclass(frozen=True)
class ExportFile:
    """A written export file and how to ingest it."""

    path: Path
    kind: str
    timezone: str | None = None  # for timestamps without an offset; None: they all carry one


@dataclass
class ProgramFiles:
    """What write_program wrote."""

    out_dir: Path
    plan: Plan
    files: list[ExportFile] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    # The planted seller networks' truth (not an export: never ingested).
    truth: Path | None = None
    # Good rows written, per kind.
    rows: dict[str, int] = field(default_factory=lambda: {"listings": 0, "complaints": 0, "outcomes": 0})


def rights_frame(end: dt.datetime) -> pl.DataFrame:
    """The rights register, expiry dates relative to the program's end."""
    registrants = {brand.name: brand.registrant for brand in BRANDS}
    expiries = right_expiry_dates(end)
    return pl.DataFrame({
        "Registration": [r.registration for r in RIGHTS],
        "IPR Type": [r.ipr_type for r in RIGHTS],
        "Brand": [r.brand for r in RIGHTS],
        "Jurisdiction": [r.jurisdiction for r in RIGHTS],
        "Registrant": [registrants[r.brand] for r in RIGHTS],
        "Goods Classes": [r.goods_classes for r in RIGHTS],
        "Expires On": [None if date is None else date.isoformat() for date in expiries],
        "IPP Status": [r.ipp_status for r in RIGHTS],
    }, schema={name: pl.Utf8 for name in RIGHTS_HEADERS})


def inject_hostile(listings: pl.DataFrame) -> pl.DataFrame:
    """Give the latest listings hostile titles and seller names: half in the CSV, half in the workbook."""
    count = min(listings.height, len(HOSTILE_TITLES))
    if count == 0:
        return listings
    frame = listings.with_row_index("_row")
    targets = frame["_row"].tail(count).reverse().to_list()
    titles = dict(zip(targets, HOSTILE_TITLES))
    names = {targets[0]: HOSTILE_SELLER_NAMES[0]}
    if count > 2:
        names[targets[2]] = HOSTILE_SELLER_NAMES[1]
    # The first two stay in the monitoring CSV, the others go to the manual-review workbook.
    sources = {row: ("marketplace-crawler" if position < 2 else MANUAL_REVIEW) for position, row in enumerate(targets)}
    return frame.with_columns(
        pl.col("_row").replace_strict(titles, default=None).fill_null(pl.col("title")).alias("title"),
        pl.col("_row").replace_strict(names, default=None).fill_null(pl.col("seller_name")).alias("seller_name"),
        pl.col("_row").replace_strict(sources, default=None).fill_null(pl.col("source")).alias("source"),
    ).drop("_row")


def group_label(group: list[Unit]) -> str:
    """The period a chunk of units covers, for its file names."""
    return group[0].code if len(group) == 1 else f"{group[0].code}_{group[-1].code}"


def write_program(out_dir: Path, seed: int, scale: int, end: dt.datetime, chunk_items: int = CHUNK_ITEMS,
                  on_chunk: Callable[[int, int], None] | None = None) -> ProgramFiles:
    """Generate the program and write its export files into `out_dir` (created if needed).

    `end` is the program's last moment (the CLI passes now); `on_chunk(done, total)` reports progress.
    """
    plan = make_plan(seed, scale, end, chunk_items)
    generator = ProgramGenerator(plan)
    groups = write_groups(plan, chunk_items)
    result = ProgramFiles(out_dir=out_dir, plan=plan)
    out_dir.mkdir(parents=True, exist_ok=True)
    end_time = plan.end_datetime

    rights = Workbook(out_dir / RIGHTS_FILE, RIGHTS_HEADERS, end_time)
    rights.append(rights_frame(end_time))
    result.files.append(ExportFile(rights.close(), "ip_rights"))

    manual = Workbook(out_dir / MANUAL_REVIEW_FILE, LISTING_HEADERS.values(), end_time,
                      frozenset(LISTING_HEADERS[name] for name in NUMERIC_COLUMNS))
    portal_parts: list[pl.DataFrame] = []
    for number, group in enumerate(groups):
        latest = number == len(groups) - 1
        data = UnitData.concat([generator.unit(unit) for unit in group]).until(plan.end)
        listings = inject_hostile(data.listings) if latest else data.listings
        label = group_label(group)
        by_hand = listings.filter(pl.col("source") == MANUAL_REVIEW)
        manual.append(listings_text(by_hand, china_offset_text))
        result.rows["listings"] += listings.height

        listing_rows = listings_text(listings.filter(pl.col("source") != MANUAL_REVIEW))
        complaint_rows = complaints_text(data.complaints.filter(~pl.col("portal")))
        event_rows = events_text(data.events)
        names = (f"listings_{label}.csv", f"complaints_{label}.csv", f"outcomes_{label}.jsonl")
        if latest:
            listing_rows, bad = bad_listings(listing_rows, names[0], end_time)
            result.bad_rows += bad
            complaint_rows, bad = bad_complaints(complaint_rows, names[1])
            result.bad_rows += bad
            event_bytes, bad = bad_events(event_rows, names[2])
            result.bad_rows += bad
        else:
            event_bytes = event_rows.write_ndjson().encode("utf-8")
        result.files.append(ExportFile(write_csv(listing_rows, out_dir / names[0]), "listings"))
        result.files.append(ExportFile(write_csv(complaint_rows, out_dir / names[1], separator=";"), "complaints"))
        result.files.append(ExportFile(
            write_atomically(out_dir / names[2], lambda handle, data=event_bytes: handle.write(data)), "outcomes"))
        result.rows["complaints"] += data.complaints.height
        result.rows["outcomes"] += data.events.height

        portal = data.complaints.filter(pl.col("portal"))
        if portal.height:
            keys = portal.select("complaint_id", pl.col("listing_id").fill_null(""))
            portal_parts.append(portal_text(portal, data.events.join(keys, on=["complaint_id", "listing_id"],
                                                                   how="semi")))
        if on_chunk:
            on_chunk(number + 1, len(groups))
    result.files.append(ExportFile(manual.close(), "listings"))
    if portal_parts:
        portal_rows, bad = bad_portal(pl.concat(portal_parts), PORTAL_FILE)
        result.bad_rows += bad
        result.files.append(ExportFile(write_csv(portal_rows, out_dir / PORTAL_FILE, encoding=PORTAL_ENCODING),
                                       "complaints", PORTAL_TIMEZONE))
    result.truth = write_csv(generator.pools.network_truth(), out_dir / TRUTH_FILE)
    return result
