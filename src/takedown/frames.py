"""The one place Polars frames are handed to DuckDB.

Polars (1.x and 2.x) exports strings as Arrow `string_view`. DuckDB 1.5 (the version with the
DuckLake extension, see takedown.lake) pushes filters into an Arrow scan through pyarrow, which has
no kernel comparing `string_view` with `string` ("Function 'equal' has no kernel matching input
types"), and the failed scan aborts the transaction around it. Arrow's oldest layout (`large_string`)
compares with every DuckDB literal, so every frame is registered in that layout.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pyarrow as pa


def arrow_for_duckdb(frame: pl.DataFrame) -> pa.Table:
    """`frame` as an Arrow table DuckDB can scan and filter (strings as large_string, not string_view)."""
    return frame.to_arrow(compat_level=pl.CompatLevel.oldest())


def register_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Show `frame` to `con` as the view `name` (unregister it with `con.unregister(name)`)."""
    con.register(name, arrow_for_duckdb(frame))
