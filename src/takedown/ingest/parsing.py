"""Polars expressions that turn export text into typed values (null where the text does not parse).

Each parser returns an expression over a trimmed text column (null for empty cells); the caller
compares "text given" with "value parsed" to report what did not parse.
"""

from __future__ import annotations

import polars as pl

# ISO 8601 with T or space, or the slash form; seconds and fractions optional; then an optional
# offset (Z, UTC, +08, +0800, +08:00). A bare date is midnight.
_TIMESTAMP = (
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|z|UTC|utc|GMT|[+-]\d{2}(?::?\d{2})?)?$"
)
# The widest UTC offset in use (Kiribati, +14:00; the lowest is -12:00).
MAX_OFFSET_MINUTES = 14 * 60
_DECIMAL = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$"
_THOUSANDS = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
_INTEGER = r"^[+-]?\d+(?:\.0*)?$"


def trimmed(name: str) -> pl.Expr:
    """The cell's text, trimmed; null when empty."""
    text = pl.col(name).str.strip_chars()
    return pl.when(text != "").then(text)


def parse_timestamp(text: pl.Expr, timezone: str) -> pl.Expr:
    """UTC (naive) datetime from the accepted forms; a value without offset is read in `timezone`.

    Ambiguous local times (the hour repeated when clocks go back) take the earlier instant;
    local times that do not exist (skipped when clocks go forward) do not parse.
    """
    parts = text.str.extract_groups(_TIMESTAMP)
    year, month, day = (parts.struct.field(str(i)) for i in (1, 2, 3))
    hour = parts.struct.field("4").fill_null("0")
    minute = parts.struct.field("5").fill_null("0")
    second = parts.struct.field("6").fill_null("0")
    fraction = parts.struct.field("7").fill_null("").str.pad_end(6, "0").str.slice(0, 6)
    offset = parts.struct.field("8")
    canonical = pl.concat_str(
        year, pl.lit("-"), month.str.zfill(2), pl.lit("-"), day.str.zfill(2), pl.lit(" "),
        hour.str.zfill(2), pl.lit(":"), minute, pl.lit(":"), second.str.zfill(2), pl.lit("."), fraction,
    )
    naive = canonical.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S%.f", strict=False)
    # Offsets: "+08", "+0800", "+08:00"; Z/UTC/GMT are zero. An offset past what any zone uses
    # (more than 14 hours, or 60 minutes and more) is a typo, not a time: the cell does not parse.
    digits = offset.str.replace_all(":", "")
    sign = pl.when(digits.str.starts_with("-")).then(-1).otherwise(1)
    offset_hours = digits.str.slice(1, 2).cast(pl.Int64, strict=False)
    offset_part_minutes = digits.str.slice(3, 2).cast(pl.Int64, strict=False).fill_null(0)
    total_minutes = offset_hours * 60 + offset_part_minutes
    offset_minutes = pl.when((offset_part_minutes < 60) & (total_minutes <= MAX_OFFSET_MINUTES)).then(
        sign * total_minutes)
    is_zulu = offset.str.to_uppercase().is_in(["Z", "UTC", "GMT"])
    with_offset = naive - pl.duration(minutes=pl.when(is_zulu).then(0).otherwise(offset_minutes))
    if timezone.upper() == "UTC":
        local = naive
    else:
        local = (
            naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC")
            .dt.replace_time_zone(None)
        )
    return pl.when(offset.is_null()).then(local).otherwise(with_offset)


def parse_date(text: pl.Expr) -> pl.Expr:
    """A calendar date: the date forms of parse_timestamp, time part (if any) dropped."""
    return parse_timestamp(text, "UTC").dt.date()


def parse_decimal_text(text: pl.Expr) -> pl.Expr:
    """A plain decimal as text ("1,299.50" -> "1299.50"); null when not a plain decimal."""
    without_thousands = pl.when(text.str.contains(_THOUSANDS)).then(text.str.replace_all(",", "")).otherwise(text)
    return pl.when(without_thousands.str.contains(_DECIMAL)).then(without_thousands).otherwise(None)


def decimal_fits(text: pl.Expr, precision: int, scale: int) -> pl.Expr:
    """Whether a plain decimal's digits fit DECIMAL(precision, scale) exactly (null when not a decimal).

    Leading zeros and trailing fraction zeros are not digits the value needs.
    """
    # Plain string operations rather than a pattern with groups: several times cheaper on a big export.
    plain = parse_decimal_text(text)
    parts = plain.str.strip_chars_start("+-").str.split_exact(".", 1)
    whole = parts.struct.field("field_0").str.strip_chars_start("0").str.len_bytes()
    fraction = parts.struct.field("field_1").fill_null("").str.strip_chars_end("0").str.len_bytes()
    return pl.when(plain.is_not_null()).then((whole <= precision - scale) & (fraction <= scale))


def parse_number(text: pl.Expr) -> pl.Expr:
    """A finite float; null when the text is not a plain decimal (no exponents, inf or nan)."""
    return parse_decimal_text(text).cast(pl.Float64, strict=False)


def is_integer_text(text: pl.Expr) -> pl.Expr:
    """Whether the text is written as a whole number ("12", "12.0"), however large."""
    return text.str.contains(_INTEGER)


def parse_integer(text: pl.Expr) -> pl.Expr:
    """A whole number ("12", "12.0") that fits a 64-bit integer; null otherwise."""
    whole = pl.when(text.str.contains(_INTEGER)).then(text.str.replace(r"\.0*$", "")).otherwise(None)
    return whole.cast(pl.Int64, strict=False)


# Whole-column formats tried first, in order: an export almost always writes one of these for
# every row, and a plain strptime is many times cheaper than the general pattern above. Each has a
# fixed width, which guarantees zero-padded fields, so it reads a value exactly as the general
# pattern would; rows none of them takes go through parse_timestamp.
# (format, width, kind): "naive" is read in the ingest time zone, "utc" ends in a literal Z.
# The character after the date (None for a bare date) tells the formats of one width apart, so a
# column in one of them is parsed once, not once per format tried.
_FAST_FORMATS = (
    ("%Y-%m-%d %H:%M:%S", 19, " ", "naive"),
    ("%Y-%m-%dT%H:%M:%S", 19, "T", "naive"),
    ("%Y-%m-%d %H:%M", 16, " ", "naive"),
    ("%Y-%m-%dT%H:%M:%SZ", 20, "T", "utc"),
    ("%Y-%m-%d", 10, None, "date"),
)
_DATE_WIDTH = 10


def _localise(naive: pl.Series, timezone: str) -> pl.Series:
    if timezone.upper() == "UTC":
        return naive
    return (naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC").dt.replace_time_zone(None))


def parse_timestamp_series(text: pl.Series, timezone: str) -> pl.Series:
    """parse_timestamp over a whole column, with a fast path for the common fixed-width formats."""
    result = pl.repeat(None, len(text), dtype=pl.Datetime("us"), eager=True).alias(text.name)
    widths = text.str.len_bytes()
    starts_with_digit = text.str.slice(0, 1).is_in(list("0123456789"))
    separators = text.str.slice(_DATE_WIDTH, 1)
    remaining = text.is_not_null() & starts_with_digit
    for pattern, width, separator, kind in _FAST_FORMATS:
        candidates = remaining & (widths == width)
        if separator is not None:
            candidates = candidates & (separators == separator)
        if not candidates.any():
            continue
        if kind == "date":
            parsed = text.str.strptime(pl.Date, pattern, strict=False).cast(pl.Datetime("us"))
        else:
            parsed = text.str.strptime(pl.Datetime("us"), pattern, strict=False)
        taken = candidates & parsed.is_not_null()
        if not taken.any():
            continue
        if kind != "utc":
            parsed = _localise(parsed, timezone)  # a local time that does not exist becomes null
        result = pl.select(pl.when(taken).then(parsed).otherwise(result)).to_series().alias(text.name)
        remaining = remaining & ~taken
    # Everything the fast formats did not take (other shapes, offsets, fractions, invalid dates)
    # goes through the general pattern.
    rest = remaining | (text.is_not_null() & ~starts_with_digit)
    if rest.any():
        positions = rest.arg_true()
        general = pl.DataFrame({"t": text.gather(positions)}).select(parse_timestamp(pl.col("t"), timezone)).to_series()
        hit = general.is_not_null()
        result = result.scatter(positions.filter(hit), general.filter(hit))
    return result
