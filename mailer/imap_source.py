"""Fetching raw mail from the support mailbox over IMAP.

Only raw bytes leave this module; parsing is someone else's job, so a mail the
parser chokes on is still delivered to the caller whole.
"""

from __future__ import annotations

import contextlib
import imaplib
import ssl
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import MailboxLoginError, UnexpectedCommandStatusError

from mailer.errors import MailboxError
from mailer.settings import ImapSettings

IDLE_RENEW_SECONDS = 25 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes


@dataclass(frozen=True)
class FetchedMail:
    """One message as the server holds it; ``complete`` False: only its headers (too big)."""

    uid: str
    size: int
    raw: bytes
    complete: bool = True


class _RawMessage(MailMessage):
    """imap-tools message that keeps the raw bytes and skips parsing."""

    def __init__(self, fetch_data: list[Any]) -> None:
        raw, uid_data, flag_data = self._get_message_data_parts(fetch_data)
        self._raw_uid_data = uid_data
        self._raw_flag_data = flag_data
        self.raw: bytes = raw


def _ssl_context(ca_file: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file or None)


class ImapMailbox:
    """A logged-in connection to one mailbox folder."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self._box: BaseMailBox | None = None

    def __enter__(self) -> ImapMailbox:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def connect(self) -> None:
        s = self.settings
        try:
            box: BaseMailBox
            if s.security == "tls":
                box = MailBox(
                    s.host, s.port, timeout=s.timeout, ssl_context=_ssl_context(s.ca_file)
                )
            elif s.security == "starttls":
                box = MailBoxStartTls(
                    s.host, s.port, timeout=s.timeout, ssl_context=_ssl_context(s.ca_file)
                )
            else:
                box = MailBoxUnencrypted(s.host, s.port, timeout=s.timeout)
            box.login(s.username, s.password, initial_folder=s.folder)
        except MailboxLoginError as exc:
            raise MailboxError(
                f"IMAP login as {s.username!r} refused by {s.host}:{s.port}"
            ) from exc
        except (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError) as exc:
            raise MailboxError(f"IMAP connection to {s.host}:{s.port} failed: {exc}") from exc
        box.email_message_class = _RawMessage
        self._box = box

    @property
    def box(self) -> BaseMailBox:
        if self._box is None:
            raise MailboxError("not connected")
        return self._box

    def close(self) -> None:
        if self._box is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError):
                self._box.logout()
            self._box = None

    def uidvalidity(self) -> int:
        try:
            status = self.box.folder.status(self.settings.folder, ["UIDVALIDITY"])
        except (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError) as exc:
            raise MailboxError(f"STATUS {self.settings.folder} failed: {exc}") from exc
        return int(status["UIDVALIDITY"])

    def ensure_folder(self, name: str) -> None:
        try:
            if not self.box.folder.exists(name):
                self.box.folder.create(name)
        except (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError) as exc:
            raise MailboxError(f"cannot create folder {name!r}: {exc}") from exc

    def fetch_all(self) -> Iterator[FetchedMail]:
        """Every message in the folder, oldest first, without setting \\Seen.

        Sizes are read first (headers only); a message over ``max_message_bytes`` is
        never downloaded, and comes back with its headers and ``complete=False``.
        """
        limit = self.settings.max_message_bytes
        try:
            heads = list(
                self.box.fetch(
                    "ALL", mark_seen=False, headers_only=True, bulk=self.settings.batch_size
                )
            )
            small = [str(m.uid) for m in heads if m.size_rfc822 <= limit]
            for message in heads:
                assert isinstance(message, _RawMessage)
                if message.size_rfc822 > limit:
                    yield FetchedMail(str(message.uid), message.size_rfc822, message.raw, False)
            for start in range(0, len(small), self.settings.batch_size):
                chunk = small[start : start + self.settings.batch_size]
                for message in self.box.fetch(mark_seen=False, uid_list=chunk, bulk=True):
                    assert isinstance(message, _RawMessage)
                    yield FetchedMail(str(message.uid), message.size_rfc822, message.raw)
        except (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError) as exc:
            raise MailboxError(f"FETCH in {self.settings.folder} failed: {exc}") from exc

    def move(self, uids: Sequence[str], folder: str) -> None:
        if not uids:
            return
        try:
            self.box.move(list(uids), folder)
        except (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError) as exc:
            raise MailboxError(f"MOVE to {folder!r} failed: {exc}") from exc

    def supports_idle(self) -> bool:
        """Whether the server offers IDLE (RFC 2177) after login."""
        try:
            status, data = self.box.client.capability()
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(f"CAPABILITY failed: {exc}") from exc
        words = b" ".join(d for d in data if isinstance(d, bytes)).upper().split()
        return status == "OK" and b"IDLE" in words

    def uidnext(self) -> int:
        try:
            status = self.box.folder.status(self.settings.folder, ["UIDNEXT"])
        except (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError) as exc:
            raise MailboxError(f"STATUS {self.settings.folder} failed: {exc}") from exc
        return int(status["UIDNEXT"])

    def idle_until_new_mail(self, timeout: float) -> bool:
        """IDLE on the folder until the server announces new mail (True) or ``timeout``
        seconds pass (False). Keep-alive notices do not end the wait."""
        deadline = time.monotonic() + timeout
        try:
            while (left := deadline - time.monotonic()) > 0:
                responses = self.box.idle.wait(timeout=min(left, IDLE_RENEW_SECONDS))
                if any(b"EXISTS" in line or b"RECENT" in line for line in responses):
                    return True
        except (OSError, imaplib.IMAP4.error, UnexpectedCommandStatusError) as exc:
            raise MailboxError(f"IDLE on {self.settings.folder} failed: {exc}") from exc
        return False
