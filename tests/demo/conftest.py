"""A small demo program, generated and ingested once per test session, and a query helper on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from demo_constants import END, SCALE, SEED

from takedown.demo.pipeline import DemoBuild, build_demo
from takedown.store import connect_reader


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    """The demo program at SCALE, written and ingested into a fresh store."""
    root = tmp_path_factory.mktemp("demo")
    return build_demo(root / "demo.duckdb", root / "exports", SEED, SCALE, END, demo_folders=[root])


@pytest.fixture(scope="session")
def demo_db(demo: DemoBuild) -> Path:
    return demo.program.out_dir.parent / "demo.duckdb"


@pytest.fixture(scope="session")
def demo_query(demo_db: Path) -> Callable[..., pl.DataFrame]:
    """demo_query(sql, params) on the demo store, read-only."""

    def run(sql: str, params: dict[str, object] | list[object] | None = None) -> pl.DataFrame:
        con = connect_reader(demo_db)
        try:
            return con.sql(sql, params=params).pl()
        finally:
            con.close()

    return run
