"""Optional DKIM signing of outgoing mail (dkimpy), at the moment of delivery.

The outbox keeps unsigned bytes; each delivery attempt signs them afresh, so a
rotated key or selector applies to mail still waiting. The private key comes from
the environment (``TRIAGE_SMTP_DKIM_PRIVATE_KEY``, PEM) or from a file whose path is
configured (``smtp.dkim_private_key_file``); never from the configuration file itself.
"""

from __future__ import annotations

from pathlib import Path

import dkim

from mailer.errors import MailerError
from mailer.settings import SmtpSettings
from mailer.transport import Transport

SIGNED_HEADERS = (
    b"From", b"To", b"Subject", b"Date", b"Message-ID", b"In-Reply-To", b"References",
    b"Auto-Submitted", b"MIME-Version", b"Content-Type",
)  # fmt: skip
_PROBE = b"From: a@example.test\r\nTo: b@example.test\r\nSubject: probe\r\n\r\nprobe\r\n"


class DkimSigner:
    def __init__(self, domain: str, selector: str, private_key: bytes) -> None:
        self.domain = domain.encode("ascii")
        self.selector = selector.encode("ascii")
        self.private_key = private_key
        try:  # a wrong key must stop start-up, not each delivery
            self._header(_PROBE)
        except (dkim.DKIMException, ValueError) as exc:
            raise MailerError(
                f"DKIM key for {domain} (selector {selector}) unusable: {exc}"
            ) from exc

    def _header(self, raw: bytes) -> bytes:
        present = {line.split(b":", 1)[0].strip().lower() for line in _header_lines(raw)}
        include = [name for name in SIGNED_HEADERS if name.lower() in present]
        return bytes(
            dkim.sign(
                raw,
                self.selector,
                self.domain,
                self.private_key,
                canonicalize=(b"relaxed", b"relaxed"),
                include_headers=include,
            )
        )

    def sign(self, raw: bytes) -> bytes:
        """The message with a DKIM-Signature header in front."""
        try:
            return self._header(raw) + raw
        except (dkim.DKIMException, ValueError) as exc:
            raise MailerError(f"DKIM signing failed: {exc}") from exc


def _header_lines(raw: bytes) -> list[bytes]:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return [line for line in head.splitlines() if line and not line[:1].isspace()]


def dkim_signer(settings: SmtpSettings) -> DkimSigner | None:
    """The signer the settings ask for; None when ``dkim_domain`` is empty (no signing)."""
    if not settings.dkim_domain:
        return None
    if not settings.dkim_selector:
        raise MailerError("smtp.dkim_domain is set but smtp.dkim_selector is empty")
    key = settings.dkim_private_key.encode("ascii", errors="replace")
    if not key and settings.dkim_private_key_file:
        try:
            key = Path(settings.dkim_private_key_file).read_bytes()
        except OSError as exc:
            raise MailerError(f"cannot read smtp.dkim_private_key_file: {exc}") from exc
    if not key:
        raise MailerError(
            "smtp.dkim_domain is set but no key: set TRIAGE_SMTP_DKIM_PRIVATE_KEY "
            "or smtp.dkim_private_key_file"
        )
    return DkimSigner(settings.dkim_domain, settings.dkim_selector, key)


class SigningTransport:
    """Signs each message, then hands it to the real transport."""

    def __init__(self, inner: Transport, signer: DkimSigner) -> None:
        self.inner = inner
        self.signer = signer

    def deliver(self, raw: bytes, sender: str, recipients: list[str], name: str) -> str:
        return self.inner.deliver(self.signer.sign(raw), sender, recipients, name)
