from __future__ import annotations

import pytest

from faq_index import SearchHit, Section
from triage import DecisionSettings, Outcome, decide

SETTINGS = DecisionSettings(answer_threshold=0.3, max_links=3, link_score_ratio=0.75)


def hit(score: float, anchor: str = "a") -> SearchHit:
    section = Section("https://docs.test/p/", anchor, "Раздел", "Страница", "", "текст")
    return SearchHit(section, score)


@pytest.mark.parametrize(
    ("number", "hits", "outcome", "links", "reason"),
    [
        ("WA-000001", [hit(0.9)], Outcome.FOLLOW_UP, 0, "thread_match"),
        (None, [], Outcome.ESCALATE, 0, "no_doc_match"),
        (None, [hit(0.29), hit(0.1)], Outcome.ESCALATE, 2, "low_confidence"),
        (None, [hit(0.3)], Outcome.ANSWER, 1, "confident_doc_match"),
        (None, [hit(0.6), hit(0.5), hit(0.44), hit(0.4)], Outcome.ANSWER, 2, "confident_doc_match"),
    ],
)
def test_decision_table(
    number: str | None, hits: list[SearchHit], outcome: Outcome, links: int, reason: str
) -> None:
    decision = decide(number, "subject tag", hits, SETTINGS)
    assert decision.outcome is outcome
    assert len(decision.links) == links
    assert decision.reasons[0].code == reason
