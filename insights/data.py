"""What the report reads from the ticket store, gathered once per report.

Only read-only store methods are used; nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailer import MailParseError, parse_mail, split_reply
from triage import Ticket, TicketStore

# Outgoing mail that responds to the customer (an acknowledgment only confirms receipt).
RESPONDING_KINDS = ("answer", "clarification", "reply", "deferral", "rejection")
AGENT_KINDS = ("reply", "deferral", "rejection")
_EVENT_KINDS = ("status_changed", "feedback", "links_suggested", "agent_replied")


@dataclass(frozen=True)
class FirstDecision:
    """A ticket's first decision: what the desk did with the customer's question."""

    ticket_id: int
    number: str
    at: str
    outcome: str
    reasons: list[dict[str, Any]]
    subject: str
    text: str  # the customer's own words of the first mail (no quotes, no signature)
    category: str
    intent: str  # predicted at intake (a later correction by an agent wins)

    def reason_codes(self) -> set[str]:
        return {str(r.get("code")) for r in self.reasons}

    def candidates(self) -> list[tuple[str, float]]:
        """The documentation links considered for this question, with their scores."""
        return [
            (str(r["link"]), float(r.get("score", 0.0)))
            for r in self.reasons
            if r.get("code") == "doc_candidate"
        ]

    def probability(self) -> float | None:
        for reason in self.reasons:
            if "probability" in reason:
                return float(reason["probability"])
        return None


@dataclass
class ReportData:
    since: str
    until: str
    tickets: dict[int, Ticket]
    first: dict[int, FirstDecision]
    decisions: list[dict[str, Any]]
    events: dict[int, list[dict[str, Any]]]
    outbox: dict[int, list[dict[str, Any]]]
    feedback: list[dict[str, Any]]
    agent_answers: dict[int, list[str]]  # ticket id → what agents wrote, in order


def _intent(reasons: list[dict[str, Any]], fallback: str | None) -> str:
    for reason in reasons:
        if reason.get("code") == "classified":
            return str(reason.get("intent") or "")
    return fallback or ""


def load_report_data(store: TicketStore, since: datetime, until: datetime) -> ReportData:
    """Everything the report needs about tickets created in [since, until)."""
    start, end = since.isoformat(timespec="seconds"), until.isoformat(timespec="seconds")
    tickets = {t.id: t for t in store.list_tickets() if start <= t.created_at < end}
    first: dict[int, FirstDecision] = {}
    for row in store.first_decisions(start):
        ticket = tickets.get(int(row["ticket_id"]))
        if ticket is None:
            continue
        text = split_reply(row["body_text"]).new_text
        first[ticket.id] = FirstDecision(
            ticket.id,
            ticket.number,
            str(row["created_at"]),
            str(row["outcome"]),
            row["reasons"],
            str(row["subject"] or ""),
            text,
            ticket.category or "",
            ticket.intent or _intent(row["reasons"], None),
        )
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for event in store.events_of(_EVENT_KINDS, start):
        if event["ticket_id"] in tickets:
            events[int(event["ticket_id"])].append(event)
    outbox: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for mail in store.outbox_log(start):
        if mail["ticket_id"] in tickets:
            outbox[int(mail["ticket_id"])].append(mail)
    decisions = [d for d in store.all_decisions(start) if d["ticket_id"] in tickets]
    feedback = [f for f in store.feedback() if f["ticket_id"] in tickets and f["at"] < end]
    answers = {
        ticket_id: [agent_comment(m.raw) for m in store.outbox(ticket_id) if m.kind == "reply"]
        for ticket_id, mails in outbox.items()
        if any(m["kind"] == "reply" for m in mails)
    }
    return ReportData(
        start, end, tickets, first, decisions, dict(events), dict(outbox), feedback, answers
    )


def agent_comment(raw: bytes) -> str:
    """What the agent wrote in a reply mail, without the template's greeting and footer."""
    try:
        text = parse_mail(raw).text
    except MailParseError:
        return ""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    kept = []
    for paragraph in paragraphs[1:]:  # the first is the template's greeting
        if paragraph.startswith(("При дальнейшей переписке", "Please keep", "--")):
            break
        kept.append(paragraph)
    return "\n\n".join(kept)
