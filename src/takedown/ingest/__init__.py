"""Ingest of the four export kinds (SPEC sections 1 and 2)."""

from takedown.ingest.pipeline import FileResult, UsageError, ingest_files

__all__ = ["FileResult", "UsageError", "ingest_files"]
