from __future__ import annotations

import pytest

from faq_index import SearchHit, Section
from triage import DecisionSettings, Evidence, Outcome, Prediction, decide
from triage.rules import Finding

SETTINGS = DecisionSettings(max_links=3, link_score_ratio=0.75, min_intent_confidence=0.5)
HOW_TO = Prediction("access_login", 0.9, "how_to", 0.8)
UNSURE = Prediction("access_login", 0.9, "how_to", 0.4)
PROBLEM = Prediction("access_login", 0.9, "problem", 0.8)
MISSING_INN = (Finding("inn", False, "no INN", "ИНН организации"),)
COMPLETE = (Finding("inn", True, "INN 7731386419"),)


def hits(*scores: float) -> tuple[SearchHit, ...]:
    return tuple(
        SearchHit(Section("https://docs.test/p/", f"s{n}", "Раздел", "Стр.", "", "т"), score)
        for n, score in enumerate(scores)
    )


def sure(p: float = 0.97) -> dict[str, float]:
    return {"answer_probability": p, "probability_threshold": 0.9}


@pytest.mark.parametrize(
    ("evidence", "outcome", "links", "codes"),
    [
        (Evidence(automatic=("Auto-Submitted: auto-replied",)), Outcome.IGNORE, 0,
         ["automatic_mail"]),
        (Evidence(ticket_number="WA-000001", automatic=("X-Autoreply present",)), Outcome.RECORD,
         0, ["automatic_mail", "thread_match"]),
        (Evidence(ticket_number="WA-000001", hits=hits(0.9), prediction=HOW_TO),
         Outcome.FOLLOW_UP, 0, ["thread_match"]),
        (Evidence(ticket_number="WA-000001", ticket_status="awaiting_clarification",
                  findings=MISSING_INN), Outcome.CLARIFY, 0, ["thread_match", "still_incomplete"]),
        (Evidence(ticket_number="WA-000001", ticket_status="awaiting_clarification",
                  findings=COMPLETE), Outcome.ESCALATE, 0, ["thread_match", "clarified"]),
        (Evidence(prediction=HOW_TO, **sure()), Outcome.ESCALATE, 0,
         ["classified", "no_doc_match"]),
        (Evidence(hits=hits(0.9), **sure()), Outcome.ESCALATE, 1, ["intent_unknown"]),
        (Evidence(hits=hits(0.9), prediction=PROBLEM, findings=MISSING_INN), Outcome.CLARIFY, 1,
         ["classified", "incomplete_report"]),
        (Evidence(hits=hits(0.9), prediction=PROBLEM, findings=COMPLETE, **sure()),
         Outcome.ESCALATE, 1, ["classified", "not_a_question"]),
        (Evidence(hits=hits(0.9), prediction=HOW_TO, findings=MISSING_INN, **sure()),
         Outcome.ANSWER, 1, ["classified", "confident_doc_match"]),
        (Evidence(hits=hits(0.9), prediction=UNSURE, **sure()), Outcome.ESCALATE, 1,
         ["classified", "not_a_question"]),
        (Evidence(hits=hits(0.9), prediction=HOW_TO), Outcome.ESCALATE, 1,
         ["classified", "uncalibrated"]),
        (Evidence(hits=hits(0.9, 0.1), prediction=HOW_TO, **sure(0.89)), Outcome.ESCALATE, 2,
         ["classified", "low_confidence"]),
        (Evidence(hits=hits(0.6, 0.5, 0.44, 0.4), prediction=HOW_TO, **sure()), Outcome.ANSWER,
         2, ["classified", "confident_doc_match"]),
        (Evidence(hits=hits(0.9), prediction=HOW_TO, rude=("идиоты",), **sure()),
         Outcome.ESCALATE, 1, ["classified", "rude_language"]),
        (Evidence(hits=hits(0.9), prediction=PROBLEM, findings=MISSING_INN, rude=("бл*ть",)),
         Outcome.ESCALATE, 1, ["classified", "rude_language"]),
        (Evidence(ticket_number="WA-000001", ticket_status="awaiting_clarification",
                  findings=MISSING_INN, rude=("заебали",)), Outcome.ESCALATE, 0,
         ["thread_match", "rude_language"]),
        (Evidence(ticket_number="WA-000001", rude=("идиоты",)), Outcome.FOLLOW_UP, 0,
         ["thread_match", "rude_language"]),
        (Evidence(ticket_number="WA-000001", ticket_status="open", encrypted="S/MIME"),
         Outcome.FOLLOW_UP, 0, ["thread_match", "encrypted"]),
        (Evidence(ticket_number="WA-000001", ticket_status="awaiting_clarification",
                  encrypted="OpenPGP"), Outcome.CLARIFY, 0, ["thread_match", "encrypted"]),
    ],
)  # fmt: skip
def test_decision_table(evidence: Evidence, outcome: Outcome, links: int, codes: list[str]) -> None:
    decision = decide(evidence, SETTINGS)
    assert decision.outcome is outcome
    assert len(decision.links) == links
    assert [reason.code for reason in decision.reasons] == codes


def test_configured_probability_overrides_the_fitted_threshold() -> None:
    evidence = Evidence(hits=hits(0.9), prediction=HOW_TO, **sure(0.8))
    assert decide(evidence, SETTINGS).outcome is Outcome.ESCALATE
    lenient = DecisionSettings(min_answer_probability=0.75)
    assert decide(evidence, lenient).outcome is Outcome.ANSWER
