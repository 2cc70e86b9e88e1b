"""IMAP IDLE against real Dovecot: `triage poll --watch` takes new mail at once, not after
the interval; without IDLE the watcher falls back to polling."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted

from mailer import ImapSettings
from mailer.imap_watch import MailWatcher
from tests.servers import Dovecot, SmtpSink
from tests.test_end_to_end import customer_mail

INTERVAL = 300.0  # a poll interval far longer than the test may take


def append(settings: ImapSettings, raw: bytes) -> None:
    with MailBoxUnencrypted(settings.host, settings.port).login(
        settings.username, settings.password
    ) as box:
        box.append(raw, "INBOX")


def desk_env(imap: ImapSettings, smtp_port: int, work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "TRIAGE_IMAP_HOST": imap.host,
        "TRIAGE_IMAP_PORT": str(imap.port),
        "TRIAGE_IMAP_SECURITY": "plain",
        "TRIAGE_IMAP_USERNAME": imap.username,
        "TRIAGE_IMAP_PASSWORD": imap.password,
        "TRIAGE_SMTP_TRANSPORT": "smtp",
        "TRIAGE_SMTP_HOST": "127.0.0.1",
        "TRIAGE_SMTP_PORT": str(smtp_port),
        "TRIAGE_SMTP_SECURITY": "plain",
        "TRIAGE_STORE_DATABASE": str(work / "desk.sqlite3"),
        "TRIAGE_STORE_ATTACHMENTS_DIR": str(work / "attachments"),
        "TRIAGE_INDEX_DIRECTORY": str(work / "index"),
        "TRIAGE_INDEX_SEMANTIC_MODEL": "off",
        "TRIAGE_CLASSIFIER_MODEL_DIR": str(work / "model"),
    }


@pytest.fixture
def watching_desk(
    imap_settings: ImapSettings, smtp_sink: SmtpSink, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str]]]:
    """`triage poll --watch` as its own process; its output lines arrive on a queue."""
    command = "from desk.cli import main; raise SystemExit(main())"
    process = subprocess.Popen(
        [sys.executable, "-c", command, "-v", "poll", "--watch", "--interval", str(INTERVAL)],
        env=desk_env(imap_settings, smtp_sink.port, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        yield process, lines
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for_line(lines: queue.Queue[str], fragment: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.05, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if fragment in line:
            return line
    raise AssertionError(f"no line with {fragment!r} within {timeout} s; output: {seen}")


def test_mail_appended_while_idling_is_processed_at_once(
    watching_desk: tuple[subprocess.Popen[str], queue.Queue[str]],
    imap_settings: ImapSettings,
    smtp_sink: SmtpSink,
) -> None:
    _, lines = watching_desk
    wait_for_line(lines, "polled: 0 new", timeout=60)
    time.sleep(1.0)  # the desk is now in IDLE, with INTERVAL seconds to the next poll
    started = time.monotonic()
    append(
        imap_settings, customer_mail("Не приходит SMS", "Код не приходит.", message_id="<i1@c.ru>")
    )
    wait_for_line(lines, "polled: 1 new", timeout=30)
    elapsed = time.monotonic() - started
    print(f"appended -> processed while idling: {elapsed:.2f} s")
    assert elapsed < 15, f"took {elapsed:.1f} s: IDLE did not wake the desk"
    deadline = time.monotonic() + 10
    while not smtp_sink.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(smtp_sink.received) == 1, "the acknowledgment went out"


def test_mail_that_arrived_before_idle_started_is_not_left_waiting(
    imap_settings: ImapSettings,
) -> None:
    watcher = MailWatcher(imap_settings)
    assert watcher.wait(0.5) == "timeout" and watcher.mode == "idle"
    append(imap_settings, customer_mail("Вопрос", "Текст.", message_id="<i2@c.ru>"))
    started = time.monotonic()
    assert watcher.wait(INTERVAL) == "new mail"
    assert time.monotonic() - started < 10
    assert watcher.wait(0.5) == "timeout", "no new mail since: back to IDLE"


def test_a_server_without_idle_is_polled_every_interval() -> None:
    server = Dovecot(extra_conf="imap_capability = IMAP4rev1 LITERAL+ SASL-IR\n")
    server.add_users(["plain@example.test"], "secret")
    server.start()
    try:
        settings = ImapSettings(
            host="127.0.0.1", port=server.port, security="plain",
            username="plain@example.test", password="secret", timeout=10.0,
        )  # fmt: skip
        slept: list[float] = []
        watcher = MailWatcher(settings, sleep=slept.append)
        assert watcher.wait(42.0) == "interval"
        assert (watcher.mode, slept) == ("poll", [42.0])
    finally:
        server.stop()
