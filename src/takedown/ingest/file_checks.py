"""Checks made before a file is read: it is a regular file, and its lines and header have sane sizes.

Both run without holding the file in memory: a FIFO or a device is refused from its type alone (never
opened), and a text file is scanned block by block for its longest line before any reader takes it.
The limits are settings (takedown.config: MAX_LINE_BYTES, MAX_COLUMNS), read at each call.
"""

from __future__ import annotations

import io
import os
import re
import stat
from pathlib import Path

import numpy as np

from takedown import config
from takedown.ingest.reasons import UnreadableFile

# Excel writes "sep=;" as the first line of a CSV to name its separator.
SEPARATOR_HINT = re.compile(r"sep=([,;\t|])", re.IGNORECASE)


# What a file that is not a regular file is, by its st_mode type.
_NOT_REGULAR = {
    stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket",
}


def check_regular_file(path: Path) -> None:
    """Refuse anything but a regular file, after following links, without opening it.

    Opening a FIFO with no writer blocks for ever, and a device such as /dev/zero never ends: both
    are refused from their file type alone. A link to a regular file is read like the file.
    """
    try:
        status = path.stat()  # follows links
    except FileNotFoundError as error:
        if path.is_symlink():
            raise UnreadableFile(f"the file is a link to {os.readlink(path)}, which does not exist") from error
        raise UnreadableFile(f"cannot open the file: {error.strerror or error}") from error
    except OSError as error:  # a loop of links, a permission on a folder on the way
        raise UnreadableFile(f"cannot open the file: {error.strerror or error}") from error
    if stat.S_ISREG(status.st_mode):
        return
    what = _NOT_REGULAR.get(stat.S_IFMT(status.st_mode), "not a regular file")
    link = f" (the link leads to {os.path.realpath(path)})" if path.is_symlink() else ""
    raise UnreadableFile(f"not an export file: it is {what}{link}; only regular files are read")


# Text files are scanned for over-long lines this much at a time: the scan's memory, whatever the file.
_SCAN_BLOCK_BYTES = 16 * 1024 * 1024
_LF, _CR = ord("\n"), ord("\r")


def check_text_lines(path: Path, header_width: bool) -> None:
    """Refuse a text file with a line longer than MAX_LINE_BYTES, or (CSV) a header of more than
    MAX_COLUMNS names, reading it block by block before any reader holds it whole.

    A line of tens of megabytes is no export row; handed to the CSV readers it takes gigabytes (one
    column per name) or fails inside them. Lines end at LF, CRLF or a lone CR.
    """
    max_line_bytes, max_columns = config.MAX_LINE_BYTES, config.MAX_COLUMNS
    line = 1  # the number of the line being measured
    length = 0  # its bytes so far

    def too_long(number: int) -> UnreadableFile:
        return UnreadableFile(f"line {number:,} is longer than {max_line_bytes:,} bytes (the most one line of "
                              "an export may hold); is it a table with one row per line?")

    with path.open("rb") as handle:
        if header_width:
            _check_header_width(handle, max_line_bytes, max_columns)
            handle.seek(0)
        while block := handle.read(_SCAN_BLOCK_BYTES):
            if block.endswith(b"\r"):
                block += handle.read(1)  # a CRLF split between two blocks stays one line break
            # Every CR and LF ends a line here (CRLF makes an extra empty one, which is never the longest);
            # numpy finds them without a Python object per line.
            codes = np.frombuffer(block, dtype=np.uint8)
            has_cr = b"\r" in block  # most exports end lines in LF alone: one comparison then
            breaks = np.flatnonzero((codes == _LF) | (codes == _CR) if has_cr else codes == _LF)
            if breaks.size == 0:
                length += len(block)
                if length > max_line_bytes:
                    raise too_long(line)
                continue
            starts = np.concatenate(([0], breaks[:-1] + 1))
            lengths = breaks - starts
            lengths[0] += length
            if int(lengths.max()) > max_line_bytes:
                index = int(np.argmax(lengths > max_line_bytes))
                raise too_long(line + _line_breaks(block[:int(starts[index])]))
            line += _line_breaks(block) if has_cr else int(breaks.size)
            length = len(block) - int(breaks[-1]) - 1
            if length > max_line_bytes:
                raise too_long(line)


def _line_breaks(data: bytes) -> int:
    """Lines ended in `data`: LF, CRLF and a lone CR each end one."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _check_header_width(handle: io.BufferedReader, max_line_bytes: int, max_columns: int) -> None:
    first = handle.readline(max_line_bytes + 1)
    header = first
    if SEPARATOR_HINT.fullmatch(first.strip().decode("utf-8", "replace")):
        header = handle.readline(max_line_bytes + 1)  # Excel's "sep=;" line: the header is the next one
    if len(header) > max_line_bytes:
        return  # the line scan refuses it, with its true length
    names = 1 + max(header.count(separator) for separator in (b",", b";", b"\t"))
    if names > max_columns:
        raise UnreadableFile(f"the header has {names:,} columns, more than the {max_columns:,} a file may have")
