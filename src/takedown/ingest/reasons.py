"""Why a row was quarantined, or a whole file refused."""

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


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; the message says why."""
