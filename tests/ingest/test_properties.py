"""Property-based: random and corrupted rows never crash ingest, and every row read is accounted for."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

import duckdb
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takedown.ingest.mapping import Mapping
from takedown.ingest.pipeline import ingest_file
from takedown.ingest.parsing import parse_timestamp, parse_timestamp_series
from takedown.store import create_schema

NOW = dt.datetime(2026, 11, 28, 12, 0)
COLUMNS = ["complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type", "reason",
           "account", "submitted_at", "status", "status_at"]
GOOD_VALUES = {
    "complaint_id": st.sampled_from(["C1", "C2", "C3"]),
    "platform": st.sampled_from(["alibaba", "Taobao", "天猫", "1688.com", "tmall global", "ebay"]),
    "listing_id": st.sampled_from(["L1", "L2", "", " L3 "]),
    "seller_id": st.sampled_from(["S1", "S2"]),
    "enforcement_type": st.sampled_from(["listing", "Product Listing", "store", "shop"]),
    "ipr_type": st.sampled_from(["trademark", "Design Right", "patent", "brand"]),
    "reason": st.sampled_from(["Counterfeit", " counterfeit ", ""]),
    "account": st.sampled_from(["a1", "a2", ""]),
    "submitted_at": st.sampled_from(["2026-03-01 10:00", "2026-03-01T10:00:00+08:00", "2026/3/1 9:05",
                                     "2026-02-30", "2031-01-01", "yesterday", "2026-11-29T11:59:59Z"]),
    "status": st.sampled_from(["", "removed", "Taken Down", "counter notice", "closed"]),
    "status_at": st.sampled_from(["", "2026-03-02", "later"]),
}
NOISE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
ROW = st.fixed_dictionaries({name: st.one_of(values, NOISE) for name, values in GOOD_VALUES.items()})


def render(rows: list[dict[str, str]], corrupt: list[int]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for index, row in enumerate(rows):
        values = [row[name] for name in COLUMNS]
        if index in corrupt:
            buffer.write(",".join(values[: len(values) - 1 - index % 3]) + "\n")  # unquoted and short
        else:
            writer.writerow(values)
    return buffer.getvalue()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=25), corrupt=st.lists(st.integers(0, 24), max_size=4),
       encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_every_row_read_is_loaded_or_quarantined(rows, corrupt, encoding):
    text = render(rows, corrupt)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    # In-process on an in-memory store: the accounting is ingest_file's, publishing is tested elsewhere.
    con = duckdb.connect()
    try:
        create_schema(con)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "complaints.csv"
            path.write_bytes(data)
            result = ingest_file(con, path, "complaints", "UTC", Mapping(), now=NOW)
        quarantined, items = con.sql(
            "select (select count(*) from quarantined_rows), (select count(*) from complaint_items)").fetchall()[0]
        reasons = con.sql("select reasons from quarantined_rows").fetchall()
    finally:
        con.close()
    if result.error is not None:
        assert (result.rows, result.inserted, result.rejected) == (0, 0, 0)
        return
    assert result.rows == result.inserted + result.updated + result.unchanged + result.rejected
    assert result.rejected == quarantined
    assert result.inserted == items  # a fresh store: every new key is one item
    assert all(json.loads(r) for (r,) in reasons)  # every quarantined row says why


TIMESTAMP_TEXT = st.one_of(
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1)).flatmap(
        lambda moment: st.sampled_from([
            moment.strftime("%Y-%m-%d %H:%M:%S"), moment.strftime("%Y-%m-%dT%H:%M:%S"),
            moment.strftime("%Y-%m-%d %H:%M"), moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%d"),
            moment.strftime("%Y/%m/%d %H:%M"), moment.isoformat(), moment.strftime("%Y-%m-%dT%H:%M:%S+05:30"),
            f"{moment.year}-{moment.month}-{moment.day} {moment.hour}:{moment.minute:02d}",
        ])),
    st.text(alphabet="0123456789-:/ TZ+.", max_size=22),
    # Offsets in and out of the range any zone uses (up to 14:00, minutes below 60).
    st.builds(lambda moment, sign, hours, minutes, colon: moment.strftime("%Y-%m-%dT%H:%M:%S")
              + f"{sign}{hours:02d}{colon}{minutes:02d}",
              st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1)),
              st.sampled_from("+-"), st.integers(0, 99), st.integers(0, 99), st.sampled_from(["", ":"])),
)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.one_of(st.none(), TIMESTAMP_TEXT), max_size=30),
       timezone=st.sampled_from(["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York"]))
def test_the_fast_timestamp_path_reads_exactly_like_the_general_pattern(texts, timezone):
    series = pl.Series("t", texts, dtype=pl.Utf8)
    general = pl.DataFrame({"t": series}).select(parse_timestamp(pl.col("t"), timezone)).to_series()
    assert parse_timestamp_series(series, timezone).to_list() == general.to_list()


@settings(max_examples=200, deadline=None)
@given(moment=st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1)),
       sign=st.sampled_from([1, -1]), hours=st.integers(0, 99), minutes=st.integers(0, 99))
def test_an_offset_parses_only_when_a_zone_could_use_it(moment, sign, hours, minutes):
    moment = moment.replace(microsecond=0)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + f"{'+' if sign > 0 else '-'}{hours:02d}:{minutes:02d}"
    parsed = parse_timestamp_series(pl.Series("t", [text]), "UTC").item()
    if minutes < 60 and hours * 60 + minutes <= 14 * 60:
        assert parsed == moment - sign * dt.timedelta(hours=hours, minutes=minutes)
    else:
        assert parsed is None


def _fits_by_hand(text: str, precision: int, scale: int) -> bool | None:
    """Whether a plain decimal's digits fit DECIMAL(precision, scale), by Python's Decimal (None: not plain)."""
    import re
    from decimal import Decimal

    plain = text.replace(",", "") if re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", text) else text
    if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", plain):
        return None
    sign, digits, exponent = Decimal(plain).normalize().as_tuple() if Decimal(plain) else (0, (), 0)
    fraction = max(0, -exponent)
    whole = max(0, len(digits) + exponent)
    return whole <= precision - scale and fraction <= scale


# Mostly plain decimals around the limits (leading and trailing zeros, signs, thousands), some junk.
DECIMAL_TEXTS = st.one_of(
    st.from_regex(r"[+-]?0{0,3}[0-9]{0,10}(\.[0-9]{0,6}0{0,3})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){1,3}(\.[0-9]{1,6})?", fullmatch=True),
    st.text(alphabet="0123456789.,+-", max_size=16),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(DECIMAL_TEXTS, min_size=1, max_size=50))
def test_a_decimal_fits_exactly_when_python_decimal_says_its_digits_fit(texts):
    from takedown.ingest.parsing import decimal_fits

    fits = pl.DataFrame({"t": texts}).select(decimal_fits(pl.col("t"), 12, 4)).to_series().to_list()
    assert fits == [_fits_by_hand(text, 12, 4) for text in texts]


def test_the_fast_timestamp_path_takes_no_separator_the_general_pattern_refuses():
    # One T or one space between date and time (docs/ingest.md); Polars' strptime would take a tab.
    texts = pl.Series("t", ["2026-03-01\t10:00:00", "2026-03-01\t10:00", "2026-03-01\n10:00:00", "2026-03-01 10:00:00",
                            "2026-03-01T10:00:00", "2026-03-01T10:00:00Z"])
    general = pl.DataFrame({"t": texts}).select(parse_timestamp(pl.col("t"), "UTC")).to_series()
    assert parse_timestamp_series(texts, "UTC").to_list() == general.to_list()
    assert general.null_count() == 3
