"""What the desk does with one incoming mail, decided once from everything known.

The decision is pure: it reads the threading result and the documentation
matches and returns an outcome with its reasons; storing and sending happen
afterwards, in one place, so an agent can always see why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from faq_index import SearchHit
from triage.settings import DecisionSettings


class Outcome(StrEnum):
    IGNORE = "ignore"
    RECORD = "record"
    FOLLOW_UP = "follow_up"
    ANSWER = "answer"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class Reason:
    code: str
    detail: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, **self.data}


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    links: tuple[SearchHit, ...] = ()

    @property
    def top_score(self) -> float:
        return self.links[0].score if self.links else 0.0


def decide(
    ticket_number: str | None,
    matched_by: str,
    hits: list[SearchHit],
    settings: DecisionSettings,
    automatic: tuple[str, ...] = (),
) -> Decision:
    """Outcomes in order: machine mail, follow-up, answer, escalate."""
    if automatic:
        reason = Reason("automatic_mail", "; ".join(automatic))
        if ticket_number is None:
            return Decision(Outcome.IGNORE, (reason,))
        return Decision(
            Outcome.RECORD,
            (reason, Reason("thread_match", f"joins {ticket_number} ({matched_by})")),
        )
    if ticket_number is not None:
        return Decision(
            Outcome.FOLLOW_UP,
            (Reason("thread_match", f"joins {ticket_number} ({matched_by})"),),
        )
    if not hits:
        return Decision(
            Outcome.ESCALATE,
            (Reason("no_doc_match", "no documentation section shares terms with the mail"),),
        )
    top = hits[0]
    scores = {"top_score": round(top.score, 4), "threshold": settings.answer_threshold}
    if top.score < settings.answer_threshold:
        return Decision(
            Outcome.ESCALATE,
            (Reason("low_confidence", "best documentation match below the threshold", scores),),
            tuple(hits[: settings.max_links]),
        )
    links = [
        hit
        for hit in hits[: settings.max_links]
        if hit.score >= top.score * settings.link_score_ratio
    ]
    return Decision(
        Outcome.ANSWER,
        (Reason("confident_doc_match", f"answered from {top.link}", scores),),
        tuple(links),
    )
