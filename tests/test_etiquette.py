"""P2: obscene or insulting words put a mail in front of an agent."""

from __future__ import annotations

import json

import pytest

from desk.intake import IntakeService
from tests.conftest import DATA_DIR
from tests.test_intake import request_message
from triage import TicketStore
from triage.etiquette import rude_words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Вы там идиоты все? Третий день не работает!!!", ["идиоты"]),
        ("бл*ть, опять ничего не грузится", ["бл*ть"]),
        ("п**дец какой-то, по-идиотски сделано", ["п**дец", "идиотски"]),
        ("ПИЗДЕЦ вашей программе", ["пиздец"]),
        ("заебали уже со своими кодами", ["заебали"]),
        ("какого х*я не приходит смс", ["х*я"]),
        ("This is bullshit, fix it", ["bullshit"]),
        ("Сотрудник страхуется, если употреблять ЭП без МЧД? Похудеть бы интерфейсу", []),
        ("ВАШЕ ПРИЛОЖЕНИЕ НЕ РАБОТАЕТ!!! СРОЧНО!!! Безобразие, позор", []),
        ("Едем в Ебург на выездную проверку, Глеб возьмёт ноутбук", []),
    ],
)
def test_rude_words_are_found_and_anger_alone_is_not_rude(text: str, words: list[str]) -> None:
    assert rude_words(text) == words


def test_no_labelled_customer_mail_is_taken_for_rude() -> None:
    """840 requests and 665 questions written as customers write, angry ones included."""
    labelled = DATA_DIR / "labelled"
    rows = [json.loads(line) for line in (labelled / "requests.jsonl").open(encoding="utf-8")]
    rows += [json.loads(line) for line in (labelled / "questions.jsonl").open(encoding="utf-8")]
    texts = [f"{r.get('subject', '')} {r.get('body', r.get('question', ''))}" for r in rows]
    assert len(texts) > 1400
    assert [t for t in texts if rude_words(t)] == []


def test_a_rude_request_is_acknowledged_and_left_to_an_agent(
    bare_desk: tuple[TicketStore, IntakeService],
) -> None:
    store, intake = bare_desk
    text = "Третий день не приходит смс при входе! Когда почините?"
    result = intake.process(request_message(text, "Идиоты, где смс").as_bytes(), "k1")
    ticket = store.find_ticket_number(str(result.ticket_number))
    assert ticket is not None and result.outcome == "escalate"
    [decision] = store.decisions(ticket.id)
    reasons = {r["code"]: r for r in json.loads(decision["reasons"])}
    assert reasons["rude_language"]["words"] == ["идиоты"]
    assert [mail.kind for mail in store.outbox(ticket.id)] == ["acknowledgment"]
