"""Outbox delivery against a real SMTP server: temporary failures back off, permanent ones stay."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from desk import services
from desk.config import load_config
from desk.outbox import retry_delay
from desk.services import with_work_dir
from mailer import SmtpSettings
from tests.servers import SmtpSink
from tests.test_loops import plain


def test_temporary_failure_backs_off_then_delivers_and_permanent_failure_is_kept(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    config = replace(
        config,
        smtp=SmtpSettings(
            transport="smtp", host="127.0.0.1", port=smtp_sink.port, security="plain"
        ),
    )
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    intake.process(plain("a@client.ru", "Вопрос", 1), "k1")

    smtp_sink.handler.refuse_with = "451 4.3.0 Try again later"
    first = services.send_outbox(config, store)
    assert len(first.deferred) == 1 and not smtp_sink.received
    again = services.send_outbox(config, store)
    assert not again.deferred and not again.sent, "waits for its backoff"

    smtp_sink.handler.refuse_with = None
    store.db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00+00:00'")
    store.db.conn.commit()
    later = services.send_outbox(config, store)
    assert len(later.sent) == 1 and len(smtp_sink.received) == 1
    ticket = store.list_tickets()[0]
    assert store.ticket(ticket.number).acknowledged_at is not None

    intake.process(plain("b@client.ru", "Ещё вопрос", 2), "k2")
    smtp_sink.handler.refuse_with = "550 5.1.1 User unknown"
    refused = services.send_outbox(config, store)
    assert len(refused.failed) == 1
    [failed] = [m for m in store.outbox() if m.status == "failed"]
    events = [e["kind"] for e in store.events(failed.ticket_id)]
    assert "mail_failed" in events and "acknowledged" not in events


def test_retry_delays_grow_exponentially_and_are_capped() -> None:
    assert [retry_delay(n) for n in (1, 2, 3)] == [60.0, 120.0, 240.0]
    assert retry_delay(30) == 6 * 3600.0


class _DiesAfterDelivery:
    """Delivers over real SMTP, then the process 'dies' before recording it."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def deliver(self, raw: bytes, sender: str, recipients: list[str], name: str) -> str:
        self.inner.deliver(raw, sender, recipients, name)  # type: ignore[attr-defined]
        raise SystemExit("killed after the SMTP server accepted the mail")


def test_a_crash_after_delivery_never_sends_the_mail_twice(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    from mailer import SmtpTransport

    config = with_work_dir(load_config(environ={}), tmp_path)
    smtp = SmtpSettings(transport="smtp", host="127.0.0.1", port=smtp_sink.port, security="plain")
    config = replace(config, smtp=smtp)
    store = services.open_store(config)
    services.intake_service(config, store, services.Models()).process(
        plain("a@client.ru", "Вопрос", 1), "k1"
    )
    with pytest.raises(SystemExit):
        services.send_outbox(config, store, _DiesAfterDelivery(SmtpTransport(smtp)))  # type: ignore[arg-type]
    store.close()

    restarted = services.open_store(config)
    again = services.send_outbox(config, restarted)
    assert not again.sent and len(smtp_sink.received) == 1, "no second acknowledgment"
    assert [m.kind for m in restarted.uncertain_mail()] == ["acknowledgment"]
    retried = services.send_outbox(config, restarted, retry_uncertain=True)
    assert len(retried.sent) == 1 and restarted.uncertain_mail() == []
