"""The Starlette application of `triage serve`: routes, static files, security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from desk.config import Config
from webui.errors import WebError
from webui.pages import (
    answers,
    feedback,
    login,
    quarantine,
    queue,
    report,
    ticket,
    ticket_actions,
)
from webui.security import SecurityHeaders
from webui.web import STATIC_DIR, WebState, make_templates

SECRET_ENV = "TRIAGE_WEB_SECRET_KEY"
MIN_SECRET_LENGTH = 32


def _ticket_action(name: str, endpoint: object) -> Route:
    return Route(f"/tickets/{{number}}/{name}", endpoint, methods=["POST"])  # type: ignore[arg-type]


async def no_favicon(request: Request) -> Response:
    return Response(status_code=204)


ROUTES = [
    Route("/", queue.home),
    Route("/favicon.ico", no_favicon),
    Route("/login", login.login_form, methods=["GET"]),
    Route("/login", login.login, methods=["POST"]),
    Route("/logout", login.logout, methods=["POST"]),
    Route("/queue", queue.queue),
    Route("/answers", answers.answers),
    Route("/quarantine", quarantine.quarantine),
    Route("/quarantine/{quarantine_id:int}/release", quarantine.release, methods=["POST"]),
    Route("/tickets/{number}", ticket.ticket_page),
    Route("/tickets/{number}/attachments/{attachment_id:int}", ticket.attachment),
    Route("/tickets/{number}/attachments/{attachment_id:int}/preview", ticket.attachment),
    _ticket_action("reply", ticket_actions.reply),
    _ticket_action("clarify", ticket_actions.clarify),
    _ticket_action("defer", ticket_actions.defer),
    _ticket_action("reject", ticket_actions.reject),
    _ticket_action("resolve", ticket_actions.resolve),
    _ticket_action("close", ticket_actions.close),
    _ticket_action("assign", ticket_actions.assign),
    _ticket_action("merge", ticket_actions.merge),
    _ticket_action("correct", ticket_actions.correct),
    _ticket_action("answer-wrong", ticket_actions.mark_wrong),
    _ticket_action("reveal", ticket_actions.reveal),
    Route("/report", report.report_page),
    Route("/report/report.css", report.report_css),
    Route("/report/{table}.csv", report.report_csv),
    Route("/feedback/{token}", feedback.feedback_form, methods=["GET"]),
    Route("/feedback/{token}", feedback.feedback_submit, methods=["POST"]),
    Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"),
]


def secret_key(config: Config) -> str:
    """The key that signs sessions' CSRF tokens and feedback links: environment only."""
    key = config.web.secret_key
    if len(key) < MIN_SECRET_LENGTH:
        raise WebError(
            f"set {SECRET_ENV} to a random secret of at least {MIN_SECRET_LENGTH} characters "
            "(e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    return key


def create_app(config: Config) -> Starlette:
    state = WebState(config, secret_key(config), make_templates())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.close()

    app = Starlette(routes=ROUTES, middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
    app.state.web = state
    return app
