"""What every page shares: the application state, rendering, and the two kinds of
endpoint (a page to read, an action to post) with their login, role and CSRF checks.

A new page is one function decorated with ``@page(roles)`` plus one route in
``webui.app.ROUTES``; doc-team pages use ``READING_ROLES`` and never ``@action``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from desk import services
from desk.config import Config
from desk.intake import IntakeService
from insights import Report
from mailer import MailerError
from triage import TicketStore, TriageError
from webui import csrf, labels
from webui.auth import READING_ROLES, WORKING_ROLES, User, session_user
from webui.errors import ForbiddenError, NotLoggedInError, WebError

log = logging.getLogger(__name__)
TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

PageHandler = Callable[[Request, "WebState", User], Awaitable[Response]]
ActionHandler = Callable[[Request, "WebState", User, FormData], Awaitable[Response]]


@dataclass
class WebState:
    """One per application: the configuration, the store and the intake service for
    releases, built on first use. SQLite connections belong to one thread; the server
    runs every endpoint in its event loop's thread, so there is one store per loop."""

    config: Config
    secret_key: str
    templates: Jinja2Templates
    stores: dict[int, TicketStore] = field(default_factory=dict)
    intake_: IntakeService | None = None
    reports: dict[int, tuple[float, Report]] = field(default_factory=dict)  # by days

    @property
    def store(self) -> TicketStore:
        thread = threading.get_ident()
        if thread not in self.stores:
            self.stores[thread] = services.open_store(self.config)
            self.intake_ = None
        return self.stores[thread]

    def intake(self) -> IntakeService:
        if self.intake_ is None or self.intake_.store is not self.store:
            models = services.load_models(self.config)
            self.intake_ = services.intake_service(self.config, self.store, models)
        return self.intake_

    async def send_outbox(self) -> str:
        """Deliver what an action queued; a mail server that is down only delays it.

        Delivery runs in a worker thread with a store of its own: on the event loop a
        mail server that does not answer held every agent's pages for the SMTP timeout.
        Outbox rows are claimed one by one, so deliveries that overlap send each once.
        """
        if not self.config.web.send_after_action:
            return "queued"
        return await run_in_threadpool(self._deliver)

    def _deliver(self) -> str:
        store = services.open_store(self.config)
        try:
            report = services.send_outbox(self.config, store)
        except MailerError as exc:
            log.warning("outbox not delivered now: %s", exc)
            return "queued"
        finally:
            store.close()
        return "sent" if report.sent else "queued"

    def close(self) -> None:
        """Close this thread's store; other threads' connections close when collected."""
        own = self.stores.pop(threading.get_ident(), None)
        if own is not None:
            own.close()
        self.stores.clear()

    # -- login throttling: 5 failures per user name in 15 minutes, kept in the store, so
    # a restart or a second server process does not reset it ---------------------------

    def login_blocked(self, username: str) -> bool:
        return self.store.login_failures_since(username, time.time() - 900) >= 5

    def login_failed(self, username: str) -> None:
        self.store.record_login_failure(username, time.time())


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.globals["L"] = labels
    env.globals["label"] = labels.label
    env.filters["short_time"] = lambda value: (value or "")[:16].replace("T", " ")
    return templates


def state_of(request: Request) -> WebState:
    state = request.app.state.web
    assert isinstance(state, WebState)
    return state


def render(
    request: Request,
    user: User | None,
    name: str,
    context: dict[str, Any],
    status: int = 200,
    pre_session: str | None = None,
) -> Response:
    state = state_of(request)
    full = {
        "user": user,
        "csrf_token": csrf.request_token(state.secret_key, request, pre_session),
        "csrf_field": csrf.FIELD,
        **context,
    }
    return state.templates.TemplateResponse(request, name, full, status_code=status)


def error_page(request: Request, user: User | None, error: WebError | TriageError) -> Response:
    status = error.status if isinstance(error, WebError) else 400
    titles = {401: "Нужен вход", 403: "Доступ запрещён", 404: "Не найдено"}
    context = {"title": titles.get(status, "Ошибка"), "message": str(error)}
    return render(request, user, "error.html", context, status)


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def page(roles: frozenset[str] = READING_ROLES) -> Callable[[PageHandler], Any]:
    """A page to read: logged-in users whose role is in ``roles``."""

    def wrap(handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            state = state_of(request)
            user = session_user(state.store, request)
            if user is None:
                return _login_redirect(request)
            try:
                if user.role not in roles:
                    raise ForbiddenError("эта страница недоступна для вашей роли")
                return await handler(request, state, user)
            except (WebError, TriageError) as exc:
                return error_page(request, user, exc)

        endpoint.__name__ = handler.__name__
        return endpoint

    return wrap


def action(roles: frozenset[str] = WORKING_ROLES) -> Callable[[ActionHandler], Any]:
    """A form post that changes something: login, role and CSRF token checked first."""

    def wrap(handler: ActionHandler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            state = state_of(request)
            user = session_user(state.store, request)
            if user is None:
                return error_page(request, None, NotLoggedInError("войдите в систему заново"))
            form = await request.form()
            try:
                csrf.check(state.secret_key, request, _text(form, csrf.FIELD))
                if user.role not in roles:
                    raise ForbiddenError("это действие недоступно для вашей роли")
                return await handler(request, state, user, form)
            except (WebError, TriageError) as exc:
                return error_page(request, user, exc)

        endpoint.__name__ = handler.__name__
        return endpoint

    return wrap


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def form_text(form: FormData, name: str) -> str:
    return _text(form, name).strip()


def form_list(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]
