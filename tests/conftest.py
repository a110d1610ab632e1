"""Shared fixtures: a fresh store per test and small helpers to write exports and read the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from takedown.ingest import FileResult, ingest_files
from takedown.store import connect_reader

FIXTURES = Path(__file__).parent / "fixtures"
# A fixed "moment of ingest" so the future-date rule gives the same answer on any day.
INGEST_NOW = dt.datetime(2026, 11, 28, 12, 0, 0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "takedown.duckdb"


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """write_file(name, text, encoding="utf-8") -> path of a new export file."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / "exports" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def ingest(db_path: Path) -> Callable[..., list[FileResult]]:
    """ingest(*paths, **options) into the test's store, at INGEST_NOW."""

    def run(*paths: Path, **options: object) -> list[FileResult]:
        options.setdefault("now", INGEST_NOW)
        return ingest_files(list(paths), db_path, **options)

    return run


@pytest.fixture
def query(db_path: Path) -> Callable[..., pl.DataFrame]:
    """query(sql, *params) on the published store, as readers see it."""

    def run(sql: str, *params: object) -> pl.DataFrame:
        con = connect_reader(db_path)
        try:
            return con.sql(sql, params=list(params)).pl()
        finally:
            con.close()

    return run
