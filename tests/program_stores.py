"""Small programs written as export CSVs and loaded through the real ingest: the fixture stores of
the metrics, report and dashboard tests (each folder keeps its own rows)."""

from __future__ import annotations

import csv
from pathlib import Path

from takedown.ingest import FileResult, ingest_files

# Rights and listings first, so that complaints and outcomes find what they refer to.
KIND_ORDER = ("ip_rights", "listings", "complaints", "outcomes")


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    """`rows` (the header first) as a UTF-8 CSV at `path`."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def ingest_program(folder: Path, rows_by_kind: dict[str, list[list[str]]],
                   **options: object) -> tuple[Path, list[FileResult]]:
    """Write each kind's rows as `<kind>.csv` under `folder` and ingest them, in KIND_ORDER, into
    `folder/takedown.duckdb` (timezone UTC unless `options` say otherwise); the store and the results."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [write_csv(folder / f"{kind}.csv", rows_by_kind[kind]) for kind in KIND_ORDER if kind in rows_by_kind]
    options.setdefault("timezone", "UTC")
    db_path = folder / "takedown.duckdb"
    return db_path, ingest_files(paths, db_path, **options)  # type: ignore[arg-type]
