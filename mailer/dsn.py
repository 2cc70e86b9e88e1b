"""Delivery status notifications (RFC 3464): which of our mails bounced, for whom, how."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

_MSGID = re.compile(r"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)
_STATUS = re.compile(r"^Status:\s*([245]\.\d{1,3}\.\d{1,3})", re.IGNORECASE | re.MULTILINE)
_RECIPIENT = re.compile(r"^Final-Recipient:\s*[^;]*;\s*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Bounce:
    original_message_id: str | None
    recipient: str
    status: str

    @property
    def permanent(self) -> bool:
        return self.status.startswith("5.")


def parse_dsn(raw: bytes) -> Bounce | None:
    """The bounce a multipart/report carries; None for any other mail."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    if msg.get_content_type() != "multipart/report":
        return None
    report_text = ""
    original_headers = ""
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            report_text += _flatten(part)
        elif kind in ("text/rfc822-headers", "message/rfc822-headers", "message/rfc822"):
            original_headers += _flatten(part)
    status = _STATUS.search(report_text)
    recipient = _RECIPIENT.search(report_text)
    if not status or not recipient:
        return None
    original = _MSGID.search(original_headers)
    return Bounce(
        original.group(1) if original else None,
        recipient.group(1).strip("<>").lower(),
        status.group(1),
    )


def _flatten(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n".join(
            sub.as_string() if isinstance(sub, Message) else str(sub) for sub in payload
        )
    if isinstance(payload, Message):
        return payload.as_string()
    decoded = part.get_payload(decode=True)
    if isinstance(decoded, bytes):
        return decoded.decode("utf-8", errors="replace")
    return str(payload)
