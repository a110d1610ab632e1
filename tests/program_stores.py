"""Small programs written as export CSVs and loaded through the real ingest: the fixture stores of
the metrics, report and dashboard tests (each folder keeps its own rows)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

from takedown.ingest import FileResult, ingest_files
from takedown.metrics.periods import iso_utc

# Rights and listings first, so that complaints and outcomes find what they refer to.
KIND_ORDER = ("ip_rights", "listings", "complaints", "outcomes")


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    """`rows` (the header first) as a UTF-8 CSV at `path`."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def ingest_program(folder: Path, rows_by_kind: dict[str, list[list[str]]],
                   **options: object) -> tuple[Path, list[FileResult]]:
    """Write each kind's rows as `<kind>.csv` under `folder` and ingest them, in KIND_ORDER, into
    `folder/takedown.duckdb` (timezone UTC unless `options` say otherwise); the store and the results."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [write_csv(folder / f"{kind}.csv", rows_by_kind[kind]) for kind in KIND_ORDER if kind in rows_by_kind]
    options.setdefault("timezone", "UTC")
    db_path = folder / "takedown.duckdb"
    return db_path, ingest_files(paths, db_path, **options)  # type: ignore[arg-type]


# Outcome events drawn for a random program: removals weigh three times the rest.
RANDOM_EVENTS = ("removed", "removed", "removed", "rejected", "counter_notice", "restored", "withdrawn",
                 "counter_notice_rejected", "counter_notice_accepted")


def random_program(seed: int, sellers: int, days: int, items: int = 900,
                   url: Callable[[int, str], str] = lambda number, listing: f"https://example.com/{listing}",
                   title: Callable[[int], str] = lambda number: f"title {number}",
                   detail: Callable[[int], str] = lambda number: "") -> dict[str, list[list[str]]]:
    """A program of `items` complaint items submitted at random minutes over `days` days from January
    2025, on three platforms, by `sellers` sellers (so many have several listings: repeat offenders),
    every 13th a storefront item without a listing, each with 0 to 3 random RANDOM_EVENTS within 40
    days. `url`, `title` and `detail` shape a listing's URL (by item number and listing id), its title
    and an outcome's detail (by item number). Listings, complaints and outcomes; the same rows for the
    same arguments."""
    pick = random.Random(seed)
    start = dt.datetime(2025, 1, 1)
    listings = [["platform", "listing_id", "url", "title", "seller_id", "seller_name", "brand", "infringement_type",
                 "price", "currency", "units_sold", "risk_score", "detected_at"]]
    complaints = [["complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type",
                   "ipr_registration", "reason", "account", "submitted_at"]]
    outcomes = [["complaint_id", "listing_id", "event", "occurred_at", "detail"]]
    for number in range(items):
        platform = ("taobao", "tmall", "lazada")[number % 3]
        seller = f"S{pick.randrange(sellers)}"
        submitted = start + dt.timedelta(minutes=pick.randrange(days * 24 * 60))
        listing = "" if number % 13 == 0 else f"L{number}"
        if listing:
            listings.append([platform, listing, url(number, listing), title(number), seller, f"seller {seller}",
                             ("Acme", "Zenith")[number % 2], "counterfeit", str(5 + number % 50), "USD",
                             str(number % 6), str(number % 100), iso_utc(submitted - dt.timedelta(days=3))])
        complaints.append([f"C{number}", platform, listing, seller, "listing" if listing else "storefront",
                           ("trademark", "design")[number % 2], f"TM-{number % 4}",
                           ("counterfeit", "design copy")[number % 2], ("acct-a", "acct-b")[number % 3 % 2],
                           iso_utc(submitted)])
        for _ in range(pick.randrange(4)):
            occurred = submitted + dt.timedelta(hours=pick.randrange(40 * 24))
            outcomes.append([f"C{number}", listing, pick.choice(RANDOM_EVENTS), iso_utc(occurred), detail(number)])
    return {"listings": listings, "complaints": complaints, "outcomes": outcomes}
