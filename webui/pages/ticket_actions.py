"""What an agent does to a ticket from its page; each is one desk action.

After an action the page is reloaded (POST, redirect, GET) with a note of what
happened; mail the action queued is delivered through the outbox right away.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from desk import actions, agent_actions
from triage import TriageError
from triage.classify import CATEGORIES, INTENTS
from webui import labels
from webui.auth import User
from webui.pages.ticket import ticket_context
from webui.web import WebState, action, form_list, form_text, render


def _number(request: Request) -> str:
    return str(request.path_params["number"]).upper()


def _done(number: str, what: str, mail: str = "") -> Response:
    """Back to the ticket with a note of what happened (and ``mail``: sent or queued)."""
    suffix = f"&mail={mail}" if mail else ""
    return RedirectResponse(f"/tickets/{number}?ok={what}{suffix}", status_code=303)


@action()
async def reply(request: Request, state: WebState, user: User, form: FormData) -> Response:
    opening = labels.REPLY_TEMPLATES.get(form_text(form, "template"), "")
    text = "\n\n".join(part for part in (opening, form_text(form, "text")) if part)
    actions.reply(state.config, state.store, _number(request), text, user.username)
    return _done(_number(request), "reply", await state.send_outbox())


@action()
async def clarify(request: Request, state: WebState, user: User, form: FormData) -> Response:
    agent_actions.request_clarification(
        state.config,
        state.store,
        _number(request),
        form_list(form, "item"),
        form_text(form, "comment"),
        user.username,
    )
    return _done(_number(request), "clarify", await state.send_outbox())


@action()
async def defer(request: Request, state: WebState, user: User, form: FormData) -> Response:
    actions.defer(
        state.config, state.store, _number(request), form_text(form, "reason"),
        form_text(form, "comment"), user.username,
    )  # fmt: skip
    return _done(_number(request), "defer", await state.send_outbox())


@action()
async def reject(request: Request, state: WebState, user: User, form: FormData) -> Response:
    actions.reject(
        state.config, state.store, _number(request), form_text(form, "reason"),
        form_text(form, "comment"), user.username,
    )  # fmt: skip
    return _done(_number(request), "reject", await state.send_outbox())


@action()
async def resolve(request: Request, state: WebState, user: User, form: FormData) -> Response:
    actions.resolve(state.store, _number(request), user.username)
    return _done(_number(request), "resolve")


@action()
async def close(request: Request, state: WebState, user: User, form: FormData) -> Response:
    actions.close_ticket(state.config, state.store, _number(request), user.username)
    return _done(_number(request), "close", await state.send_outbox())


@action()
async def assign(request: Request, state: WebState, user: User, form: FormData) -> Response:
    agent_actions.reassign(
        state.store, _number(request), form_text(form, "assignee"), user.username
    )
    return _done(_number(request), "assign")


@action()
async def merge(request: Request, state: WebState, user: User, form: FormData) -> Response:
    into = form_text(form, "into").upper()
    agent_actions.merge(state.store, _number(request), into, user.username)
    return RedirectResponse(f"/tickets/{into}?ok=merge", status_code=303)


@action()
async def correct(request: Request, state: WebState, user: User, form: FormData) -> Response:
    category, intent = form_text(form, "category"), form_text(form, "intent")
    if category not in CATEGORIES or intent not in INTENTS:
        raise TriageError("выберите категорию и намерение из списка")
    ticket = state.store.ticket(_number(request))
    state.store.correct_classification(ticket.id, category, intent, user.username)
    return _done(_number(request), "correct")


@action()
async def mark_wrong(request: Request, state: WebState, user: User, form: FormData) -> Response:
    agent_actions.mark_answer_wrong(
        state.store, _number(request), form_text(form, "comment"), user.username
    )
    return _done(_number(request), "wrong")


@action()
async def reveal(request: Request, state: WebState, user: User, form: FormData) -> Response:
    """The masked credentials in clear text, shown once in this response (not cached);
    the store logs who revealed them and when."""
    number = _number(request)
    revealed = actions.reveal_secrets(state.config, state.store, number, user.username)
    context = ticket_context(state, number)
    context["revealed"] = revealed or ["учётные данные в этой заявке не сохранены"]
    return render(request, user, "ticket.html", {**context, "ok": "", "mail_state": ""})
