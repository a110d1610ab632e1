"""Who may see what: the dashboard's access file, checked in one place (no Streamlit import).

An agency serves several brands from one store; each viewer sees only theirs. The access file
(TOML) gives each e-mail address, or each e-mail domain ("@agency.example"), a role and the brands
and IPP accounts it may see ("*": all):

    [viewers."ceo@acme.example"]
    role = "executive"            # executive, analyst or admin
    brands = ["Acme"]             # a list of brand names, or "*"
    accounts = "*"                # a list of IPP accounts, or "*"

    [viewers."@agency.example"]
    role = "admin"
    brands = "*"
    accounts = "*"

An exact address beats its domain; an address with neither sees nothing. The role says what a viewer
may do with their brands' data (ROLE_PERMISSIONS): an executive reads the summary pages (figures,
charts, per-account and per-breakdown tables), an analyst also the rows behind them (drill-downs, the
work-list pages, their own data quality) and every download, an admin also the store-wide data
quality and the audit log. The file is found at `takedown dashboard --access FILE`, else
$TAKEDOWN_ACCESS, else .streamlit/access.toml beside the secrets.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ACCESS_ENV = "TAKEDOWN_ACCESS"
DEFAULT_ACCESS_FILE = Path(".streamlit") / "access.toml"
ROLES = ("executive", "analyst", "admin")
# What a role may do beyond its brands' summary figures:
#   rows: the rows behind a figure (drill-downs) and the pages that are lists of rows (work lists);
#   downloads: a table's CSV and XLSX;
#   store_quality: the Data quality page's store-wide figures (a quarantined row may be any brand's);
#   audit_log: the Audit log page (who saw and downloaded what).
PERMISSIONS = ("rows", "downloads", "store_quality", "audit_log")
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "executive": frozenset(),
    "analyst": frozenset({"rows", "downloads"}),
    "admin": frozenset(PERMISSIONS),
}
# What a role opens, in a line (the sidebar says it to the viewer).
ROLE_SUMMARIES = {"executive": "the summary pages, without the rows behind a figure or downloads",
                  "analyst": "every page of your brands, with the rows behind each figure and downloads",
                  "admin": "everything of your brands, the store-wide data quality and the audit log"}
# The dashboard's pages (by title) that need a permission; every other page is a summary page.
PAGE_PERMISSIONS = {"Action queue": "rows", "Repeat offenders": "rows", "IP portfolio": "rows",
                    "Data quality": "rows", "Audit log": "audit_log"}
ALL = "*"
_KEYS = ("role", "brands", "accounts")


class AccessError(ValueError):
    """An access file that cannot be used (the message names the file and the key)."""


@dataclass(frozen=True)
class Scope:
    """What one viewer may see: a role, and the brands and IPP accounts (sorted tuples; None: all)."""

    role: str
    brands: tuple[str, ...] | None
    accounts: tuple[str, ...] | None

    @property
    def everything(self) -> bool:
        """Whether the scope holds every brand and every account."""
        return self.brands is None and self.accounts is None

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    def may(self, permission: str) -> bool:
        """Whether the role has `permission` (one of PERMISSIONS; a role the file cannot give has none)."""
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}; expected one of {', '.join(PERMISSIONS)}")
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())

    def may_see_page(self, title: str) -> bool:
        """Whether the dashboard page titled `title` is open to the role (PAGE_PERMISSIONS)."""
        return title not in PAGE_PERMISSIONS or self.may(PAGE_PERMISSIONS[title])


@dataclass(frozen=True)
class Access:
    """A valid access file: the scope of each address and of each domain (keys lower-cased)."""

    path: str
    viewers: Mapping[str, Scope]


def access_path(given: str | Path | None = None, cwd: Path | None = None) -> Path | None:
    """The access file to read: `given`, else $TAKEDOWN_ACCESS, else .streamlit/access.toml when it exists."""
    if given:
        return Path(given)
    if os.environ.get(ACCESS_ENV):
        return Path(os.environ[ACCESS_ENV])
    default = (cwd or Path.cwd()) / DEFAULT_ACCESS_FILE
    return default if default.exists() else None


def read_access(path: Path) -> Access:
    """The access file at `path`, validated, or an AccessError naming the file and the first bad key."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AccessError(f"{path}: cannot be read ({error})") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AccessError(f"{path}: not valid TOML ({error})") from error
    return parse_access(data, str(path))


def parse_access(data: Mapping[str, object], path: str = "access file") -> Access:
    """The Access of a parsed access file (see the module's docstring), or an AccessError."""
    unknown = sorted(set(data) - {"viewers"})
    if unknown:
        raise AccessError(f"{path}: unknown key {unknown[0]!r}; the file holds only [viewers.\"ADDRESS\"] tables")
    viewers = data.get("viewers")
    if not isinstance(viewers, Mapping) or not viewers:
        raise AccessError(f"{path}: [viewers] must hold a table per e-mail address or \"@domain\" "
                          "(e.g. [viewers.\"ceo@acme.example\"])")
    scopes: dict[str, Scope] = {}
    for who, entry in viewers.items():
        where = f"{path}: viewers.{who!r}"
        key = who.strip().lower()
        if "@" not in key or key.endswith("@") or " " in key:
            raise AccessError(f"{where}: not an e-mail address or an \"@domain\"")
        if key in scopes:
            raise AccessError(f"{where}: named twice (addresses are compared case-insensitively)")
        if not isinstance(entry, Mapping):
            raise AccessError(f"{where}: must be a table with {', '.join(_KEYS)}")
        extra = sorted(set(entry) - set(_KEYS))
        if extra:
            raise AccessError(f"{where}.{extra[0]}: unknown key; expected {', '.join(_KEYS)}")
        role = entry.get("role")
        if role not in ROLES:
            raise AccessError(f"{where}.role: must be one of {', '.join(ROLES)}")
        scopes[key] = Scope(str(role), _names(entry, "brands", where), _names(entry, "accounts", where))
    return Access(path, scopes)


def _names(entry: Mapping[str, object], key: str, where: str) -> tuple[str, ...] | None:
    value = entry.get(key)
    if value == ALL:
        return None
    if (not isinstance(value, list) or not value
            or not all(isinstance(name, str) and name.strip() for name in value)):
        raise AccessError(f"{where}.{key}: must be \"*\" or a non-empty list of non-empty names")
    return tuple(sorted({name.strip() for name in value}))


def scope_for(email: object, access: Access) -> Scope | None:
    """The scope of `email`: its own entry, else its domain's ("@agency.example"), else None (sees nothing)."""
    address = str(email or "").strip().lower()
    if "@" not in address:
        return None
    if address in access.viewers:
        return access.viewers[address]
    return access.viewers.get("@" + address.rsplit("@", 1)[1])
