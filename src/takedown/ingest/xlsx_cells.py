"""Cells of a workbook that hold no value a reader can give: Excel errors and formulas never calculated.

The workbook reader (fastexcel) gives both as an empty cell, so `#DIV/0!` in a price would load as a
row without a price, where the same text in a CSV is quarantined. This module reads the first
sheet's XML itself, in blocks of whole rows (bounded memory), and names each such cell: its Excel row,
its column (0 = the sheet's first used column) and what it holds. A sheet with neither an error cell
nor a formula is only searched, never parsed cell by cell.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

# The sheet's XML is searched this much at a time (plus the rest of a row cut at the block's end).
_BLOCK_BYTES = 16 * 1024 * 1024
# Cells, rows and their parts, with or without a namespace prefix (`<c>` or `<x:c>`).
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
# What an error cell (t="e") or a formula (<f>) looks like, as plain bytes: searching for these is
# ten times faster than a regular expression, and a false hit only costs the parse of those rows.
_MARKERS = (b't="e"', b"t='e'", b"<f", b":f")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row>")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?v>)", re.S)
_REFERENCE = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3})([0-9]+)["']""")
_TYPE = re.compile(rb"""\bt\s*=\s*["'](\w+)["']""")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["']([A-Z]{1,3})([0-9]+)""")
_SHEET = re.compile(rb"""<(?:[\w.-]+:)?sheet\b[^>]*?\b(?:[\w.-]+:)?id\s*=\s*["']([^"']+)["']""")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*["']([^"']*)["']""")


@dataclass(frozen=True)
class BadCell:
    """A cell that holds no value: an Excel error (`#DIV/0!`) or a formula without a calculated value."""

    row: int  # the Excel row number
    column: int  # 0 = the first column of the sheet's used range
    rule: str  # "spreadsheet_error" | "formula_without_value"
    shown: str  # what the cell holds: the error value, or the formula with its `=`


def column_number(letters: bytes) -> int:
    """A = 1, Z = 26, AA = 27."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The path inside the workbook of its first sheet (the one the reader loads), or None."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relationships = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    sheet = _SHEET.search(workbook)
    if sheet is None:
        return None
    for element in _RELATIONSHIP.findall(relationships):
        attributes = dict(_ATTRIBUTE.findall(element))
        if attributes.get(b"Id") == sheet.group(1):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return None


def bad_cells(path: str) -> tuple[tuple[int, int], list[BadCell]]:
    """The first sheet's origin (Excel row and column of its used range's first cell) and its bad cells."""
    with zipfile.ZipFile(path) as archive:
        sheet = first_sheet_path(archive)
        if sheet is None or sheet not in archive.namelist():
            return (1, 1), []
        with archive.open(sheet) as handle:
            return _scan(handle)


def _scan(handle) -> tuple[tuple[int, int], list[BadCell]]:
    origin = (1, 1)
    found: list[BadCell] = []
    pending = b""
    first = True
    while True:
        block = handle.read(_BLOCK_BYTES)
        text = pending + block
        if first:
            dimension = _DIMENSION.search(text[:65536])
            if dimension:
                origin = (int(dimension.group(2)), column_number(dimension.group(1)))
            first = False
        if block:
            ends = [m.end() for m in _ROW_END.finditer(text, max(0, len(text) - _BLOCK_BYTES))]
            if not ends:
                pending = text  # no row ends in it yet: read on
                continue
            whole, pending = text[:ends[-1]], text[ends[-1]:]
        else:
            whole, pending = text, b""
        if any(marker in whole for marker in _MARKERS):
            found.extend(_bad_cells_in(whole, origin[1]))
        if not block:
            return origin, found


def _bad_cells_in(xml: bytes, first_column: int) -> list[BadCell]:
    cells = []
    for cell in _CELL.finditer(xml):
        attributes, inner = cell.group(1), cell.group(2) or b""
        reference = _REFERENCE.search(attributes)
        if reference is None:
            continue  # every writer names its cells; one without a name cannot be placed
        kind = _TYPE.search(attributes)
        kind = kind.group(1) if kind else b"n"
        value = _VALUE.search(inner)
        value_text = (value.group(1) or b"") if value else None
        row, column = int(reference.group(2)), column_number(reference.group(1)) - first_column
        if kind == b"e":
            shown = (value_text or b"#N/A").decode("utf-8", "replace")
            cells.append(BadCell(row, column, "spreadsheet_error", _unescape(shown)))
            continue
        formula = _FORMULA.search(inner)
        # A formula whose result was never calculated (openpyxl and many scripts write none): an
        # empty text result (t="str") is a value, an empty number is not.
        if formula and (value_text is None or (not value_text and kind not in (b"str", b"s", b"inlineStr"))):
            shown = "=" + _unescape((formula.group(1) or b"").decode("utf-8", "replace"))
            cells.append(BadCell(row, column, "formula_without_value", shown))
    return cells


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))
