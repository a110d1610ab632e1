"""Filters of a snapshot: brand, platform, account, reason and ipr_type (SPEC 4, FILTERS).

A filtered figure equals the matching breakdown's figure: a filter keeps the complaint items whose
column equals the value, exactly as the breakdown groups them. Values are normalised the way
ingest stores them (a platform's alias to its name, a reason lower-cased and trimmed) and reach
the SQL as bound parameters, never as text.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl

from takedown.contract import IPR_TYPES, PLATFORMS, alias_table, normalise_enum_value

# Filter name -> the fact column it compares (the breakdown of the same name groups by it).
FILTER_COLUMNS = ("platform", "account", "reason", "ipr_type", "brand")


@dataclass(frozen=True)
class Filters:
    """Which complaint items a snapshot holds; None means any. Hashable, so caches can key on it.

    brand is the item's listing's brand: an item whose listing is unknown (a storefront item, or
    an orphan) has no brand, and no brand filter keeps it.
    """

    platform: str | None = None
    account: str | None = None
    reason: str | None = None
    ipr_type: str | None = None
    brand: str | None = None

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None and not value.strip():
                raise ValueError(f"the {field.name} filter is empty; leave it out to keep every {field.name}")

    def normalised(self) -> Filters:
        """The same filters spelled as the store spells the values.

        A platform's alias (`taobao.com`, `淘宝`) becomes its name; a platform that is not built
        in (configured by a mapping) is matched as ingest normalises it. A reason is compared
        lower-cased and trimmed; an ipr_type must be one of SPEC's (a ValueError lists them).
        """
        platform = self.platform
        if platform is not None:
            normal = normalise_enum_value(platform)
            platform = alias_table(PLATFORMS).get(normal, normal)
        ipr_type = self.ipr_type
        if ipr_type is not None:
            known = alias_table(IPR_TYPES)
            normal = normalise_enum_value(ipr_type)
            if normal not in known:
                raise ValueError(f"unknown ipr_type {ipr_type!r}; expected one of {', '.join(IPR_TYPES)}")
            ipr_type = known[normal]
        reason = None if self.reason is None else self.reason.strip().lower()
        account = None if self.account is None else self.account.strip()
        brand = None if self.brand is None else self.brand.strip()
        return Filters(platform, account, reason, ipr_type, brand)

    def parameters(self) -> dict[str, str | None]:
        """The normalised values as the SQL's `$platform`, `$account`, ... parameters (None: any)."""
        normal = self.normalised()
        return {name: getattr(normal, name) for name in FILTER_COLUMNS}

    def expression(self) -> pl.Expr:
        """The same filters as a Polars condition over complaint item facts (for hand-made frames)."""
        condition = pl.lit(True)
        for name, value in self.parameters().items():
            if value is not None:
                condition = condition & (pl.col(name) == value).fill_null(False)
        return condition

    @property
    def active(self) -> dict[str, str]:
        """The filters that are set, by name (as given)."""
        return {name: getattr(self, name) for name in FILTER_COLUMNS if getattr(self, name) is not None}
