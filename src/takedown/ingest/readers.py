"""Read an export file (CSV, XLSX, JSON Lines, Parquet) into a frame of text columns.

Every reader returns the same shape: a `RawTable` whose frame holds one Utf8 column per header
name as written in the file, plus `_line`, the row's line in the file. Rows that cannot be split
into the header's fields (a short or long CSV row, a JSON line that is not an object) are returned
as structural rejects with their reason, never dropped. A file that is not a table at all raises
`UnreadableFile`, and nothing of it is loaded.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from takedown.ingest.reasons import Reason

LINE = "_line"
# Excel writes "sep=;" as the first line of a CSV to name its separator.
_SEPARATOR_HINT = re.compile(r"sep=([,;\t|])", re.IGNORECASE)
# A column with no header name is called column_<position>; dropped when it holds no value at all.
BLANK_HEADER = "column_"
SUFFIX_FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; the message says why."""


@dataclass
class StructuralReject:
    """A row that could not be split into the header's fields."""

    line: int
    raw: dict[str, str | None]
    reason: Reason


@dataclass
class RawTable:
    """What a reader found: text columns as written in the file, with line numbers."""

    frame: pl.DataFrame
    file_format: str
    rejects: list[StructuralReject] = field(default_factory=list)
    encoding: str | None = None

    @property
    def rows(self) -> int:
        """Data rows read (loaded or not)."""
        return self.frame.height + len(self.rejects)


def detect_format(path: Path, head: bytes) -> str:
    """The file format from the suffix, else from the first bytes."""
    by_suffix = SUFFIX_FORMATS.get(path.suffix.lower())
    if by_suffix:
        return by_suffix
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.lstrip().startswith(b"{"):
        return "jsonl"
    return "csv"


def read_table(path: Path) -> RawTable:
    """Read any supported export file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise UnreadableFile(f"cannot open the file: {error.strerror or error}") from error
    file_format = detect_format(path, head)
    reader = {"csv": read_csv, "xlsx": read_xlsx, "jsonl": read_jsonl, "parquet": read_parquet}[file_format]
    table = reader(path)
    if not table.frame.columns or table.frame.columns == [LINE]:
        raise UnreadableFile("the file has no header row")
    table.frame = _drop_empty(table.frame)
    return table


def _is_blank(name: str) -> pl.Expr:
    return pl.col(name).is_null() | (pl.col(name).str.strip_chars() == "")


def _drop_empty(frame: pl.DataFrame) -> pl.DataFrame:
    """Spreadsheets leave rows and columns of bare separators: a row with no value at all is not a
    row (like a blank line), and a column with neither a header nor any value is not a column."""
    values = [c for c in frame.columns if c != LINE]
    frame = frame.filter(~pl.all_horizontal([_is_blank(c) for c in values]))
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
    first_line = utf8.split(b"\n", 1)[0].decode("utf-8").strip()
    hint = _SEPARATOR_HINT.fullmatch(first_line)
    skipped = 0
    if hint:
        # Excel's "sep=;" line names the separator; the header is the next line.
        utf8, skipped, separator = utf8.partition(b"\n")[2], 1, hint.group(1)
    else:
        separator = sniff_separator(first_line)
    if not utf8.strip():
        raise UnreadableFile("the file is empty")
    table = _read_csv_fast(utf8, separator) or _read_csv_exact(utf8.decode("utf-8"), separator)
    if skipped:
        table.frame = table.frame.with_columns(pl.col(LINE) + skipped)
        for reject in table.rejects:
            reject.line += skipped
    table.encoding = encoding
    return table


def _is_utf8(data: bytes, block: int = 1 << 24) -> bool:
    """Whether the bytes are valid UTF-8, decoded block by block so no full copy is kept."""
    if b"\x00" in data[:4096]:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), block):
            decoder.decode(data[start:start + block])
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
    header_line = data.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    header = next(csv.reader([header_line], delimiter=separator, quotechar='"'), [])
    if len(header) != frame.width:
        return None
    frame.columns = _unique_names(header)
    short = frame.select(pl.any_horizontal(pl.all().is_null()).alias("short")).to_series()
    if short.any():
        return None
    frame = frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    return RawTable(frame=frame, file_format="csv")


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
        raise UnreadableFile(f"not a CSV table at line {reader.line_num}: {error}") from error
    frame = _frame_from_columns(header, columns, lines)
    return RawTable(frame=frame, file_format="csv", rejects=rejects)


def _frame_from_columns(header: list[str], columns: list[list[str | None]], lines: list[int]) -> pl.DataFrame:
    names = _unique_names(header)
    data = {name: pl.Series(name, values, dtype=pl.Utf8) for name, values in zip(names, columns)}
    data[LINE] = pl.Series(LINE, lines, dtype=pl.Int64)
    return pl.DataFrame(data)


def _unique_names(header: list[str]) -> list[str]:
    """Name blank headers by position (`column_3`) and keep duplicates apart (`x`, `x__2`)."""
    seen: dict[str, int] = {}
    names = []
    for position, name in enumerate(header, start=1):
        if not name.strip():
            name = f"{BLANK_HEADER}{position}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}__{seen[name]}")
    return names


# --------------------------------------------------------------------------------------- XLSX


def read_xlsx(path: Path) -> RawTable:
    """The first sheet of a workbook; line = the row number shown in Excel (header on row 1)."""
    import fastexcel

    try:
        sheet = fastexcel.read_excel(str(path)).load_sheet(0, dtypes="string")
        frame = sheet.to_polars()
    except Exception as error:  # fastexcel raises its own exception family for every bad workbook
        raise UnreadableFile(f"not a readable XLSX workbook: {error}") from error
    frame = frame.rename(dict(zip(frame.columns, _unique_names([str(c) for c in frame.columns]))))
    frame = frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    values = [c for c in frame.columns if c != LINE]
    if values:
        frame = frame.filter(~pl.all_horizontal(pl.col(values).is_null()))  # blank rows are not rows
    return RawTable(frame=frame, file_format="xlsx")


# -------------------------------------------------------------------------------- JSON Lines


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def read_jsonl(path: Path) -> RawTable:
    """One JSON object per line; a line that is not one is a structural reject."""
    text, encoding = decode_text(path.read_bytes())
    records: list[dict[str, str | None]] = []
    lines: list[int] = []
    rejects: list[StructuralReject] = []
    header: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            rejects.append(StructuralReject(number, {"_line_text": line}, Reason(
                "*", "json_syntax", "jsonl_structure", f"not valid JSON: {error.msg} at column {error.colno}")))
            continue
        if not isinstance(value, dict):
            rejects.append(StructuralReject(number, {"_line_text": line}, Reason(
                "*", "json_object", "jsonl_structure", "the line is not a JSON object")))
            continue
        record = {str(key): _as_text(item) for key, item in value.items()}
        header.update(dict.fromkeys(record))
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
        frame = pl.read_parquet(path)
    except Exception as error:
        raise UnreadableFile(f"not a readable Parquet file: {error}") from error
    converted = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            pattern = "%Y-%m-%dT%H:%M:%S%.f%:z" if dtype.time_zone else "%Y-%m-%dT%H:%M:%S%.f"
            converted.append(column.dt.strftime(pattern))
        elif dtype == pl.Date:
            converted.append(column.dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, (pl.List, pl.Struct, pl.Array)):
            converted.append(column.map_elements(_as_text, return_dtype=pl.Utf8))
        else:
            converted.append(column.cast(pl.Utf8))
    frame = frame.select(converted).with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))
    return RawTable(frame=frame, file_format="parquet")
