"""Handing finished mail over: to an SMTP server, or to a folder of .eml files."""

from __future__ import annotations

import re
import smtplib
import ssl
from pathlib import Path
from typing import Protocol

from mailer.errors import DeliveryError, PermanentDeliveryError
from mailer.settings import SmtpSettings


class Transport(Protocol):
    def deliver(self, raw: bytes, sender: str, recipients: list[str], name: str) -> str:
        """Deliver one message; return where it went (for the log)."""
        ...


class SmtpTransport:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file or None)
        client: smtplib.SMTP
        if s.security == "tls":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                client.starttls(context=context)
        if s.username:
            client.login(s.username, s.password)
        return client

    def deliver(self, raw: bytes, sender: str, recipients: list[str], name: str) -> str:
        s = self.settings
        try:
            client = self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login as {s.username!r} refused: {exc.smtp_code}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP connection to {s.host}:{s.port} failed: {exc}") from exc
        try:
            refused = client.sendmail(sender, recipients, raw)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _classify(exc.recipients) from exc
        except smtplib.SMTPResponseException as exc:
            error = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
            if 500 <= exc.smtp_code < 600:
                raise PermanentDeliveryError(error) from exc
            raise DeliveryError(error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP delivery failed: {exc}") from exc
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
        if refused:
            raise _classify(refused)
        return f"smtp://{s.host}:{s.port}"


def _classify(refused: dict[str, tuple[int, bytes]]) -> DeliveryError:
    codes = [code for code, _ in refused.values()]
    detail = ", ".join(f"{rcpt}: {code}" for rcpt, (code, _) in refused.items())
    if codes and all(500 <= code < 600 for code in codes):
        return PermanentDeliveryError(f"recipients refused: {detail}")
    return DeliveryError(f"recipients refused: {detail}")


class DirectoryTransport:
    """Writes each message as ``<name>.eml``: the demo's outbox a person can open."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def deliver(self, raw: bytes, sender: str, recipients: list[str], name: str) -> str:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "mail"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{safe}.eml"
            path.write_bytes(raw)
        except OSError as exc:
            raise DeliveryError(f"cannot write {self.directory}: {exc}") from exc
        return str(path)


def make_transport(settings: SmtpSettings) -> Transport:
    """The configured transport, DKIM-signing each mail when ``dkim_domain`` is set."""
    from mailer.dkim_sign import SigningTransport, dkim_signer

    transport: Transport
    if settings.transport == "directory":
        transport = DirectoryTransport(settings.directory)
    else:
        transport = SmtpTransport(settings)
    signer = dkim_signer(settings)
    return SigningTransport(transport, signer) if signer else transport
