"""One real request through real servers: IMAP in, SQLite, SMTP out, and the reply."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from imap_tools import MailBoxUnencrypted

from desk import services
from desk.config import Config
from mailer import ImapSettings
from tests.servers import SmtpSink

CUSTOMER = "o.petrova@stlogistic.ru"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "9c6360000002000154a24f5d0000000049454e44ae426082"
)


def customer_mail(subject: str, body: str, screenshot: bool = False, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Ольга Петрова <{CUSTOMER}>"
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 24 Nov 2026 10:15:00 +0300"
    msg["Message-ID"] = headers.pop("message_id")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    if screenshot:
        msg.add_attachment(PNG, maintype="image", subtype="png", filename="Скриншот ошибки.png")
    return msg.as_bytes()


def append(settings: ImapSettings, raw: bytes) -> None:
    with MailBoxUnencrypted(settings.host, settings.port).login(
        settings.username, settings.password
    ) as box:
        box.append(raw, "INBOX")


def folder_sizes(settings: ImapSettings) -> dict[str, int]:
    with MailBoxUnencrypted(settings.host, settings.port).login(
        settings.username, settings.password
    ) as box:
        return {
            name: int(box.folder.status(name, ["MESSAGES"])["MESSAGES"])
            for name in ("INBOX", settings.processed_folder)
            if box.folder.exists(name)
        }


def poll(config: Config) -> None:
    store = services.open_store(config)
    try:
        services.poll(config, store, services.load_models(config))
    finally:
        store.close()


def test_request_is_acknowledged_once_and_reply_joins_its_ticket(
    desk_config: Config, smtp_sink: SmtpSink
) -> None:
    first = customer_mail(
        "Ошибка обмена с 1С",
        "Добрый день! При обмене с 1С:ЗУП выходит ошибка «Не найден сотрудник с табельным "
        "номером 00-000123».\n1. Запускаю обмен\n2. Открываю журнал обмена — там ошибка.\n"
        "ИНН 7731386419, версия 3.4.1 КОРП. Скриншот во вложении.\n\nОльга Петрова",
        screenshot=True,
        message_id="<first-1@stlogistic.ru>",
    )
    append(desk_config.imap, first)

    poll(desk_config)

    assert len(smtp_sink.received) == 1
    ack = email.message_from_bytes(smtp_sink.received[0].data, policy=email.policy.default)
    assert smtp_sink.received[0].rcpt_tos == [CUSTOMER]
    subject = str(ack["Subject"])
    assert "[WA-000001]" in subject
    assert ack["In-Reply-To"] == "<first-1@stlogistic.ru>"
    assert ack["Auto-Submitted"] == "auto-replied"
    body = ack.get_body(preferencelist=("plain",))
    assert body is not None
    assert "WA-000001" in body.get_content()
    assert folder_sizes(desk_config.imap) == {"INBOX": 0, "Processed": 1}

    reply = customer_mail(
        f"RE: {subject}",
        "Скриншот ошибки прикладываю, табельный номер в 1С заполнен.",
        message_id="<reply-2@stlogistic.ru>",
        In_Reply_To=str(ack["Message-ID"]),
    )
    append(desk_config.imap, reply)

    poll(desk_config)

    store = services.open_store(desk_config)
    try:
        tickets = store.list_tickets()
        assert [t.number for t in tickets] == ["WA-000001"]
        assert [m["message_id"] for m in store.messages(tickets[0].id)] == [
            "<first-1@stlogistic.ru>",
            "<reply-2@stlogistic.ru>",
        ]
        assert tickets[0].acknowledged_at is not None
    finally:
        store.close()
    assert len(smtp_sink.received) == 1, "a follow-up must not be acknowledged again"

    poll(desk_config)

    assert len(smtp_sink.received) == 1
    assert folder_sizes(desk_config.imap) == {"INBOX": 0, "Processed": 2}


def test_mail_left_in_inbox_after_commit_is_moved_without_reprocessing(
    desk_config: Config, smtp_sink: SmtpSink
) -> None:
    """A crash between the database commit and the IMAP move must not answer twice."""
    raw = customer_mail(
        "Как пригласить сотрудника",
        "Подскажите, как отправить приглашение новому сотруднику?",
        message_id="<invite-1@stlogistic.ru>",
    )
    append(desk_config.imap, raw)
    store = services.open_store(desk_config)
    try:
        intake = services.intake_service(desk_config, store, services.load_models(desk_config))
        with MailBoxUnencrypted(desk_config.imap.host, desk_config.imap.port).login(
            desk_config.imap.username, desk_config.imap.password
        ) as box:
            uid = box.uids()[0]
            uidvalidity = int(box.folder.status("INBOX", ["UIDVALIDITY"])["UIDVALIDITY"])
        from desk.poller import source_key

        intake.process(raw, source_key(desk_config.imap, uidvalidity, uid))
        services.send_outbox(desk_config, store)
    finally:
        store.close()
    assert len(smtp_sink.received) == 1

    poll(desk_config)

    assert len(smtp_sink.received) == 1
    assert folder_sizes(desk_config.imap) == {"INBOX": 0, "Processed": 1}


def test_oversized_mail_is_not_downloaded_but_registered_kept_and_answered(
    desk_config: Config, smtp_sink: SmtpSink
) -> None:
    from dataclasses import replace

    config = replace(desk_config, imap=replace(desk_config.imap, max_message_bytes=20_000))
    msg = EmailMessage()
    msg["From"] = f"Ольга Петрова <{CUSTOMER}>"
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = "Видео ошибки"
    msg["Message-ID"] = "<big-1@stlogistic.ru>"
    msg.set_content("Записала видео ошибки, во вложении.")
    msg.add_attachment(bytes(range(256)) * 200, maintype="video", subtype="mp4", filename="e.mp4")
    append(config.imap, msg.as_bytes())

    poll(config)

    assert len(smtp_sink.received) == 1
    notice = email.message_from_bytes(smtp_sink.received[0].data, policy=email.policy.default)
    assert "Письмо слишком большое" in str(notice["Subject"])
    sizes = folder_sizes(config.imap)
    assert sizes["INBOX"] == 0 and sizes.get("Processed", 0) == 0
    with MailBoxUnencrypted(config.imap.host, config.imap.port).login(
        config.imap.username, config.imap.password
    ) as box:
        assert int(box.folder.status("Oversized", ["MESSAGES"])["MESSAGES"]) == 1
    poll(config)
    assert len(smtp_sink.received) == 1
