"""Log in and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webui import csrf
from webui.auth import SESSION_COOKIE, User, authenticate, session_user, start_session, token_hash
from webui.errors import CsrfError
from webui.web import action, form_text, render, state_of


def _safe_next(target: str) -> str:
    """Only a path of this site: never another host (an open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/queue"


def _secure(request: Request) -> bool:
    return state_of(request).config.web.public_url.startswith("https://")


async def login_form(request: Request) -> Response:
    state = state_of(request)
    if session_user(state.store, request) is not None:
        return RedirectResponse("/queue", status_code=303)
    return _form(request, "", 200)


def _form(request: Request, error: str, status: int) -> Response:
    pre = request.cookies.get(csrf.PRE_SESSION_COOKIE) or csrf.new_pre_session()
    context = {
        "title": "Вход",
        "error": error,
        "next": _safe_next(request.query_params.get("next", "")),
    }
    response = render(request, None, "login.html", context, status, pre_session=pre)
    response.set_cookie(
        csrf.PRE_SESSION_COOKIE, pre, httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


async def login(request: Request) -> Response:
    state = state_of(request)
    form = await request.form()
    submitted = form.get(csrf.FIELD)
    try:
        csrf.check(state.secret_key, request, submitted if isinstance(submitted, str) else None)
    except CsrfError:
        return _form(request, "Форма устарела, попробуйте ещё раз.", 403)
    username, password = form_text(form, "username"), form.get("password")
    if state.login_blocked(username):
        return _form(request, "Слишком много неудачных попыток; подождите 15 минут.", 429)
    user = authenticate(state.store, username, password) if isinstance(password, str) else None
    if user is None:
        state.login_failed(username)
        return _form(request, "Неверное имя пользователя или пароль.", 401)
    token = start_session(state.store, user, state.config.web.session_hours)
    response = RedirectResponse(_safe_next(form_text(form, "next")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(state.config.web.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    response.delete_cookie(csrf.PRE_SESSION_COOKIE)
    return response


@action(frozenset({"agent", "doc-team", "admin"}))
async def logout(request: Request, state: object, user: User, form: object) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    state_of(request).store.delete_session(token_hash(token))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
