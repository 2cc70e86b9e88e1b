"""Agent actions beyond desk.actions that the web UI offers: clarification on request,
marking an automatic answer wrong, reassignment and merging of duplicates.

Like desk.actions they write only through the ticket store and send mail only
through the outbox (``_queue_mail``: threaded, in the customer's language).
"""

from __future__ import annotations

from desk.actions import _open_ticket, _queue_mail
from desk.config import Config
from triage import TicketStore, TriageError
from triage.rules import PolicySettingsView, RequestContent, check_request
from triage.store import STATUS_ANSWERED, STATUS_AWAITING_CLARIFICATION, STATUS_OPEN, now_iso


def clarification_items(config: Config) -> dict[str, str]:
    """Every item an agent may ask for (code → the Russian request the rules write).

    The wording comes from the policy rules themselves, asked about an empty request.
    """
    policy = PolicySettingsView(config.policy.editions, "", "")
    findings = check_request(RequestContent("", ("",)), policy)
    return {f.code: f.request_ru for f in findings if f.request_ru and f.blocking}


def request_clarification(
    config: Config, store: TicketStore, number: str, codes: list[str], comment: str, by: str
) -> None:
    """Ask the customer for the ticked items; the SLA waits for the answer."""
    items = clarification_items(config)
    unknown = [code for code in codes if code not in items]
    if unknown or not codes:
        raise TriageError(
            f"отметьте хотя бы один пункт из списка (неизвестные: {', '.join(unknown)})"
        )
    ticket = _open_ticket(store, number)
    missing = [items[code] for code in codes]
    notices = [comment.strip()] if comment.strip() else []
    context = {
        "missing": missing,
        "missing_codes": codes,
        "notices": notices,  # the Russian mail lists the agent's comment with its notices
        "notice_codes": [],
        "agent_comment": comment.strip(),  # the English one has no Russian text to show
        "first_request": False,
    }
    with store.transaction():
        _queue_mail(config, store, ticket, "clarification", context)
        store.record_event(ticket.id, "clarification_requested", {"by": by, "items": codes})
        if not ticket.sla_paused_at:
            store.pause_sla(ticket.id, now_iso())
        store.set_status(ticket.id, STATUS_AWAITING_CLARIFICATION, f"clarification asked by {by}")


def mark_answer_wrong(store: TicketStore, number: str, comment: str, by: str) -> None:
    """An agent judges the automatic answer wrong: logged, and the ticket is escalated."""
    ticket = _open_ticket(store, number)
    if not any(d["outcome"] == "answer" for d in store.decisions(ticket.id)):
        raise TriageError(f"у заявки {number} нет автоматического ответа")
    with store.transaction():
        store.record_event(ticket.id, "answer_marked_wrong", {"by": by, "comment": comment})
        if ticket.status in (STATUS_ANSWERED, "resolved"):
            store.set_status(ticket.id, STATUS_OPEN, f"automatic answer marked wrong by {by}")


def reassign(store: TicketStore, number: str, assignee: str, by: str) -> None:
    ticket = _open_ticket(store, number)
    store.assign(ticket.id, assignee.strip() or None, by)


def merge(store: TicketStore, duplicate: str, into: str, by: str) -> None:
    """Merge the duplicate ticket ``duplicate`` into ``into`` (both must be open)."""
    source, target = _open_ticket(store, duplicate), _open_ticket(store, into.strip().upper())
    store.merge_tickets(source.id, target.id, by)
