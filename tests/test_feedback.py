"""The customer's verdict on an automatic answer: signed links, replies, and what each
does to the ticket; recorded through TicketStore.record_feedback (the gap report's input)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from desk import services
from desk.config import Config
from desk.feedback import FeedbackLinkError, FeedbackSigner, detect_verdict
from tests.webui_support import SECRET, mail, seed, web_config
from triage import TicketStore
from webui import create_app
from webui.pages.ticket import outgoing_text

QUESTION = (
    "Коллеги, добрый день.\n\nКак включить обязательную двухфакторку для кадровиков? "
    "Можно через Google Authenticator?\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Спасибо, вопрос решён!", ("solved", None)),
        ("Помогло, спасибо.", ("solved", None)),
        ("Всё получилось, благодарю", ("solved", None)),
        ("Thanks, that helped.", ("solved", None)),
        ("Problem solved, thank you", ("solved", None)),
        ("Не помогло.", ("not_helpful", "not_answered")),
        ("К сожалению, не помогло: пункта нет в меню", ("not_helpful", "not_answered")),
        ("Это не о том, я спрашивал про мобильное приложение", ("not_helpful", "unrelated")),
        ("Ответ не по теме", ("not_helpful", "unrelated")),
        ("It did not help, the menu item is missing", ("not_helpful", "not_answered")),
        ("This is not what I asked about", ("not_helpful", "unrelated")),
        ("Помогло, но как теперь добавить второго руководителя?", None),
        ("Спасибо! " + "Ещё хочу рассказать о нашей настройке. " * 12, None),
        ("Добрый день, пришлите счёт", None),
        ("", None),
    ],
)
def test_a_reply_is_read_as_a_verdict_only_when_it_is_one(
    text: str, expected: tuple[str, str | None] | None
) -> None:
    assert detect_verdict(text) == expected


def test_tokens_are_signed_and_expire() -> None:
    signer = FeedbackSigner(SECRET)
    soon = datetime.now(UTC) + timedelta(days=1)
    token = signer.token("WA-000001", "unrelated", soon)
    claim = signer.verify(token)
    assert (claim.ticket_number, claim.verdict, claim.reason) == (
        "WA-000001", "not_helpful", "unrelated",
    )  # fmt: skip
    payload, mac = token.split(".")
    other = signer.token("WA-000002", "solved", soon).split(".")[0]
    for bad in (f"{other}.{mac}", f"{payload}.{mac[:-2]}xx", payload, "", "a.b"):
        with pytest.raises(FeedbackLinkError):
            signer.verify(bad)
    with pytest.raises(FeedbackLinkError, match="signature"):
        FeedbackSigner("another-secret-key-of-enough-length-000").verify(token)
    with pytest.raises(FeedbackLinkError, match="expired"):
        signer.verify(token, now=soon + timedelta(seconds=1))


@pytest.fixture
def config(indexed_config: Config, tmp_path: Path) -> Config:
    return web_config(indexed_config, tmp_path)


@pytest.fixture
def store(config: Config) -> Iterator[TicketStore]:
    store = services.open_store(config)
    yield store
    store.close()


def answered(config: Config, store: TicketStore, n: int) -> tuple[str, dict[str, str]]:
    """A how-to question the desk answers; its number and the answer's feedback links."""
    msg = mail("Двухфакторка для кадровиков", QUESTION, f"<2fa-{n}@uralpribor.ru>")
    number = seed(config, store, msg, f"k{n}")
    ticket = store.ticket(number)
    assert ticket.status == "answered_automatically"
    answer = store.outbox(ticket.id)[-1]
    text = outgoing_text(answer.raw)
    urls = re.findall(r"http://127\.0\.0\.1:8080/feedback/\S+", text)
    assert len(urls) == 3 and "Вопрос решён" in text and "Не помогло" in text
    return number, dict(zip(("solved", "unrelated", "not_answered"), urls, strict=True))


def test_solved_link_resolves_once_and_records_the_offered_links(
    config: Config, store: TicketStore
) -> None:
    number, links = answered(config, store, 1)
    path = links["solved"].removeprefix("http://127.0.0.1:8080")
    with TestClient(create_app(config)) as client:
        form = client.get(path)
        assert form.status_code == 200 and 'id="feedback-form"' in form.text
        assert store.ticket(number).status == "answered_automatically", "GET changes nothing"
        done = client.post(path)
        assert done.status_code == 200 and "Ваш ответ учтён" in done.text
        again = client.post(path)
        assert "уже был учтён" in again.text
        assert client.post(path[:-3] + "xyz").status_code == 400
    assert store.ticket(number).status == "resolved"
    [verdict] = store.feedback()
    assert verdict["verdict"] == "solved" and verdict["reason"] is None
    assert verdict["via"] == "link" and verdict["ticket"] == number
    assert verdict["links"] and all(link.startswith("https://") for link in verdict["links"])


def test_not_helpful_link_reopens_and_escalates_with_the_original_deadline(
    config: Config, store: TicketStore
) -> None:
    number, links = answered(config, store, 1)
    due = store.ticket(number).first_response_due
    path = links["unrelated"].removeprefix("http://127.0.0.1:8080")
    with TestClient(create_app(config)) as client:
        assert client.post(path).status_code == 200
    ticket = store.ticket(number)
    assert ticket.status == "open" and ticket.first_response_due == due
    assert any(e["kind"] == "escalated" for e in store.events(ticket.id))
    assert [(f["verdict"], f["reason"]) for f in store.feedback()] == [("not_helpful", "unrelated")]
    assert number in [t.number for t in store.queue()]


def test_expired_link_is_refused(config: Config, store: TicketStore) -> None:
    number, _ = answered(config, store, 1)
    past = datetime.now(UTC) - timedelta(minutes=1)
    token = FeedbackSigner(SECRET).token(number, "solved", past)
    with TestClient(create_app(config)) as client:
        response = client.post(f"/feedback/{token}")
    assert response.status_code == 410 and "истёк" in response.text
    assert store.feedback() == [] and store.ticket(number).status == "answered_automatically"


def test_the_verdict_given_by_reply_is_recorded_via_mail(
    config: Config, store: TicketStore
) -> None:
    solved, _ = answered(config, store, 1)
    unhappy, _ = answered(config, store, 2)
    for number, text, n in (
        (solved, "Спасибо, вопрос решён!", 3),
        (unhappy, "Не помогло, ответ не о том.", 4),
    ):
        answer = store.outbox(store.ticket(number).id)[-1]
        reply = mail(
            f"Re: [{number}] Двухфакторка",
            text,
            f"<r{n}@uralpribor.ru>",
            in_reply_to=answer.message_id,
        )
        assert seed(config, store, reply, f"r{n}") == number
    assert store.ticket(solved).status == "resolved"
    assert store.ticket(unhappy).status == "open"
    verdicts = {(f["ticket"], f["verdict"], f["reason"], f["via"]) for f in store.feedback()}
    assert verdicts == {
        (solved, "solved", None, "mail"),
        (unhappy, "not_helpful", "unrelated", "mail"),
    }
