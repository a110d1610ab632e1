"""Fixtures of the DuckLake tests (issue 18): a real PostgreSQL catalog, one per test worker.

The cluster (tests/lake_postgres.py) starts once per pytest process, so the lake test files, spread
over the workers by `--dist loadfile`, share one per worker; each test gets its own database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lake_postgres import remove_postgres, start_postgres
from takedown import lake
from takedown.demo.program import write_program

END = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def postgres():
    server = start_postgres()
    yield server
    remove_postgres(server)


@pytest.fixture
def location(postgres, tmp_path, monkeypatch) -> str:
    """A new, empty DuckLake location (created by its first writer, its data under tmp_path)."""
    monkeypatch.setenv(lake.DATA_PATH_VARIABLE, str(tmp_path / "lake-data"))
    monkeypatch.delenv(lake.AS_OF_VARIABLE, raising=False)
    return postgres.new_lake()


@pytest.fixture(scope="session")
def program(tmp_path_factory) -> list[Path]:
    """A small generated program (every kind, bad rows included), in the order the demo loads it."""
    files = write_program(tmp_path_factory.mktemp("program"), 7, 400, END).files
    return [export.path for export in files]
