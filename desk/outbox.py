"""Delivering the outbox: every pending row is handed to the transport once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from mailer import DeliveryError, PermanentDeliveryError, Transport
from triage import TicketStore

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    deferred: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def deliver_pending(store: TicketStore, transport: Transport) -> DeliveryReport:
    report = DeliveryReport()
    for mail in store.pending_mail():
        name = f"{mail.id:06d}-{mail.kind}"
        try:
            where = transport.deliver(mail.raw, mail.sender, [mail.recipient], name)
        except PermanentDeliveryError as exc:
            store.mark_mail_failed(mail, str(exc), permanent=True)
            report.failed[mail.message_id] = str(exc)
            log.error("outbox %s to %s refused for good: %s", mail.id, mail.recipient, exc)
            continue
        except DeliveryError as exc:
            store.mark_mail_failed(mail, str(exc), permanent=False)
            report.deferred[mail.message_id] = str(exc)
            log.warning("outbox %s to %s deferred: %s", mail.id, mail.recipient, exc)
            continue
        store.mark_mail_sent(mail, where)
        report.sent.append(mail.message_id)
    return report
