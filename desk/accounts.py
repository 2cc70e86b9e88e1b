"""Web UI accounts: argon2id password hashes and roles, kept in the ticket store.

Here rather than in webui so that the CLI (`triage users add`) and the demo can make
accounts without the web stack; webui.auth adds sessions on top.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from triage import TicketStore, TriageError

ROLES = ("agent", "doc-team", "admin")
WORKING_ROLES = frozenset({"agent", "admin"})
READING_ROLES = frozenset(ROLES)
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


class AccountError(TriageError):
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
