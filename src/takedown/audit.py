"""The dashboard's audit log: who signed in, viewed which page with which filters, and downloaded what.

JSON Lines beside the store (`<store>.audit.jsonl`), one event per line:

    {"at": "2026-12-02T01:02:03Z", "event": "page_view", "user": "ceo@acme.example", "page": "Overview",
     "filters": {"month": "2026-09"}}

Events: `sign_in` (once per session), `page_view` (a page with its view's URL parameters, each time
they change) and `download` (file name and rows, when the file is built). `user` is the signed-in
address (null without sign-in). Each line is appended with one write to a file opened for appending,
so lines of concurrent sessions never interleave and a crash leaves at most one line out, never half
of one. Values are stored verbatim (JSON-escaped): show them through takedown.escape.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import polars as pl

SUFFIX = ".audit.jsonl"
EVENTS = ("sign_in", "page_view", "download")


def audit_path(db: Path) -> Path:
    """The audit log of the store at `db`: `<store>.audit.jsonl` beside it."""
    return db.with_name(db.name + SUFFIX)


def record(path: Path, event: str, user: str | None, now: dt.datetime | None = None, **fields: object) -> None:
    """Append one event to the log at `path` (created when missing): one line, in one write; OSError if it cannot."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; expected one of {', '.join(EVENTS)}")
    at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = json.dumps({"at": at, "event": event, "user": user, **fields}, ensure_ascii=False, sort_keys=False,
                      default=str)
    data = (line + "\n").encode("utf-8")
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        written = os.write(descriptor, data)
        if written != len(data):
            raise OSError(f"{path}: only {written} of {len(data)} bytes of an audit line were written")
    finally:
        os.close(descriptor)


def read_events(path: Path) -> list[dict[str, object]]:
    """The events of the log at `path`, oldest first (none when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# The audit page's columns: what every event has, then what some events carry (the rest as JSON in `details`).
EVENT_COLUMNS = ("at", "event", "user", "page", "filters", "file", "rows", "role", "known")


def events_frame(events: list[dict[str, object]]) -> pl.DataFrame:
    """`events` (read_events) as a table, newest first: one column per EVENT_COLUMNS (filters as JSON text)
    and `details` (JSON of any other field, e.g. a sign-in's brands and accounts). Values stay as logged."""
    rows = []
    for event in reversed(events):
        row = {name: event.get(name) for name in EVENT_COLUMNS}
        row["filters"] = None if row["filters"] is None else json.dumps(row["filters"], ensure_ascii=False, sort_keys=True)
        row["rows"] = row["rows"] if isinstance(row["rows"], int) else None
        row["known"] = row["known"] if isinstance(row["known"], bool) else None
        rest = {name: value for name, value in event.items() if name not in EVENT_COLUMNS}
        row["details"] = json.dumps(rest, ensure_ascii=False, sort_keys=True, default=str) if rest else None
        rows.append({name: value if name in ("rows", "known") or value is None else str(value)
                     for name, value in row.items()})
    schema = {**{name: pl.String for name in EVENT_COLUMNS}, "rows": pl.Int64, "known": pl.Boolean, "details": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
