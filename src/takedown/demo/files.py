"""Writing export files the way the tools that feed the product write them.

- the monitoring tool: listings as UTF-8 CSV with Title Case headers, times in UTC with `Z`;
- the enforcement tool: complaints as semicolon CSV with snake_case headers, outcomes as JSON Lines;
- analysts: manual-review listings and the rights register as XLSX, every text cell written as a
  string (so `=HYPERLINK(...)` stays text, never a formula), times with a +08:00 offset;
- the IPP portal: complaints as GB18030 CSV (Excel on a Chinese system), China time without an
  offset, platform names in Chinese and the portal's status column.

Every file is written to a dot-prefixed temporary name and renamed into place, so a folder watcher
never sees half a file. Same rows in, same bytes out (workbook timestamps are pinned).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

import polars as pl

from takedown import atomic
from takedown.contract import EVENT_TIE_ORDER

LISTING_HEADERS = {
    "platform": "Platform", "listing_id": "Listing ID", "url": "URL", "title": "Title", "seller_id": "Seller ID",
    "seller_name": "Seller Name", "brand": "Brand", "infringement_type": "Infringement Type", "price": "Price",
    "currency": "Currency", "units_sold": "Units Sold", "seller_country": "Seller Country",
    "risk_score": "Risk Score", "detected_at": "Detected At", "source": "Source", "relisted_from": "Relisted From",
    "image_url": "Image URL", "product_line": "Product Line",
}
COMPLAINT_COLUMNS = ("complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type",
                     "ipr_registration", "reason", "account", "submitted_at")
EVENT_COLUMNS = ("complaint_id", "listing_id", "event", "occurred_at", "detail")
PORTAL_HEADERS = {
    "complaint_id": "Complaint ID", "platform": "Platform", "listing_id": "Listing ID", "seller_id": "Seller ID",
    "enforcement_type": "Enforcement Type", "ipr_type": "IPR Type", "ipr_registration": "IPR Registration",
    "reason": "Reason", "account": "Account", "submitted_at": "Submitted At", "status": "Status",
    "status_at": "Status At",
}
# How the IPP portal spells values (aliases the contract accepts).
PORTAL_PLATFORM_NAMES = {"taobao": "淘宝", "tmall": "天猫", "tmall_global": "天猫国际", "1688": "1688.com",
                         "alibaba": "alibaba.com", "aliexpress": "aliexpress.com", "lazada": "lazada.com"}
PORTAL_ENFORCEMENT_NAMES = {"listing": "Product Listing", "storefront": "Store Front"}
PORTAL_STATUS_NAMES = {"counter_notice": "Counter Notice", "counter_notice_rejected": "Counter Notice Rejected",
                       "counter_notice_accepted": "Counter Notice Accepted", "removed": "Taken Down",
                       "rejected": "Rejected", "restored": "Restored", "withdrawn": "Withdrawn"}
# The portal shows China time (UTC+8, no daylight saving) without an offset.
CHINA_OFFSET_SECONDS = 8 * 3600
# Columns written as numbers (not text) in workbooks, as analysts' spreadsheets hold them.
NUMERIC_COLUMNS = frozenset({"price", "units_sold", "risk_score"})


def utc_text(seconds: pl.Expr) -> pl.Expr:
    """Epoch seconds as ISO 8601 UTC with Z: 2026-03-01T08:15:00Z."""
    return pl.from_epoch(seconds, time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def china_text(seconds: pl.Expr) -> pl.Expr:
    """Epoch seconds as the portal writes them: China time, slashes, no offset (2026/03/01 16:15:00)."""
    return pl.from_epoch(seconds + CHINA_OFFSET_SECONDS, time_unit="s").dt.strftime("%Y/%m/%d %H:%M:%S")


def china_offset_text(seconds: pl.Expr) -> pl.Expr:
    """Epoch seconds as China time with its offset (2026-03-01T16:15:00+08:00)."""
    return pl.from_epoch(seconds + CHINA_OFFSET_SECONDS, time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> Path:
    """Write through takedown.atomic's temporary name in the same folder, then rename it into place."""
    with atomic.replacing(path) as temporary, temporary.open("wb") as handle:
        write(handle)
    return path


def write_csv(frame: pl.DataFrame, path: Path, separator: str = ",", encoding: str = "utf-8") -> Path:
    """A CSV file (every column as written in the frame), in UTF-8 or another encoding."""
    text = frame.write_csv(separator=separator, null_value="")
    data = text.encode(encoding)
    return write_atomically(path, lambda handle: handle.write(data))


def write_jsonl(frame: pl.DataFrame, path: Path) -> Path:
    """A JSON Lines file, one object per row (missing values as null)."""
    data = frame.write_ndjson().encode("utf-8")
    return write_atomically(path, lambda handle: handle.write(data))


def listings_text(listings: pl.DataFrame, times: Callable[[pl.Expr], pl.Expr] = utc_text) -> pl.DataFrame:
    """Listings in the monitoring export's columns and Title Case headers."""
    return listings.select(
        *[pl.col(name) for name in LISTING_HEADERS if name != "detected_at"],
        times(pl.col("detected_at")).alias("detected_at"),
    ).select(list(LISTING_HEADERS)).rename(LISTING_HEADERS)


def complaints_text(complaints: pl.DataFrame) -> pl.DataFrame:
    """Complaints in the enforcement tool's columns."""
    return complaints.select(*COMPLAINT_COLUMNS[:-1], utc_text(pl.col("submitted_at")).alias("submitted_at"))


def events_text(events: pl.DataFrame) -> pl.DataFrame:
    """Outcome events in the JSON feed's fields."""
    return events.select("complaint_id", "listing_id", "event", utc_text(pl.col("occurred_at")).alias("occurred_at"),
                         "detail")


def last_events(events: pl.DataFrame) -> pl.DataFrame:
    """Each item's last event (ties broken in the contract's order): the portal's current status."""
    rank = pl.col("event").replace_strict({name: i for i, name in enumerate(EVENT_TIE_ORDER)}, return_dtype=pl.Int32)
    return (events.with_columns(rank.alias("_rank"))
            .sort("complaint_id", "listing_id", "occurred_at", "_rank")
            .group_by("complaint_id", "listing_id", maintain_order=True).last()
            .select("complaint_id", "listing_id", pl.col("event").alias("status"),
                    pl.col("occurred_at").alias("status_at")))


def portal_text(complaints: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Complaints as the IPP portal exports them: its spellings, China time, the current status."""
    status = last_events(events)
    joined = complaints.with_columns(pl.col("listing_id").fill_null("").alias("_key")).join(
        status, left_on=["complaint_id", "_key"], right_on=["complaint_id", "listing_id"], how="left")
    return joined.select(
        "complaint_id",
        pl.col("platform").replace_strict(PORTAL_PLATFORM_NAMES),
        "listing_id", "seller_id",
        pl.col("enforcement_type").replace_strict(PORTAL_ENFORCEMENT_NAMES),
        "ipr_type", "ipr_registration", "reason", "account",
        china_text(pl.col("submitted_at")).alias("submitted_at"),
        pl.col("status").replace_strict(PORTAL_STATUS_NAMES, default=None),
        china_text(pl.col("status_at")).alias("status_at"),
    ).rename(PORTAL_HEADERS)


class Workbook:
    """An XLSX file written row by row (constant memory), every text cell a string, never a formula."""

    def __init__(self, path: Path, headers: Iterable[str], created: dt.datetime,
                 numeric: frozenset[str] = frozenset()) -> None:
        import xlsxwriter

        self.path = path
        # takedown.atomic's temporary name, renamed over `path` by close().
        self._replacing = contextlib.ExitStack()
        self.temporary = self._replacing.enter_context(atomic.replacing(path))
        self.headers = list(headers)
        self.numeric = [header in numeric for header in self.headers]
        # constant_memory streams rows to disk; strings_to_* off: text stays text.
        self.book = xlsxwriter.Workbook(str(self.temporary), {
            "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
            "strings_to_urls": False})
        # Pinned creation time: the same rows give the same bytes.
        self.book.set_properties({"created": created.replace(tzinfo=None)})
        self.sheet = self.book.add_worksheet("export")
        for column, header in enumerate(self.headers):
            self.sheet.write_string(0, column, header)
        self.row = 1

    def append(self, frame: pl.DataFrame) -> None:
        """Write the frame's rows (columns in the header order); empty cells stay empty."""
        for values in frame.select(self.headers).iter_rows():
            for column, value in enumerate(values):
                if value is None or value == "":
                    continue
                if self.numeric[column]:
                    self.sheet.write_number(self.row, column, float(value))
                else:
                    self.sheet.write_string(self.row, column, str(value))
            self.row += 1

    def close(self) -> Path:
        """Finish the workbook and rename it into place."""
        self.book.close()
        self._replacing.close()
        return self.path
