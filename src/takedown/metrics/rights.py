"""Work queues about the brand's registered rights: renewals due, and complaints filed on weak rights.

Dates of rights are calendar dates; an instant's date here is its UTC date (the store's time). A
right is valid through its expires_on day. The store keeps a right's current IPP status only, so
"not verified when filed" means "not verified now": a right verified later is given the benefit of
the doubt.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from takedown.config import DEFAULT_SETTINGS, Settings
from takedown.metrics.durations import calendar_days
from takedown.metrics.kpis import PENDING_STATUSES


def right_verified(ipp_status: pl.Expr) -> pl.Expr:
    """Whether a right is verified in IPP: its status is `verified` (no status: not verified)."""
    return (ipp_status == "verified").fill_null(False)


def right_expired(expires_on: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Whether a right had expired on `day`: valid through its expires_on day (none: never expires)."""
    return (expires_on < day).fill_null(False)


def right_valid(ipp_status: pl.Expr, expires_on: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Whether a right was valid on `day`: verified in IPP and not expired (the one rule of rights)."""
    return right_verified(ipp_status) & ~right_expired(expires_on, day)


def rights_summary(rights: pl.DataFrame, as_of: dt.datetime) -> dict[str, int]:
    """How many `rights` there are, how many had expired by as_of's date, and how many are not verified
    (the IP portfolio's tiles; the same rules as complaint_items_on_weak_rights)."""
    today = pl.lit(as_of.date())
    counts = rights.select(pl.len().alias("rights"),
                           right_expired(pl.col("expires_on"), today).sum().alias("expired"),
                           (~right_verified(pl.col("ipp_status"))).sum().alias("not_verified"))
    return {name: int(value) for name, value in counts.row(0, named=True).items()}


def _usage_per_right(facts: pl.DataFrame) -> pl.DataFrame:
    return (facts.filter(pl.col("ipr_registration").is_not_null())
            .group_by(pl.col("ipr_registration").alias("registration"))
            .agg(pl.len().cast(pl.Int64).alias("complaint_items"),
                 pl.col("status").is_in(PENDING_STATUSES).sum().cast(pl.Int64).alias("pending_items"))
            # A snapshot keeps registrations as categoricals (few distinct values); the register holds text.
            .with_columns(pl.col("registration").cast(pl.String)))


def expiring_rights(rights: pl.DataFrame, facts: pl.DataFrame, as_of: dt.datetime,
                    settings: Settings = DEFAULT_SETTINGS) -> pl.DataFrame:
    """Rights that expire between as_of's date and `Settings.rights_expiry_warning_days` after it (inclusive).

    Columns: registration, ipr_type, brand, jurisdiction, ipp_status, expires_on, days_left, and how
    many complaint items rely on it (complaint_items) and of those are still pending (pending_items).
    The soonest first.
    """
    today = as_of.date()
    horizon = today + dt.timedelta(days=settings.rights_expiry_warning_days)
    return (rights.filter(pl.col("expires_on").is_between(today, horizon, closed="both"))
            .join(_usage_per_right(facts), on="registration", how="left", maintain_order="left")
            .with_columns(calendar_days(pl.lit(today), pl.col("expires_on")).alias("days_left"),
                          pl.col("complaint_items", "pending_items").fill_null(0))
            .select("registration", "ipr_type", "brand", "jurisdiction", "ipp_status", "expires_on", "days_left",
                    "complaint_items", "pending_items")
            .sort(["expires_on", "registration"]))


def weak_right_problems(named: pl.DataFrame, rights: pl.DataFrame) -> pl.DataFrame:
    """The rows of `named` (any frame with ipr_registration and submitted_at) that relied on a right that
    was expired, not verified, or not in the register, with the right's expires_on and ipp_status and
    their `problem` (see complaint_items_on_weak_rights): the one rule of weak rights. A row's answer
    depends on its registration and submission date only."""
    register = rights.select(pl.col("registration").alias("ipr_registration"), "expires_on", "ipp_status",
                             pl.lit(True).alias("_in_register"))
    registration = pl.col("ipr_registration").cast(pl.String)
    named = (named.filter(registration.str.strip_chars() != "")
             .with_columns(registration))
    checked = named.join(register, on="ipr_registration", how="left", maintain_order="left")
    in_register = pl.col("_in_register").fill_null(False)
    expired = right_expired(pl.col("expires_on"), pl.col("submitted_at").dt.date())
    not_verified = in_register & ~right_verified(pl.col("ipp_status"))
    problem = pl.concat_str(
        [pl.when(~in_register).then(pl.lit("not_in_register")),
         pl.when(expired).then(pl.lit("expired_when_filed")),
         pl.when(not_verified).then(pl.lit("not_verified"))],
        separator=", ", ignore_nulls=True,
    )
    return (checked.filter(~in_register | expired | not_verified)
            .with_columns(problem.alias("problem"))
            .drop("_in_register"))


def complaint_items_on_weak_rights(facts: pl.DataFrame, rights: pl.DataFrame) -> pl.DataFrame:
    """Complaint items that relied on a right that was expired, not verified, or not in the register.

    Only items that name a registration. Columns: the item's key, platform, account, reason,
    submitted_at, status, ipr_registration, expires_on, ipp_status, and problem: a comma-separated
    list of `not_in_register`, `expired_when_filed` (expires_on before submitted_at's date),
    `not_verified` (ipp_status is not verified). The newest first.
    """
    return (weak_right_problems(facts, rights)
            .select("complaint_id", "listing_id", "platform", "account", "reason", "submitted_at", "status",
                    "ipr_registration", "expires_on", "ipp_status", "problem")
            .sort(["submitted_at", "complaint_id", "listing_id"], descending=[True, False, False]))
