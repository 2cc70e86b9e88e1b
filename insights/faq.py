"""FAQ candidates: questions customers ask again and again that agents answer well.

A gap cluster becomes a FAQ candidate when at least ``min_good`` of its tickets got a
good agent answer: a single agent reply after which the ticket was resolved (or
closed) without the customer coming back for more. The answer shown is the one most
agents gave, so the documentation team can turn it into a page or an FAQ entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from insights.data import ReportData
from insights.gaps import GapCluster
from insights.masking import mask_personal

GOOD_END = ("resolved", "closed")


@dataclass(frozen=True)
class FaqCandidate:
    cluster: GapCluster
    good_answers: int
    answer: str  # masked
    question: str  # masked, the cluster's most central question


def good_answer(data: ReportData, ticket_id: int) -> str | None:
    """The agent's answer when one reply settled the ticket, else None."""
    answers = data.agent_answers.get(ticket_id, [])
    ticket = data.tickets.get(ticket_id)
    if len(answers) != 1 or ticket is None or ticket.status not in GOOD_END:
        return None
    return answers[0]


def faq_candidates(
    clusters: list[GapCluster], data: ReportData, min_good: int = 2
) -> list[FaqCandidate]:
    found = []
    for cluster in clusters:
        answers = [good_answer(data, q.ticket_id) for q in cluster.questions]
        good = [a for a in answers if a]
        if len(good) < min_good:
            continue
        answer = Counter(good).most_common(1)[0][0]
        found.append(FaqCandidate(cluster, len(good), mask_personal(answer), cluster.examples[0]))
    return sorted(found, key=lambda c: -c.good_answers)
