"""Every notebook runs top to bottom against a real store, and its .py pair matches its .ipynb."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient



NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLES = ["ip_rights.xlsx", "listings.csv", "complaints_portal_gb18030.csv", "outcomes.jsonl"]


@pytest.fixture
def sample_store(ingest, db_path, monkeypatch):
    ingest(*(FIXTURES / "exports" / name for name in SAMPLES), timezone="Asia/Shanghai")
    monkeypatch.setenv("TAKEDOWN_DB", str(db_path))
    return db_path


@pytest.mark.parametrize("name", sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")))
def test_notebook_runs_on_the_sample_store(sample_store, name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    text = "\n".join(str(output) for cell in notebook.cells for output in cell.get("outputs", []))
    assert str(sample_store) in text


@pytest.mark.parametrize("name", sorted(p.stem for p in NOTEBOOKS.glob("*.py")))
def test_the_py_pair_matches_the_notebook(name):
    paired = jupytext.read(NOTEBOOKS / f"{name}.py")
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert [cell.source for cell in paired.cells] == [cell.source for cell in notebook.cells]
