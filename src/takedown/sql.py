"""Load the project's SQL by name from `queries/` (shipped inside the wheel as takedown/queries)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from takedown.config import REPO_DIR


def queries_root() -> Traversable:
    """The queries folder: inside the installed package, else the checkout's top-level queries/."""
    packaged = resources.files("takedown").joinpath("queries")
    if packaged.is_dir():
        return packaged
    path = REPO_DIR / "queries"
    if not path.is_dir():
        raise FileNotFoundError(f"the SQL folder is missing: looked in the package and in {path}")
    return path  # pathlib.Path satisfies the Traversable protocol


@cache
def load_query(name: str) -> str:
    """The text of `queries/<name>.sql`, e.g. load_query("views/orphan_complaint_items")."""
    node = queries_root()
    for part in f"{name}.sql".split("/"):
        node = node.joinpath(part)
    return node.read_text(encoding="utf-8")


def list_queries(folder: str) -> list[str]:
    """Names (without .sql) of the files in one queries sub-folder, sorted."""
    node = queries_root().joinpath(folder)
    return sorted(f"{folder}/{item.name[:-4]}" for item in node.iterdir() if item.name.endswith(".sql"))
