"""The desk as a real process: `triage` run as a subprocess against the test servers.

Crash, outage and concurrency tests need what only a separate process gives: a
SIGKILL that leaves no Python clean-up behind, two pollers racing for one
mailbox. The configuration is passed the way an operator would, through
``TRIAGE_<SECTION>_<KEY>`` environment variables.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from imap_tools import MailBoxUnencrypted

from mailer import ImapSettings
from tests.servers import SmtpSink

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DeskEnv:
    """Where one desk keeps its files, and which servers it talks to."""

    work: Path
    imap: ImapSettings
    smtp_port: int

    @property
    def database(self) -> Path:
        return self.work / "desk.sqlite3"

    def environ(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRIAGE_")}
        env.update(
            TRIAGE_IMAP_HOST=self.imap.host,
            TRIAGE_IMAP_PORT=str(self.imap.port),
            TRIAGE_IMAP_SECURITY="plain",
            TRIAGE_IMAP_USERNAME=self.imap.username,
            TRIAGE_IMAP_PASSWORD=self.imap.password,
            TRIAGE_IMAP_TIMEOUT="5",
            TRIAGE_IMAP_BATCH_SIZE="2",  # a poll of a few mails moves them more than once
            TRIAGE_SMTP_TRANSPORT="smtp",
            TRIAGE_SMTP_HOST="127.0.0.1",
            TRIAGE_SMTP_PORT=str(self.smtp_port),
            TRIAGE_SMTP_SECURITY="plain",
            TRIAGE_SMTP_TIMEOUT="5",
            TRIAGE_STORE_DATABASE=str(self.database),
            TRIAGE_STORE_ATTACHMENTS_DIR=str(self.work / "attachments"),
            # No index and no classifier: every mail is escalated with an acknowledgment,
            # which is what these tests count; the process starts in a second.
            TRIAGE_INDEX_DIRECTORY=str(self.work / "no-index"),
            TRIAGE_INDEX_SEMANTIC_MODEL="off",
            TRIAGE_CLASSIFIER_MODEL_DIR=str(self.work / "no-model"),
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "desk.cli", "-v", *args]

    def run(
        self, *args: str, timeout: float = 120.0, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            env=self.environ(**extra),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    @contextmanager
    def background(self, *args: str, log: Path, **extra: str) -> Iterator[subprocess.Popen[str]]:
        """A long-running `triage` (poll --watch); interrupted like Ctrl-C at the end."""
        with log.open("w") as out:
            process = subprocess.Popen(
                self.command(*args),
                env=self.environ(**extra),
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
            try:
                yield process
            finally:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()

    def query(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.database) as conn:
            return list(conn.execute(sql))


def request(n: int, sender: str | None = None, log_bytes: int = 0) -> bytes:
    """A customer's request; ``log_bytes``: with a text log of that size attached."""
    msg = EmailMessage()
    msg["From"] = sender or f"Клиент {n} <client{n}@stlogistic.ru>"
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = f"Не открывается отчёт {n}"
    msg["Date"] = "Tue, 24 Nov 2026 10:15:00 +0300"
    msg["Message-ID"] = f"<request-{n}@stlogistic.ru>"
    msg.set_content(f"Здравствуйте! Отчёт номер {n} не открывается, появляется ошибка.")
    if log_bytes:
        lines = (f"{i:08d} ERROR report {n} failed to open\n" for i in range(log_bytes // 38 + 1))
        log = "".join(lines)[:log_bytes].encode()
        msg.add_attachment(log, maintype="text", subtype="plain", filename="app.log")
    return msg.as_bytes()


def append_mails(settings: ImapSettings, raws: list[bytes]) -> None:
    with MailBoxUnencrypted(settings.host, settings.port).login(
        settings.username, settings.password
    ) as box:
        for raw in raws:
            box.append(raw, settings.folder)


def folder_counts(settings: ImapSettings) -> dict[str, int]:
    with MailBoxUnencrypted(settings.host, settings.port).login(
        settings.username, settings.password
    ) as box:
        return {
            name: int(box.folder.status(name, ["MESSAGES"])["MESSAGES"])
            for name in (settings.folder, settings.processed_folder)
            if box.folder.exists(name)
        }


def assert_each_mail_once(
    env: DeskEnv, sink: SmtpSink, count: int, mailbox: ImapSettings | None = None
) -> None:
    """Every mail: one intake record, one ticket with one message, one acknowledgment
    queued and one delivered; the inbox is empty."""
    intake = env.query("SELECT outcome FROM intake")
    assert len(intake) == count and {o for (o,) in intake} == {"escalate"}, intake
    per_ticket = env.query("SELECT ticket_id, count(*) FROM messages GROUP BY ticket_id")
    assert len(per_ticket) == count and all(n == 1 for _, n in per_ticket), per_ticket
    acks = env.query("SELECT ticket_id FROM outbox WHERE kind = 'acknowledgment'")
    assert sorted(t for (t,) in acks) == sorted(t for t, _ in per_ticket)
    replied_to = Counter(
        email.message_from_bytes(m.data, policy=email.policy.default)["In-Reply-To"]
        for m in sink.received
    )
    assert replied_to == Counter(f"<request-{n}@stlogistic.ru>" for n in range(count))
    assert folder_counts(mailbox or env.imap) == {"INBOX": 0, "Processed": count}


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)
