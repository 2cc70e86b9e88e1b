"""Shared set-up of the web UI tests: a desk in a temporary folder, users, seeded mail."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import uvicorn

from desk import services
from desk.config import Config
from mailer import SmtpSettings
from tests.servers import free_port, wait_for_port
from triage import TicketStore
from webui import create_app
from webui.auth import add_user

SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
PASSWORDS = {"irina": "agent-password-1", "docs": "docs-password-1", "boss": "admin-password-1"}
ROLES = {"irina": "agent", "docs": "doc-team", "boss": "admin"}
CUSTOMER = "o.petrova@stlogistic.ru"


def web_config(base: Config, tmp_path: Path, smtp_port: int | None = None) -> Config:
    """``base`` with its own store, the web secret, and SMTP to a sink (or a folder)."""
    smtp = (
        SmtpSettings(transport="smtp", host="127.0.0.1", port=smtp_port, security="plain")
        if smtp_port
        else replace(base.smtp, transport="directory", directory=tmp_path / "outbox")
    )
    return replace(
        base,
        smtp=smtp,
        store=replace(
            base.store, database=tmp_path / "desk.sqlite3", attachments_dir=tmp_path / "files"
        ),
        web=replace(base.web, secret_key=SECRET, public_url="http://127.0.0.1:8080/"),
    )


def add_users(store: TicketStore) -> None:
    for name, password in PASSWORDS.items():
        add_user(store, name, password, ROLES[name])


def mail(
    subject: str,
    text: str,
    message_id: str,
    html: str | None = None,
    sender: str = f"Ольга Петрова <{CUSTOMER}>",
    in_reply_to: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 24 Nov 2026 10:15:00 +0300"
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def seed(config: Config, store: TicketStore, msg: EmailMessage, key: str) -> str:
    """Run one mail through the real intake (models as the config has them)."""
    intake = services.intake_service(config, store, services.load_models(config))
    result = intake.process(msg.as_bytes(), key)
    return result.ticket_number or ""


def escalated_problem(n: int = 1) -> EmailMessage:
    """A complete problem report: the desk escalates it to an agent."""
    return mail(
        "Ошибка обмена с 1С",
        "Добрый день!\nПри обмене с 1С:ЗУП выходит ошибка «Не найден сотрудник с табельным "
        "номером 00-000123», обмен останавливается и документы не загружаются.\n"
        "1. Запускаю обмен вручную.\n2. Открываю журнал — там та же ошибка.\n"
        "ИНН 7731386419, версия 3.4.1, редакция КОРП.\n\nОльга",
        f"<problem-{n}@stlogistic.ru>",
    )


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


class Served:
    """`triage serve`'s application on uvicorn in a thread, on a free loopback port."""

    def __init__(self, config: Config) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = replace(config, web=replace(config.web, public_url=self.url + "/"))
        app = create_app(self.config)
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        wait_for_port(self.port)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
