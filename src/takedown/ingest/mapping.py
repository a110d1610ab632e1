"""A vendor's mapping file (TOML): their column names and values onto the contract's.

    kind = "complaints"            # optional: the export kind, as with --kind
    timezone = "Asia/Shanghai"     # optional: the ingest time zone, as with --tz

    [columns]                      # vendor column -> contract column
    "Item ID" = "listing_id"
    "Report Time" = "submitted_at"

    [values.event]                 # vendor value -> contract value, per column
    "Taken down successfully" = "removed"

    [platforms]                    # more platforms, or more aliases of a built-in one: name -> aliases
    shopee = ["shopee.com", "虾皮"]

The rules (each broken one refuses the file, naming it and the key): see load_mapping.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from takedown.contract import KIND_BY_NAME, PLATFORMS, Kind, alias_table, normalise_enum_value, normalise_name

TOP_LEVEL_KEYS = frozenset({"kind", "timezone", "columns", "values", "platforms"})


class MappingError(ValueError):
    """The mapping file is not valid; the message says where."""


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file; the empty mapping changes nothing."""

    columns: dict[str, str] = field(default_factory=dict)  # normalised vendor name -> contract name
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> normalised value -> value
    platforms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kind: str | None = None
    timezone: str | None = None
    path: str | None = None


def load_mapping(path: Path | None) -> Mapping:
    """Read a mapping file; None gives the empty mapping.

    The file says exactly what it does or is refused (MappingError naming the file and the key):
    every target column exists (in the mapping's kind, when it names one), value tables belong to
    enum columns and lead to valid values, aliases are lists of text, and a platform's aliases are
    added to the built-in ones, never replace them nor take another platform's.
    """
    if path is None:
        return Mapping()
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise MappingError(f"{path}: cannot read the mapping file: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise MappingError(f"{path}: not UTF-8 text: {error.reason} at byte {error.start}") from error
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{path}: not valid TOML: {error}") from error
    return _MappingReader(str(path), document).mapping()


class _MappingReader:
    """Checks one parsed mapping file, key by key."""

    def __init__(self, path: str, document: dict[str, Any]) -> None:
        self.path = path
        self.document = document

    def error(self, key: str, message: str) -> MappingError:
        return MappingError(f"{self.path}: {key}: {message}")

    def mapping(self) -> Mapping:
        unknown = set(self.document) - TOP_LEVEL_KEYS
        if unknown:
            raise MappingError(f"{self.path}: unknown keys {sorted(unknown)}; expected some of {sorted(TOP_LEVEL_KEYS)}")
        kind = self.kind()
        kinds = [KIND_BY_NAME[kind]] if kind else list(KIND_BY_NAME.values())
        platforms = self.platforms()
        return Mapping(columns=self.columns(kinds), values=self.values(kinds, platforms), platforms=platforms,
                       kind=kind, timezone=self.timezone(), path=self.path)

    def table(self, key: str, value: object, example: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"must be a table such as {example}, not {_describe(value)}")
        return value

    def text(self, key: str, value: object) -> str:
        if not isinstance(value, str):
            raise self.error(key, f"must be text (in quotes), not {_describe(value)}")
        return value

    def kind(self) -> str | None:
        if "kind" not in self.document:
            return None
        kind = self.text("kind", self.document["kind"])
        if kind not in KIND_BY_NAME:
            raise self.error("kind", f"{kind!r} is not one of {sorted(KIND_BY_NAME)}")
        return kind

    def timezone(self) -> str | None:
        if "timezone" not in self.document:
            return None
        name = self.text("timezone", self.document["timezone"])
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise self.error("timezone", f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") \
                from error
        return name

    def columns(self, kinds: list[Kind]) -> dict[str, str]:
        table = self.table("[columns]", self.document.get("columns", {}), '"Case No" = "complaint_id"')
        known = {name for kind in kinds for name in kind.column_names}
        where = f"the {kinds[0].name} columns" if len(kinds) == 1 else "any export's columns"
        columns: dict[str, str] = {}
        for vendor, target in table.items():
            key = f"[columns] {vendor!r}"
            name = normalise_name(self.text(key, target))
            if name not in known:
                raise self.error(key, f"{target!r} is not one of {where}: {', '.join(sorted(known))}")
            normalised = normalise_name(vendor)
            if normalised in columns and columns[normalised] != name:
                raise self.error(key, f"the same header as another key, mapped to {columns[normalised]!r}")
            columns[normalised] = name
        return columns

    def platforms(self) -> dict[str, tuple[str, ...]]:
        table = self.table("[platforms]", self.document.get("platforms", {}), 'shopee = ["shopee.com"]')
        owner = alias_table(PLATFORMS)  # every spelling taken so far -> its platform
        platforms: dict[str, tuple[str, ...]] = {}
        for raw_name, aliases in table.items():
            key = f"[platforms] {raw_name!r}"
            name = normalise_enum_value(raw_name)
            if not name:
                raise self.error(key, "a platform needs a name")
            if owner.get(name, name) != name:
                raise self.error(key, f"{raw_name!r} is already an alias of the platform {owner[name]!r}")
            if not isinstance(aliases, list):
                raise self.error(key, f"must be a list of aliases such as [\"shopee.com\"], not {_describe(aliases)}")
            owner.setdefault(name, name)
            kept: list[str] = []
            for alias in aliases:
                spelling = normalise_enum_value(self.text(key, alias))
                if not spelling:
                    raise self.error(key, "an alias cannot be empty")
                if owner.get(spelling, name) != name:
                    raise self.error(key, f"alias {alias!r} already belongs to the platform {owner[spelling]!r}")
                owner[spelling] = name
                kept.append(alias)
            platforms[name] = platforms.get(name, ()) + tuple(kept)
        return platforms

    def values(self, kinds: list[Kind], platforms: dict[str, tuple[str, ...]]) -> dict[str, dict[str, str]]:
        table = self.table("[values]", self.document.get("values", {}),
                           '[values.event] "Taken down successfully" = "removed"')
        enums = {column.name: column.enum for kind in kinds for column in kind.columns if column.enum is not None}
        values: dict[str, dict[str, str]] = {}
        for raw_column, spellings in table.items():
            column = normalise_name(raw_column)
            key = f"[values.{raw_column}]"
            if column not in enums:
                raise self.error(key, f"{raw_column!r} is not a column with a fixed list of values; those are "
                                      f"{', '.join(sorted(enums))}")
            enum = enums[column]
            if enum is PLATFORMS:
                enum = extend_platforms(enum, platforms)
            accepted = alias_table(enum)
            entries = self.table(key, spellings, '"Taken down successfully" = "removed"')
            values[column] = {}
            for spelling, target in entries.items():
                entry_key = f"{key} {spelling!r}"
                canonical = accepted.get(normalise_enum_value(self.text(entry_key, target)))
                if canonical is None:
                    raise self.error(entry_key, f"{target!r} is not a value of {column}; expected one of "
                                                f"{', '.join(sorted(enum))}")
                values[column][normalise_enum_value(spelling)] = target
        return values


def extend_platforms(built_in: dict[str, tuple[str, ...]],
                     extra: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The built-in platforms with a mapping's platforms and aliases added (never replacing any)."""
    merged = dict(built_in)
    for name, aliases in extra.items():
        merged[name] = merged.get(name, ()) + aliases
    return merged


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{type(value).__name__} {value!r}"
