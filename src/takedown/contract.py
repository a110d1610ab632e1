"""The data contract of SPEC section 1 in code: the four export kinds, their columns and enums.

Everything that validates or normalises an export reads its rules from here, so the contract is
written once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

ColumnType = Literal["text", "url", "enum", "decimal", "integer", "number", "timestamp", "date",
                     "currency", "country"]

KINDS = ("listings", "complaints", "outcomes", "ip_rights")
# Not an export: the report's escalations workbook, filled in during the call and loaded back.
RECORD_KINDS = ("escalations",)

# --- enumerations: canonical value -> accepted aliases (matched after normalise_enum_value) ---

PLATFORMS: dict[str, tuple[str, ...]] = {
    "alibaba": ("alibaba.com", "www.alibaba.com"),
    "aliexpress": ("aliexpress.com", "www.aliexpress.com", "ali_express"),
    "taobao": ("淘宝", "淘宝网", "taobao.com", "www.taobao.com", "world.taobao.com"),
    "tmall": ("天猫", "tmall.com", "www.tmall.com"),
    "tmall_global": ("tmall global", "天猫国际", "tmall.hk", "www.tmall.hk"),
    "1688": ("1688.com", "www.1688.com"),
    "lazada": ("lazada.com", "lazada.com.my", "lazada.sg", "lazada.co.th", "lazada.co.id",
               "lazada.com.ph", "lazada.vn"),
}

INFRINGEMENT_TYPES: dict[str, tuple[str, ...]] = {
    "counterfeit": (), "lookalike": ("look_alike",), "trademark_misuse": (), "copyright": (),
    "design": (), "patent": (),
}
ENFORCEMENT_TYPES: dict[str, tuple[str, ...]] = {
    "listing": ("product listing", "product"),
    "storefront": ("store front", "store"),
}
IPR_TYPES: dict[str, tuple[str, ...]] = {
    "trademark": (), "copyright": (), "patent": (), "design": ("design right",),
}
EVENTS: dict[str, tuple[str, ...]] = {
    "counter_notice": ("counter notice", "counter-notified", "counter_notified"),
    "counter_notice_rejected": (),
    "counter_notice_accepted": (),
    "removed": ("taken down", "takedown"),
    "rejected": (),
    "restored": (),
    "withdrawn": (),
}
IPP_STATUSES: dict[str, tuple[str, ...]] = {"pending": (), "verified": (), "rejected": ()}

# Tie order of events on the same occurred_at: the later in this tuple wins (SPEC 3).
EVENT_TIE_ORDER = ("counter_notice", "counter_notice_rejected", "counter_notice_accepted",
                   "withdrawn", "rejected", "removed", "restored")

STATUS_OF_EVENT = {
    "counter_notice": "counter_noticed",
    "counter_notice_rejected": "counter_noticed",
    "counter_notice_accepted": "withdrawn",
    "withdrawn": "withdrawn",
    "removed": "removed",
    "rejected": "rejected",
    "restored": "restored",
}

# A decimal column (price) is stored as DECIMAL(PRECISION, SCALE): 28 digits before the point hold
# any price in any currency (the largest, in the weakest currencies, stay below 10^15), and 10 after
# it hold every minor unit and crypto-style sub-unit an export writes. A value with more digits is
# quarantined (rule decimal_precision), never rounded.
DECIMAL_PRECISION = 38
DECIMAL_SCALE = 10

_SEPARATORS = re.compile(r"[\s\-]+")


def normalise_name(name: str) -> str:
    """Header matching: trim, lower-case, spaces and hyphens to underscores (`Complaint ID` -> complaint_id)."""
    return _SEPARATORS.sub("_", name.strip().lower().lstrip("\ufeff"))


def normalise_enum_value(value: str) -> str:
    """Enum matching: trim, lower-case, runs of spaces/hyphens to one underscore."""
    return _SEPARATORS.sub("_", value.strip().lower())


def alias_table(enum: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every accepted spelling (normalised) -> canonical value."""
    table: dict[str, str] = {}
    for canonical, aliases in enum.items():
        table[normalise_enum_value(canonical)] = canonical
        for alias in aliases:
            table[normalise_enum_value(alias)] = canonical
    return table


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 alphabetic codes."""
    import pycountry

    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes."""
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries)


@dataclass(frozen=True)
class Column:
    """One column of an export kind."""

    name: str
    type: ColumnType = "text"
    required: bool = False
    # Required only when another column has a value (or a given value): (column, value or None).
    required_when: tuple[str, str | None] | None = None
    enum: dict[str, tuple[str, ...]] | None = None
    minimum: float | None = None
    maximum: float | None = None
    untrusted: bool = False
    # A timestamp that cannot come before another timestamp column of the same row.
    not_before: str | None = None


@dataclass(frozen=True)
class Kind:
    """One export kind: its columns, key and the table it loads into."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Columns whose presence in a header identifies the kind.
    signature: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


# Not duplicates: each Kind below is one file type's column table (data); the shared logic is Kind's.
LISTINGS = Kind(
    name="listings",
    table="listings",
    key=("platform", "listing_id"),
    signature=("listing_id", "url", "detected_at"),
    columns=(
        Column("platform", "enum", required=True, enum=PLATFORMS),
        Column("listing_id", required=True),
        Column("url", "url", required=True),
        Column("title", untrusted=True),
        Column("seller_id", required=True),
        Column("seller_name", untrusted=True),
        Column("brand", required=True),
        Column("infringement_type", "enum", required=True, enum=INFRINGEMENT_TYPES),
        Column("price", "decimal", minimum=0),
        Column("currency", "currency", required_when=("price", None)),
        Column("units_sold", "integer", minimum=0),
        Column("seller_country", "country"),
        Column("risk_score", "number", minimum=0, maximum=100),
        Column("detected_at", "timestamp", required=True),
        Column("source"),
    ),
)

COMPLAINTS = Kind(
    name="complaints",
    table="complaint_items",
    key=("complaint_id", "listing_id"),
    signature=("complaint_id", "submitted_at", "account"),
    columns=(
        Column("complaint_id", required=True),
        Column("platform", "enum", required=True, enum=PLATFORMS),
        Column("listing_id", required_when=("enforcement_type", "listing")),
        Column("seller_id", required=True),
        Column("enforcement_type", "enum", required=True, enum=ENFORCEMENT_TYPES),
        Column("ipr_type", "enum", required=True, enum=IPR_TYPES),
        Column("ipr_registration"),
        Column("reason", required=True),
        Column("account", required=True),
        Column("submitted_at", "timestamp", required=True),
        Column("status", "enum", enum=EVENTS),
        Column("status_at", "timestamp", required_when=("status", None), not_before="submitted_at"),
    ),
)

OUTCOMES = Kind(
    name="outcomes",
    table="outcome_events",
    key=("complaint_id", "listing_id", "event", "occurred_at"),
    signature=("complaint_id", "event", "occurred_at"),
    columns=(
        Column("complaint_id", required=True),
        Column("listing_id"),
        Column("event", "enum", required=True, enum=EVENTS),
        Column("occurred_at", "timestamp", required=True),
        Column("detail", untrusted=True),
    ),
)

IP_RIGHTS = Kind(
    name="ip_rights",
    table="ip_rights",
    key=("registration",),
    signature=("registration", "ipr_type", "brand"),
    columns=(
        Column("registration", required=True),
        Column("ipr_type", "enum", required=True, enum=IPR_TYPES),
        Column("brand", required=True),
        Column("jurisdiction"),
        Column("registrant"),
        Column("goods_classes"),
        Column("expires_on", "date"),
        Column("ipp_status", "enum", enum=IPP_STATUSES),
    ),
)

# --- the call's escalations (SPEC 4): the filled escalations.xlsx, loaded back -----------------------

# What the call decided about an escalation. open: not yet answered (a blank state is open);
# in_progress: the platform is on it (waiting on a review, a follow-up is booked); resolved: done;
# dropped: the brand let it go. Only open and in_progress escalations are carried to the next call.
ESCALATION_STATES: dict[str, tuple[str, ...]] = {
    "open": (), "in_progress": ("in progress", "waiting", "pending"), "resolved": ("done", "closed"),
    "dropped": (),
}
UNRESOLVED_STATES = ("open", "in_progress")
# Each escalation kind (one per sheet of escalations.xlsx) and the columns its id is made from.
ESCALATION_KEYS: dict[str, tuple[str, ...]] = {
    "rejected_to_contest": ("complaint_id", "listing_id"),
    "missed_response": ("complaint_id", "listing_id"),
    "restored_after_removal": ("complaint_id", "listing_id"),
    "pending_too_long": ("complaint_id", "listing_id"),
    "storefront_action": ("platform", "seller_id"),
    "good_faith_risk": ("account", "reason"),
}
ESCALATION_KINDS: dict[str, tuple[str, ...]] = {kind: () for kind in ESCALATION_KEYS}
# Every column an escalation id may be made from, in the order they are hashed.
ESCALATION_KEY_COLUMNS = ("complaint_id", "listing_id", "platform", "seller_id", "account", "reason")
ESCALATION_ID_PREFIX = "ESC-"
# Joins an escalation's kind and key before hashing: a character no id, account or reason holds.
ESCALATION_KEY_SEPARATOR = "\x1f"


def escalation_id(kind: str, values: dict[str, str | None]) -> str:
    """The stable id of an escalation: `ESC-` and 12 hex digits of the SHA-256 of its kind and its key
    columns (ESCALATION_KEYS; blank and missing are the same), so next month's report gives the same
    escalation the same id, and an id typed by hand that is not its row's is caught."""
    parts = [kind, *((values.get(column) or "").strip() for column in ESCALATION_KEYS[kind])]
    return escalation_id_of_text(ESCALATION_KEY_SEPARATOR.join(parts))


def escalation_id_of_text(text: str) -> str:
    """The escalation id of an escalation's kind and key already joined by ESCALATION_KEY_SEPARATOR."""
    return ESCALATION_ID_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12].upper()


ESCALATIONS = Kind(
    name="escalations",
    table="escalation_log",
    key=("escalation_id",),
    signature=("escalation_id", "escalation_kind", "state"),
    columns=(
        Column("escalation_id", required=True),
        Column("escalation_kind", "enum", required=True, enum=ESCALATION_KINDS),
        # The call whose workbook this is (YYYY-MM), and the call that first raised the escalation.
        Column("call_month", required=True),
        Column("first_call_month"),
        Column("complaint_id"),
        Column("listing_id"),
        Column("platform", "enum", enum=PLATFORMS),
        Column("seller_id"),
        Column("account"),
        Column("reason"),
        Column("platform_response", untrusted=True),
        Column("agreed_action", untrusted=True),
        Column("follow_up_date", "date"),
        Column("state", "enum", enum=ESCALATION_STATES),
    ),
)

KIND_BY_NAME: dict[str, Kind] = {kind.name: kind for kind in (LISTINGS, COMPLAINTS, OUTCOMES, IP_RIGHTS, ESCALATIONS)}
