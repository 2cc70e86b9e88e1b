"""Mail loops and bounces: limits stop any exchange with a robot that hides its headers."""

from __future__ import annotations

from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from mailer.dsn import parse_dsn
from tests.conftest import SAMPLE_MAIL_DIR


def plain(sender: str, subject: str, n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<m{n}@client.ru>"
    msg.set_content("Ваше письмо получено, спасибо. Ответим в ближайшее время.")
    return msg.as_bytes()


def test_a_robot_without_auto_headers_gets_a_bounded_number_of_replies(tmp_path: Path) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    config = replace(config, limits=replace(config.limits, per_sender_in_window=3))
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    for n in range(8):
        intake.process(plain("robot@client.ru", f"Обращение получено #{n}", n), f"k{n}")
    assert len(store.outbox()) == 3
    assert len(store.list_tickets()) == 8, "every mail is still registered for an agent"
    suppressed = [e for t in store.list_tickets() for e in store.events(t.id)
                  if e["kind"] == "auto_reply_suppressed"]  # fmt: skip
    assert len(suppressed) == 5


def test_bounce_is_recorded_on_its_ticket_and_stops_mail_to_that_address(tmp_path: Path) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    first = intake.process(plain("o.petrova-old@stlogistic.ru", "Вопрос", 1), "k1")
    [ack] = store.outbox()
    dsn = (SAMPLE_MAIL_DIR / "20-bounce-user-unknown.eml").read_bytes()
    dsn = dsn.replace(b"<176388132.41.wa-000001@empldocs.ru>", ack.message_id.encode())
    bounce = parse_dsn(dsn)
    assert bounce is not None and bounce.permanent and bounce.status == "5.1.1"

    result = intake.process(dsn, "k2")

    assert (result.outcome, result.ticket_number) == ("record", first.ticket_number)
    ticket = store.ticket(first.ticket_number or "")
    assert any(e["kind"] == "bounced" for e in store.events(ticket.id))
    intake.process(plain("o.petrova-old@stlogistic.ru", "Ещё вопрос", 3), "k3")
    assert len(store.outbox()) == 1, "no automatic mail after a hard bounce"
