"""What the desk does with one incoming mail, decided once from everything known.

The decision is pure: it reads the evidence gathered by earlier stages
(threading, machine-mail markers, documentation matches, predicted intent) and
returns an outcome with all its reasons. Storing and sending happen afterwards,
in one place, so an agent can always see why.

Outcomes, in order of precedence: machine mail (ignore / record), follow-up
(a reply to a clarification request is re-checked with the whole thread),
answer from the documentation (confident how-to questions), clarify (a problem
report missing required items; every missing item is listed at once),
escalate (everything else).

Which requests need the full checklist: problem reports. A how-to question is
answered from the documentation or escalated as it is; feature requests and
other mail go to an agent without a checklist, because asking for an INN and
screenshots of a question would only delay it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from faq_index import SearchHit
from triage.classify import Prediction
from triage.rules import Finding
from triage.settings import DecisionSettings
from triage.store import STATUS_AWAITING_CLARIFICATION


class Outcome(StrEnum):
    IGNORE = "ignore"
    RECORD = "record"
    FOLLOW_UP = "follow_up"
    ANSWER = "answer"
    CLARIFY = "clarify"
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
    answer_probability: float | None = None
    probability_threshold: float | None = None
    retrieval_signals: dict[str, float] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    ticket_status: str | None = None
    foreign_ticket: str | None = None  # named by the mail, but the sender may not join it
    encrypted: str = ""  # "S/MIME" or "OpenPGP": the mail's text cannot be read
    rude: tuple[str, ...] = ()  # obscene or insulting words in the customer's own text (P2)

    @property
    def missing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking and not f.satisfied)


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    links: tuple[SearchHit, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def missing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking and not f.satisfied)

    @property
    def notices(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocking and not f.satisfied)

    def summary(self) -> str:
        """One line of why, for tables and logs."""
        parts = []
        for reason in self.reasons:
            data = reason.data
            if reason.code == "classified":
                parts.append(f"{data['intent']} {data['intent_confidence']:.2f}")
            elif "probability" in data:
                parts.append(f"p={data['probability']:.3f} (answer at {data['threshold']:.3f})")
            elif reason.code in ("incomplete_report", "still_incomplete"):
                parts.append("missing " + ", ".join(f.code for f in self.missing))
            elif reason.code == "automatic_mail":
                parts.append(f"automatic: {reason.detail}")
            else:
                parts.append(reason.code.replace("_", " "))
        parts += [f"note: {f.code}" for f in self.notices]
        return "; ".join(parts)

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
    if evidence.encrypted:
        return _unreadable(evidence, thread)
    if evidence.ticket_number is not None:
        if evidence.ticket_status == STATUS_AWAITING_CLARIFICATION:
            return _recheck(evidence, thread)
        return Decision(
            Outcome.FOLLOW_UP, (thread, _rude(evidence)) if evidence.rude else (thread,)
        )
    return _new_request(evidence, settings)


def _unreadable(evidence: Evidence, thread: Reason) -> Decision:
    """An encrypted mail: the one thing to ask for is the same mail, not encrypted (the
    desk holds no key; every other rule would only report an empty mail)."""
    readable = Finding(
        "readable",
        False,
        f"{evidence.encrypted}-encrypted mail: unreadable without the recipient's key",
        "обращение в незашифрованном письме: зашифрованное письмо мы не можем прочитать "
        "(электронная подпись письма не мешает, её можно оставить)",
    )
    reason = Reason("encrypted", f"{evidence.encrypted}-encrypted: the customer is asked to resend")
    if evidence.ticket_number is None or evidence.ticket_status == STATUS_AWAITING_CLARIFICATION:
        reasons = (thread, reason) if evidence.ticket_number else (reason,)
        return Decision(Outcome.CLARIFY, reasons, findings=(readable,))
    # A ticket being worked stays with its agent; the customer is still told to resend.
    return Decision(Outcome.FOLLOW_UP, (thread, reason), findings=(readable,))


def _rude(evidence: Evidence) -> Reason:
    shown = ", ".join(f"«{word}»" for word in evidence.rude[:5])
    return Reason(
        "rude_language",
        f"obscene or insulting words ({shown}): a person answers, or refuses (P2)",
        {"words": list(evidence.rude)},
    )


def _recheck(evidence: Evidence, thread: Reason) -> Decision:
    """The customer answered a clarification request: is the request complete now?"""
    if evidence.rude:
        return Decision(Outcome.ESCALATE, (thread, _rude(evidence)), findings=evidence.findings)
    if evidence.missing:
        codes = ", ".join(f.code for f in evidence.missing)
        reason = Reason("still_incomplete", f"still missing: {codes}")
        return Decision(Outcome.CLARIFY, (thread, reason), findings=evidence.findings)
    reason = Reason("clarified", "every required item is now in the thread")
    return Decision(Outcome.ESCALATE, (thread, reason), findings=evidence.findings)


def _new_request(evidence: Evidence, settings: DecisionSettings) -> Decision:
    prediction = evidence.prediction
    reasons: list[Reason] = []
    if evidence.foreign_ticket:
        reasons.append(
            Reason(
                "foreign_thread",
                f"names {evidence.foreign_ticket}, but the sender is not a participant "
                "nor of the same organisation: a new ticket, linked to it",
                {"ticket": evidence.foreign_ticket},
            )
        )
    if prediction is not None:
        reasons.append(_classified(prediction))
    if not evidence.index_available:
        reasons.append(Reason("index_unavailable", "no documentation index loaded"))
    candidates = evidence.hits[: settings.max_links]
    findings = evidence.findings

    def outcome(kind: Outcome, reason: Reason, links: tuple[SearchHit, ...] = ()) -> Decision:
        return Decision(kind, (*reasons, reason), links or candidates, findings)

    if evidence.rude:  # never answered nor sent back by the bot
        return outcome(Outcome.ESCALATE, _rude(evidence))
    if prediction is None:
        return outcome(
            Outcome.ESCALATE, Reason("intent_unknown", "no classifier loaded; a person decides")
        )
    sure = prediction.intent_confidence >= settings.min_intent_confidence
    if prediction.intent == "problem" and sure and evidence.missing:
        codes = ", ".join(f.code for f in evidence.missing)
        return outcome(
            Outcome.CLARIFY, Reason("incomplete_report", f"problem report missing: {codes}")
        )
    if prediction.intent != "how_to" or not sure:
        return outcome(
            Outcome.ESCALATE,
            Reason(
                "not_a_question",
                f"intent {prediction.intent} ({prediction.intent_confidence:.2f}): "
                "a person handles it",
                {"min_intent_confidence": settings.min_intent_confidence},
            ),
        )
    if not evidence.hits:
        return outcome(
            Outcome.ESCALATE, Reason("no_doc_match", "no documentation section matches the mail")
        )
    top = evidence.hits[0]
    probability = evidence.answer_probability
    threshold = (
        settings.min_answer_probability
        if settings.min_answer_probability >= 0
        else evidence.probability_threshold
    )
    if probability is None or threshold is None:
        return outcome(
            Outcome.ESCALATE,
            Reason("uncalibrated", "no fitted answer confidence (`triage fit`): not answering"),
        )
    data = {
        "probability": round(probability, 3),
        "threshold": round(threshold, 3),
        "top_score": round(top.score, 4),
        **{name: round(value, 4) for name, value in evidence.retrieval_signals.items()},
    }
    if probability < threshold:
        return outcome(
            Outcome.ESCALATE,
            Reason(
                "low_confidence",
                f"answer probability {probability:.2f} below {threshold:.2f}",
                data,
            ),
        )
    links = near_best(candidates, settings.link_score_ratio)
    return outcome(
        Outcome.ANSWER,
        Reason("confident_doc_match", f"answered from {top.link} (p={probability:.2f})", data),
        links,
    )


def near_best(hits: tuple[SearchHit, ...], ratio: float) -> tuple[SearchHit, ...]:
    """The hits scoring at least ``ratio`` of the first one's: an answer's or a
    suggestion's links, none far below the best."""
    if not hits:
        return ()
    return tuple(hit for hit in hits if hit.score >= hits[0].score * ratio)


def _classified(prediction: Prediction) -> Reason:
    return Reason(
        "classified",
        f"{prediction.category} / {prediction.intent}",
        {
            "category": prediction.category,
            "category_confidence": round(prediction.category_confidence, 3),
            "intent": prediction.intent,
            "intent_confidence": round(prediction.intent_confidence, 3),
        },
    )
