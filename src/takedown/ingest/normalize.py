"""From the text a reader found to the contract's columns: header names, kind, parsed values.

`prepare` builds the frame the Great Expectations suite checks: per contract column its trimmed
text (`c`) and, for typed columns, the parsed value (`c__value`) and whether the text parsed
(`c__parsed`, null when the cell is empty); for decimals and integers whether the value fits the
store's type exactly (`c__exact`), and for a timestamp that cannot precede another whether it does
not (`c__not_before_<other>`). `typed_rows` then turns the rows that passed into the columns of the
store's table.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import polars as pl

from takedown.config import FUTURE_TOLERANCE_HOURS
from takedown.contract import (
    DECIMAL_PRECISION,
    DECIMAL_SCALE,
    KIND_BY_NAME,
    PLATFORMS,
    Column,
    Kind,
    alias_table,
    normalise_enum_value,
    normalise_name,
)
from takedown.ingest.mapping import Mapping, extend_platforms
from takedown.ingest.parsing import (
    decimal_fits,
    is_integer_text,
    parse_date,
    parse_decimal_text,
    parse_integer,
    parse_number,
    parse_timestamp_series,
    trimmed,
)
from takedown.ingest.readers import LINE, RawTable, UnreadableFile

EXTRA = "extra"


@dataclass
class Prepared:
    """A file's rows mapped onto one kind, ready to validate."""

    kind: Kind
    checks: pl.DataFrame  # row-aligned with raw.frame
    present: frozenset[str]  # contract columns the file has
    extra_columns: tuple[str, ...]  # original names of columns the contract does not know
    source_names: dict[str, str]  # contract column -> original header name
    enums: dict[str, dict[str, str]]  # column -> normalised spelling -> canonical value
    timezone: str
    now: dt.datetime  # the moment of ingest, UTC (naive)

    @property
    def future_limit(self) -> dt.datetime:
        return self.now + dt.timedelta(hours=FUTURE_TOLERANCE_HOURS)


def header_map(columns: list[str], mapping: Mapping) -> dict[str, str]:
    """Original header name -> contract-style name (mapping applied, then normalised)."""
    result: dict[str, str] = {}
    owners: dict[str, str] = {}
    for original in columns:
        if original == LINE:
            continue
        name = normalise_name(original)
        name = mapping.columns.get(name, name)
        if name in owners:
            raise UnreadableFile(
                f"columns {owners[name]!r} and {original!r} both mean {name!r}; keep one or rename one"
            )
        owners[name] = original
        result[original] = name
    return result


def detect_kind(names: set[str], requested: str | None) -> Kind:
    """The kind given, else the one whose signature columns the header has; refuse when unsure."""
    if requested:
        kind = KIND_BY_NAME[requested]
    else:
        matches = [kind for kind in KIND_BY_NAME.values() if set(kind.signature) <= names]
        # A filled escalations workbook repeats an export's columns (complaint_id, account...) beside its own.
        matches = [kind for kind in matches if kind.name == "escalations"] or matches
        if len(matches) != 1:
            found = ", ".join(sorted(names)) or "no columns"
            what = "matches several kinds" if matches else "matches no export kind"
            raise UnreadableFile(
                f"cannot tell the kind from the header ({what}; columns: {found}); give --kind"
            )
        kind = matches[0]
    missing = [name for name in kind.required_names if name not in names]
    if missing:
        raise UnreadableFile(
            f"not a {kind.name} export: required column(s) missing from the header: {', '.join(missing)}"
        )
    return kind


def enum_tables(kind: Kind, mapping: Mapping) -> dict[str, dict[str, str]]:
    """Every enum column's accepted spellings, with the mapping's platforms and value aliases."""
    tables = {}
    for column in kind.columns:
        if column.enum is None:
            continue
        enum = dict(column.enum)
        if column.enum is PLATFORMS:
            enum = extend_platforms(enum, mapping.platforms)
        table = alias_table(enum)
        for spelling, target in mapping.values.get(column.name, {}).items():
            canonical = table.get(normalise_enum_value(target))
            if canonical is None:
                raise UnreadableFile(
                    f"the mapping sends {column.name} value {spelling!r} to {target!r}, which is not a valid value"
                )
            table[spelling] = canonical
        tables[column.name] = table
    return tables


def _value_expression(column: Column, text: pl.Expr, prepared_enums: dict[str, dict[str, str]]) -> pl.Expr | None:
    """The parsed value of a typed column (null where the text does not parse); None for text."""
    if column.type == "enum":
        normalised = text.str.strip_chars().str.to_lowercase().str.replace_all(r"[\s\-]+", "_")
        return normalised.replace_strict(prepared_enums[column.name], default=None, return_dtype=pl.Utf8)
    if column.type == "timestamp":
        return None  # parsed per column with a fast path, see prepare()
    if column.type == "date":
        return parse_date(text)
    if column.type in ("decimal", "number"):
        return parse_number(text)
    if column.type == "integer":
        return parse_integer(text)
    if column.type in ("currency", "country"):
        return text.str.to_uppercase()
    return None


def _text_expression(column: Column, original: str | None) -> pl.Expr:
    """A column's text: trimmed (null when empty), except untrusted text, which is kept verbatim."""
    if original is None:
        return pl.lit(None, dtype=pl.Utf8)
    if column.untrusted:
        return pl.when(pl.col(original) != "").then(pl.col(original))
    return trimmed(original)


def prepare(raw: RawTable, requested_kind: str | None, timezone: str, mapping: Mapping,
            now: dt.datetime) -> Prepared:
    """Map the header, detect the kind and compute the columns the suite checks."""
    names = header_map(raw.frame.columns, mapping)
    kind = detect_kind(set(names.values()), requested_kind or mapping.kind)
    source_names = {name: original for original, name in names.items() if name in kind.column_names}
    extra_columns = tuple(original for original, name in names.items() if name not in kind.column_names)
    enums = enum_tables(kind, mapping)
    texts = [_text_expression(column, source_names.get(column.name)).alias(column.name) for column in kind.columns]
    values = [
        value.alias(f"{column.name}__value")
        for column in kind.columns
        if (value := _value_expression(column, pl.col(column.name), enums)) is not None
    ]
    checks = raw.frame.select(texts).with_columns(values)
    timestamps = [column.name for column in kind.columns if column.type == "timestamp"]
    checks = checks.with_columns(
        parse_timestamp_series(checks[name], timezone).alias(f"{name}__value") for name in timestamps
    ).with_columns(
        pl.col(f"{name}__value").dt.epoch("us").alias(f"{name}__epoch_us") for name in timestamps
    )
    parsed_flags = [
        pl.when(pl.col(column.name).is_null()).then(None)
        .otherwise(_parsed(column))
        .alias(f"{column.name}__parsed")
        for column in kind.columns
        if f"{column.name}__value" in checks.columns
    ]
    checks = checks.with_columns(parsed_flags).with_columns(
        [_exact(column) for column in kind.columns if column.type in ("decimal", "integer")]
        + [_not_before(column) for column in kind.columns if column.not_before]
    )
    return Prepared(kind=kind, checks=checks, present=frozenset(source_names), extra_columns=extra_columns,
                    source_names=source_names, enums=enums, timezone=timezone, now=now)


def _parsed(column: Column) -> pl.Expr:
    if column.type == "integer":
        # Written as a whole number, even one too large to store: that is its own rule (see _exact).
        return is_integer_text(pl.col(column.name))
    return pl.col(f"{column.name}__value").is_not_null()


def _exact(column: Column) -> pl.Expr:
    """Whether a parsed value fits the store's type without losing a digit (null when not parsed)."""
    name, parsed = column.name, pl.col(f"{column.name}__parsed")
    if column.type == "decimal":
        fits = decimal_fits(pl.col(name), DECIMAL_PRECISION, DECIMAL_SCALE)
    else:
        fits = pl.col(f"{name}__value").is_not_null()
    return pl.when(parsed).then(fits).alias(f"{name}__exact")


def _not_before(column: Column) -> pl.Expr:
    """Whether the timestamp is at or after its `not_before` column (null when either is missing)."""
    other = column.not_before
    return (pl.col(f"{column.name}__epoch_us") >= pl.col(f"{other}__epoch_us")).alias(
        f"{column.name}__not_before_{other}")


def typed_rows(prepared: Prepared, raw: RawTable, valid: pl.Series) -> pl.DataFrame:
    """The rows that passed, as the store table's columns (plus `extra` JSON and `line`)."""
    kind = prepared.kind
    checks = prepared.checks.filter(valid)
    out: dict[str, pl.Expr] = {}
    for column in kind.columns:
        name = column.name
        if column.type == "decimal":
            # From the text, not the float: a price is stored exactly as written. Only rows whose
            # digits fit got here (rule decimal_precision), so a failing cast is a bug, not data.
            out[name] = parse_decimal_text(pl.col(name)).cast(pl.Decimal(DECIMAL_PRECISION, DECIMAL_SCALE))
        elif f"{name}__value" in checks.columns:
            out[name] = pl.col(f"{name}__value")
        else:
            out[name] = pl.col(name)
    frame = checks.select(**out)
    raw_rows = raw.frame.filter(valid)
    frame = frame.with_columns(extra_json(raw_rows, prepared), raw_rows[LINE].alias("line"))
    if kind.name == "complaints":
        frame = _complaint_keys(frame)
    if kind.name == "outcomes":
        frame = frame.with_columns(pl.col("listing_id").fill_null(""))
    return frame


def _complaint_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """Reasons compare lower-cased and trimmed; a storefront item's key has listing_id ''.

    A storefront row that names a listing keeps that id in `extra` as "listing_id", so nothing is lost.
    """
    storefront_with_id = (pl.col("enforcement_type") == "storefront") & pl.col("listing_id").is_not_null()
    quoted = pl.when(storefront_with_id).then(pl.col("listing_id")).map_elements(json.dumps, return_dtype=pl.Utf8, skip_nulls=True)
    entry = pl.concat_str(pl.lit('"listing_id":'), quoted)
    merged_extra = (
        pl.when(~storefront_with_id).then(pl.col(EXTRA))
        .when(pl.col(EXTRA).is_null()).then(pl.concat_str(pl.lit("{"), entry, pl.lit("}")))
        .otherwise(pl.concat_str(pl.col(EXTRA).str.strip_suffix("}"), pl.lit(","), entry, pl.lit("}")))
    )
    return frame.with_columns(
        pl.col("reason").str.to_lowercase(),
        merged_extra.alias(EXTRA),
        pl.when(pl.col("enforcement_type") == "storefront").then(pl.lit(""))
        .otherwise(pl.col("listing_id")).alias("listing_id"),
    )


def extra_json(raw_rows: pl.DataFrame, prepared: Prepared) -> pl.Series:
    """Unknown columns kept verbatim as a JSON object (null when the file has none)."""
    extras = list(prepared.extra_columns)
    if not extras:
        return pl.Series(EXTRA, [None] * raw_rows.height, dtype=pl.Utf8)
    return raw_rows.select(pl.struct(extras).struct.json_encode().alias(EXTRA)).to_series()
