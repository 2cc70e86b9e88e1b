"""P9: credentials are masked before storage, revealed only on a logged action, purged on close."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from desk import services
from desk.actions import close_ticket, reveal_secrets
from desk.config import Config, load_config
from desk.services import with_work_dir
from triage import TriageError
from triage.credentials import mask_credentials


@pytest.mark.parametrize(
    ("text", "masked", "values"),
    [
        ("Временный пароль: Qwerty!2026, логин admin", "пароль: [скрыто: пароль], логин admin",
         ["Qwerty!2026"]),
        ("TeamViewer ID 123 456 789, пароль 7hk2pq", "пароль [скрыто: пароль]", ["7hk2pq"]),
        ("Пароль от сервера БД: Pg_2026!x", "БД: [скрыто: пароль]", ["Pg_2026!x"]),
        ("ключ WA-KORP-7F3K-9QX2-LM4P не активируется", "ключ [скрыто: ключ] не",
         ["WA-KORP-7F3K-9QX2-LM4P"]),
        ("password=hunter22 for admin", "password=[скрыто: пароль]", ["hunter22"]),
        ("Надо сбросить пароль сотруднику Иванову", "сбросить пароль сотруднику", []),
        ("Сотрудник забыл пароль: что делать?", "забыл пароль: что делать?", []),
    ],
)  # fmt: skip
def test_credentials_are_found_and_masked(text: str, masked: str, values: list[str]) -> None:
    result, secrets = mask_credentials(text)
    assert masked in result
    assert [s.value for s in secrets] == values
    assert not any(value in result for value in values)


def request_with_password() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Пётр Кузнецов <p.kuznetsov@client.ru>"
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = "Доступ к серверу для диагностики"
    msg["Message-ID"] = "<cred-1@client.ru>"
    msg.set_content(
        "Добрый день! Даём временный доступ к серверу для диагностики обновления.\n"
        "Логин: wa_support, временный пароль: Tmp#Access2026\n"
        "Лицензионный ключ: WA-KORP-7F3K-9QX2-LM4P\n"
    )
    return msg.as_bytes()


def configured(tmp_path: Path, key: str) -> Config:
    config = with_work_dir(load_config(environ={}), tmp_path)
    return replace(config, store=replace(config.store, secrets_key=key))


def test_credentials_are_stored_masked_revealed_with_a_log_and_purged_on_close(
    tmp_path: Path,
) -> None:
    config = configured(tmp_path, Fernet.generate_key().decode())
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    number = intake.process(request_with_password(), "k1").ticket_number or ""
    ticket = store.ticket(number)
    body = store.messages(ticket.id)[0]["body_text"]
    assert "Tmp#Access2026" not in body and "[скрыто: пароль]" in body
    assert "7F3K" not in body
    database = config.store.database.read_bytes()
    assert b"Tmp#Access2026" not in database and "Tmp#Access2026".encode("utf-16") not in database
    assert store.search_messages("временный доступ")[0]["number"] == number
    assert store.search_messages("Tmp Access2026") == []

    revealed = reveal_secrets(config, store, number, by="agent.ivanova")
    assert revealed == ["password: Tmp#Access2026", "licence_key: WA-KORP-7F3K-9QX2-LM4P"]
    log = [e for e in store.events(ticket.id) if e["kind"] == "secrets_revealed"]
    assert '"by": "agent.ivanova"' in log[0]["detail"]

    assert close_ticket(config, store, number, by="agent.ivanova") == 2
    assert store.ticket(number).status == "closed"
    assert reveal_secrets(config, store, number, by="agent.ivanova") == []
    closure = [m for m in store.outbox(ticket.id) if m.kind == "closure"]
    assert closure and "[" + number + "] Заявка закрыта" in closure[0].subject
    message = email.message_from_bytes(closure[0].raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and "смените эти данные" in body.get_content()


def test_without_a_key_credentials_are_masked_and_not_kept(tmp_path: Path) -> None:
    config = configured(tmp_path, "")
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    number = intake.process(request_with_password(), "k1").ticket_number or ""
    assert store.secret_count(store.ticket(number).id) == 0
    with pytest.raises(TriageError, match="TRIAGE_STORE_SECRETS_KEY"):
        reveal_secrets(config, store, number, by="agent")
