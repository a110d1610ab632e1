"""Escaping untrusted text (titles, seller names, details) wherever the project shows or writes it."""

from __future__ import annotations

import html
import re

import polars as pl

# A spreadsheet treats a cell starting with one of these as a formula (CSV/XLSX injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_html(text: object) -> str:
    """HTML-escape any value for a page or report (None -> '')."""
    return "" if text is None else html.escape(str(text), quote=True)


def escape_cell(text: str | None) -> str | None:
    """Prefix a cell that a spreadsheet would run as a formula with `'`."""
    if text is not None and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def escape_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of a frame made safe for CSV/XLSX (other columns untouched)."""
    pattern = "^[" + "".join(re.escape(prefix) for prefix in FORMULA_PREFIXES) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(pattern)).then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.Utf8
    )
