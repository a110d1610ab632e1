"""What a file is, from its first bytes: the one sniff that ingest (which reader) and the store (is
this a DuckDB database?) both use."""

from __future__ import annotations

# Enough of a file's start for every sniff below (a BOM and some blank lines before a JSON brace).
HEAD_BYTES = 64
# Every DuckDB database file carries this magic at byte 8 (after an 8-byte checksum).
DUCKDB_MAGIC = b"DUCK"
DUCKDB_MAGIC_OFFSET = 8
# What each sniffed type is called in a message.
DESCRIPTIONS = {
    "duckdb": "a DuckDB database", "xlsx": "a ZIP file or workbook", "parquet": "a Parquet file",
    "json": "a JSON file", "text": "a text file", None: "a binary file",
}


def read_head(path) -> bytes:
    """The first HEAD_BYTES of a file (fewer when it is shorter)."""
    with open(path, "rb") as handle:
        return handle.read(HEAD_BYTES)


def sniff_format(head: bytes) -> str | None:
    """"duckdb", "xlsx" (any ZIP), "parquet", "json" (an object or array), "text", or None (binary or empty)."""
    if head[DUCKDB_MAGIC_OFFSET:DUCKDB_MAGIC_OFFSET + len(DUCKDB_MAGIC)] == DUCKDB_MAGIC:
        return "duckdb"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return "json"
    if head and b"\x00" not in head:
        return "text"
    return None
