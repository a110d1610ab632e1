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
    assert "takedown/data/exchange_rates.csv" in names


@pytest.mark.skipif(shutil.which("uv") is None and not (ROOT / ".tools/bin/uv").exists(), reason="needs uv")
def test_an_installed_wheel_finds_its_queries_and_rates_anywhere(tmp_path):
    import sys

    uv = shutil.which("uv") or str(ROOT / ".tools/bin/uv")
    subprocess.run([uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(ROOT)], check=True,
                   capture_output=True)
    [wheel] = (tmp_path / "dist").glob("takedown-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = ("from takedown.sql import load_query; from takedown.config import exchange_rates_path; "
             "import takedown; print(takedown.__file__); print(exchange_rates_path()); "
             "print(len(load_query('schema/listings')))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    module_file, rates, query_length = result.stdout.split()
    assert module_file.startswith(str(site))
    assert rates == str(site / "takedown" / "data" / "exchange_rates.csv") and Path(rates).exists()
    assert int(query_length) > 100
