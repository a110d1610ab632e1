"""Build the demo store: write the program's exports, then ingest them through the real ingest path.

The demo never touches data it did not make: it refuses a store that holds files from anywhere
but the demo's folders, and an export folder it did not create (it marks its own with
`.takedown-demo`). A previous demo store is replaced, so every run starts clean.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from takedown.config import data_dir
from takedown.demo.plan import CHUNK_ITEMS
from takedown.demo.program import ProgramFiles, write_program
from takedown.ingest import FileResult, ingest_files
from takedown.metrics.snapshot import round_as_of
from takedown.prediction.registry import keep_trained_model
from takedown.store import working_path

# Written into the export folder so a later run knows it may clear it.
MARKER = ".takedown-demo"


class DemoError(RuntimeError):
    """The demo cannot run without touching data it did not make; the message says why."""


def default_exports_dir() -> Path:
    """Where `takedown demo` writes its export files by default."""
    return data_dir() / "demo" / "exports"


def default_inbox_dir() -> Path:
    """The folder the live feed writes into and `takedown watch` reads by default."""
    return data_dir() / "inbox"


def _under(path: Path, folders: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(folder.resolve()) for folder in folders)


def _loaded_files(path: Path) -> list[str]:
    """The files a store (published or working) has loaded; refuses what is not a DuckDB store."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise DemoError(f"cannot check {path} before replacing it ({error}); use --db for another store") from error
    try:
        tables = {row[0] for row in con.sql("select table_name from information_schema.tables").fetchall()}
        if "ingest_batches" not in tables:
            if tables:
                raise DemoError(f"{path} is not a takedown store; use --db for the demo store")
            return []
        return [row[0] for row in con.sql("select distinct file from ingest_batches").fetchall()]
    finally:
        con.close()


def replace_demo_store(db_path: Path, demo_folders: list[Path]) -> None:
    """Delete a previous demo store at db_path; refuse if it holds anything the demo did not load."""
    for path in (db_path, working_path(db_path)):
        if not path.exists():
            continue
        foreign = [name for name in _loaded_files(path) if not _under(Path(name), demo_folders)]
        if foreign:
            raise DemoError(f"the store {db_path} holds data the demo did not make (e.g. {foreign[0]}); "
                            f"build the demo elsewhere with --db PATH")
    for path in (db_path, working_path(db_path)):
        for candidate in (path, path.with_name(path.name + ".wal")):
            candidate.unlink(missing_ok=True)


def check_exports_dir(out_dir: Path) -> None:
    """Refuse an export folder that holds files and was not made by the demo."""
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise DemoError(f"{out_dir} is not empty and was not made by the demo; choose another --out")


def prepare_exports_dir(out_dir: Path) -> None:
    """Create the export folder, or clear a previous demo's files from it; refuse a folder of other files."""
    check_exports_dir(out_dir)
    if out_dir.exists():
        for entry in out_dir.iterdir():
            if entry.is_file() and entry.name != MARKER:
                entry.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text("Export files written by `takedown demo`; the demo clears this folder.\n",
                                  encoding="utf-8")


@dataclass
class DemoBuild:
    """What build_demo did."""

    program: ProgramFiles
    results: list[FileResult]
    generate_seconds: float
    ingest_seconds: float
    train_seconds: float


def build_demo(db_path: Path, out_dir: Path, seed: int, scale: int, end: dt.datetime,
               chunk_items: int = CHUNK_ITEMS, demo_folders: list[Path] | None = None,
               progress: Callable[[str, int], None] | None = None,
               on_chunk: Callable[[int, int], None] | None = None) -> DemoBuild:
    """Write the program into out_dir and ingest it into a fresh store at db_path.

    `demo_folders`: folders whose files a previous demo store may hold (default: out_dir and the
    inbox); `progress` is ingest's progress callback; `on_chunk(done, total)` reports generation.
    """
    folders = demo_folders if demo_folders is not None else [out_dir, default_inbox_dir()]
    check_exports_dir(out_dir)  # before anything is deleted
    replace_demo_store(db_path, folders)
    prepare_exports_dir(out_dir)
    started = time.perf_counter()
    program = write_program(out_dir, seed, scale, end, chunk_items, on_chunk)
    generated = time.perf_counter()
    # Ingest's clock is the program's end, so "more than a day ahead" means the same in any run.
    ingest_now = program.plan.end_datetime.replace(tzinfo=None)
    results: list[FileResult] = []
    for timezone, files in itertools.groupby(program.files, key=lambda f: f.timezone):
        # One publish per group: at 10M items the store is gigabytes, too big to copy after every file.
        results += ingest_files([f.path for f in files], db_path, timezone=timezone, progress=progress,
                                now=ingest_now, publish_each_file=False)
    ingested = time.perf_counter()
    # The model of predicted success, kept as `takedown train` keeps it (the dashboard uses kept models
    # only), as of ingest's clock floored to the minute: a live view's as-of is the minute floored, and
    # a model dated later in that minute would not be one it may use.
    keep_trained_model(db_path, round_as_of(ingest_now))
    return DemoBuild(program, results, generated - started, ingested - generated, time.perf_counter() - ingested)
