"""Agents' accounts and sessions: argon2 password hashes, server-side sessions, roles.

The session cookie carries a random token; the store keeps only its SHA-256, so a
leaked database does not leak live sessions. Roles: ``agent`` and ``admin`` work
tickets; ``doc-team`` reads (queue, tickets, automatic answers) and changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import Request

from triage import TicketStore

ROLES = ("agent", "doc-team", "admin")
WORKING_ROLES = frozenset({"agent", "admin"})
READING_ROLES = frozenset(ROLES)
SESSION_COOKIE = "wa_session"
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("no such user: spend the same time")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str

    @property
    def can_work(self) -> bool:
        return self.role in WORKING_ROLES


class AccountError(ValueError):
    """A username, role or password that cannot make an account."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def add_user(store: TicketStore, username: str, password: str, role: str) -> int:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if not username.strip() or any(c.isspace() for c in username):
        raise AccountError("the username must be one word")
    return store.add_user(username, hash_password(password), role)


def authenticate(store: TicketStore, username: str, password: str) -> User | None:
    """The user whose password this is, else None (same work either way)."""
    row = store.user(username)
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        store.set_password_hash(row["id"], _hasher.hash(password))
    return User(row["id"], row["username"], row["role"])


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
