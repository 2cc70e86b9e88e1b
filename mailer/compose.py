"""Customer-facing mail: rendered from editable templates, with threading headers.

Every automatic mail carries the headers that tell other robots not to answer
it, so an auto-responder on the customer's side cannot start a loop.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from mailer import mime_writer
from mailer.errors import MailerError
from mailer.html_body import text_to_html
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
    language: str = "ru"

    def to_bytes(self, date: datetime | None = None) -> bytes:
        """multipart/alternative: the text and its HTML rendering (mailer.html_body),
        written by ``mailer.mime_writer``."""
        headers = [
            mime_writer.address("From", self.sender),
            mime_writer.address("To", self.recipient),
            mime_writer.unstructured("Subject", self.subject),
            "Date: " + email.utils.format_datetime(date or datetime.now().astimezone()),
            mime_writer.fold("Message-ID", [self.message_id]),
        ]
        if self.in_reply_to:
            headers.append(mime_writer.fold("In-Reply-To", [self.in_reply_to]))
        if self.references:
            headers.append(mime_writer.fold("References", self.references))
        headers += [
            "Auto-Submitted: auto-replied",
            "X-Auto-Response-Suppress: All",
            "Precedence: auto_reply",
            mime_writer.fold("X-Loop", [self.loop_marker]),
            mime_writer.fold("Content-Language", [self.language]),
        ]
        html = text_to_html(self.text, self.language)
        return mime_writer.alternative_mail(headers, self.text, html)


class TemplateRenderer:
    """Renders ``<name>.txt.j2``; the template sets its own ``subject``."""

    def __init__(self, directory: Path = TEMPLATE_DIR) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(directory)),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
        )

    def render(self, name: str, context: dict[str, Any], language: str = "ru") -> RenderedMail:
        """``<name>.<language>.txt.j2`` when a support lead wrote one, else the Russian one."""
        candidates = [f"{name}.{language}.txt.j2"] if language != "ru" else []
        try:
            template = self.env.select_template([*candidates, f"{name}.txt.j2"])
        except TemplateNotFound as exc:
            raise MailerError(f"mail template {name!r} not found") from exc
        module = template.make_module(context)
        subject = " ".join(str(getattr(module, "subject", "")).split())
        if not subject:
            raise MailerError(f"mail template {name!r} does not set a subject")
        return RenderedMail(subject=subject, text=str(module).strip() + "\n")


SAMPLE_CONTEXT: dict[str, Any] = {
    "ticket_number": "WA-000123",
    "customer_name": "Ольга Петрова",
    "original_subject": "Не приходит SMS с кодом",
    "received_at": "24.11.2026 10:15",
    "support_address": "support@empldocs.ru",
    "docs_url": "https://padocs.empldocs.app/",
    "links": [
        {
            "title": "Не приходит SMS или письмо с кодом — Что проверить",
            "breadcrumb": "Сотрудникам",
            "url": "https://padocs.empldocs.app/employees/sms-code/#что-проверить",
            "excerpt": "Проверьте номер телефона в профиле и запросите код повторно.",
        }
    ],
    "suggestions": [],
    "missing": ["ИНН организации, на которую приобретена лицензия", "скриншоты ошибки"],
    "missing_codes": ["inn", "screenshots"],
    "notices": [],
    "notice_codes": [],
    "first_request": True,
    "had_credentials": True,
    "reason": "needs_development",
    "comment": "Проблема подтверждена, исправление войдёт в выпуск 3.4.3.",
    "agent_name": "Ирина Соколова",
    "size_mb": "42.7",
    "feedback": {
        "solved": "https://support.empldocs.ru/feedback/eyJ0IjoiV0EtMDAwMTIzIn0.c2lnbmF0dXJl",
        "unrelated": "https://support.empldocs.ru/feedback/eyJ0IjoiV0EtMDAwMTIzIiwiYyI6InUifQ.c2ln",
        "not_answered": "https://support.empldocs.ru/feedback/eyJ0IjoiV0EtMDAwMTIzIiwiYyI6Im4ifQ.c2",
    },
}


def template_names(directory: Path = TEMPLATE_DIR) -> list[str]:
    """Every mail a support lead can edit, by name (language variants included)."""
    return sorted(p.name.removesuffix(".txt.j2") for p in directory.glob("*.txt.j2"))


def new_message_id(domain: str, tag: str, secret: str = "") -> str:
    """``<tag.random.signature@domain>``: with a secret, the ID proves it is ours and
    carries its ticket, so a reply is threaded even when the subject lost the tag."""
    local = f"{tag}.{secrets.token_hex(8)}"
    if secret:
        local += "." + _signature(secret, local)
    return f"<{local}@{domain}>"


def ticket_tag_from_message_id(message_id: str, domain: str, secret: str) -> str | None:
    """The tag of one of our own signed Message-IDs; None for anyone else's or a forgery."""
    match = re.fullmatch(r"<([^<>@\s]+)@([^<>@\s]+)>", message_id.strip())
    if not secret or not match or match.group(2).lower() != domain.lower():
        return None
    local, _, signature = match.group(1).rpartition(".")
    if not local or not hmac.compare_digest(signature, _signature(secret, local)):
        return None
    return local.split(".", 1)[0]


def _signature(secret: str, local: str) -> str:
    return hmac.new(secret.encode(), local.encode(), hashlib.sha256).hexdigest()[:16]
