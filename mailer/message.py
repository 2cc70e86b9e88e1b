"""The immutable message that flows from intake to triage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mailer.archives import ArchiveMember
from mailer.quotes import split_reply


@dataclass(frozen=True)
class Address:
    email: str
    name: str = ""

    def formatted(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True)
class Attachment:
    filename: str
    declared_type: str
    real_type: str
    size: int
    sha256: str
    content: bytes = field(repr=False)
    inline: bool = False
    members: tuple[ArchiveMember, ...] = ()
    archive_problem: str = ""
    dimensions: tuple[int, int] | None = None  # width, height of a PNG, GIF or JPEG


@dataclass(frozen=True)
class ParsedMail:
    """Everything later stages may read about one incoming mail.

    ``text`` is the plain-text body (HTML-only mail converted to text); the raw
    bytes are not kept here but by whoever fetched the mail.
    """

    sender: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str
    date: datetime | None
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    message_id: str
    in_reply_to: str | None
    references: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    raw_sha256: str
    # Where the writer asks for replies (RFC 5322 Reply-To): a web form's relay sends
    # from noreply@ with the customer here; a shared mailbox names the person.
    reply_to: Address | None = None
    # "S/MIME" or "OpenPGP" when the mail is encrypted (or opaquely signed) and its text
    # cannot be read without a key the desk does not have; "" otherwise.
    encrypted: str = ""

    def reply_address(self, own: str) -> Address:
        """Where replies to this mail go: its Reply-To, unless that is ``own`` (our
        support address: a reply would come back to us), else its sender."""
        if self.reply_to is not None and self.reply_to.email != own.lower():
            return self.reply_to
        return self.sender

    def header(self, name: str) -> str | None:
        """First value of a header, case-insensitive; None when absent."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @property
    def new_text(self) -> str:
        """What the sender wrote now: without the quoted thread and the signature."""
        return split_reply(self.text).new_text or self.text

    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this mail answers, nearest first."""
        ids: list[str] = []
        if self.in_reply_to:
            ids.append(self.in_reply_to)
        ids.extend(ref for ref in reversed(self.references) if ref not in ids)
        return tuple(ids)
