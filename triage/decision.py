"""What the desk does with one incoming mail, decided once from everything known.

The decision is pure: it reads the evidence gathered by earlier stages
(threading, machine-mail markers, documentation matches, predicted intent) and
returns an outcome with all its reasons. Storing and sending happen afterwards,
in one place, so an agent can always see why.

Outcomes, in order of precedence: machine mail (ignore / record), follow-up,
answer from the documentation, escalate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from faq_index import SearchHit
from triage.classify import Prediction
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
class Evidence:
    """Everything the earlier stages learned about one mail."""

    ticket_number: str | None = None
    matched_by: str = ""
    automatic: tuple[str, ...] = ()
    hits: tuple[SearchHit, ...] = ()
    prediction: Prediction | None = None
    index_available: bool = True


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    links: tuple[SearchHit, ...] = ()

    @property
    def top_score(self) -> float:
        return self.links[0].score if self.links else 0.0


def decide(evidence: Evidence, settings: DecisionSettings) -> Decision:
    thread = Reason("thread_match", f"joins {evidence.ticket_number} ({evidence.matched_by})")
    if evidence.automatic:
        reason = Reason("automatic_mail", "; ".join(evidence.automatic))
        if evidence.ticket_number is None:
            return Decision(Outcome.IGNORE, (reason,))
        return Decision(Outcome.RECORD, (reason, thread))
    if evidence.ticket_number is not None:
        return Decision(Outcome.FOLLOW_UP, (thread,))
    return _new_request(evidence, settings)


def _new_request(evidence: Evidence, settings: DecisionSettings) -> Decision:
    reasons: list[Reason] = []
    prediction = evidence.prediction
    if prediction is not None:
        reasons.append(
            Reason(
                "classified",
                f"{prediction.category} / {prediction.intent}",
                {
                    "category": prediction.category,
                    "category_confidence": round(prediction.category_confidence, 3),
                    "intent": prediction.intent,
                    "intent_confidence": round(prediction.intent_confidence, 3),
                },
            )
        )
    hits = evidence.hits
    if not evidence.index_available:
        reasons.append(Reason("index_unavailable", "no documentation index loaded"))
    if not hits:
        reasons.append(Reason("no_doc_match", "no documentation section matches the mail"))
        return Decision(Outcome.ESCALATE, tuple(reasons))
    top = hits[0]
    candidates = tuple(hits[: settings.max_links])
    scores = {"top_score": round(top.score, 4), "threshold": settings.answer_threshold}
    if prediction is None:
        reasons.append(Reason("intent_unknown", "no classifier loaded; not answering blindly"))
        return Decision(Outcome.ESCALATE, tuple(reasons), candidates)
    if (
        prediction.intent != "how_to"
        or prediction.intent_confidence < settings.min_intent_confidence
    ):
        reasons.append(
            Reason(
                "not_a_question",
                f"intent {prediction.intent} ({prediction.intent_confidence:.2f}): "
                "a person handles it",
                {"min_intent_confidence": settings.min_intent_confidence},
            )
        )
        return Decision(Outcome.ESCALATE, tuple(reasons), candidates)
    if top.score < settings.answer_threshold:
        reasons.append(
            Reason("low_confidence", "best documentation match below the threshold", scores)
        )
        return Decision(Outcome.ESCALATE, tuple(reasons), candidates)
    links = tuple(hit for hit in candidates if hit.score >= top.score * settings.link_score_ratio)
    reasons.append(Reason("confident_doc_match", f"answered from {top.link}", scores))
    return Decision(Outcome.ANSWER, tuple(reasons), links)
