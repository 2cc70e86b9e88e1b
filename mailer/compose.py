"""Customer-facing mail: rendered from editable templates, with threading headers.

Every automatic mail carries the headers that tell other robots not to answer
it, so an auto-responder on the customer's side cannot start a loop.
"""

from __future__ import annotations

import email.policy
import email.utils
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from mailer.errors import MailerError
from mailer.message import Address

TEMPLATE_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str


@dataclass(frozen=True)
class OutgoingMail:
    """A mail ready to be stored in the outbox; its bytes never change afterwards."""

    sender: Address
    recipient: Address
    subject: str
    text: str
    message_id: str
    in_reply_to: str | None
    references: tuple[str, ...]
    loop_marker: str

    def to_bytes(self, date: datetime | None = None) -> bytes:
        msg = EmailMessage(policy=email.policy.SMTP)
        msg["From"] = self.sender.formatted()
        msg["To"] = self.recipient.formatted()
        msg["Subject"] = self.subject
        msg["Date"] = email.utils.format_datetime(date or datetime.now().astimezone())
        msg["Message-ID"] = self.message_id
        if self.in_reply_to:
            msg["In-Reply-To"] = self.in_reply_to
        if self.references:
            msg["References"] = " ".join(self.references)
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
        msg["Precedence"] = "auto_reply"
        msg["X-Loop"] = self.loop_marker
        msg["Content-Language"] = "ru"
        msg.set_content(self.text, charset="utf-8", cte="quoted-printable")
        return msg.as_bytes()


class TemplateRenderer:
    """Renders ``<name>.txt.j2``; the template sets its own ``subject``."""

    def __init__(self, directory: Path = TEMPLATE_DIR) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(directory)),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
        )

    def render(self, name: str, context: dict[str, Any]) -> RenderedMail:
        try:
            template = self.env.get_template(f"{name}.txt.j2")
        except TemplateNotFound as exc:
            raise MailerError(f"mail template {name!r} not found") from exc
        module = template.make_module(context)
        subject = " ".join(str(getattr(module, "subject", "")).split())
        if not subject:
            raise MailerError(f"mail template {name!r} does not set a subject")
        return RenderedMail(subject=subject, text=str(module).strip() + "\n")


def new_message_id(domain: str, tag: str) -> str:
    return email.utils.make_msgid(idstring=tag, domain=domain)
