"""Delivering the outbox: every pending row is handed to the transport once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from desk.failpoints import failpoint
from mailer import DeliveryError, PermanentDeliveryError, Transport
from triage import TicketStore

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    deferred: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


RETRY_BASE_SECONDS = 60.0
RETRY_MAX_SECONDS = 6 * 3600.0
GIVE_UP_AFTER = 12


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the n-th failed attempt: 1 min, 2, 4 … capped at 6 hours."""
    return float(min(RETRY_BASE_SECONDS * 2.0 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def deliver_pending(
    store: TicketStore, transport: Transport, retry_uncertain: bool = False
) -> DeliveryReport:
    """Hand every due mail to the transport once.

    Each mail is marked as being sent (committed) before the transport is called, so a
    process killed after the server accepted it but before "sent" was recorded leaves
    it uncertain instead of sending it again; ``retry_uncertain`` resends those.
    """
    report = DeliveryReport()
    for mail in store.pending_mail(uncertain=retry_uncertain):
        name = f"{mail.id:06d}-{mail.kind}"
        if not store.mark_mail_sending(mail, uncertain=retry_uncertain):
            log.info("outbox %s already taken by another sender", mail.id)
            continue
        try:
            where = transport.deliver(mail.raw, mail.sender, [mail.recipient], name)
            failpoint("after_smtp")
        except PermanentDeliveryError as exc:
            store.mark_mail_failed(mail, str(exc), permanent=True)
            report.failed[mail.message_id] = str(exc)
            log.error("outbox %s to %s refused for good: %s", mail.id, mail.recipient, exc)
            continue
        except DeliveryError as exc:
            attempts = mail.attempts + 1
            if attempts >= GIVE_UP_AFTER:
                error = f"gave up after {attempts} attempts: {exc}"
                store.mark_mail_failed(mail, error, permanent=True)
                report.failed[mail.message_id] = error
                continue
            retry_at = datetime.now(UTC) + timedelta(seconds=retry_delay(attempts))
            store.mark_mail_failed(
                mail, str(exc), permanent=False, retry_at=retry_at.isoformat(timespec="seconds")
            )
            report.deferred[mail.message_id] = str(exc)
            log.warning("outbox %s to %s deferred: %s", mail.id, mail.recipient, exc)
            continue
        store.mark_mail_sent(mail, where)
        report.sent.append(mail.message_id)
    return report
