"""The support lead's numbers, computed from the ticket store's record of what happened.

Definitions (the report states them too):
- a new ticket is one whose first decision answered, clarified or escalated it;
- deflection: the share of new tickets answered automatically from the documentation;
  reopened: of those, the share a customer's reply put back in the queue;
- first response: from the ticket's creation to the first mail that responds (an
  answer, a clarification request, an agent's reply, deferral or rejection; an
  acknowledgment only confirms receipt); for tickets escalated to an agent, also the
  time to the agent's first mail;
- SLA breach: an escalated ticket whose agent's first mail came after its first-response
  deadline (moved by the time it waited for the customer), or that has none and the
  deadline passed before the end of the period;
- clarification rate: the share of new tickets sent back for missing information;
  clarification success: of those, the share whose customer's reply completed the
  request (re-checked and passed to an agent).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from insights.data import AGENT_KINDS, RESPONDING_KINDS, ReportData
from triage.store import STATUS_ANSWERED, STATUS_OPEN

NEW_OUTCOMES = ("answer", "clarify", "escalate")


@dataclass
class Metrics:
    new_tickets: int = 0
    answered: int = 0
    reopened: int = 0
    clarified: int = 0  # sent back for clarification
    clarification_succeeded: int = 0
    clarification_still_incomplete: int = 0
    escalated: int = 0
    sla_eligible: int = 0
    sla_breached: int = 0
    first_response_minutes: list[float] = field(default_factory=list)
    agent_response_minutes: list[float] = field(default_factory=list)
    per_day: dict[str, Counter[str]] = field(default_factory=dict)
    per_category: dict[str, Counter[str]] = field(default_factory=dict)
    breaches_by_plan: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def deflection(self) -> float | None:
        return _share(self.answered, self.new_tickets)

    @property
    def reopened_share(self) -> float | None:
        return _share(self.reopened, self.answered)

    @property
    def clarification_rate(self) -> float | None:
        return _share(self.clarified, self.new_tickets)

    @property
    def clarification_success(self) -> float | None:
        return _share(self.clarification_succeeded, self.clarified)

    @property
    def sla_breach_share(self) -> float | None:
        return _share(self.sla_breached, self.sla_eligible)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _minutes(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60


def compute_metrics(data: ReportData) -> Metrics:
    metrics = Metrics()
    later: dict[int, list[set[str]]] = defaultdict(list)
    seen_first: set[int] = set()
    for decision in data.decisions:
        ticket_id = int(decision["ticket_id"])
        if ticket_id in seen_first:
            later[ticket_id].append({str(r.get("code")) for r in decision["reasons"]})
        seen_first.add(ticket_id)
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    per_category: dict[str, Counter[str]] = defaultdict(Counter)
    plans: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for ticket_id, first in data.first.items():
        if first.outcome not in NEW_OUTCOMES:
            continue
        ticket = data.tickets[ticket_id]
        metrics.new_tickets += 1
        per_day[ticket.created_at[:10]][first.outcome] += 1
        per_category[first.category or "—"][first.outcome] += 1
        mails = data.outbox.get(ticket_id, [])
        responses = [m for m in mails if m["kind"] in RESPONDING_KINDS]
        if responses:
            metrics.first_response_minutes.append(
                _minutes(ticket.created_at, responses[0]["created_at"])
            )
        if first.outcome == "answer":
            metrics.answered += 1
            if any(
                e["kind"] == "status_changed"
                and e["detail"].get("from") == STATUS_ANSWERED
                and e["detail"].get("to") == STATUS_OPEN
                for e in data.events.get(ticket_id, [])
            ):
                metrics.reopened += 1
            continue
        if first.outcome == "clarify":
            metrics.clarified += 1
            codes = [c for decision_codes in later[ticket_id] for c in decision_codes]
            if "clarified" in codes:
                metrics.clarification_succeeded += 1
            elif "still_incomplete" in codes:
                metrics.clarification_still_incomplete += 1
            if "clarified" not in codes:
                continue  # never reached an agent through the clarification
        metrics.escalated += 1
        agent = [m for m in mails if m["kind"] in AGENT_KINDS]
        if agent:
            metrics.agent_response_minutes.append(
                _minutes(ticket.created_at, agent[0]["created_at"])
            )
        due = ticket.first_response_due
        if not due:
            continue
        metrics.sla_eligible += 1
        plan = plans[ticket.sla_plan or "—"]
        plan[0] += 1
        answered_at = agent[0]["created_at"] if agent else None
        deadline = datetime.fromisoformat(due)
        if (answered_at and datetime.fromisoformat(answered_at) > deadline) or (
            not answered_at and deadline < datetime.fromisoformat(data.until)
        ):
            metrics.sla_breached += 1
            plan[1] += 1
    metrics.per_day = dict(sorted(per_day.items()))
    metrics.per_category = dict(sorted(per_category.items(), key=lambda kv: -sum(kv[1].values())))
    metrics.breaches_by_plan = {plan: (n, b) for plan, (n, b) in sorted(plans.items())}
    return metrics
