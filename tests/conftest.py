"""Shared fixtures: a fresh store per test and small helpers to write exports and read the store."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections import Counter
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path

import duckdb
import polars as pl
import pytest

from takedown import lake
from takedown.ingest import FileResult, ingest_files
from takedown.store import connect_reader

FIXTURES = Path(__file__).parent / "fixtures"

# The tests `make test-fast` leaves out (`make test` runs every test): marked here, by where they are
# or the fixture they use, so a new test of one of these kinds is marked without anyone remembering
# to. The markers are registered in pyproject.toml. Patterns match the test's node id.
SLOW_TESTS: dict[str, tuple[str, ...]] = {
    # drives Chromium through the served dashboard (Playwright)
    "browser": ("tests/dashboard/test_browser*.py::*",),
    # prints the report's PDF with Chromium (and reads it with pdftotext): every user of report_dir or
    # hostile_report (the escaping tests' report, PDF included)
    "pdf": ("fixture:report_dir", "fixture:hostile_report",
            "tests/report/test_report_command.py::test_a_month_without_data*"),
    # executes the notebooks
    "notebook": ("tests/notebooks/*",),
    # kills or interrupts a process (or stops the lake's catalog server) at a chosen or random moment to
    # test atomicity and exit codes
    "kill": ("tests/ingest/test_atomicity.py::*", "tests/ingest/test_fault_injection.py::*", "*::test_*kill*",
             "*::test_ctrl_c*", "*::test_*sigterm*", "tests/demo/test_demo_live.py::*",
             "tests/lake/test_lake_failures.py::test_the_catalog_*"),
    # runs on a DuckLake: a real PostgreSQL catalog server (tests/lake_postgres.py) or a DuckLake catalog
    # file; every lake ingest opens a new DuckDB instance that loads the ducklake extension (seconds each)
    "lake": ("fixture:postgres", "tests/test_item_facts.py::test_kept_facts_on_a_ducklake*"),
    # seconds each on any machine: builds and installs the wheel, generates (and serves) demo programs,
    # property tests' hundreds of generated cases, fresh interpreters, the watcher run for real, writers
    # and readers in parallel processes on a lake, every figure computed twice (file store and lake)
    "slow": ("tests/test_packaging.py::*", "tests/demo/*", "tests/dashboard/test_command.py::test_the_demo_*",
             "tests/ingest/test_properties.py::*", "tests/ingest/test_deferred_imports.py::*",
             "tests/dashboard/test_view_params.py::test_any_text_in_any_parameter_gives_a_view_and_warnings",
             "tests/test_watch.py::test_watch_loads_a_file_written_while_it_runs*",
             "tests/commands/test_cli.py::test_ingest_piped_in_a_40_column_shell*",
             "tests/lake/test_lake_concurrency.py::test_two_writers_and_four_readers*",
             "tests/lake/test_lake_concurrency.py::test_a_commit_that_conflicts_*",
             "tests/lake/test_lake_figures.py::test_every_figure_equals_the_file_stores*"),
}


class _UnverifiedLoads:
    """The duckdb module as takedown.lake sees it in this test process: every instance it opens skips
    the signature check of the extensions it LOADs.

    Each lake writer (every ingest of a file) opens a new DuckDB instance and loads the ducklake and
    postgres_scanner extensions from the files their wheels ship; nearly all of a LOAD's 0.2 CPU-s is
    DuckDB hashing the 40 MB file to check its signature, a quarter of a small lake ingest. The files
    and the LOADs are the product's own; the checked load still runs in the processes the lake tests
    start (tests/lake/test_lake_concurrency.py's writers and readers).
    """

    def __getattr__(self, name: str) -> object:
        return getattr(duckdb, name)

    @staticmethod
    def connect(database: str = ":memory:", read_only: bool = False, config: dict | None = None,
                **options: object) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(database, read_only, {**(config or {}), "allow_unsigned_extensions": True}, **options)


def pytest_configure(config: pytest.Config) -> None:
    lake.duckdb = _UnverifiedLoads()
    # `--dist loadfile` hands files out in the order pytest_collection_modifyitems leaves them (below),
    # not most tests first (xdist's default): a file of few long tests handed out last is the run's tail.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "streamlit.testing.v1" in sys.modules:  # a collected test module runs the app in AppTest
        _scan_components_once()
    marked_files: set[str] = set()
    for item in items:
        for marker, patterns in SLOW_TESTS.items():
            if any(_matches(item, pattern) for pattern in patterns):
                item.add_marker(getattr(pytest.mark, marker))
                marked_files.add(_file(item))
    # Files holding a long test (one of the kinds above) first, then the others most tests first, each
    # file's tests in their own order: both workers start on the long files and finish together.
    tests_per_file = Counter(_file(item) for item in items)
    items.sort(key=lambda item: (_file(item) not in marked_files, -tests_per_file[_file(item)]))


def _scan_components_once() -> None:
    """Streamlit's scan of the installed packages for components, done once per test process.

    Every AppTest (its first run) asks Streamlit for the v2 components installed, and Streamlit
    reads the metadata of every installed distribution to find them: 0.2 CPU-s each time, about a
    third of a small page's test. The installed packages do not change during a test run, so the
    first scan's answer is every later one's.
    """
    from streamlit.components.v2 import manifest_scanner

    if not hasattr(manifest_scanner.scan_component_manifests, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


def _file(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0]


def _matches(item: pytest.Item, pattern: str) -> bool:
    if pattern.startswith("fixture:"):
        return pattern.removeprefix("fixture:") in getattr(item, "fixturenames", ())
    return fnmatch(item.nodeid, pattern)
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
