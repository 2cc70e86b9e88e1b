"""What an agent does to a ticket; the CLI today and the web UI later both call these."""

from __future__ import annotations

from desk.config import Config
from mailer import Address, OutgoingMail, TemplateRenderer, new_message_id, reply_language
from triage import TicketStore, TriageError
from triage.credentials import SecretBox


def close_ticket(config: Config, store: TicketStore, number: str, by: str) -> int:
    """Close the ticket, purge its credentials and queue the closure mail (P9).

    Returns how many credentials were purged.
    """
    ticket = store.ticket(number)
    if ticket.closed_at:
        raise TriageError(f"{number} is already closed")
    messages = store.messages(ticket.id)
    last = messages[-1] if messages else None
    references = tuple((last["references_"] or "").split()) if last else ()
    had_credentials = store.secret_count(ticket.id) > 0 or any(
        e["kind"] == "credentials_masked" for e in store.events(ticket.id)
    )
    desk = config.desk
    language = reply_language(messages[0]["body_text"]) if messages else "ru"
    rendered = TemplateRenderer().render(
        "closure",
        {
            "ticket_number": ticket.number,
            "customer_name": ticket.requester_name,
            "original_subject": ticket.subject,
            "had_credentials": had_credentials,
            "support_address": desk.support_address,
            "docs_url": desk.docs_url,
        },
        language,
    )
    mail = OutgoingMail(
        sender=Address(desk.support_address, desk.support_name),
        recipient=Address(ticket.requester_email, ticket.requester_name),
        subject=rendered.subject,
        text=rendered.text,
        message_id=new_message_id(desk.message_id_domain, ticket.number.lower()),
        in_reply_to=last["message_id"] if last else None,
        references=(*references, last["message_id"]) if last else (),
        loop_marker=desk.support_address,
    )
    with store.transaction():
        store.enqueue_mail(
            ticket.id, "closure", mail.message_id, desk.support_address,
            ticket.requester_email, mail.subject, mail.to_bytes(),
        )  # fmt: skip
        return store.close_ticket(ticket.id, by)


def reveal_secrets(config: Config, store: TicketStore, number: str, by: str) -> list[str]:
    """The ticket's credentials in clear text; the reveal is logged with ``by``."""
    box = SecretBox(config.store.secrets_key)
    if not box.keeps_secrets:
        raise TriageError("no TRIAGE_STORE_SECRETS_KEY: credentials are masked and not kept")
    ticket = store.ticket(number)
    return [f"{kind}: {box.open(sealed)}" for kind, sealed in store.reveal_secrets(ticket.id, by)]
