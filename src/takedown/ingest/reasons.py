"""Why a row was quarantined."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Reason:
    """One broken rule: the column, the rule's name, the expectation that checked it, a message."""

    column: str
    rule: str
    expectation: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)
