"""What every policy rule reads and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class AttachedFile:
    filename: str
    real_type: str
    size: int
    members: tuple[tuple[str, str], ...] = ()  # (name, real type) inside an archive
    inline: bool = False  # shown in the mail's body (a pasted screenshot, a signature's logo)
    dimensions: tuple[int, int] | None = None  # width, height in pixels, when known


@dataclass(frozen=True)
class RequestContent:
    """The customer's side of a ticket so far: rules read the whole thread."""

    subject: str
    texts: tuple[str, ...]
    attachments: tuple[AttachedFile, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join((self.subject, *self.texts))


@dataclass(frozen=True)
class Finding:
    """One rule's verdict: ``satisfied`` or not, why (for agents) and what to ask (Russian)."""

    code: str
    satisfied: bool
    detail: str
    request_ru: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    blocking: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "satisfied": self.satisfied,
            "blocking": self.blocking,
            "detail": self.detail,
            "request_ru": self.request_ru,
            **self.data,
        }


@dataclass(frozen=True)
class PolicySettingsView:
    """The parts of the policy configuration rules need."""

    editions: tuple[str, ...]
    current_version: str
    minimum_supported_version: str


class Rule(Protocol):
    name: str
    description: str

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]: ...
