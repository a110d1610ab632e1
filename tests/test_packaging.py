"""queries/ travels inside the built wheel and is found through importlib.resources."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from takedown.sql import list_queries, load_query

ROOT = Path(__file__).resolve().parent.parent


def test_every_schema_file_loads_by_name():
    names = list_queries("schema")
    assert {"schema/listings", "schema/complaint_items", "schema/outcome_events", "schema/ip_rights",
            "schema/ingest_batches", "schema/quarantined_rows"} <= set(names)
    assert all("create table" in load_query(name) for name in names)


@pytest.mark.skipif(shutil.which("uv") is None and not (ROOT / ".tools/bin/uv").exists(), reason="needs uv")
def test_the_wheel_contains_the_queries(tmp_path):
    uv = shutil.which("uv") or str(ROOT / ".tools/bin/uv")
    subprocess.run([uv, "build", "--wheel", "--out-dir", str(tmp_path), str(ROOT)], check=True,
                   capture_output=True)
    [wheel] = tmp_path.glob("takedown-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    repo_queries = {f"takedown/queries/{p.relative_to(ROOT / 'queries')}" for p in (ROOT / "queries").rglob("*.sql")}
    assert repo_queries <= set(names)
