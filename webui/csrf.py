"""CSRF protection for every form: a token bound to the session, and an origin check.

The token is an HMAC of the session cookie (before login: of a random pre-session
cookie), so a page of another site can neither read nor forge it. A POST whose
Origin (or Referer) names another host is refused as well.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

from webui.auth import SESSION_COOKIE
from webui.errors import CsrfError

PRE_SESSION_COOKIE = "wa_pre"
FIELD = "csrf_token"


def new_pre_session() -> str:
    return secrets.token_urlsafe(24)


def token_for(secret_key: str, cookie_value: str) -> str:
    key = hashlib.sha256(b"csrf:" + secret_key.encode()).digest()
    return hmac.new(key, cookie_value.encode(), hashlib.sha256).hexdigest()


def request_token(secret_key: str, request: Request, pre_session: str | None = None) -> str:
    """The token the forms of this page carry."""
    value = request.cookies.get(SESSION_COOKIE) or pre_session
    value = value or request.cookies.get(PRE_SESSION_COOKIE) or ""
    return token_for(secret_key, value) if value else ""


def check(secret_key: str, request: Request, submitted: str | None) -> None:
    _check_origin(request)
    value = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_SESSION_COOKIE)
    if not value or not submitted:
        raise CsrfError("в форме нет ключа защиты; обновите страницу")
    if not hmac.compare_digest(token_for(secret_key, value), submitted):
        raise CsrfError("ключ защиты формы устарел; обновите страницу")


def _check_origin(request: Request) -> None:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return
    host = request.headers.get("host", "")
    if urlsplit(origin).netloc != host:
        raise CsrfError(f"форма с другого сайта ({origin}) отклонена")
