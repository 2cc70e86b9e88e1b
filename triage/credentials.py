"""P9: credentials and licence keys found in mail are masked before anything is stored.

The masked text is what the store, the search index and every report see. The
values themselves are kept only when a key is configured (environment variable
TRIAGE_STORE_SECRETS_KEY), encrypted with it, revealed to an agent only by an explicit,
logged action, and purged when the ticket closes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken

from triage.errors import TriageError

_LABEL = (
    r"(?P<label>(?:временн\w+\s+)?(?:парол[ьяем]|password|passwd|pwd|pass|код доступа)"
    r"(?:\s+(?:от|для|к|for)(?:\s+[\w.@-]+){1,3}?)?)"
)
# "пароль: X" takes any X; "пароль X" only an X that looks like a password (has a digit
# or a symbol), so that "сбросить пароль сотруднику" keeps its words.
_PASSWORD = re.compile(
    _LABEL + r"(?P<sep>\s*[:=—–]\s*|\s+-\s+)(?P<value>[^\s,;]{4,64})", re.IGNORECASE
)
_PASSWORD_BARE = re.compile(
    _LABEL + r"\s+(?P<value>(?=[^\s,;]*[\d!@#$%^&*_+=?])[^\s,;]{4,64})", re.IGNORECASE
)
_LOGIN_PASSWORD = re.compile(
    r"(?P<label>логин\s*/\s*пароль|login\s*/\s*password)\s*[:=]?\s*"
    r"[^\s/,;]+\s*/\s*(?P<value>[^\s,;]{4,64})",
    re.IGNORECASE,
)
_LICENCE_KEY = re.compile(r"(?P<value>\b[A-Z0-9]{2,6}(?:-[A-Z0-9]{4,6}){3,7}\b)")
_STOP_VALUES = {"не", "нет", "сбросить", "восстановить", "забыл", "неверный", "неправильный"}


@dataclass(frozen=True)
class Secret:
    kind: str
    value: str


def mask_credentials(text: str) -> tuple[str, list[Secret]]:
    """The text with every password and licence key replaced, and what was replaced."""
    secrets: list[Secret] = []

    def replace(kind: str, placeholder: str) -> Callable[[re.Match[str]], str]:
        def inner(match: re.Match[str]) -> str:
            value = match.group("value")
            if value.lower().strip(".") in _STOP_VALUES or value.startswith("["):
                return match.group(0)
            secrets.append(Secret(kind, value))
            start, end = match.span("value")
            whole = match.group(0)
            offset = match.start()
            return whole[: start - offset] + placeholder + whole[end - offset :]

        return inner

    text = _LOGIN_PASSWORD.sub(replace("password", "[скрыто: пароль]"), text)
    text = _PASSWORD.sub(replace("password", "[скрыто: пароль]"), text)
    text = _PASSWORD_BARE.sub(replace("password", "[скрыто: пароль]"), text)
    text = _LICENCE_KEY.sub(replace("licence_key", "[скрыто: ключ]"), text)
    return text, secrets


class SecretBox:
    """Encrypts kept secrets; without a key nothing is kept at all."""

    def __init__(self, key: str) -> None:
        self._fernet: Fernet | None = None
        if key:
            try:
                self._fernet = Fernet(key.encode())
            except ValueError as exc:
                raise TriageError(
                    "TRIAGE_STORE_SECRETS_KEY must be a Fernet key (32 url-safe base64 bytes)"
                ) from exc

    @property
    def keeps_secrets(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str) -> bytes:
        if self._fernet is None:
            raise TriageError("no TRIAGE_STORE_SECRETS_KEY: secrets are not kept")
        return self._fernet.encrypt(value.encode())

    def open(self, sealed: bytes) -> str:
        if self._fernet is None:
            raise TriageError("no TRIAGE_STORE_SECRETS_KEY: cannot reveal")
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken as exc:
            raise TriageError("the secret was sealed with another key") from exc
