"""Queueing customer mail: rendered in the customer's language, threaded, rate-limited.

The one place where an outgoing mail is built and put in the outbox, for the
automatic replies of the intake and for agents' actions alike.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mailer import Address, OutgoingMail, TemplateRenderer, new_message_id
from triage import DeskSettings, Ticket, TicketStore
from triage.clock import utc_now
from triage.settings import LimitSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thread:
    """Where a reply goes and what it answers."""

    recipient: Address
    in_reply_to: str | None
    references: tuple[str, ...]
    language: str


class ReplyWriter:
    def __init__(
        self,
        store: TicketStore,
        desk: DeskSettings,
        limits: LimitSettings,
        renderer: TemplateRenderer | None = None,
    ) -> None:
        self.store = store
        self.desk = desk
        self.limits = limits
        self.renderer = renderer or TemplateRenderer()

    def queue(
        self,
        ticket: Ticket,
        thread: Thread,
        kind: str,
        extra: dict[str, Any],
        automatic: bool = True,
    ) -> bool:
        """Render and queue one mail; False when a limit on automatic mail stopped it."""
        if automatic:
            blocked = self.blocked(ticket, thread.recipient.email)
            if blocked:
                detail = {"kind": kind, "why": blocked}
                self.store.record_event(ticket.id, "auto_reply_suppressed", detail)
                log.warning("no %s to %s: %s", kind, thread.recipient.email, blocked)
                return False
        context = {
            "ticket_number": ticket.number,
            "customer_name": thread.recipient.name,
            "original_subject": ticket.subject,
            "support_address": self.desk.support_address,
            "docs_url": self.desk.docs_url,
            "missing_codes": [],
            "notice_codes": [],
            **extra,
        }
        rendered = self.renderer.render(kind, context, thread.language)
        mail = OutgoingMail(
            sender=Address(self.desk.support_address, self.desk.support_name),
            recipient=thread.recipient,
            subject=rendered.subject,
            text=rendered.text,
            message_id=new_message_id(
                self.desk.message_id_domain, ticket.number.lower(), self.desk.message_id_secret
            ),
            in_reply_to=thread.in_reply_to,
            references=thread.references,
            loop_marker=self.desk.support_address,
            language=thread.language,
        )
        self.store.enqueue_mail(
            ticket.id, kind, mail.message_id, self.desk.support_address,
            thread.recipient.email, mail.subject, mail.to_bytes(),
        )  # fmt: skip
        return True

    def blocked(self, ticket: Ticket, recipient: str) -> str | None:
        """Why no automatic mail may go to this recipient now, if a limit says so."""
        limits, now = self.limits, utc_now()
        window = (now - timedelta(hours=limits.window_hours)).isoformat(timespec="seconds")
        day = (now - timedelta(days=1)).isoformat(timespec="seconds")
        bounce = (now - timedelta(days=limits.bounce_suppression_days)).isoformat()
        if self.store.hard_bounced_since(recipient, bounce):
            return f"{recipient} hard-bounced in the last {limits.bounce_suppression_days:g} days"
        if self.store.mail_count(window, recipient=recipient) >= limits.per_sender_in_window:
            return f"{limits.per_sender_in_window} automatic mails to {recipient} within the window"
        if self.store.mail_count(day, recipient=recipient) >= limits.per_sender_daily:
            return f"daily cap of {limits.per_sender_daily} automatic mails to {recipient}"
        if self.store.mail_count(window, ticket_id=ticket.id) >= limits.per_ticket_in_window:
            count = limits.per_ticket_in_window
            return f"{count} automatic mails on {ticket.number} within the window"
        return None
