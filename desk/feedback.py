"""The customer's verdict on an automatic answer: signed one-click links, or a reply.

Every automatic answer carries three links ("Вопрос решён", and "Не помогло" with its
reason). A link is a signed, expiring token: the signature is the only credential,
so `triage serve` accepts it without a login. The same verdict given by replying to
the answer is recognised by ``detect_verdict``. Either way ``apply_feedback`` records
it with ``TicketStore.record_feedback`` (the gap report reads exactly that) and moves
the ticket: solved → resolved; not helpful → open again, escalated to an agent, with
the SLA deadlines set from the original mail left as they are.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from triage import TicketStore, TriageError
from triage.store import (
    FEEDBACK_NOT_HELPFUL,
    FEEDBACK_REASONS,
    FEEDBACK_SOLVED,
    STATUS_ANSWERED,
    STATUS_OPEN,
)

VIA_LINK = "link"
VIA_MAIL = "mail"
# The three links of an answer mail: (verdict, reason).
LINK_CHOICES = {
    "solved": (FEEDBACK_SOLVED, None),
    "unrelated": (FEEDBACK_NOT_HELPFUL, "unrelated"),
    "not_answered": (FEEDBACK_NOT_HELPFUL, "not_answered"),
}


class FeedbackLinkError(TriageError):
    """A feedback link that is malformed, tampered with or expired."""


@dataclass(frozen=True)
class FeedbackClaim:
    ticket_number: str
    verdict: str
    reason: str | None
    expires: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FeedbackSigner:
    """Signs and checks feedback tokens with HMAC-SHA256 under the web secret key."""

    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise FeedbackLinkError("no TRIAGE_WEB_SECRET_KEY: feedback links cannot be signed")
        self._key = hashlib.sha256(b"feedback-link:" + secret_key.encode()).digest()

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())

    def token(self, ticket_number: str, choice: str, expires: datetime) -> str:
        if choice not in LINK_CHOICES:
            raise FeedbackLinkError(f"unknown feedback choice {choice!r}")
        body = {"t": ticket_number, "c": choice, "e": int(expires.timestamp())}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}"

    def verify(self, token: str, now: datetime | None = None) -> FeedbackClaim:
        payload, _, mac = token.partition(".")
        if not payload or not mac or not hmac.compare_digest(mac, self._mac(payload)):
            raise FeedbackLinkError("the link's signature does not match")
        try:
            body = json.loads(_unb64(payload))
            verdict, reason = LINK_CHOICES[body["c"]]
            expires = datetime.fromtimestamp(int(body["e"]), UTC)
            number = str(body["t"])
        except (ValueError, KeyError, TypeError) as exc:
            raise FeedbackLinkError("the link is malformed") from exc
        if (now or datetime.now(UTC)) > expires:
            raise FeedbackLinkError("the link has expired")
        return FeedbackClaim(number, verdict, reason, expires)


class FeedbackLinks:
    """The URLs an answer mail offers, pointing at `triage serve` (``public_url``)."""

    def __init__(self, secret_key: str, public_url: str, valid_days: float) -> None:
        self.signer = FeedbackSigner(secret_key)
        self.base = public_url.rstrip("/") + "/feedback/"
        self.valid = timedelta(days=valid_days)

    def for_ticket(self, ticket_number: str, now: datetime | None = None) -> dict[str, str]:
        expires = (now or datetime.now(UTC)) + self.valid
        return {
            choice: self.base + quote(self.signer.token(ticket_number, choice, expires))
            for choice in LINK_CHOICES
        }


def answered_links(store: TicketStore, ticket_id: int) -> list[str]:
    """The documentation URLs of the ticket's last automatic answer."""
    answers = [d for d in store.decisions(ticket_id) if d["outcome"] == "answer"]
    if not answers:
        return []
    reasons = json.loads(answers[-1]["reasons"])
    return [str(r["link"]) for r in reasons if r.get("code") == "doc_candidate"]


def apply_feedback(
    store: TicketStore, ticket_number: str, verdict: str, reason: str | None, via: str
) -> str:
    """Record a verdict and move the ticket; returns what happened (for the page).

    ``recorded``: stored and acted on; ``repeated``: the same verdict was already given
    (a second click changes nothing); ``recorded_only``: stored, but the ticket has
    moved on (an agent works it or it is closed), so its state is left alone.
    """
    if reason is not None and reason not in FEEDBACK_REASONS:
        raise TriageError(f"unknown feedback reason {reason!r}")
    ticket = store.ticket(ticket_number)
    if ticket.merged_into is not None:
        ticket = store.ticket_by_id(ticket.merged_into)
    if not answered_links(store, ticket.id):
        raise TriageError(f"{ticket.number} has no automatic answer to give a verdict on")
    previous = [e for e in store.events(ticket.id) if e["kind"] == "feedback"]
    if previous:
        last = json.loads(previous[-1]["detail"])
        if (last["verdict"], last["reason"]) == (verdict, reason):
            return "repeated"
    with store.transaction():
        store.record_feedback(ticket.id, verdict, reason, via, answered_links(store, ticket.id))
        if verdict == FEEDBACK_SOLVED and ticket.status == STATUS_ANSWERED:
            store.set_status(ticket.id, "resolved", f"customer: question solved ({via})")
            return "recorded"
        if verdict == FEEDBACK_NOT_HELPFUL and ticket.status in (STATUS_ANSWERED, "resolved"):
            store.set_status(ticket.id, STATUS_OPEN, f"customer: the answer did not help ({via})")
            store.record_event(
                ticket.id,
                "escalated",
                {"why": f"automatic answer did not help: {reason}", "sla": "from the first mail"},
            )
            return "recorded"
    return "recorded_only"


# -- verdicts given by replying to the answer -------------------------------------------

_NOT_HELPFUL = re.compile(
    r"не\s+помогл|не\s+помога|не\s+решил|не\s+решен|не\s+решён|не\s+ответил|не\s+о\s+том|"
    r"не\s+про\s|не\s+по\s+теме|не\s+то\b|не\s+тот\b|не\s+подходит|"
    r"did\s*n[o’']?t\s+help|does\s*n[o’']?t\s+help|not\s+help|no\s+help|not\s+solved|"
    r"not\s+(?:what|about)|did\s*n[o’']?t\s+answer|does\s*n[o’']?t\s+answer|unrelated",
    re.IGNORECASE,
)
_UNRELATED = re.compile(
    r"не\s+о\s+том|не\s+про\s|не\s+по\s+теме|не\s+то\b|не\s+тот\b|друг\w+\s+вопрос|"
    r"not\s+about|not\s+what\s+i\s+asked|unrelated|different\s+question|wrong\s+topic",
    re.IGNORECASE,
)
_SOLVED = re.compile(
    r"вопрос\s+решён|вопрос\s+решен|\bрешено\b|\bпомогло\b|\bпомогла\b|\bпомогли\b|"
    r"вс[её]\s+получилось|разобрал(?:ся|ась|ись)|заработало|"
    r"\bsolved\b|\bresolved\b|(?:that|it|this)\s+helped|works\s+now|got\s+it\s+working",
    re.IGNORECASE,
)
_MAX_VERDICT_CHARS = 300  # a longer reply is a new message, not a verdict


def detect_verdict(new_text: str) -> tuple[str, str | None] | None:
    """The verdict a short reply to an automatic answer gives, if it gives one.

    "Не помогло" is checked first, since it contains "помогло". A reply that asks
    something (a question mark) or is long is not a "solved": it is read by an agent.
    """
    text = " ".join(new_text.split())
    if not text:
        return None
    if _NOT_HELPFUL.search(text):
        return FEEDBACK_NOT_HELPFUL, "unrelated" if _UNRELATED.search(text) else "not_answered"
    if len(text) <= _MAX_VERDICT_CHARS and "?" not in text and _SOLVED.search(text):
        return FEEDBACK_SOLVED, None
    return None
