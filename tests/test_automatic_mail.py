from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from mailer import automatic_reasons, parse_mail


def mail(sender: str = "user@client.ru", subject: str = "Вопрос", **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = subject
    msg["Message-ID"] = headers.pop("message_id", "<m1@client.ru>")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Текст письма достаточной длины для проверки.")
    return msg.as_bytes()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (mail(Auto_Submitted="auto-replied"), "Auto-Submitted: auto-replied"),
        (mail(Precedence="bulk"), "Precedence: bulk"),
        (mail(X_Autoreply="yes"), "X-Autoreply present"),
        (mail(X_Auto_Response_Suppress="All"), "X-Auto-Response-Suppress: all"),
        (mail(List_Id="<news.client.ru>"), "List-Id present"),
        (mail(X_Loop="support@empldocs.ru"), "carries our own X-Loop marker"),
        (mail(Return_Path="<>"), "null Return-Path"),
        (mail(sender="MAILER-DAEMON@mx.client.ru"), "is a mail robot"),
        (mail(sender="noreply@client.ru"), "is a mail robot"),
        (mail(message_id="<abc@empldocs.ru>"), "Message-ID of our own domain"),
        (mail(X_MS_Exchange_Inbox_Rules_Loop="user@client.ru"), "X-MS-Exchange-Inbox-Rules-Loop"),
    ],
)
def test_machine_written_mail_is_recognised(raw: bytes, expected: str) -> None:
    reasons = automatic_reasons(parse_mail(raw), "empldocs.ru", "support@empldocs.ru")
    assert any(expected in reason for reason in reasons), reasons


def test_a_person_writing_is_not_automatic() -> None:
    raw = mail(Auto_Submitted="no", Precedence="normal")
    assert automatic_reasons(parse_mail(raw), "empldocs.ru", "support@empldocs.ru") == []


def test_auto_responder_answering_our_acknowledgment_gets_no_reply(tmp_path: Path) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    first = intake.process(mail(), "k1")
    assert first.outcome == "escalate"
    assert len(store.outbox()) == 1
    ooo_tagged = mail(
        subject=f"Автоответ: [{first.ticket_number}] Заявка зарегистрирована",
        message_id="<ooo1@client.ru>",
        Auto_Submitted="auto-replied",
    )
    ooo_untagged = mail(
        subject="Я в отпуске до 1 декабря", message_id="<ooo2@client.ru>", X_Autoreply="yes"
    )
    recorded = intake.process(ooo_tagged, "k2")
    ignored = intake.process(ooo_untagged, "k3")
    assert recorded.outcome == "record"
    assert ignored.outcome == "quarantined"
    assert len(store.outbox()) == 1, "no mail may go back to a robot"
    ticket = store.ticket(first.ticket_number or "")
    assert ticket.status == "open"
    assert len(store.messages(ticket.id)) == 2
    assert store.quarantined()[0]["reason"].startswith("automatic mail")
