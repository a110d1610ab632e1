"""The report's templates travel inside the built wheel (`takedown report` renders from the package)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("uv") is None and not (ROOT / ".tools/bin/uv").exists(), reason="needs uv")
def test_the_wheel_contains_the_report_templates(tmp_path):
    uv = shutil.which("uv") or str(ROOT / ".tools/bin/uv")
    subprocess.run([uv, "build", "--wheel", "--out-dir", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("takedown-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = ROOT / "src" / "takedown" / "report" / "templates"
    assert {f"takedown/report/templates/{path.name}" for path in templates.iterdir()} <= names
    assert {"takedown/queries/report/decision_details.sql", "takedown/queries/report/listing_images.sql"} <= names
