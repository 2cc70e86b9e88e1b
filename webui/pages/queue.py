"""The queue: tickets by SLA deadline, breaches highlighted, filters and full-text search."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from triage import Ticket
from webui import labels
from webui.auth import User
from webui.web import WebState, page, render


async def home(request: Request) -> Response:
    return RedirectResponse("/queue", status_code=303)


NEEDS_AGENT = ("new", "open")  # the default view: tickets waiting for an agent's answer


def breached(ticket: Ticket, now: str) -> bool:
    """The first-response deadline passed while the ticket waits for us."""
    due = ticket.first_response_due
    waiting_for_us = ticket.status in ("new", "open") and not ticket.sla_paused_at
    return bool(due and waiting_for_us and due < now)


@page()
async def queue(request: Request, state: WebState, user: User) -> Response:
    store, params = state.store, request.query_params
    status = params.get("status", "")
    category = params.get("category", "")
    plan = params.get("plan", "")
    client = params.get("client", "")
    query = params.get("q", "").strip()
    hits = store.search_messages(query, limit=200) if query else []
    if status in labels.STATUSES:
        statuses: tuple[str, ...] = (status,)
    elif status == "all":
        statuses = tuple(labels.STATUSES)
    else:
        statuses = NEEDS_AGENT
    tickets = store.find_tickets(
        statuses=statuses,
        category=category if category in labels.CATEGORIES else "",
        client_id=int(client) if client.isdigit() else None,
        sla_plan=plan if plan in labels.SLA_PLANS else "",
        numbers=tuple(dict.fromkeys(hit["number"] for hit in hits)) if query else None,
    )
    now = datetime.now(UTC).isoformat()
    snippets: dict[str, str] = {}
    for hit in hits:
        snippets.setdefault(hit["number"], hit["snippet"])
    clients = {c.id: c.organisation for c in store.clients()}
    context = {
        "title": "Очередь",
        "tickets": tickets,
        "breached": {t.number for t in tickets if breached(t, now)},
        "snippets": snippets,
        "clients": clients,
        "filters": {
            "status": status,
            "category": category,
            "plan": plan,
            "client": client,
            "q": query,
        },
    }
    return render(request, user, "queue.html", context)
