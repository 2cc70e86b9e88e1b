"""Quarantine: spam and mail that could not be parsed, with release."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import default

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webui.auth import WORKING_ROLES, User
from webui.web import WebState, action, page, render


def _headers(raw: bytes) -> dict[str, str]:
    try:
        parsed = BytesHeaderParser(policy=default).parsebytes(raw[:65536])
        return {"from": str(parsed["From"] or ""), "subject": str(parsed["Subject"] or "")}
    except (ValueError, TypeError, IndexError):
        return {"from": "", "subject": "(заголовки не читаются)"}


@page(WORKING_ROLES)
async def quarantine(request: Request, state: WebState, user: User) -> Response:
    entries = []
    for row in state.store.quarantined():
        raw = state.store.quarantine_entry(row["id"])["raw"]
        entries.append({**row, **_headers(raw)})
    result = request.query_params.get("released", "")
    context = {"title": "Карантин", "entries": entries, "released": result}
    return render(request, user, "quarantine.html", context)


@action()
async def release(request: Request, state: WebState, user: User, form: FormData) -> Response:
    quarantine_id = int(request.path_params["quarantine_id"])
    result = state.intake().release(quarantine_id)
    state.store.record_event(
        None, "release_requested", {"quarantine_id": quarantine_id, "by": user.username}
    )
    if result.ticket_number:
        await state.send_outbox()
        return RedirectResponse(f"/tickets/{result.ticket_number}?ok=release", status_code=303)
    return RedirectResponse(f"/quarantine?released={result.outcome}", status_code=303)
