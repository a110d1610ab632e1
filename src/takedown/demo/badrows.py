"""A handful of bad rows, as real exports have them, so the data-quality view has something to show.

Each is a copy of a good row with one mistake people really make (a Shopee listing in an Alibaba
export, RMB for CNY, a day-first date, a score out of range, a cut-off JSON line, ...). They are
appended to the latest files, with fresh keys so they never shadow a good row, and each is listed
as a `BadRow` with the column and rule that ingest must quarantine it for.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class BadRow:
    """A row the demo broke on purpose, and what ingest must say about it."""

    file: str  # the file's name
    column: str  # the contract column at fault ("*" for a line that is not a row at all)
    rule: str  # the rule ingest reports
    story: str  # what went wrong, in words


def _appended(frame: pl.DataFrame, changes: list[dict[str, str | None]]) -> pl.DataFrame:
    """The frame with one copy of its first row per change set appended."""
    template = frame.row(0, named=True)
    rows = [{**template, **change} for change in changes]
    return pl.concat([frame, pl.DataFrame(rows, schema=frame.schema)])


def bad_listings(frame: pl.DataFrame, file: str, end: dt.datetime) -> tuple[pl.DataFrame, list[BadRow]]:
    """Listings (Title Case headers) with six broken rows appended."""
    if frame.height == 0:
        return frame, []
    key = frame["Listing ID"][0]
    future = (end + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    cases = [
        ("Platform", "shopee", "platform", "allowed_values", "a Shopee listing mixed into the export"),
        ("Price", "-12.50", "price", "minimum", "a negative price"),
        ("Currency", "RMB", "currency", "iso_4217", "RMB instead of the ISO code CNY"),
        ("Risk Score", "140", "risk_score", "range", "a risk score above 100"),
        ("Detected At", "31/12/2025 10:00", "detected_at", "timestamp", "a day-first date"),
        ("Detected At", future, "detected_at", "not_in_future", "a clock set days ahead"),
    ]
    changes = [{"Listing ID": f"{key}{n}", header: value} for n, (header, value, *_rest) in enumerate(cases)]
    return _appended(frame, changes), [BadRow(file, column, rule, story) for _h, _v, column, rule, story in cases]


def bad_complaints(frame: pl.DataFrame, file: str) -> tuple[pl.DataFrame, list[BadRow]]:
    """Complaints (snake_case headers) with two broken rows appended."""
    if frame.height == 0:
        return frame, []
    key = frame["complaint_id"][0]
    cases = [
        ("account", None, "account", "required", "the filing account left empty"),
        ("enforcement_type", "takedown notice", "enforcement_type", "allowed_values",
         "an enforcement type IPP does not have"),
    ]
    changes = [{"complaint_id": f"{key}-X{n}", header: value} for n, (header, value, *_rest) in enumerate(cases)]
    return _appended(frame, changes), [BadRow(file, column, rule, story) for _h, _v, column, rule, story in cases]


def bad_events(frame: pl.DataFrame, file: str) -> tuple[bytes, list[BadRow]]:
    """Outcome events as JSON Lines bytes, with an unknown event and a cut-off line appended."""
    if frame.height == 0:
        return frame.write_ndjson().encode("utf-8"), []
    template = frame.row(0, named=True)
    unknown = json.dumps({**template, "event": "escalated"}, ensure_ascii=False)
    cut_off = json.dumps(template, ensure_ascii=False)[:40]
    data = frame.write_ndjson() + unknown + "\n" + cut_off + "\n"
    rows = [BadRow(file, "event", "allowed_values", "an event name the contract does not know"),
            BadRow(file, "*", "json_syntax", "a line cut off when the feed was interrupted")]
    return data.encode("utf-8"), rows


def bad_portal(frame: pl.DataFrame, file: str) -> tuple[pl.DataFrame, list[BadRow]]:
    """Portal complaints (its headers) with a Pinduoduo row appended: a platform not configured."""
    if frame.height == 0:
        return frame, []
    key = frame["Complaint ID"][0]
    changes = [{"Complaint ID": f"{key}-X", "Platform": "拼多多"}]
    return _appended(frame, changes), [BadRow(file, "platform", "allowed_values",
                                              "a Pinduoduo complaint, a platform not configured")]
