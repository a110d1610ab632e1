"""Load the project's SQL by name from `queries/` (shipped inside the wheel as takedown/queries).

A query reads the staging models (queries/staging/: one per source table, as dbt's `stg_` models,
and the one definition of the listings' filters and of the as-of cuts) by name, as if they were
tables. load_query writes each model a query names, and the models those name, as CTEs in front of
it, dependencies first; why CTEs and not views is in queries/staging/stg_listings.sql.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from takedown.config import REPO_DIR

STAGING = "staging"
_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_COMMENT = re.compile(r"--[^\n]*")
_LEADING_WITH = re.compile(r"\A(\s*)with\s", re.IGNORECASE)


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
def read_query(name: str) -> str:
    """The text of `queries/<name>.sql` as written (without the staging models it reads)."""
    node = queries_root()
    for part in f"{name}.sql".split("/"):
        node = node.joinpath(part)
    return node.read_text(encoding="utf-8")


@cache
def load_query(name: str) -> str:
    """The text of `queries/<name>.sql`, e.g. load_query("views/orphan_complaint_items"), runnable:
    with the staging models it reads (staging_models) written in front of it as CTEs."""
    return with_staging(read_query(name))


@cache
def staging_names() -> frozenset[str]:
    """The names of the staging models (queries/staging/*.sql)."""
    return frozenset(name.split("/", 1)[1] for name in list_queries(STAGING))


def staging_models(query: str) -> list[str]:
    """The staging models `query` reads, directly or through another model, dependencies first."""
    ordered: list[str] = []

    def visit(text: str, seen: tuple[str, ...]) -> None:
        for model in _named_models(text):
            if model in seen:
                raise ValueError(f"staging model {model} reads itself: {' -> '.join((*seen, model))}")
            if model not in ordered:
                visit(read_query(f"{STAGING}/{model}"), (*seen, model))
                ordered.append(model)
    visit(query, ())
    return ordered


def with_staging(query: str) -> str:
    """`query` with the staging models it reads defined in front of it as CTEs (merged into its own
    `with` when it starts with one, so its own ORDER BY stays the statement's)."""
    models = staging_models(query)
    if not models:
        return query
    definitions = ",\n".join(f"{model} as (\n{_body(read_query(f'{STAGING}/{model}'))}\n)" for model in models)
    header, body = _split_header(query)
    if _LEADING_WITH.match(body):
        return f"{header}with {definitions},\n{_LEADING_WITH.sub('', body, count=1)}"
    return f"{header}with {definitions}\n{body}"


def _named_models(text: str) -> list[str]:
    names = staging_names()
    words = _WORD.findall(_COMMENT.sub("", text).lower())
    return list(dict.fromkeys(word for word in words if word in names))


def _split_header(query: str) -> tuple[str, str]:
    # The leading comment lines (a query's grain) stay first; the SQL after them is the body.
    lines = query.splitlines(keepends=True)
    index = 0
    while index < len(lines) and (not lines[index].strip() or lines[index].lstrip().startswith("--")):
        index += 1
    return "".join(lines[:index]), "".join(lines[index:])


def _body(model: str) -> str:
    return _split_header(model)[1].rstrip().rstrip(";")


def list_queries(folder: str) -> list[str]:
    """Names (without .sql) of the files in one queries sub-folder, sorted."""
    node = queries_root().joinpath(folder)
    return sorted(f"{folder}/{item.name[:-4]}" for item in node.iterdir() if item.name.endswith(".sql"))
