"""Typed settings of the mailer package, filled by the configuration loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SECURITY_MODES = ("tls", "starttls", "plain")
TRANSPORTS = ("smtp", "directory")


@dataclass(frozen=True)
class ImapSettings:
    host: str = "localhost"
    port: int = field(default=993, metadata={"min": 1, "max": 65535})
    security: str = field(default="tls", metadata={"choices": SECURITY_MODES})
    username: str = "support@empldocs.ru"
    password: str = field(default="", repr=False, metadata={"secret": True})
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    batch_size: int = field(default=50, metadata={"min": 1, "max": 10000})
    # Mail larger than this (the server's RFC822.SIZE) is not downloaded: its headers
    # open a ticket, the customer gets a short notice, the mail moves to oversized_folder.
    max_message_bytes: int = field(default=30 * 1024 * 1024, metadata={"min": 1024})
    oversized_folder: str = "Oversized"
    timeout: float = field(default=30.0, metadata={"min": 0.1})
    ca_file: str = ""


@dataclass(frozen=True)
class SmtpSettings:
    transport: str = field(default="smtp", metadata={"choices": TRANSPORTS})
    host: str = "localhost"
    port: int = field(default=587, metadata={"min": 1, "max": 65535})
    security: str = field(default="starttls", metadata={"choices": SECURITY_MODES})
    username: str = ""
    password: str = field(default="", repr=False, metadata={"secret": True})
    timeout: float = field(default=30.0, metadata={"min": 0.1})
    ca_file: str = ""
    directory: Path = Path("var/outbox")
    # DKIM signing (optional): empty dkim_domain means unsigned mail. The key is PEM, from
    # the environment (TRIAGE_SMTP_DKIM_PRIVATE_KEY) or from dkim_private_key_file.
    dkim_domain: str = ""
    dkim_selector: str = ""
    dkim_private_key_file: str = ""
    dkim_private_key: str = field(default="", repr=False, metadata={"secret": True})
