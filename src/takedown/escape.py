"""Escaping untrusted text (titles, seller names, details) wherever the project shows or writes it."""

from __future__ import annotations

import html
import re

import polars as pl

# A spreadsheet treats a cell starting with one of these as a formula (CSV/XLSX injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Characters that reorder the text around them (bidi overrides, embeddings, isolates and marks):
# "invoice\u202egpj.exe" shows as "invoiceexe.jpg". Shown as visible escapes, never obeyed.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# What a terminal would act on instead of showing: C0 controls (ESC starts colour and cursor
# sequences, \r and \n rewrite or add lines), DEL, C1 controls, the line/paragraph separators,
# and the bidi controls above.
_TERMINAL_CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(value: object) -> str:
    """Any value as text safe to print on a terminal, on one line (None -> '').

    Each control, line-break or bidi character becomes its visible escape (ESC -> `\\x1b`,
    U+202E -> `\\u202e`), so nothing is hidden and nothing is dropped.
    """
    return "" if value is None else _TERMINAL_CONTROLS.sub(_visible, str(value))


def escape_html(text: object) -> str:
    """HTML-escape any value for a page or report (None -> '').

    Bidi controls become visible escapes too: a character reference would still reorder the text.
    """
    return "" if text is None else _BIDI.sub(_visible, html.escape(str(text), quote=True))


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
