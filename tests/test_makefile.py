"""The Makefile's notebook targets: JupyterLab starts as root too, and the notebooks run headless."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def make(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *arguments], capture_output=True,
                          text=True, env=env)


def test_make_notebook_lets_root_start_jupyterlab():
    result = make("-n", "notebook")
    assert result.returncode == 0, result.stderr
    [command] = [line for line in result.stdout.splitlines() if "jupyter lab" in line]
    # As root, JupyterLab exits with "Running as root is not recommended" unless told otherwise.
    assert ("--allow-root" in command.split()) == (os.geteuid() == 0)
    assert command.endswith("notebooks/")


def test_make_notebooks_run_executes_the_notebooks_without_a_browser(tmp_path, db_path):
    # The target's own command runs one tiny notebook (tests/notebooks executes the real ones): it runs
    # headless in the project's kernel, sees the environment (TAKEDOWN_DB) and writes the executed copy
    # to NOTEBOOKS_OUT, leaving the source without outputs.
    tiny = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, takedown\nprint(os.environ['TAKEDOWN_DB'])")]), tiny)
    # `uv run --frozen COMMAND` stands for running COMMAND in the project's environment (this one).
    uv = tmp_path / "uv"
    uv.write_text('#!/bin/sh\n[ "$1" = run ] || exit 0\nshift 2\nexec "$@"\n', encoding="utf-8")
    uv.chmod(0o755)
    out = tmp_path / "executed"
    env = dict(os.environ, TAKEDOWN_DB=str(db_path),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    result = make("notebooks-run", f"UV={uv}", f"NOTEBOOKS={tiny}", f"NOTEBOOKS_OUT={out}", env=env)
    assert result.returncode == 0, result.stderr
    executed = nbformat.read(out / "tiny.ipynb", as_version=4)
    outputs = [output for cell in executed.cells for output in cell.get("outputs", [])]
    assert outputs and not [output for output in outputs if output.get("output_type") == "error"]
    assert str(db_path) in "\n".join(str(output) for output in outputs)
    assert not any(cell.get("outputs") for cell in nbformat.read(tiny, as_version=4).cells)
    # By default the target runs every committed notebook, and they keep no outputs.
    commands = make("-n", "notebooks-run").stdout.replace("\\\n", " ").splitlines()
    [command] = [line for line in commands if "jupyter execute" in line]
    committed = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert committed and all(f"notebooks/{path.name}" in command for path in committed)
    for path in committed:
        assert not any(cell.get("outputs") for cell in nbformat.read(path, as_version=4).cells), path
