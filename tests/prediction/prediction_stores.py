"""Hand-made stores for the prediction tests: frames of items, events, listings and rights in an
in-memory DuckDB holding the store's schema."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import polars as pl

from takedown.store import create_schema

START = dt.datetime(2025, 1, 1)


def store_from(items: pl.DataFrame, events: pl.DataFrame, listings: pl.DataFrame | None = None,
               rights: pl.DataFrame | None = None, path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A store (in memory, or a file at `path`) holding the frames (store column names; batch_id and
    line filled in)."""
    con = duckdb.connect(path)
    con.execute("set TimeZone = 'UTC'")
    create_schema(con)
    for table, frame in (("complaint_items", items), ("outcome_events", events), ("listings", listings),
                         ("ip_rights", rights)):
        if frame is None or frame.height == 0:
            continue
        filled = frame.with_columns(pl.lit("b").alias("batch_id"), pl.int_range(pl.len()).alias("line"))
        if table == "outcome_events":
            filled = filled.with_columns(pl.lit("outcomes").alias("source_kind"))
        con.register("incoming", filled)
        con.execute(f"insert into {table} by name select * from incoming")
        con.unregister("incoming")
    return con


def program(count: int, seed: int = 1, days: int = 400, removed_share: dict[str, float] | None = None,
            decision_hours: float = 30.0) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(items, events, listings, rights) of a small program whose outcome depends on the reason.

    Items are spread evenly over `days` from START; each is decided `decision_hours` later
    (removed with its reason's share, else rejected); some removed ones get a counter-notice and
    are restored. Listings are detected a day before their complaint (one in ten two days after); half the items cite a right
    that expires in the middle of the program.
    """
    rng = np.random.default_rng(seed)
    shares = removed_share or {"counterfeit goods": 0.92, "lookalike design": 0.45}
    reasons = np.array(list(shares))
    reason = reasons[rng.integers(0, len(reasons), count)]
    submitted = [START + dt.timedelta(days=days * index / count, minutes=int(rng.integers(0, 60)))
                 for index in range(count)]
    seller = rng.integers(0, max(count // 8, 1), count)
    items = pl.DataFrame({
        "complaint_id": [f"C{index:05d}" for index in range(count)],
        "platform": rng.choice(["taobao", "tmall", "aliexpress"], count),
        "listing_id": [f"L{index:05d}" for index in range(count)],
        "seller_id": [f"S{value}" for value in seller],
        "enforcement_type": ["listing"] * count,
        "ipr_type": ["trademark"] * count,
        "ipr_registration": np.where(rng.random(count) < 0.5, "TM-1", "TM-2"),
        "reason": reason,
        "account": rng.choice(["acct-a", "acct-b"], count),
        "submitted_at": submitted,
    })
    removed = rng.random(count) < np.array([shares[value] for value in reason])
    decided = [moment + dt.timedelta(hours=decision_hours) for moment in submitted]
    restored = removed & (rng.random(count) < 0.05)
    rows = []
    for index in range(count):
        key = (items["complaint_id"][index], items["listing_id"][index])
        rows.append((*key, "removed" if removed[index] else "rejected", decided[index]))
        if restored[index]:
            rows.append((*key, "counter_notice", decided[index] + dt.timedelta(hours=5)))
            rows.append((*key, "restored", decided[index] + dt.timedelta(hours=80)))
    events = pl.DataFrame(rows, schema=["complaint_id", "listing_id", "event", "occurred_at"], orient="row")
    words = {"counterfeit goods": "Original {} genuine bag", "lookalike design": "大牌同款 style bag {}"}
    listings = pl.DataFrame({
        "platform": items["platform"], "listing_id": items["listing_id"],
        "url": [f"https://example.com/{index}" for index in range(count)],
        "title": [words.get(value, "item {}").format(index % 7) for index, value in enumerate(reason)],
        "seller_id": items["seller_id"], "brand": rng.choice(["Acme", "Northwind"], count),
        "infringement_type": ["counterfeit"] * count,
        "price": np.round(np.where(reason == reasons[0], 40.0, 90.0) * rng.uniform(0.8, 1.2, count), 2),
        "currency": ["USD"] * count,
        # Most listings are found before their complaint; one in ten only after it (then unknown at filing).
        "detected_at": [moment + dt.timedelta(days=2 if late else -1)
                        for moment, late in zip(submitted, rng.random(count) < 0.1, strict=True)],
    })
    rights = pl.DataFrame({
        "registration": ["TM-1", "TM-2"], "ipr_type": ["trademark", "trademark"], "brand": ["Acme", "Acme"],
        "expires_on": [(START + dt.timedelta(days=days // 2)).date(), dt.date(2030, 1, 1)],
        "ipp_status": ["verified", "pending"],
    })
    return items, events, listings, rights
