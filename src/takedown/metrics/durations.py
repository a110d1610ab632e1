"""Time between two instants in hours or days, and between two dates in days: one way each.

Hours and days are exact quotients of the microseconds between two instants: Polars divides a
column by a constant as a multiplication by the constant's reciprocal, which misses the correctly
rounded quotient by one unit in the last place for about a quarter of values; numpy divides, so
hours are the correctly rounded quotient, Python's `delta / timedelta(hours=1)` to the last digit
(`delta.total_seconds() / 3600` rounds twice and can differ in the last digit).
"""

from __future__ import annotations

import polars as pl

MICROSECONDS_PER_HOUR = 3_600_000_000
MICROSECONDS_PER_DAY = 24 * MICROSECONDS_PER_HOUR


def _divide_exactly(series: pl.Series, divisor: int) -> pl.Series:
    return pl.Series(series.name, series.to_numpy() / divisor, nan_to_null=True)


def _exact_quotient(microseconds: pl.Expr, divisor: int) -> pl.Expr:
    return microseconds.map_batches(lambda series: _divide_exactly(series, divisor), return_dtype=pl.Float64)


def hours_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Decimal hours from instant `start` to instant `end` (negative when end comes first; null when either is)."""
    return _exact_quotient((end - start).dt.total_microseconds(), MICROSECONDS_PER_HOUR)


def days_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Decimal days of 24 hours from instant `start` to instant `end` (null when either is null)."""
    return _exact_quotient((end - start).dt.total_microseconds(), MICROSECONDS_PER_DAY)


def calendar_days(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Whole calendar days from date `start` to date `end` (an Int64; 0 on the same day)."""
    return (end - start).dt.total_days().cast(pl.Int64)
