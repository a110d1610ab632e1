"""One sniff of a file's first bytes serves ingest (which reader) and the store (is it DuckDB?)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from takedown.file_types import read_head, sniff_format
from takedown.ingest.readers import detect_format
from takedown.store import StoreError, check_store_path


@pytest.mark.parametrize(("content", "sniffed", "reader", "called"), [
    (b"PK\x03\x04rest of a workbook", "xlsx", "xlsx", "a ZIP file or workbook"),
    (b"PAR1\x15\x04", "parquet", "parquet", "a Parquet file"),
    (b'\xef\xbb\xbf\n  {"listing_id": "L1"}\n', "json", "jsonl", "a JSON file"),
    (b'[{"listing_id": "L1"}]', "json", "jsonl", "a JSON file"),
    (b"platform,listing_id\nalibaba,L1\n", "text", "csv", "a text file"),
    (b"\x00\x01\x02binary", None, "csv", "a binary file"),
])
def test_ingest_and_the_store_read_a_file_alike(tmp_path: Path, content, sniffed, reader, called):
    path = tmp_path / "export"  # no suffix: the first bytes decide
    path.write_bytes(content)
    head = read_head(path)
    assert sniff_format(head) == sniffed
    assert detect_format(path, head) == reader
    with pytest.raises(StoreError, match=f"is {called}, not a takedown store"):
        check_store_path(path)


def test_a_duckdb_database_is_sniffed_as_one(tmp_path: Path):
    path = tmp_path / "any.duckdb"
    duckdb.connect(str(path)).close()
    assert sniff_format(read_head(path)) == "duckdb"
    check_store_path(path)  # accepted as a store path (whether it holds a store is asked on opening)
