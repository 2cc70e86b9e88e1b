"""The ticket lifecycle through real mail: IMAP in, SMTP out, customer answers."""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from desk import services
from desk.config import Config
from tests.conftest import SAMPLE_MAIL_DIR
from tests.servers import SmtpSink
from tests.test_end_to_end import CUSTOMER, PNG, append, poll
from triage import NewMessage, TriageError


def received(sink: SmtpSink, n: int) -> EmailMessage:
    message = email.message_from_bytes(sink.received[n].data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def test_incomplete_problem_report_is_clarified_then_accepted(
    desk_config: Config, smtp_sink: SmtpSink
) -> None:
    report = EmailMessage()
    report["From"] = f"Ольга Петрова <{CUSTOMER}>"
    report["To"] = "support@empldocs.ru"
    report["Subject"] = "Ошибка обмена с 1С"
    report["Message-ID"] = "<report-1@stlogistic.ru>"
    report.set_content(
        "Добрый день!\nПри обмене с 1С:ЗУП выходит ошибка «Не найден сотрудник с табельным "
        "номером 00-000123», обмен останавливается и документы не загружаются.\n"
        "Запускаю обмен вручную, открываю журнал — там та же ошибка.\n\nОльга"
    )
    append(desk_config.imap, report.as_bytes())

    poll(desk_config)

    assert len(smtp_sink.received) == 1
    clarification = received(smtp_sink, 0)
    assert "[WA-000001]" in str(clarification["Subject"])
    assert "Требуется уточнение" in str(clarification["Subject"])
    body = text_of(clarification)
    for asked in ("ИНН организации", "версии продукта", "Редакция продукта", "Скриншоты"):
        assert asked in body
    assert "Пошаговое описание" not in body, "steps were given and must not be asked for"

    answer = EmailMessage()
    answer["From"] = f"Ольга Петрова <{CUSTOMER}>"
    answer["To"] = "support@empldocs.ru"
    answer["Subject"] = f"Re: {clarification['Subject']}"
    answer["Message-ID"] = "<report-2@stlogistic.ru>"
    answer["In-Reply-To"] = str(clarification["Message-ID"])
    answer.set_content(
        "ИНН 7731386419, версия 3.4.1, редакция КОРП. Скриншот приложила.\n\n"
        f"> {body.splitlines()[0]}"
    )
    answer.add_attachment(PNG, maintype="image", subtype="png", filename="ошибка.png")
    append(desk_config.imap, answer.as_bytes())

    poll(desk_config)

    assert len(smtp_sink.received) == 2
    accepted = received(smtp_sink, 1)
    assert "Заявка принята в работу" in str(accepted["Subject"])
    assert accepted["In-Reply-To"] == "<report-2@stlogistic.ru>"
    store = services.open_store(desk_config)
    try:
        ticket = store.ticket("WA-000001")
        assert ticket.status == "open"
        statuses = [e["detail"] for e in store.events(ticket.id) if e["kind"] == "status_changed"]
        assert '"to": "awaiting_clarification"' in statuses[0]
        assert '"to": "open"' in statuses[-1]
        outcomes = [d["outcome"] for d in store.decisions(ticket.id)]
        assert outcomes == ["clarify", "escalate"]
        kinds = [e["kind"] for e in store.events(ticket.id)]
        assert kinds.index("sla_assigned") < kinds.index("sla_paused") < kinds.index("sla_resumed")
        assert ticket.sla_plan == "basic" and ticket.sla_paused_at is None
        assert ticket.sla_reason is not None and "not identified" in ticket.sla_reason
    finally:
        store.close()


def test_explain_shows_the_decision_and_changes_nothing(
    desk_config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desk.cli import main

    store = services.open_store(desk_config)
    store.close()
    database = desk_config.store.database
    before = database.read_bytes()
    mail = tmp_path / "report.eml"
    mail.write_bytes((SAMPLE_MAIL_DIR / "13-payslip-error-500-bare-bmp.eml").read_bytes())
    env = {
        "TRIAGE_STORE_DATABASE": str(database),
        "TRIAGE_INDEX_DIRECTORY": str(desk_config.index.directory),
        "TRIAGE_CLASSIFIER_MODEL_DIR": str(desk_config.classifier.model_dir),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        assert main(["explain", str(mail), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["outcome"] == "clarify"
    missing = {f["code"] for f in report["findings"] if not f["satisfied"] and f["blocking"]}
    assert missing == {"version", "bmp_not_packed"}
    assert database.read_bytes() == before


def test_quiet_automatic_answer_is_closed_and_corrections_feed_training(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    from desk.config import load_config
    from desk.services import with_work_dir

    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    with store.transaction():
        ticket = store.create_ticket("Как продлить лицензию?", "a@client.ru", "Анна")
        store.set_status(ticket.id, "answered_automatically", "answered from the documentation")
    store.db.execute(
        "UPDATE tickets SET updated_at = '2026-01-01T00:00:00+00:00' WHERE id = ?", [ticket.id]
    )
    store.db.conn.commit()
    assert services.close_quiet_tickets(config, store) == [ticket.number]
    assert store.ticket(ticket.number).status == "closed"
    assert [m.kind for m in store.outbox(ticket.id)] == ["closure"]
    off = replace(config, lifecycle=replace(config.lifecycle, auto_close_after_days=0))
    assert services.close_quiet_tickets(off, store) == []

    with store.transaction():
        other = store.create_ticket("Хотим выгрузку в Excel", "b@client.ru", "")
        store.add_message(
            other.id,
            services_message("<c-1@client.ru>", "Хотим выгрузку в Excel", "Добавьте выгрузку"),
            [],
        )
    store.correct_classification(other.id, "documents_routes", "feature_request", "agent.ivanova")
    store.close()
    corrections = services.agent_corrections(config)
    assert [(c.category, c.intent, c.split) for c in corrections] == [
        ("documents_routes", "feature_request", "train")
    ]


def services_message(message_id: str, subject: str, body: str) -> NewMessage:
    return NewMessage(message_id, None, (), "b@client.ru", "", subject, body, None, None, "k", "0")


def test_agent_actions_send_their_mail_and_a_customer_reply_reopens(tmp_path: Path) -> None:
    from desk import actions
    from desk.config import load_config
    from desk.services import with_work_dir

    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    msg = EmailMessage()
    msg["From"] = f"Ольга Петрова <{CUSTOMER}>"
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = "Вопрос по маршрутам"
    msg["Message-ID"] = "<act-1@stlogistic.ru>"
    msg.set_content("Можно ли настроить маршрут согласования с двумя руководителями?")
    number = intake.process(msg.as_bytes(), "k1").ticket_number or ""

    actions.reply(config, store, number, "Да, добавьте второй этап «Руководитель».", "Ирина")
    assert store.ticket(number).status == "waiting_for_customer"
    assert store.ticket(number).sla_paused_at is not None
    answer = EmailMessage()
    answer["From"] = f"Ольга Петрова <{CUSTOMER}>"
    answer["To"] = "support@empldocs.ru"
    answer["Subject"] = f"Re: [{number}] Вопрос по маршрутам"
    answer["Message-ID"] = "<act-2@stlogistic.ru>"
    answer.set_content("Не получается, этап не сохраняется.")
    intake.process(answer.as_bytes(), "k2")
    assert store.ticket(number).status == "open"
    assert store.ticket(number).sla_paused_at is None

    actions.defer(config, store, number, "needs_development", "Исправим в 3.4.3.", "Ирина")
    assert store.ticket(number).status == "deferred"
    with pytest.raises(TriageError, match="можно отложить по причинам"):
        actions.defer(config, store, number, "too_busy", "", "Ирина")
    kinds = [m.kind for m in store.outbox(store.ticket(number).id)]
    assert kinds == ["acknowledgment", "reply", "deferral"]
    deferral = store.outbox(store.ticket(number).id)[-1]
    text = email.message_from_bytes(deferral.raw, policy=email.policy.default)
    assert isinstance(text, EmailMessage)
    body = text.get_body(preferencelist=("plain",))
    assert body is not None and "доработки функциональности" in body.get_content()
    assert text["In-Reply-To"] == "<act-2@stlogistic.ru>"


def test_did_not_help_reopens_and_closure_purges_credentials_through_real_mail(
    desk_config: Config, smtp_sink: SmtpSink
) -> None:
    from dataclasses import replace

    from cryptography.fernet import Fernet

    from desk import actions

    config = replace(
        desk_config,
        store=replace(desk_config.store, secrets_key=Fernet.generate_key().decode()),
    )
    question = EmailMessage()
    question["From"] = "Дмитрий Ковалёв <d.kovalev@uralpribor.ru>"
    question["To"] = "support@empldocs.ru"
    question["Subject"] = "Двухфакторка для кадровиков"
    question["Message-ID"] = "<2fa-1@uralpribor.ru>"
    question.set_content(
        "Коллеги, добрый день.\n\nКак включить обязательную двухфакторку для кадровиков? "
        "Можно через Google Authenticator?\n"
    )
    append(config.imap, question.as_bytes())
    poll(config)
    answer = received(smtp_sink, 0)
    assert "двухфакторная-аутентификация" in text_of(answer)
    number = str(answer["Subject"]).split("]")[0].lstrip("[")

    not_helped = EmailMessage()
    not_helped["From"] = "Дмитрий Ковалёв <d.kovalev@uralpribor.ru>"
    not_helped["To"] = "support@empldocs.ru"
    not_helped["Subject"] = f"Re: {answer['Subject']}"
    not_helped["Message-ID"] = "<2fa-2@uralpribor.ru>"
    not_helped["In-Reply-To"] = str(answer["Message-ID"])
    not_helped.set_content(
        "Не помогло: пункта нет в меню. Даю временный доступ, логин wa_support, "
        "временный пароль: Tmp#2026!x"
    )
    append(config.imap, not_helped.as_bytes())
    poll(config)

    store = services.open_store(config)
    try:
        ticket = store.ticket(number)
        assert ticket.status == "open", "a reply to an automatic answer reopens it"
        assert "Tmp#2026!x" not in store.messages(ticket.id)[1]["body_text"]
        assert store.secret_count(ticket.id) == 1
        assert actions.close_ticket(config, store, number, by="agent.ivanova") == 1
        services.send_outbox(config, store)
        assert store.secret_count(ticket.id) == 0
    finally:
        store.close()
    closure = received(smtp_sink, len(smtp_sink.received) - 1)
    assert "Заявка закрыта" in str(closure["Subject"])
    assert "смените эти данные" in text_of(closure)
