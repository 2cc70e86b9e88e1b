"""What an agent does to a ticket; the CLI today and the web UI later both call these.

Every action writes through the ticket store and sends mail only through the outbox,
threaded onto the customer's last message.
"""

from __future__ import annotations

from typing import Any

from desk.config import Config
from desk.replies import ReplyWriter, Thread
from mailer import Address, reply_language
from triage import Ticket, TicketStore, TriageError
from triage.credentials import SecretBox
from triage.store import now_iso

DEFERRAL_REASONS = (
    "cannot_reproduce",
    "not_enough_information",
    "needs_development",
    "requirements_violated",
    "out_of_scope",
    "not_constructive",
)
REJECTION_REASONS = ("etiquette", "misuse")


def _queue_mail(
    config: Config, store: TicketStore, ticket: Ticket, kind: str, extra: dict[str, Any]
) -> None:
    """An agent's mail, in the customer's language, threaded onto their last message."""
    messages = store.messages(ticket.id)
    last = messages[-1] if messages else None
    references = tuple((last["references_"] or "").split()) if last else ()
    thread = Thread(
        recipient=Address(ticket.requester_email, ticket.requester_name),
        in_reply_to=last["message_id"] if last else None,
        references=(*references, last["message_id"]) if last else (),
        language=reply_language(messages[0]["body_text"]) if messages else "ru",
    )
    writer = ReplyWriter(store, config.desk, config.limits)
    writer.queue(ticket, thread, kind, extra, automatic=False)


def _open_ticket(store: TicketStore, number: str) -> Ticket:
    ticket = store.ticket(number)
    if ticket.closed_at or ticket.status == "closed":
        raise TriageError(f"заявка {number} закрыта")
    return ticket


def reply(config: Config, store: TicketStore, number: str, text: str, by: str) -> None:
    """An agent's answer; the ticket then waits for the customer."""
    ticket = _open_ticket(store, number)
    if not text.strip():
        raise TriageError("ответ пустой")
    with store.transaction():
        _queue_mail(config, store, ticket, "reply", {"comment": text.strip(), "agent_name": by})
        store.record_event(ticket.id, "agent_replied", {"by": by})
        if not ticket.sla_paused_at:
            store.pause_sla(ticket.id, now_iso())
        store.set_status(ticket.id, "waiting_for_customer", f"answered by {by}")


def resolve(store: TicketStore, number: str, by: str) -> None:
    ticket = _open_ticket(store, number)
    with store.transaction():
        store.set_status(ticket.id, "resolved", f"resolved by {by}")


def defer(
    config: Config, store: TicketStore, number: str, reason: str, comment: str, by: str
) -> None:
    """P15: postpone with one of the policy's reasons; the customer is told which."""
    _set_aside(config, store, number, "deferral", "deferred", DEFERRAL_REASONS, reason, comment, by)


def reject(
    config: Config, store: TicketStore, number: str, reason: str, comment: str, by: str
) -> None:
    """P2: refuse consultation for a breach of etiquette or misuse of the product."""
    _set_aside(
        config, store, number, "rejection", "rejected", REJECTION_REASONS, reason, comment, by
    )


def _set_aside(
    config: Config,
    store: TicketStore,
    number: str,
    kind: str,
    status: str,
    allowed: tuple[str, ...],
    reason: str,
    comment: str,
    by: str,
) -> None:
    """Put a ticket aside for a policy reason and tell the customer which (mail ``kind``)."""
    if reason not in allowed:
        what = "отложить" if kind == "deferral" else "отклонить"
        raise TriageError(f"заявку можно {what} по причинам: {', '.join(allowed)}")
    ticket = _open_ticket(store, number)
    with store.transaction():
        _queue_mail(config, store, ticket, kind, {"reason": reason, "comment": comment})
        store.set_status(ticket.id, status, f"{reason} ({by})")


def close_ticket(config: Config, store: TicketStore, number: str, by: str) -> int:
    """Close the ticket, purge its credentials and queue the closure mail (P9).

    Returns how many credentials were purged.
    """
    ticket = _open_ticket(store, number)
    had_credentials = store.secret_count(ticket.id) > 0 or any(
        e["kind"] == "credentials_masked" for e in store.events(ticket.id)
    )
    with store.transaction():
        _queue_mail(config, store, ticket, "closure", {"had_credentials": had_credentials})
        return store.close_ticket(ticket.id, by)


def reveal_secrets(config: Config, store: TicketStore, number: str, by: str) -> list[str]:
    """The ticket's credentials in clear text; the reveal is logged with ``by``."""
    box = SecretBox(config.store.secrets_key)
    if not box.keeps_secrets:
        raise TriageError(
            "не задан TRIAGE_STORE_SECRETS_KEY: учётные данные скрыты и не сохраняются"
        )
    ticket = store.ticket(number)
    return [f"{kind}: {box.open(sealed)}" for kind, sealed in store.reveal_secrets(ticket.id, by)]
