"""docs/ingest.md names every rule the suites can report, so the document stays true."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from takedown.contract import KIND_BY_NAME
from takedown.ingest.normalize import Prepared
from takedown.ingest.validation import rules_for

DOC = Path(__file__).resolve().parents[2] / "docs" / "ingest.md"


def test_every_rule_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for kind in KIND_BY_NAME.values():
        prepared = Prepared(kind=kind, checks=pl.DataFrame(), present=frozenset(kind.column_names),
                            extra_columns=(), source_names={},
                            enums={c.name: {} for c in kind.columns if c.enum}, timezone="UTC",
                            now=dt.datetime(2026, 1, 1))
        for rule in rules_for(prepared):
            assert f"`{rule.rule}`" in text, f"{rule.rule} ({kind.name}.{rule.column}) is not in docs/ingest.md"
