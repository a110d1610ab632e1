"""The published store's version: a key that changes whenever ingest publishes a new copy.

Publishing replaces the store file atomically (store.publish: a copy then os.replace), so the
file's inode, modification time and size change together. Streamlit caches key on this and on a
rounded as-of (metrics.snapshot.round_as_of), so a page recomputes only when there is news.
Lives apart from store.py for now; it belongs beside store.Reader, which watches the same inode.
"""

from __future__ import annotations

import os
from pathlib import Path


def store_version(db_path: str | os.PathLike[str]) -> str:
    """`<inode>-<mtime_ns>-<size>` of the published store; FileNotFoundError when there is none."""
    status = Path(db_path).stat()
    return f"{status.st_ino}-{status.st_mtime_ns}-{status.st_size}"
