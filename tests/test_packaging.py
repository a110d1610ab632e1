"""What `takedown` needs at run time travels inside the built wheel: queries/, the exchange rates, the
report's templates and the dashboard, found through the package wherever it is installed.

The wheel is built once for the module; uv is always there under `make test` (the Makefile installs it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from takedown.sql import list_queries, load_query

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    uv = shutil.which("uv") or str(ROOT / ".tools/bin/uv")
    assert Path(uv).exists(), "uv is missing: run the tests with `make test`, which installs it"
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([uv, "build", "--wheel", "--out-dir", str(out), str(ROOT)], check=True, capture_output=True)
    [built] = out.glob("takedown-*.whl")
    return built


def shipped(wheel: Path) -> set[str]:
    return set(zipfile.ZipFile(wheel).namelist())


def test_every_schema_file_loads_by_name():
    names = list_queries("schema")
    assert {"schema/listings", "schema/complaint_items", "schema/outcome_events", "schema/ip_rights",
            "schema/ingest_batches", "schema/quarantined_rows"} <= set(names)
    assert all("create table" in load_query(name) for name in names)


def test_the_wheel_contains_the_queries_and_the_rates(wheel):
    repo_queries = {f"takedown/queries/{p.relative_to(ROOT / 'queries')}" for p in (ROOT / "queries").rglob("*.sql")}
    assert repo_queries <= shipped(wheel)
    assert "takedown/data/exchange_rates.csv" in shipped(wheel)


def test_the_wheel_contains_the_report_templates(wheel):
    templates = ROOT / "src" / "takedown" / "report" / "templates"
    assert {f"takedown/report/templates/{path.name}" for path in templates.iterdir()} <= shipped(wheel)


def test_the_wheel_ships_the_dashboard(wheel):
    pages = {f"takedown/dashboard/{path.relative_to(ROOT / 'dashboard')}" for path in (ROOT / "dashboard").rglob("*.py")}
    assert "takedown/dashboard/app.py" in pages and pages <= shipped(wheel)


def test_an_installed_wheel_finds_its_queries_and_rates_anywhere(wheel, tmp_path):
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
