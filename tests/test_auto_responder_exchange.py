"""A customer's auto-responder answers our acknowledgment over real SMTP (aiosmtpd) and IMAP
(Dovecot): the exchange stops after one message each way."""

from __future__ import annotations

import email
import email.policy
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from imap_tools import AND, MailBoxUnencrypted

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from mailer import ImapSettings, SmtpSettings
from tests.conftest import MAILBOXES, _user_numbers
from tests.servers import Dovecot, free_port

SUPPORT = "support@empldocs.ru"

# How real auto-responders mark their mail (issue #4's header families, one each).
RESPONDERS = {
    "exchange-oof": {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
    "yandex-vacation": {"X-Autoreply": "yes"},
    "mailru-autoresponder": {"X-AutoReply-From": "", "X-Mail-Autoreply": "yes"},
    "old-vacation-precedence": {"Precedence": "junk"},
}


@dataclass
class _Delivering:
    """SMTP in, IMAP APPEND out: each recipient's mail lands in its Dovecot mailbox."""

    port: int
    mailboxes: dict[str, str]  # address -> Dovecot user
    log: list[tuple[str, str, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        for rcpt in envelope.rcpt_tos:
            user = self.mailboxes.get(rcpt.lower())
            if user is None:
                return f"550 5.1.1 <{rcpt}>: user unknown"
            self.log.append((envelope.mail_from, rcpt.lower(), bytes(envelope.content)))
            with MailBoxUnencrypted("127.0.0.1", self.port).login(user, "secret") as box:
                box.append(bytes(envelope.content), "INBOX")
        return "250 OK"


def next_mailbox() -> str:
    number = next(_user_numbers)
    assert number <= MAILBOXES
    return f"support{number}@example.test"


@pytest.fixture
def relay(dovecot: Dovecot) -> Iterator[tuple[_Delivering, int]]:
    handler = _Delivering(dovecot.port, {})
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def auto_respond(dovecot: Dovecot, user: str, smtp_port: int, headers: dict[str, str]) -> int:
    """The customer's out-of-office: answers every unseen mail in the inbox once."""
    sent = 0
    with MailBoxUnencrypted("127.0.0.1", dovecot.port).login(user, "secret") as box:
        for incoming in box.fetch(AND(seen=False), mark_seen=True):
            reply = EmailMessage()
            reply["From"] = f"Ольга Петрова <{user}>"
            reply["To"] = incoming.from_
            reply["Subject"] = f"Автоматический ответ: {incoming.subject}"
            reply["Message-ID"] = f"<ooo-{sent}-{incoming.uid}@example.test>"
            original = str(incoming.obj["Message-ID"] or "").strip()
            reply["In-Reply-To"] = original
            reply["References"] = original
            for name, value in headers.items():
                reply[name] = value or user
            reply.set_content("Я в отпуске до 1 декабря. По срочным вопросам звоните в офис.")
            with smtplib.SMTP("127.0.0.1", smtp_port) as client:
                client.send_message(reply, from_addr=user, to_addrs=[incoming.from_])
            sent += 1
    return sent


@pytest.mark.parametrize("style", sorted(RESPONDERS))
def test_auto_responder_exchange_stops_after_one_message_each_way(
    style: str, dovecot: Dovecot, relay: tuple[_Delivering, int], tmp_path: Path
) -> None:
    handler, smtp_port = relay
    support_box, customer = next_mailbox(), next_mailbox()
    handler.mailboxes.update({SUPPORT: support_box, customer: customer})
    config = with_work_dir(load_config(environ={}), tmp_path)
    config = replace(
        config,
        imap=ImapSettings(host="127.0.0.1", port=dovecot.port, security="plain",
                          username=support_box, password="secret", timeout=10.0),
        smtp=SmtpSettings(transport="smtp", host="127.0.0.1", port=smtp_port, security="plain"),
    )  # fmt: skip
    request = EmailMessage()
    request["From"] = f"Ольга Петрова <{customer}>"
    request["To"] = SUPPORT
    request["Subject"] = "Не приходит SMS с кодом"
    request["Message-ID"] = "<request-1@example.test>"
    request.set_content("Здравствуйте! При входе в личный кабинет не приходит SMS с кодом.")
    with smtplib.SMTP("127.0.0.1", smtp_port) as client:
        client.send_message(request)

    store = services.open_store(config)
    try:
        auto_replies = 0
        for _ in range(3):  # the desk and the robot take turns; a loop would keep growing
            services.poll(config, store, services.Models())
            auto_replies += auto_respond(dovecot, customer, smtp_port, RESPONDERS[style])
        services.poll(config, store, services.Models())

        to_customer = [raw for sender, rcpt, raw in handler.log if rcpt == customer]
        to_desk = [raw for sender, rcpt, raw in handler.log if rcpt == SUPPORT]
        assert len(to_customer) == 1, "one acknowledgment, nothing more"
        assert (auto_replies, len(to_desk)) == (1, 2), "the request and one auto-reply"
        ack = email.message_from_bytes(to_customer[0], policy=email.policy.default)
        assert ack["Auto-Submitted"] == "auto-replied" and ack["X-Auto-Response-Suppress"] == "All"

        [ticket] = store.list_tickets()
        assert ticket.status == "open", "an auto-reply changes no status"
        assert len(store.messages(ticket.id)) == 2, "the auto-reply is recorded on its ticket"
        assert len(store.outbox()) == 1
    finally:
        store.close()
