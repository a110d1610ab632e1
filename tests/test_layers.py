"""The layers import one way: the two surfaces, the report (takedown.report) and the dashboard's library
(takedown.dashboard_lib), never import each other; what both draw lives below them (charts_common)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "takedown"


def imported_modules(package: Path) -> set[str]:
    """Every module the files of `package` import (absolute names, as written)."""
    names: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("package, other", [("report", "takedown.dashboard_lib"), ("dashboard_lib", "takedown.report")])
def test_a_surface_never_imports_the_other(package, other):
    crossing = sorted(name for name in imported_modules(SRC / package) if name == other or name.startswith(other + "."))
    assert crossing == []
