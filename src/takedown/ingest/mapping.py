"""A vendor's mapping file (TOML): their column names and values onto the contract's.

    kind = "complaints"            # optional: the export kind, as with --kind
    timezone = "Asia/Shanghai"     # optional: the ingest time zone, as with --tz

    [columns]                      # vendor column -> contract column
    "Item ID" = "listing_id"
    "Report Time" = "submitted_at"

    [values.event]                 # vendor value -> contract value, per column
    "Taken down successfully" = "removed"

    [platforms]                    # more platforms: name -> aliases
    shopee = ["shopee.com", "虾皮"]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from takedown.contract import KIND_BY_NAME, normalise_enum_value, normalise_name


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
    """Read a mapping file; None gives the empty mapping."""
    if path is None:
        return Mapping()
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise MappingError(f"{path}: cannot read the mapping file: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{path}: not valid TOML: {error}") from error
    known = {"kind", "timezone", "columns", "values", "platforms"}
    unknown = set(document) - known
    if unknown:
        raise MappingError(f"{path}: unknown keys {sorted(unknown)}; expected some of {sorted(known)}")
    kind = document.get("kind")
    if kind is not None and kind not in KIND_BY_NAME:
        raise MappingError(f"{path}: kind {kind!r} is not one of {sorted(KIND_BY_NAME)}")
    columns = {normalise_name(str(k)): normalise_name(str(v)) for k, v in document.get("columns", {}).items()}
    values = {
        normalise_name(column): {normalise_enum_value(str(k)): str(v) for k, v in table.items()}
        for column, table in document.get("values", {}).items()
    }
    platforms = {
        normalise_enum_value(str(name)): tuple(str(alias) for alias in aliases)
        for name, aliases in document.get("platforms", {}).items()
    }
    return Mapping(columns=columns, values=values, platforms=platforms, kind=kind,
                   timezone=document.get("timezone"), path=str(path))
