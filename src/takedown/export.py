"""Write a table the project exports (rejects, the rows behind a figure, a dashboard download, the
report's workbook) as CSV or XLSX, safely and without losing a cell.

- Every text cell a spreadsheet would run as a formula is escaped (SPEC 2).
- XLSX: every text cell is written as a string, never a formula, a number or a link (xlsxwriter's
  default turns `file:///...` and `external:\\\\...` into live links and drops URLs past 65,530 a sheet
  or longer than 2,079 characters); URLs are plain text.
- XLSX: a cell past Excel's 32,767 characters is cut to fit and ends with a visible mark
  (`… [cut: N more characters; a CSV export keeps the full text]`); a CSV keeps it whole.
- XLSX: times are Excel date-times in UTC, the column header saying so (`submitted_at (UTC)`); rates
  show as percentages, days to one decimal.
- More rows than a sheet holds is refused before any work (xlsx_rows_problem).
- The file appears whole or not at all (takedown.atomic).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from takedown.atomic import replacing
from takedown.escape import escape_cells

# The formats an export may take, by the file name's suffix.
EXPORT_SUFFIXES = (".csv", ".xlsx")
# Excel's sheet: 1,048,576 rows, the first of them the header.
XLSX_MAX_ROWS = 1_048_575
# Excel's cell: at most 32,767 characters (counted in UTF-16 units, as Excel counts them).
XLSX_MAX_CELL = 32_767
# Excel's sheet names: at most 31 characters, none of these, not blank, and "History" is reserved.
SHEET_NAME_LENGTH = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
# The widest a column gets, in characters: long titles wrap off-screen instead of hiding the rest.
MAX_WIDTH = 60
# Column widths are fitted to this many rows (fitting a million rows costs more than it shows).
WIDTH_SAMPLE_ROWS = 2_000


def cut_mark(missing: int) -> str:
    """The mark that ends a cell cut to fit Excel, saying how many characters it lost."""
    return f"… [cut: {missing:,} more characters; a CSV export keeps the full text]"


class TooManyRows(ValueError):
    """More rows than one XLSX sheet can hold."""


def xlsx_rows_problem(flag: str, rows: int) -> str | None:
    """Why `rows` rows cannot go to one XLSX sheet (naming the limit and the way out), or None."""
    if rows <= XLSX_MAX_ROWS:
        return None
    return (f"{flag}: {rows:,} rows do not fit in an XLSX sheet (Excel holds at most {XLSX_MAX_ROWS:,} rows "
            f"under the header); write a .csv file instead, or narrow the rows with a shorter period or a filter")


def out_problem(flag: str, out: Path) -> str | None:
    """Why `out` cannot name an export (a folder, or neither .csv nor .xlsx), or None."""
    if out.is_dir():
        return f"{flag} {out} is a folder; name a .csv or .xlsx file in it"
    if out.suffix.lower() not in EXPORT_SUFFIXES:
        return f"{flag} {out}: the export is CSV or XLSX, so its name must end in .csv or .xlsx"
    return None


def sheet_name(text: str, taken: Iterable[str] = ()) -> str:
    """`text` as a worksheet name Excel accepts, distinct from `taken` (case-insensitively).

    Excel forbids [ ] : * ? / \\ and control characters (each becomes `_`), a name over 31
    characters, a blank name, one starting or ending with an apostrophe, and "History".
    """
    name = _SHEET_FORBIDDEN.sub("_", text).strip().strip("'").strip()[:SHEET_NAME_LENGTH].strip()
    if not name or name.casefold() == "history":
        name = f"{name or 'Sheet'} data".strip()[:SHEET_NAME_LENGTH]
    used = {existing.casefold() for existing in taken}
    candidate, number = name, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = name[:SHEET_NAME_LENGTH - len(suffix)] + suffix
    return candidate


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit_cell(text: str) -> tuple[str, bool]:
    """`text` cut to Excel's cell limit with a visible mark when it is longer; whether it was cut."""
    if len(text) <= XLSX_MAX_CELL // 2 or _utf16_length(text) <= XLSX_MAX_CELL:
        return text, False
    # Leave room for the mark (its number has at most 10 digits and separators), then cut by UTF-16 units.
    room = XLSX_MAX_CELL - _utf16_length(cut_mark(10 ** 12))
    kept = text.encode("utf-16-le")[: room * 2].decode("utf-16-le", errors="ignore")
    return kept + cut_mark(len(text) - len(kept)), True


def excel_header(column: str, dtype: pl.DataType) -> str:
    """A column's header in a workbook: a time column says its zone (`submitted_at (UTC)`)."""
    return f"{column} (UTC)" if isinstance(dtype, pl.Datetime) else column


@dataclass
class XlsxResult:
    """What writing a workbook had to do to a cell: how many were cut to fit Excel."""

    cut_cells: int = 0


def escaped(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with categorical columns as text and every text cell a spreadsheet would run as a
    formula escaped (escape.escape_cells escapes text columns only)."""
    categories = [name for name, dtype in frame.schema.items() if isinstance(dtype, (pl.Categorical, pl.Enum))]
    return escape_cells(frame.with_columns(pl.col(categories).cast(pl.String)) if categories else frame)


def _as_utc_naive(series: pl.Series) -> pl.Series:
    zone = series.dtype.time_zone  # type: ignore[union-attr]
    return series.dt.convert_time_zone("UTC").dt.replace_time_zone(None) if zone else series


def _cells(series: pl.Series) -> tuple[list[Any], str]:
    """One column's cells and their kind: number, datetime, date or text (everything else)."""
    dtype = series.dtype
    if dtype == pl.Boolean:
        return series.replace_strict({True: "yes", False: "no"}, default=None, return_dtype=pl.String).to_list(), "text"
    if dtype.is_numeric():
        return series.to_list(), "number"
    if isinstance(dtype, pl.Datetime):
        return _as_utc_naive(series).to_list(), "datetime"
    if dtype == pl.Date:
        return series.to_list(), "date"
    if dtype == pl.String:
        return series.to_list(), "text"
    return [None if value is None else str(value) for value in series.to_list()], "text"


def _number_format(column: str) -> str | None:
    if column.endswith("_rate") or "_rate_" in column:
        return "0.0%"
    if column.startswith("days_") or column.endswith("_days"):
        return "0.0"
    return None


def _width(column: str, cells: list[Any], kind: str) -> int:
    sample = [value for value in cells[:WIDTH_SAMPLE_ROWS] if value is not None]
    if kind == "datetime":
        shown = [16]
    elif kind == "date":
        shown = [10]
    elif kind == "number":
        shown = [len(f"{value:,}") if isinstance(value, int) else 10 for value in sample]
    else:
        shown = [len(value) for value in sample]
    return min(max(len(column), *shown, 0) + 2, MAX_WIDTH)


def write_sheets(sheets: dict[str, pl.DataFrame], target: Path | io.BytesIO) -> XlsxResult:
    """A workbook of one sheet per frame at `target`: a frozen header row, filters, widths fitted.

    Text is formula-escaped and written as strings (never a formula, number or link), cut with a
    mark past Excel's cell limit; numbers as numbers; times as UTC date-times. TooManyRows when a
    frame has more rows than a sheet holds (callers check xlsx_rows_problem before any work).
    """
    import xlsxwriter

    for frame in sheets.values():
        if frame.height > XLSX_MAX_ROWS:
            raise TooManyRows(xlsx_rows_problem("the sheet", frame.height))
    in_memory = isinstance(target, io.BytesIO)
    workbook = xlsxwriter.Workbook(target if in_memory else str(target), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "constant_memory": not in_memory, "in_memory": in_memory})
    header = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1})
    formats = {"0.0%": workbook.add_format({"num_format": "0.0%"}), "0.0": workbook.add_format({"num_format": "0.0"}),
               "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
               "date": workbook.add_format({"num_format": "yyyy-mm-dd"})}
    result = XlsxResult()
    taken: list[str] = []
    try:
        for name, frame in sheets.items():
            taken.append(sheet_name(name, taken))
            sheet = workbook.add_worksheet(taken[-1])
            safe = escaped(frame)
            columns = [_cells(safe.get_column(column)) for column in safe.columns]
            for index, (column, (cells, kind)) in enumerate(zip(safe.columns, columns, strict=True)):
                sheet.set_column(index, index, _width(column, cells, kind))
            sheet.write_row(0, 0, [excel_header(column, dtype) for column, dtype in safe.schema.items()], header)
            number_formats = [formats.get(_number_format(column) or "") for column in safe.columns]
            for row_number in range(safe.height):
                row = row_number + 1
                for index, (cells, kind) in enumerate(columns):
                    value = cells[row_number]
                    if value is None:
                        continue
                    if kind == "text":
                        text, cut = fit_cell(value)
                        result.cut_cells += cut
                        sheet.write_string(row, index, text)
                    elif kind == "number" and not math.isfinite(value):
                        sheet.write_string(row, index, str(value))  # Excel has no NaN: the text, not an error formula
                    elif kind == "number":
                        number_format = number_formats[index]
                        if number_format is formats["0.0"] and isinstance(value, float):
                            value = round(value, 1)
                        sheet.write_number(row, index, value, number_format)
                    elif kind == "datetime":
                        sheet.write_datetime(row, index, value, formats["datetime"])
                    else:
                        sheet.write_datetime(row, index, dt.datetime.combine(value, dt.time()), formats["date"])
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(safe.height, 1), max(safe.width - 1, 0))
    finally:
        _close(workbook)
    return result


def _close(workbook: Any) -> None:
    """Close (write) the workbook; a file that cannot be created is the OSError it was."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        workbook.close()
    except FileCreateError as error:
        cause = error.args[0] if error.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(error)) from error


def split_sheets(frame: pl.DataFrame, sheet: str) -> dict[str, pl.DataFrame]:
    """`frame` as sheets of at most XLSX_MAX_ROWS rows each (`sheet`, `sheet (2)`, ...): no row lost."""
    if frame.height <= XLSX_MAX_ROWS:
        return {sheet: frame}
    parts: dict[str, pl.DataFrame] = {}
    for offset in range(0, frame.height, XLSX_MAX_ROWS):
        parts[sheet_name(sheet, parts)] = frame.slice(offset, XLSX_MAX_ROWS)
    return parts


def table_bytes(frame: pl.DataFrame, suffix: str, sheet: str) -> bytes:
    """`frame` as CSV (suffix .csv) or XLSX (.xlsx, sheets named after `sheet`), every text cell a
    spreadsheet would run as a formula escaped, no cell lost or made a link. A table longer than a
    sheet continues on the next sheet (a download has no command line to refuse it on)."""
    if suffix == ".xlsx":
        buffer = io.BytesIO()
        write_sheets(split_sheets(frame, sheet), buffer)
        return buffer.getvalue()
    return escaped(frame).write_csv().encode("utf-8")


def write_table(frame: pl.DataFrame, out: Path, sheet: str) -> XlsxResult:
    """`frame` written to `out` (CSV or XLSX by its suffix) atomically; what had to be cut to fit XLSX.

    A path that cannot be written raises OSError; too many rows for XLSX, TooManyRows.
    """
    with replacing(out) as temporary:
        if out.suffix.lower() == ".xlsx":
            return write_sheets({sheet: frame}, temporary)
        escaped(frame).write_csv(temporary)
        return XlsxResult()


def cut_cells_note(result: XlsxResult) -> str | None:
    """The one line telling the user that cells were cut to fit Excel, or None when none were."""
    if not result.cut_cells:
        return None
    return (f"{result.cut_cells:,} cell(s) longer than Excel's {XLSX_MAX_CELL:,} characters were cut to fit and "
            f"end with '… [cut: N more characters ...]'; write a .csv file for the full text")
