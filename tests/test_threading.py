"""Threading: a ticket tag joins its ticket, but only for people entitled to see it."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from triage.sla import Client


def mail(sender: str, subject: str, n: int, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<t{n}@mail.test>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Добрый день! У сотрудников не открываются документы в личном кабинете.")
    return msg.as_bytes()


def test_a_tag_from_a_stranger_opens_a_new_linked_ticket(tmp_path: Path) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    with store.transaction():
        client = store.save_client(
            Client(0, "ООО «Ромашка»", "7731386419", "", "commercial", (), ("romashka.ru",))
        )
    intake = services.intake_service(config, store, services.Models())
    first = intake.process(mail("anna@romashka.ru", "Документы не открываются", 1), "k1")
    number = first.ticket_number or ""
    store.db.execute("UPDATE tickets SET client_id = ? WHERE number = ?", [client.id, number])
    store.db.conn.commit()

    colleague = intake.process(mail("boss@romashka.ru", f"Re: [{number}] Документы", 2), "k2")
    assert colleague.ticket_number == number, "same registered organisation joins"

    stranger = intake.process(mail("curious@other.ru", f"Re: [{number}] Документы", 3), "k3")
    assert stranger.ticket_number not in (None, number)
    assert "foreign thread" in stranger.why
    own = store.ticket(number)
    assert [m["from_email"] for m in store.messages(own.id)] == [
        "anna@romashka.ru",
        "boss@romashka.ru",
    ]
    assert any(e["kind"] == "linked_from" for e in store.events(own.id))

    by_headers = intake.process(
        mail("curious@other.ru", "Без темы", 4, In_Reply_To=store.outbox(own.id)[0].message_id),
        "k4",
    )
    assert by_headers.ticket_number != number, "References do not let strangers in either"


def test_signed_message_ids_thread_a_reply_that_lost_its_tag(tmp_path: Path) -> None:
    from dataclasses import replace

    from mailer import new_message_id, ticket_tag_from_message_id

    signed = new_message_id("empldocs.ru", "wa-000001", "s3cret")
    assert ticket_tag_from_message_id(signed, "empldocs.ru", "s3cret") == "wa-000001"
    assert ticket_tag_from_message_id(signed, "empldocs.ru", "other") is None
    forged = signed.replace("wa-000001", "wa-000002")
    assert ticket_tag_from_message_id(forged, "empldocs.ru", "s3cret") is None

    config = with_work_dir(load_config(environ={}), tmp_path)
    config = replace(config, desk=replace(config.desk, message_id_secret="s3cret"))
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    first = intake.process(mail("anna@romashka.ru", "Документы не открываются", 1), "k1")
    [ack] = store.outbox()
    assert ticket_tag_from_message_id(ack.message_id, "empldocs.ru", "s3cret") == "wa-000001"
    store.db.execute("DELETE FROM events WHERE kind = 'mail_queued'")
    store.db.execute("UPDATE outbox SET message_id = '<gone@empldocs.ru>'")
    store.db.conn.commit()
    reply = intake.process(
        mail("anna@romashka.ru", "Re: Документы", 2, In_Reply_To=ack.message_id), "k2"
    )
    assert reply.ticket_number == first.ticket_number
