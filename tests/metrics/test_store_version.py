"""store_version changes when a new copy of the store is published, and only then."""

from __future__ import annotations

import os

import pytest

from takedown.store_version import store_version


def test_a_new_copy_changes_the_version(tmp_path):
    store = tmp_path / "takedown.duckdb"
    store.write_bytes(b"one")
    first = store_version(store)
    assert store_version(store) == first  # nothing published: the same key
    replacement = tmp_path / ".takedown.duckdb.tmp"
    replacement.write_bytes(b"two!")
    os.replace(replacement, store)  # what store.publish does
    assert store_version(store) != first


def test_no_store_has_no_version(tmp_path):
    with pytest.raises(FileNotFoundError):
        store_version(tmp_path / "none.duckdb")
