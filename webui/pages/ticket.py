"""A ticket: the thread, attachments, decisions with their reasons and findings, the
predicted category and intent, suggested documentation, the SLA clock, sent mail and
the event log."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from desk.actions import DEFERRAL_REASONS, REJECTION_REASONS
from desk.agent_actions import clarification_items
from triage import AttachmentVault, Ticket, TicketNotFoundError
from webui.auth import User
from webui.errors import WebError
from webui.pages.queue import breached
from webui.sanitize import shown_message
from webui.web import WebState, page, render

PREVIEWABLE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
OK_MESSAGES = {
    "reply": "Ответ поставлен в очередь отправки.",
    "clarify": "Запрос уточнения поставлен в очередь отправки.",
    "defer": "Заявка отложена, клиенту отправлено письмо.",
    "reject": "В консультации отказано, клиенту отправлено письмо.",
    "resolve": "Заявка отмечена как решённая.",
    "close": "Заявка закрыта, письмо о закрытии отправлено.",
    "assign": "Исполнитель изменён.",
    "merge": "Заявка объединена.",
    "correct": "Категория и намерение исправлены (пойдут в обучение).",
    "wrong": "Автоответ отмечен как ошибочный, заявка передана специалисту.",
    "release": "Письмо освобождено из карантина и обработано.",
}


def outgoing_text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage):
        return ""
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if body is not None else ""


def sla_clock(ticket: Ticket) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {
        "plan": ticket.sla_plan,
        "reason": ticket.sla_reason,
        "first_response_due": ticket.first_response_due,
        "resolution_due": ticket.resolution_due,
        "paused_at": ticket.sla_paused_at,
        "breached": breached(ticket, now),
        "resolution_breached": bool(
            ticket.resolution_due
            and ticket.status not in ("closed", "resolved", "merged", "rejected")
            and not ticket.sla_paused_at
            and ticket.resolution_due < now
        ),
    }


def ticket_context(state: WebState, number: str) -> dict[str, Any]:
    store = state.store
    try:
        ticket = store.ticket(number.upper())
    except TicketNotFoundError as exc:
        raise WebError(f"заявка {number} не найдена") from exc
    attachments: dict[int, list[dict[str, Any]]] = {}
    for row in store.message_attachments(ticket.id):
        row["previewable"] = row["real_type"] in PREVIEWABLE
        attachments.setdefault(row["message_id"], []).append(row)
    messages = [
        {
            "row": row,
            "shown": shown_message(row["body_text"], row["body_html"], row["subject"]),
            "attachments": attachments.get(row["id"], []),
        }
        for row in store.messages(ticket.id)
    ]
    decisions = []
    for row in store.decisions(ticket.id):
        reasons = json.loads(row["reasons"])
        decisions.append(
            {
                "row": row,
                "reasons": [r for r in reasons if r.get("code") != "doc_candidate"],
                "links": [r for r in reasons if r.get("code") == "doc_candidate"],
                "findings": json.loads(row["findings"]),
            }
        )
    events = [{**row, "detail": json.loads(row["detail"])} for row in store.events(ticket.id)]
    mails = [{"mail": mail, "text": outgoing_text(mail.raw)} for mail in store.outbox(ticket.id)]
    merged_into = store.ticket_by_id(ticket.merged_into) if ticket.merged_into else None
    return {
        "title": f"{ticket.number}: {ticket.subject}",
        "ticket": ticket,
        "merged_into": merged_into,
        "messages": messages,
        "decisions": decisions,
        "answered": any(d["row"]["outcome"] == "answer" for d in decisions),
        "events": events,
        "mails": mails,
        "sla": sla_clock(ticket),
        "secret_count": store.secret_count(ticket.id),
        "clarification_items": clarification_items(state.config),
        "deferral_reasons": DEFERRAL_REASONS,
        "rejection_reasons": REJECTION_REASONS,
        "agents": [u["username"] for u in store.users() if u["role"] in ("agent", "admin")],
        "open": ticket.status not in ("closed", "merged"),
        "revealed": None,
        "error": "",
    }


@page()
async def ticket_page(request: Request, state: WebState, user: User) -> Response:
    context = ticket_context(state, request.path_params["number"])
    context["ok"] = OK_MESSAGES.get(request.query_params.get("ok", ""), "")
    context["mail_state"] = request.query_params.get("mail", "")
    return render(request, user, "ticket.html", context)


@page()
async def attachment(request: Request, state: WebState, user: User) -> Response:
    """An attachment's bytes: images previewed (by their sniffed type), anything else
    only downloaded, never shown in the page's origin."""
    ticket = state.store.find_ticket_number(request.path_params["number"].upper())
    if ticket is None:
        raise WebError("заявка не найдена")
    row = state.store.attachment(ticket.id, int(request.path_params["attachment_id"]))
    try:
        content = AttachmentVault(state.config.store.attachments_dir).get(row["sha256"])
    except OSError as exc:
        raise WebError(f"файл вложения недоступен: {exc}") from exc
    preview = request.url.path.endswith("/preview") and row["real_type"] in PREVIEWABLE
    filename = row["filename"] or "attachment"
    disposition = "inline" if preview else "attachment"
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_")
    headers = {
        "Content-Disposition": f'{disposition}; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(filename)}",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    media_type = row["real_type"] if preview else "application/octet-stream"
    return Response(content, media_type=media_type, headers=headers)
