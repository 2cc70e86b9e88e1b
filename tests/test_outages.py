"""Outages against real servers: `triage poll --watch` (a real process) keeps running
while IMAP is down, refuses the login or drops the connection mid-fetch, and catches up
with nothing lost; SMTP down, 4xx and 5xx are deferred with backoff or kept."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from mailer import ImapSettings, SmtpSettings
from tests.desk_process import (
    DeskEnv,
    append_mails,
    assert_each_mail_once,
    folder_counts,
    request,
    wait_for,
)
from tests.servers import Dovecot, SmtpSink, free_port
from tests.tcp_proxy import TcpProxy
from tests.test_loops import plain


@pytest.fixture
def proxy(imap_settings: ImapSettings) -> Any:
    proxy = TcpProxy(imap_settings.port)
    yield proxy
    proxy.stop()


def failures_logged(log: Path) -> list[str]:
    return re.findall(r"poll failed \(\d+ in a row\), retrying in (\d+) s: (.*)", log.read_text())


def processed(settings: ImapSettings, count: int) -> bool:
    return folder_counts(settings).get("Processed", 0) == count


def test_watch_waits_out_an_imap_outage_with_growing_delays_then_catches_up(
    tmp_path: Path, imap_settings: ImapSettings, smtp_sink: SmtpSink, proxy: TcpProxy
) -> None:
    env = DeskEnv(tmp_path, replace(imap_settings, port=proxy.port), smtp_sink.port)
    append_mails(imap_settings, [request(n) for n in range(3)])
    log = tmp_path / "watch.log"
    with env.background("poll", "--watch", "--interval", "1", log=log) as watch:
        wait_for(lambda: len(failures_logged(log)) >= 3, 60, "three failed polls")
        failures = failures_logged(log)
        assert [int(delay) for delay, _ in failures[:3]] == [1, 2, 4], "the delay doubles"
        assert f"IMAP connection to 127.0.0.1:{proxy.port} failed" in failures[0][1]
        proxy.start()  # the server is back
        wait_for(lambda: processed(imap_settings, 3) and len(smtp_sink.received) == 3, 60,
                 "the mail to be processed after the outage")  # fmt: skip
        assert watch.poll() is None, "the watch is still running"
    assert_each_mail_once(env, smtp_sink, 3, imap_settings)


def test_watch_survives_a_refused_login_until_the_account_works(
    tmp_path: Path, dovecot: Dovecot, imap_settings: ImapSettings, smtp_sink: SmtpSink
) -> None:
    late = replace(imap_settings, username=f"late-{tmp_path.name}@example.test")
    env = DeskEnv(tmp_path, late, smtp_sink.port)
    log = tmp_path / "watch.log"
    with env.background("poll", "--watch", "--interval", "1", log=log) as watch:
        wait_for(lambda: len(failures_logged(log)) >= 2, 60, "two refused logins")
        assert f"IMAP login as '{late.username}' refused" in failures_logged(log)[0][1]
        dovecot.add_users([late.username], late.password)  # the account is fixed
        wait_for(lambda: "polled: 0 new" in log.read_text(), 60, "a successful login")
        append_mails(late, [request(n) for n in range(2)])
        wait_for(lambda: processed(late, 2) and len(smtp_sink.received) == 2, 60,
                 "the mail of the repaired account")  # fmt: skip
        assert watch.poll() is None
    assert_each_mail_once(env, smtp_sink, 2, late)


def test_a_connection_dropped_mid_fetch_is_retried_and_nothing_is_lost_or_doubled(
    tmp_path: Path, imap_settings: ImapSettings, smtp_sink: SmtpSink, proxy: TcpProxy
) -> None:
    env = DeskEnv(tmp_path, replace(imap_settings, port=proxy.port), smtp_sink.port)
    big = 400_000
    append_mails(imap_settings, [request(0), request(1), request(2, log_bytes=big), request(3)])
    proxy.cut_next_connection_after(big // 2)  # inside the third mail (batches of two)
    proxy.start()
    log = tmp_path / "watch.log"
    with env.background("poll", "--watch", "--interval", "1", log=log) as watch:
        wait_for(lambda: processed(imap_settings, 4) and len(smtp_sink.received) == 4, 90,
                 "all four mails after the dropped connection")  # fmt: skip
        assert watch.poll() is None
    assert proxy.cuts == 1
    failures = failures_logged(log)
    assert len(failures) == 1 and "FETCH in INBOX failed" in failures[0][1], failures
    assert_each_mail_once(env, smtp_sink, 4, imap_settings)


def test_smtp_down_defers_the_replies_and_they_go_out_when_it_is_back(
    tmp_path: Path, imap_settings: ImapSettings, smtp_sink: SmtpSink
) -> None:
    env = DeskEnv(tmp_path, imap_settings, free_port())  # nothing listens there
    append_mails(imap_settings, [request(n) for n in range(3)])
    down = env.run("poll")
    assert down.returncode == 0, down.stderr
    assert "polled: 3 new, 3 seen, 0 mail sent" in down.stdout
    assert down.stderr.count("deferred: SMTP connection to 127.0.0.1") == 3
    rows = env.query("SELECT status, attempts, next_attempt_at IS NOT NULL FROM outbox")
    assert rows == [("pending", 1, 1)] * 3, "kept, with a retry time"

    still_waiting = env.run("send", TRIAGE_SMTP_PORT=str(smtp_sink.port))
    assert "sent 0, deferred 0" in still_waiting.stdout, "nothing before its backoff"
    env.query("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00+00:00'")  # time passes
    back = env.run("send", TRIAGE_SMTP_PORT=str(smtp_sink.port))
    assert "sent 3, deferred 0, failed 0" in back.stdout, back.stderr
    assert_each_mail_once(env, smtp_sink, 3)


class _Refusing:
    """An SMTP server answering RCPT TO or DATA with a chosen reply."""

    def __init__(self, stage: str, reply: str) -> None:
        self.stage, self.reply = stage, reply
        self.accepted = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          options: list[str]) -> str:  # fmt: skip
        if self.stage == "rcpt":
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.stage == "data":
            return self.reply
        self.accepted += 1
        return "250 OK"


@pytest.mark.parametrize(
    ("stage", "reply", "outcome"),
    [
        ("rcpt", "450 4.2.1 Mailbox busy, try later", "deferred"),
        ("rcpt", "452 4.3.1 Insufficient system storage", "deferred"),
        ("data", "421 4.3.2 Service shutting down", "deferred"),
        ("rcpt", "550 5.1.1 No such user", "failed"),
        ("data", "554 5.7.1 Message rejected as spam", "failed"),
    ],
)
def test_smtp_replies_temporary_are_retried_later_permanent_are_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, stage: str, reply: str, outcome: str
) -> None:
    handler = _Refusing(stage, reply)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = with_work_dir(load_config(environ={}), tmp_path)
        smtp = SmtpSettings(transport="smtp", host="127.0.0.1", port=port, security="plain")
        config = replace(config, smtp=smtp)
        store = services.open_store(config)
        services.intake_service(config, store, services.Models()).process(
            plain("a@client.ru", "Вопрос", 1), "k1"
        )
        with caplog.at_level(logging.WARNING, logger="desk.outbox"):
            report = services.send_outbox(config, store)
        [mail] = store.outbox()
        code = reply.split()[0]
        if outcome == "deferred":
            [error] = report.deferred.values()
            assert code in error
            assert mail.status == "pending" and handler.accepted == 0
            assert f"outbox {mail.id} to a@client.ru deferred" in caplog.text
            handler.stage = "none"  # the server recovers; the retry waits for its time
            assert not services.send_outbox(config, store).sent
            store.db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00+00:00'")
            store.db.conn.commit()
            assert len(services.send_outbox(config, store).sent) == 1
            assert handler.accepted == 1
        else:
            [error] = report.failed.values()
            assert code in error
            assert mail.status == "failed"
            assert f"outbox {mail.id} to a@client.ru refused for good" in caplog.text
            handler.stage = "none"
            assert not services.send_outbox(config, store).sent, "never retried by itself"
        store.close()
    finally:
        controller.stop()
