"""P16: spam is quarantined without an acknowledgment; a released false positive gets one."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from mailer import parse_mail, spam_verdict


def mail(subject: str, body: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Партнёр <news@promo-partner.ru>"
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = subject
    msg["Message-ID"] = headers.pop("message_id", "<s1@promo-partner.ru>")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(
    "headers",
    [
        {"X_Spam_Flag": "YES"},
        {"X_Spam_Status": "Yes, score=12.3 required=5.0 tests=BAYES_99"},
        {"X_Spam": "Yes"},
        {"X_Rspamd_Action": "add header"},
    ],
)
def test_upstream_spam_verdicts_are_honoured(headers: dict[str, str]) -> None:
    verdict = spam_verdict(parse_mail(mail("Предложение", "Добрый день", **headers)))
    assert verdict.is_spam


def test_own_rules_catch_spam_without_upstream_headers() -> None:
    text = "Вы выиграли! Казино онлайн, кредит без справок. Бесплатный вебинар завтра."
    verdict = spam_verdict(parse_mail(mail("ВЫИГРЫШ", text)))
    assert verdict.is_spam and "spam phrases" in verdict.reasons[0]


def test_a_customer_question_is_not_spam() -> None:
    raw = mail("Вопрос", "Как подписать документ УНЭП?", X_Spam_Status="No, score=0.4")
    assert not spam_verdict(parse_mail(raw)).is_spam


def test_spam_is_quarantined_without_reply_and_release_acknowledges_it(tmp_path: Path) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    raw = mail("Не могу войти", "Здравствуйте, не могу войти в кабинет.", X_Spam_Flag="YES")
    assert intake.process(raw, "k1").outcome == "quarantined"
    assert store.list_tickets() == [] and store.outbox() == []
    [entry] = store.quarantined()
    assert entry["reason"].startswith("spam")
    released = intake.release(entry["id"])
    assert released.outcome == "escalate" and released.ticket_number == "WA-000001"
    assert [m.kind for m in store.outbox()] == ["acknowledgment"]
    assert store.quarantined()[0]["released_at"] is not None
    assert intake.release(entry["id"]).outcome == "already_processed"
