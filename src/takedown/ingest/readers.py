"""Read an export file (CSV, XLSX, JSON Lines, Parquet) into a frame of text columns.

Every reader returns the same shape: a `RawTable` whose frame holds one Utf8 column per header
name as written in the file, plus the row's line in the file (column `LINE`, a name no header can
have). Rows that cannot be split into the header's fields (a short or long CSV row, a JSON line that
is not an object or names a key twice) or that hold a NUL character are returned as structural
rejects with their reason, never dropped. A file that is not a table at all (binary, undecodable,
two columns of the same name) raises `UnreadableFile`, and nothing of it is loaded.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from takedown import config
from takedown.contract import normalise_name
from takedown.file_types import read_head, sniff_format
from takedown.ingest.file_checks import SEPARATOR_HINT, check_regular_file, check_text_lines
from takedown.ingest.reasons import Reason, UnreadableFile
from takedown.ingest.xlsx_cells import BadCell, bad_cells

# The row's line number. A header holding a NUL refuses the file (see _column_names), so no user
# column can take this name: a user's own `_line` column is data like any other.
LINE = "\x00line"
NUL = "\x00"
# The first line break of a file: LF, CRLF, or a lone CR (old Mac exports).
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# A file of nothing but blanks (bytes.strip's set) is empty.
_ONLY_BLANKS = re.compile(rb"[ \t\n\r\x0b\x0c]*")
# A column with no header name is called column_<position>; dropped when it holds no value at all.
BLANK_HEADER = "column_"
# A value may hold as much as one line may, even a quoted one running over many lines (the csv
# module's own default, 128 K characters, would refuse a long but real description).
csv.field_size_limit(config.MAX_LINE_BYTES)
SUFFIX_FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}


@dataclass
class StructuralReject:
    """A row that could not be split into the header's fields."""

    line: int
    raw: dict[str, str | None]
    reason: Reason
    also: tuple[Reason, ...] = ()  # the row's other broken rules, when it broke more than one

    @property
    def reasons(self) -> list[Reason]:
        return [self.reason, *self.also]


@dataclass
class RawTable:
    """What a reader found: text columns as written in the file, with line numbers."""

    frame: pl.DataFrame
    file_format: str
    rejects: list[StructuralReject] = field(default_factory=list)
    encoding: str | None = None
    may_hold_nul: bool = True  # False when the reader saw the file's bytes hold no NUL: nothing to look for


    @property
    def rows(self) -> int:
        """Data rows read (loaded or not)."""
        return self.frame.height + len(self.rejects)


# A reader for each sniffed file type without a known suffix (takedown.file_types); the rest is read as CSV.
SNIFFED_FORMATS = {"xlsx": "xlsx", "parquet": "parquet", "json": "jsonl"}


def detect_format(path: Path, head: bytes) -> str:
    """The file format from the suffix, else from the first bytes."""
    return SUFFIX_FORMATS.get(path.suffix.lower()) or SNIFFED_FORMATS.get(sniff_format(head), "csv")


def read_table(path: Path) -> RawTable:
    """Read any supported export file."""
    check_regular_file(path)
    try:
        head = read_head(path)
    except OSError as error:
        raise UnreadableFile(f"cannot open the file: {error.strerror or error}") from error
    file_format = detect_format(path, head)
    if file_format in ("csv", "jsonl"):
        check_text_lines(path, header_width=file_format == "csv")
    reader = {"csv": read_csv, "xlsx": read_xlsx, "jsonl": read_jsonl, "parquet": read_parquet}[file_format]
    table = reader(path)
    if not table.frame.columns or table.frame.columns == [LINE]:
        raise UnreadableFile("the file has no header row")
    if table.may_hold_nul:
        _reject_nul_rows(table)
    table.frame = _drop_empty(table.frame)
    return table


def _reject_nul_rows(table: RawTable) -> None:
    """A NUL character is no text anyone typed (a file with one near its start is refused as binary):
    the row holding one is quarantined, so no store or screen has to carry it."""
    values = [c for c in table.frame.columns if c != LINE]
    has_nul = pl.any_horizontal([pl.col(c).str.contains(NUL, literal=True).fill_null(False) for c in values])
    mask = table.frame.select(has_nul).to_series()
    if not mask.any():
        return
    for row in table.frame.filter(mask).iter_rows(named=True):
        line = row.pop(LINE)
        column = next(c for c in values if row[c] is not None and NUL in row[c])
        table.rejects.append(StructuralReject(line, row, Reason(
            column, "control_character", "text_content",
            f"{column}: the value holds a NUL character (byte 0), which is not text")))
    table.frame = table.frame.filter(~mask)


def _is_blank(name: str) -> pl.Expr:
    return pl.col(name).is_null() | (pl.col(name).str.strip_chars() == "")


def _drop_empty(frame: pl.DataFrame) -> pl.DataFrame:
    """Spreadsheets leave rows and columns of bare separators: a row with no value at all is not a
    row (like a blank line), and a column with neither a header nor any value is not a column."""
    values = [c for c in frame.columns if c != LINE]
    if values:
        # Only a row whose first value is blank can be blank throughout: check the rest on those alone.
        maybe_blank = frame.filter(_is_blank(values[0]))
        blank_lines = maybe_blank.filter(pl.all_horizontal([_is_blank(c) for c in values]))[LINE]
        if blank_lines.len():
            frame = frame.filter(~pl.col(LINE).is_in(blank_lines.implode()))
    unnamed = [c for c in values if c.startswith(BLANK_HEADER) and c[len(BLANK_HEADER):].isdigit()]
    return frame.drop([c for c in unnamed if frame.select(_is_blank(c).all()).item()])


# ---------------------------------------------------------------------------------------- CSV


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (Excel on Chinese systems)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("not a text table: the file holds binary data")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise UnreadableFile(f"undecodable UTF-16 text at byte {error.start}") from error
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"undecodable text: neither UTF-8 nor GB18030 (byte {error.start})"
        ) from error


def sniff_separator(header_line: str) -> str:
    """Comma, semicolon or tab: whichever the header line uses most."""
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_csv(path: Path) -> RawTable:
    """Read a CSV file exactly: every record's line number, ragged rows quarantined."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if _is_utf8(data):
        # The common case: hand the bytes to Polars as they are, without a decoded copy in memory.
        utf8, encoding = data, "utf-8"
    else:
        text, encoding = decode_text(data)
        utf8 = text.encode("utf-8")
    first_break = _LINE_BREAK.search(utf8)
    first_line = (utf8[:first_break.start()] if first_break else utf8).decode("utf-8").strip()
    hint = SEPARATOR_HINT.fullmatch(first_line)
    skipped = 0
    if hint:
        # Excel's "sep=;" line names the separator; the header is the next line.
        utf8, skipped, separator = utf8[first_break.end():] if first_break else b"", 1, hint.group(1)
    else:
        separator = sniff_separator(first_line)
    if _ONLY_BLANKS.fullmatch(utf8):  # stops at the first character that is not blank: no copy
        raise UnreadableFile("the file is empty")
    # Polars breaks lines at LF only: a file whose lines end in a lone CR (old Mac) goes to the
    # exact reader, which breaks at CR, LF and CRLF alike.
    cr_only = b"\n" not in utf8 and b"\r" in utf8
    table = (None if cr_only else _read_csv_fast(utf8, separator)) or _read_csv_exact(utf8.decode("utf-8"), separator)
    if skipped:
        table.frame = table.frame.with_columns(pl.col(LINE) + skipped)
        for reject in table.rejects:
            reject.line += skipped
    table.encoding = encoding
    table.may_hold_nul = b"\x00" in utf8
    return table


def _is_utf8(data: bytes, block: int = 1 << 24) -> bool:
    """Whether the bytes are valid UTF-8, decoded block by block so no full copy is kept."""
    if b"\x00" in data[:4096]:
        return False
    if data.isascii():  # many exports are: checked word by word, nothing decoded
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)  # slices of a view are not copies
    try:
        for start in range(0, len(data), block):
            decoder.decode(view[start:start + block])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv_fast(data: bytes, separator: str) -> RawTable | None:
    """Polars' reader when every record is one physical line; None when the exact path is needed."""
    try:
        frame = pl.read_csv(
            data, separator=separator, infer_schema=False, empty_string_is_null=False,
            truncate_ragged_lines=False, raise_if_empty=True,
        )
    except pl.exceptions.NoDataError as error:
        raise UnreadableFile("the file is empty") from error
    except Exception:
        return None  # ragged or malformed: let the exact reader say which line
    physical_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if physical_lines != frame.height + 1:
        return None  # blank lines or quoted newlines: line numbers need the exact reader
    header_end = data.find(b"\n")
    header_line = data[:header_end if header_end >= 0 else len(data)].decode("utf-8").rstrip("\r")
    header = next(csv.reader([header_line], delimiter=separator, quotechar='"'), [])
    if len(header) != frame.width:
        return None
    frame.columns = _column_names(header)
    # Polars fills a short row's missing fields with "", like an empty cell: count them.
    if not _every_record_is_full(data, frame, header, separator):
        return None
    frame = frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    return RawTable(frame=frame, file_format="csv")


def _every_record_is_full(data: bytes, frame: pl.DataFrame, header: list[str], separator: str) -> bool:
    """Whether every line Polars read (header and records, one record per line) had all its fields.

    Polars has already refused any line with more fields than the header, and fills a short line's
    missing fields with "". Every separator in the file either ends a field or sits inside a quoted
    value (where it is part of the value): so the separators that end fields add up to
    (width - 1) per line exactly when no line is short.
    """
    sep = separator.encode()
    in_values = 0
    if b'"' in data:  # without a quote no value can hold a separator
        counts = frame.select(pl.col(c).str.count_matches(separator, literal=True).sum() for c in frame.columns)
        in_values = sum(name.count(separator) for name in header) + sum(v or 0 for v in counts.row(0))
    return data.count(sep) - in_values == (frame.width - 1) * (frame.height + 1)


def _read_csv_exact(text: str, separator: str) -> RawTable:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"', strict=False)
    try:
        header = next(reader)
    except StopIteration as error:
        raise UnreadableFile("the file is empty") from error
    except csv.Error as error:
        raise UnreadableFile(f"not a CSV table: {error}") from error
    width = len(header)
    columns: list[list[str]] = [[] for _ in range(width)]
    lines: list[int] = []
    rejects: list[StructuralReject] = []
    previous_end = reader.line_num
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record or (len(record) == 1 and record[0] == "" and width > 1):
                continue  # a blank line is not a row
            if len(record) != width:
                raw = {name: (record[i] if i < len(record) else None) for i, name in enumerate(header)}
                if len(record) > width:
                    raw["_extra_fields"] = json.dumps(record[width:], ensure_ascii=False)
                    column = "*"
                else:
                    column = header[len(record)]
                rejects.append(StructuralReject(start, raw, Reason(
                    column, "field_count", "csv_structure",
                    f"the row has {len(record)} fields, the header has {width}",
                )))
                continue
            for i, value in enumerate(record):
                columns[i].append(value)
            lines.append(start)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise UnreadableFile(f"a value that starts by line {previous_end + 1:,} runs past "
                                 f"{config.MAX_LINE_BYTES:,} characters (the most one value may hold): "
                                 "is a quote left open?") from error
        raise UnreadableFile(f"not a CSV table at line {reader.line_num}: {error}") from error
    frame = _frame_from_columns(header, columns, lines)
    return RawTable(frame=frame, file_format="csv", rejects=rejects)


def _frame_from_columns(header: list[str], columns: list[list[str | None]], lines: list[int]) -> pl.DataFrame:
    names = _column_names(header)
    data = {name: pl.Series(name, values, dtype=pl.Utf8) for name, values in zip(names, columns)}
    data[LINE] = pl.Series(LINE, lines, dtype=pl.Int64)
    return pl.DataFrame(data)


def _column_names(header: list[str]) -> list[str]:
    """Name blank headers by position (`column_3`); refuse a name given twice or holding a NUL.

    Two columns of one name cannot both be kept under it, and which one is meant is a guess:
    the file is refused with both positions named.
    """
    first_position: dict[str, int] = {}
    names = []
    for position, name in enumerate(header, start=1):
        if NUL in name:
            raise UnreadableFile(f"not a text table: the name of column {position} holds a NUL character")
        if not name.strip():
            name = f"{BLANK_HEADER}{position}"
        if name in first_position:
            raise UnreadableFile(f"two columns are both named {name!r} (columns {first_position[name]} and "
                                 f"{position}); keep one or rename one")
        first_position[name] = position
        names.append(name)
    return names


# --------------------------------------------------------------------------------------- XLSX


# A workbook whose first sheet has this column is the report's escalations workbook: every sheet is read.
EVERY_SHEET_COLUMN = "escalation_id"
# The column that names the sheet a row of such a workbook came from.
SHEET_COLUMN = "sheet"


def read_xlsx(path: Path) -> RawTable:
    """The first sheet of a workbook; line = the row number shown in Excel (header on row 1).

    The report's escalations workbook (its first sheet has an escalation_id column) is read whole:
    every sheet, one after the other, each row naming its sheet in a `sheet` column.
    """
    import fastexcel

    try:
        # The header row is read as data: fastexcel would rename a repeated name (`x`, `x_1`).
        workbook = fastexcel.read_excel(str(path))
        frame = workbook.load_sheet(0, header_row=None, dtypes="string").to_polars()
        if frame.height and EVERY_SHEET_COLUMN in {normalise_name(str(value)) for value in frame.row(0)}:
            return _read_every_sheet(workbook)
    except UnreadableFile:
        raise
    except Exception as error:  # fastexcel raises its own exception family for every bad workbook
        raise UnreadableFile(f"not a readable XLSX workbook: {error}") from error
    return _sheet_table(frame, path)


def _read_every_sheet(workbook: object) -> RawTable:
    """Every sheet of `workbook` (header on row 1 of each) as one table; columns one sheet lacks are blank."""
    frames = []
    for name in workbook.sheet_names:  # type: ignore[attr-defined]
        frame = workbook.load_sheet(name, header_row=None, dtypes="string").to_polars()  # type: ignore[attr-defined]
        if frame.height == 0:
            continue
        table = _sheet_table(frame).frame
        frames.append(table.with_columns(pl.lit(name, dtype=pl.Utf8).alias(SHEET_COLUMN)))
    if not frames:
        raise UnreadableFile("the file has no header row")
    return RawTable(frame=pl.concat(frames, how="diagonal"), file_format="xlsx")


def _sheet_table(frame: pl.DataFrame, path: Path | None = None) -> RawTable:
    """One sheet read with its header as data: the header named, line = the row number Excel shows.

    With `path` (the first sheet of an export), its error cells and formulas without a value are
    found and their rows quarantined; the escalations workbook's sheets (written by the report,
    every cell a value, header on row 1) are read without that scan.
    """
    if frame.height == 0:
        raise UnreadableFile("the file has no header row")
    first_row, cells = 1, []
    if path is not None:
        try:
            (first_row, _), cells = bad_cells(str(path))
        except (OSError, zipfile.BadZipFile, zlib.error) as error:
            raise UnreadableFile(f"not a readable XLSX workbook: {error}") from error
    header = ["" if value is None else str(value) for value in frame.row(0)]
    frame = frame.slice(1)
    frame.columns = _column_names(header)
    # The reader starts at the sheet's first used cell: the header's Excel row is that cell's row.
    frame = frame.with_row_index(LINE, offset=first_row + 1).with_columns(pl.col(LINE).cast(pl.Int64))
    table = RawTable(frame=frame, file_format="xlsx")
    _reject_bad_cells(table, cells)
    values = [c for c in table.frame.columns if c != LINE]
    if values:
        table.frame = table.frame.filter(~pl.all_horizontal(pl.col(values).is_null()))  # blank rows are not rows
    return table


_BAD_CELL_MESSAGES = {
    "spreadsheet_error": "the cell holds the spreadsheet error {shown}, not a value",
    "formula_without_value": "the cell holds the formula {shown} without a calculated value (open the workbook "
                             "in Excel or LibreOffice and save it, so every formula has its result)",
}


def _reject_bad_cells(table: RawTable, cells: list[BadCell]) -> None:
    """Quarantine each row holding an Excel error or an uncalculated formula (the reader shows them as
    empty cells), with the cell's content in its raw values and one reason per such cell."""
    names = [c for c in table.frame.columns if c != LINE]
    by_line: dict[int, list[BadCell]] = {}
    for cell in cells:
        if 0 <= cell.column < len(names):
            by_line.setdefault(cell.row, []).append(cell)
    if not by_line:
        return
    hit = pl.col(LINE).is_in(list(by_line))
    for row in table.frame.filter(hit).iter_rows(named=True):
        line = row.pop(LINE)
        reasons = []
        for cell in by_line[line]:
            column = names[cell.column]
            row[column] = cell.shown
            reasons.append(Reason(column, cell.rule, "xlsx_cells",
                                  f"{column}: " + _BAD_CELL_MESSAGES[cell.rule].format(shown=cell.shown)))
        table.rejects.append(StructuralReject(line, row, reasons[0], tuple(reasons[1:])))
    table.frame = table.frame.filter(~hit)


# -------------------------------------------------------------------------------- JSON Lines


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object_without_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """json.loads keeps the last of two equal keys without a word: refuse the object instead."""
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _nested_default(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else str(value)


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # the digits as written, without an exponent (1E20 -> 100000000000000000000)
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=_nested_default)


def read_jsonl(path: Path) -> RawTable:
    """One JSON object per line; a line that is not one is a structural reject."""
    text, encoding = decode_text(path.read_bytes())
    if text.lstrip(" \t\r\n").startswith("["):
        # Read line by line, an array's lines are `[`, `]` and objects followed by commas: half of it
        # would load. Read whole, it would be one value of unbounded size. Either way, not this format.
        raise UnreadableFile("a JSON array, not JSON Lines (one object per line): convert it first, "
                             "e.g. `jq -c '.[]' FILE.json > FILE.jsonl`")
    records: list[dict[str, str | None]] = []
    lines: list[int] = []
    rejects: list[StructuralReject] = []
    header: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            # Decimals, not floats: a number keeps the digits it was written with.
            value = json.loads(line, parse_float=Decimal, object_pairs_hook=_object_without_duplicates)
        except json.JSONDecodeError as error:
            rejects.append(StructuralReject(number, {"_line_text": line}, Reason(
                "*", "json_syntax", "jsonl_structure", f"not valid JSON: {error.msg} at column {error.colno}")))
            continue
        except RecursionError:
            rejects.append(StructuralReject(number, {"_line_text": line}, Reason(
                "*", "json_syntax", "jsonl_structure", "the JSON value is nested too deeply to read")))
            continue
        except _DuplicateKey as duplicate:
            rejects.append(StructuralReject(number, {"_line_text": line}, Reason(
                duplicate.key, "duplicate_key", "jsonl_structure",
                f"the key {duplicate.key!r} appears twice in one object: which value is meant is unknown")))
            continue
        if not isinstance(value, dict):
            rejects.append(StructuralReject(number, {"_line_text": line}, Reason(
                "*", "json_object", "jsonl_structure", "the line is not a JSON object")))
            continue
        named_nul = next((str(key) for key in value if NUL in str(key)), None)
        if named_nul is not None:
            rejects.append(StructuralReject(number, {"_line_text": line}, Reason(
                "*", "control_character", "text_content", "a key of the object holds a NUL character")))
            continue
        record = {str(key): _as_text(item) for key, item in value.items()}
        header.update(dict.fromkeys(record))
        if len(header) > config.MAX_COLUMNS:
            raise UnreadableFile(f"the objects up to line {number:,} name more than {config.MAX_COLUMNS:,} "
                                 "different keys, more columns than a file may have")
        records.append(record)
        lines.append(number)
    if not records and rejects:
        raise UnreadableFile(f"not JSON Lines: {rejects[0].reason.message} (line {rejects[0].line})")
    names = list(header)
    columns = [[record.get(name) for record in records] for name in names]
    frame = _frame_from_columns(names, columns, lines)
    return RawTable(frame=frame, file_format="jsonl", rejects=rejects, encoding=encoding)


# ------------------------------------------------------------------------------------ Parquet


def read_parquet(path: Path) -> RawTable:
    """A Parquet file; typed columns are turned into text the normaliser parses like any other."""
    try:
        width = len(pl.read_parquet_schema(path))
    except Exception as error:
        raise UnreadableFile(f"not a readable Parquet file: {error}") from error
    if width > config.MAX_COLUMNS:
        raise UnreadableFile(f"the file has {width:,} columns, more than the {config.MAX_COLUMNS:,} a file may have")
    try:
        frame = pl.read_parquet(path)
    except pl.exceptions.DuplicateError as error:
        raise UnreadableFile(f"two columns have the same name: {str(error).splitlines()[0]}") from error
    except Exception as error:
        raise UnreadableFile(f"not a readable Parquet file: {error}") from error
    names = _column_names(frame.columns)
    columns = [_parquet_text(frame.get_column(name)).alias(name) for name in names]
    frame = pl.DataFrame(columns).with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))
    return RawTable(frame=frame, file_format="parquet")


def _parquet_text(column: pl.Series) -> pl.Series:
    """One typed Parquet column as the text an export would have held."""
    dtype = column.dtype
    if isinstance(dtype, pl.Datetime):
        pattern = "%Y-%m-%dT%H:%M:%S%.f%:z" if dtype.time_zone else "%Y-%m-%dT%H:%M:%S%.f"
        return column.dt.strftime(pattern)
    if dtype == pl.Date:
        return column.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, (pl.List, pl.Struct, pl.Array)):
        # Nested values: JSON text (in `extra` when the column is unknown). Python per value, but
        # only for nested columns, which no contract column is.
        return pl.Series(column.name, [_nested_json(v) for v in column.to_list()], dtype=pl.Utf8)
    if dtype == pl.Binary:
        return pl.Series(column.name, [_binary_text(v) for v in column.to_list()], dtype=pl.Utf8)
    try:
        text = column.cast(pl.Utf8)
    except pl.exceptions.PolarsError:
        return pl.Series(column.name, [None if v is None else str(v) for v in column.to_list()], dtype=pl.Utf8)
    if dtype.is_float():
        # Polars writes 1e20 and 1e-7 with an exponent, which no price parser takes: write the same
        # shortest digits out in full.
        exponent = text.str.contains("e", literal=True).fill_null(False)
        if exponent.any():
            positions = exponent.arg_true()
            text = text.scatter(positions, [format(Decimal(t), "f") for t in text.gather(positions).to_list()])
    return text


def _nested_json(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _binary_text(value: bytes | None) -> str | None:
    """Bytes that are UTF-8 text are that text; other bytes are kept as 0x-prefixed hex."""
    if value is None:
        return None
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + value.hex()
