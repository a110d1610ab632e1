"""Filters of a snapshot: brand, platform, account, reason and ipr_type (SPEC 4, FILTERS).

A filtered figure equals the matching breakdown's figure: a filter keeps the complaint items whose
column equals the value, exactly as the breakdown groups them. Values are normalised the way
ingest stores them (a platform's alias to its name, a reason lower-cased and trimmed) and reach
the SQL as bound parameters, never as text.

A value the store does not hold (after that normalisation) would give zeros that look like an
answer: `unknown_filter_values` finds such values with the ones the store does hold, and
`check_filter_values` (what `load_snapshot` calls unless `strict=False`) raises UnknownFilterValue.

A scope (`brands`, `accounts`: the sets a viewer may see, None: all; access.Scope gives them) is
applied before the filters, in the same SQL: a filter can narrow a scope, never widen it (a brand
filter outside the scope keeps nothing).
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, fields

import duckdb
import polars as pl

from takedown.contract import IPR_TYPES, PLATFORMS, alias_table, normalise_enum_value
from takedown.sql import load_query

# Filter name -> the fact column it compares (the breakdown of the same name groups by it).
FILTER_COLUMNS = ("platform", "account", "reason", "ipr_type", "brand")
# The scope's fields: the brands and the IPP accounts a viewer may see (SQL `$brands`, `$accounts`).
SCOPE_COLUMNS = ("brands", "accounts")


@dataclass(frozen=True)
class Filters:
    """Which complaint items a snapshot holds; None means any. Hashable, so caches can key on it.

    brand is the item's listing's brand: an item whose listing is unknown (a storefront item, or
    an orphan) has no brand, and no brand filter keeps it.

    brands and accounts are the viewer's scope (sorted tuples; None: all): the brands whose listings,
    items and rights, and the accounts whose items, a snapshot may hold. A scope on brands keeps no
    item without a listing, as a brand filter does.
    """

    platform: str | None = None
    account: str | None = None
    reason: str | None = None
    ipr_type: str | None = None
    brand: str | None = None
    brands: tuple[str, ...] | None = None
    accounts: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in SCOPE_COLUMNS:
            value = getattr(self, name)
            if value is not None:
                if isinstance(value, str) or not all(isinstance(one, str) for one in value):
                    raise ValueError(f"the {name} scope must be a collection of strings")
                object.__setattr__(self, name, tuple(sorted({one.strip() for one in value})))
        for field in fields(self):
            if field.name in SCOPE_COLUMNS:
                continue
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
        return Filters(platform, account, reason, ipr_type, brand, self.brands, self.accounts)

    def parameters(self) -> dict[str, object]:
        """The normalised values as the SQL's `$platform`, `$account`, ... parameters (None: any),
        and the scope as `$brands` and `$accounts` (lists; None: all)."""
        normal = self.normalised()
        return {**{name: getattr(normal, name) for name in FILTER_COLUMNS},
                **{name: None if getattr(self, name) is None else list(getattr(self, name)) for name in SCOPE_COLUMNS}}

    def expression(self) -> pl.Expr:
        """The same filters and scope as a Polars condition over complaint item facts (for hand-made frames)."""
        condition = pl.lit(True)
        for name, value in self.parameters().items():
            if value is None:
                continue
            if name in SCOPE_COLUMNS:
                condition = condition & pl.col(name.removesuffix("s")).is_in(value).fill_null(False)
            else:
                condition = condition & (pl.col(name) == value).fill_null(False)
        return condition

    def scoped(self, brands: tuple[str, ...] | None, accounts: tuple[str, ...] | None) -> Filters:
        """These filters within a scope (None: all): the scope replaces any this one had."""
        return dataclasses.replace(self, brands=brands, accounts=accounts)

    @property
    def key(self) -> tuple[tuple[str, object], ...]:
        """The filters and the scope as a sorted tuple of (name, value), Filters(**dict(key)) again: a cache key."""
        scope = tuple((name, getattr(self, name)) for name in SCOPE_COLUMNS if getattr(self, name) is not None)
        return tuple(sorted(self.active.items())) + scope

    @property
    def active(self) -> dict[str, str]:
        """The filters that are set, by name (as given)."""
        return {name: getattr(self, name) for name in FILTER_COLUMNS if getattr(self, name) is not None}


# A message lists at most this many of the values the store holds (an account list can be long).
SHOWN_KNOWN_VALUES = 12


@dataclass(frozen=True)
class UnknownValue:
    """One filter value the store does not hold: the filter, the value as given and as normalised,
    and the values the store holds for that filter (sorted)."""

    name: str
    value: str
    normalised: str
    known: tuple[str, ...]

    @property
    def suggestion(self) -> str | None:
        """The held value closest to this one (case aside), if any is close: a typo's likely intent."""
        lowered = {known.lower(): known for known in self.known}
        close = difflib.get_close_matches(self.normalised.lower(), list(lowered), n=1, cutoff=0.6)
        return lowered[close[0]] if close else None

    def describe(self, label: str | None = None) -> str:
        """`platform 'taboa' is not in the store (did you mean 'taobao'?); it holds 7 values: 1688, ...`.

        `label` names the filter (default its name; the CLI passes its flag, `--platform`).
        """
        label = label or self.name
        spelled = repr(self.value) if self.value == self.normalised else f"{self.value!r} (read as {self.normalised!r})"
        text = f"{label} {spelled} is not in the store"
        if self.suggestion is not None:
            text += f" (did you mean {self.suggestion!r}?)"
        if not self.known:
            return text + f"; it holds no {self.name} at all"
        shown = ", ".join(self.known[:SHOWN_KNOWN_VALUES])
        more = f", ... ({len(self.known) - SHOWN_KNOWN_VALUES:,} more)" if len(self.known) > SHOWN_KNOWN_VALUES else ""
        return text + f"; it holds {len(self.known):,} value{'s' if len(self.known) > 1 else ''}: {shown}{more}"


class UnknownFilterValue(ValueError):
    """A filter names a value the store does not hold, so every figure would be zero.

    `unknown` lists each such value with the values the store holds. Load with `strict=False`
    (load_snapshot, metrics_from_store) to get the zeros anyway.
    """

    def __init__(self, unknown: list[UnknownValue]) -> None:
        self.unknown = tuple(unknown)
        super().__init__("; and ".join(value.describe() for value in unknown)
                         + " (pass strict=False to load the empty selection anyway)")


def store_filter_values(con: duckdb.DuckDBPyConnection, names: list[str] | tuple[str, ...],
                        scope: Filters = Filters()) -> dict[str, list[str]]:
    """The values the store behind `con` holds for each filter of `names`, sorted (metrics/filter_values),
    only those within the scope of `scope` (its brands and accounts; its filters aside)."""
    held: dict[str, list[str]] = {name: [] for name in names}
    if names:
        parameters = {"filters": list(names), **{name: scope.parameters()[name] for name in SCOPE_COLUMNS}}
        for name, value in con.execute(load_query("metrics/filter_values"), parameters).fetchall():
            held[name].append(value)
    return held


def unknown_filter_values(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[UnknownValue]:
    """The filter values the store does not hold, after normalisation (an alias, case and spaces).

    Reads only the filters that are set: nothing when none is. Within a scope, a value outside it
    is one the store does not hold, and the values listed are the scope's.
    """
    normal = filters.normalised()
    active = [name for name in FILTER_COLUMNS if getattr(normal, name) is not None]
    held = store_filter_values(con, active, filters)
    return [UnknownValue(name, getattr(filters, name), getattr(normal, name), tuple(held[name]))
            for name in active if getattr(normal, name) not in held[name]]


def check_filter_values(con: duckdb.DuckDBPyConnection, filters: Filters) -> None:
    """Raise UnknownFilterValue when a filter names a value the store does not hold."""
    if unknown := unknown_filter_values(con, filters):
        raise UnknownFilterValue(unknown)
