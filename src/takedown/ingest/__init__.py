"""Ingest of the four export kinds (SPEC sections 1 and 2)."""

from takedown.ingest.pipeline import FileResult, IngestResults, UsageError, ingest_files

__all__ = ["FileResult", "IngestResults", "UsageError", "ingest_files"]
