"""Write a table the project exports (rejects, the rows behind a figure) as CSV or XLSX, safely.

Every text cell a spreadsheet would run as a formula is escaped (SPEC 2), and the file appears whole
or not at all: it is written beside its final name, then renamed.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import polars as pl

from takedown.escape import escape_cells

# The formats an export may take, by the file name's suffix.
EXPORT_SUFFIXES = (".csv", ".xlsx")


def out_problem(flag: str, out: Path) -> str | None:
    """Why `out` cannot name an export (a folder, or neither .csv nor .xlsx), or None."""
    if out.is_dir():
        return f"{flag} {out} is a folder; name a .csv or .xlsx file in it"
    if out.suffix.lower() not in EXPORT_SUFFIXES:
        return f"{flag} {out}: the export is CSV or XLSX, so its name must end in .csv or .xlsx"
    return None


def table_bytes(frame: pl.DataFrame, suffix: str, sheet: str) -> bytes:
    """`frame` as CSV (suffix .csv) or XLSX (.xlsx, one sheet named `sheet`), every text cell a
    spreadsheet would run as a formula escaped."""
    safe = escape_cells(frame)
    if suffix == ".xlsx":
        buffer = io.BytesIO()
        safe.write_excel(buffer, worksheet=sheet[:31], autofit=True)  # Excel's limit on a sheet's name
        return buffer.getvalue()
    return safe.write_csv().encode("utf-8")


def write_table(frame: pl.DataFrame, out: Path, sheet: str) -> None:
    """table_bytes of `frame` written to `out` (format by its suffix), atomically.

    A path that cannot be written raises OSError.
    """
    data = table_bytes(frame, out.suffix.lower(), sheet)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
