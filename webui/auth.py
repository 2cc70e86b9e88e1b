"""Agents' sessions on top of desk.accounts: server-side sessions and roles.

The session cookie carries a random token; the store keeps only its SHA-256, so a
leaked database does not leak live sessions. Roles: ``agent`` and ``admin`` work
tickets; ``doc-team`` reads (queue, tickets, automatic answers) and changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from starlette.requests import Request

from desk.accounts import (
    READING_ROLES,
    ROLES,
    WORKING_ROLES,
    AccountError,
    User,
    add_user,
    authenticate,
)
from triage import TicketStore

SESSION_COOKIE = "wa_session"
__all__ = [
    "READING_ROLES",
    "ROLES",
    "SESSION_COOKIE",
    "WORKING_ROLES",
    "AccountError",
    "User",
    "add_user",
    "authenticate",
    "session_user",
    "start_session",
    "token_hash",
]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: TicketStore, user: User, hours: float) -> str:
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=hours)
    store.create_session(token_hash(token), user.id, expires.isoformat(timespec="seconds"))
    return token


def session_user(store: TicketStore, request: Request) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    row = store.session_user(token_hash(token))
    return User(row["id"], row["username"], row["role"]) if row else None
