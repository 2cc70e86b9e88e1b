"""What the bot sent: every automatic answer, to whom, and what came of it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from webui import labels
from webui.auth import User
from webui.web import WebState, page, render


def answer_outcome(ticket_status: str, verdict: dict[str, Any] | None, messages: int) -> str:
    """The customer's verdict if they gave one, else what the thread shows."""
    if verdict is not None:
        return labels.FEEDBACK.get((verdict["verdict"], verdict["reason"]), str(verdict["verdict"]))
    if messages > 1:
        return "клиент ответил — заявка возобновлена"
    if ticket_status == "answered_automatically":
        return "ответа клиента нет"
    if ticket_status == "closed":
        return "закрыта без ответа клиента"
    return labels.label(labels.STATUSES, ticket_status)


@page()
async def answers(request: Request, state: WebState, user: User) -> Response:
    store = state.store
    verdicts: dict[int, dict[str, Any]] = {}
    for row in store.feedback():
        verdicts[row["ticket_id"]] = row
    rows = []
    for row in store.automatic_answers():
        messages = len(store.messages(row["ticket_id"]))
        verdict = verdicts.get(row["ticket_id"])
        rows.append({**row, "outcome": answer_outcome(row["ticket_status"], verdict, messages)})
    return render(request, user, "answers.html", {"title": "Автоответы", "answers": rows})
