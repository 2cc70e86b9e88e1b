"""Two pollers on one mailbox and one database (two real `triage poll --watch`
processes) never process a mail twice: the mailbox lease in the store lets one work."""

from __future__ import annotations

import os
import time
from pathlib import Path

from desk import services
from desk.config import load_config
from desk.lease import LeaseLostError, MailboxLease
from desk.services import with_work_dir
from mailer import ImapSettings
from tests.desk_process import (
    DeskEnv,
    append_mails,
    assert_each_mail_once,
    folder_counts,
    request,
    wait_for,
)
from tests.servers import SmtpSink


def test_two_watching_pollers_process_each_mail_exactly_once(
    tmp_path: Path, imap_settings: ImapSettings, smtp_sink: SmtpSink
) -> None:
    env = DeskEnv(tmp_path, imap_settings, smtp_sink.port)
    first_burst, total = 30, 40
    append_mails(imap_settings, [request(n) for n in range(first_burst)])
    logs = [tmp_path / "poller-a.log", tmp_path / "poller-b.log"]
    with (
        env.background("poll", "--watch", "--interval", "1", log=logs[0]) as a,
        env.background("poll", "--watch", "--interval", "1", log=logs[1]) as b,
    ):
        wait_for(lambda: all("polled:" in log.read_text() or "skipped:" in log.read_text()
                             for log in logs), 90, "both pollers to start")  # fmt: skip
        append_mails(imap_settings, [request(n) for n in range(first_burst, total)])
        wait_for(
            lambda: (
                folder_counts(imap_settings).get("Processed") == total
                and len(smtp_sink.received) == total
            ),
            120,
            "every mail processed",
        )
        time.sleep(2)  # a late double would show up now
        assert a.poll() is None and b.poll() is None, "both keep running"
    texts = [log.read_text() for log in logs]
    assert any("skipped: another poller holds the mailbox" in t for t in texts), texts
    assert "Traceback" not in "".join(texts)
    assert_each_mail_once(env, smtp_sink, total)


def test_the_lease_is_exclusive_expires_and_is_taken_from_a_dead_holder(
    tmp_path: Path,
) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    first = MailboxLease(store, "poll:box", ttl=60)
    second = MailboxLease(store, "poll:box", ttl=60)
    assert first.acquire() is None
    assert second.acquire() == first.holder, "held: the second poller is told by whom"
    assert first.acquire() is None, "the holder may renew it"
    first.release()
    assert second.acquire() is None

    store.db.execute("UPDATE leases SET expires_at = '2000-01-01T00:00:00.000+00:00'")
    store.db.conn.commit()
    assert first.acquire() is None, "an expired lease is free"
    second.ttl = 0  # renew at the next mail
    try:
        second.keep_alive()
        raise AssertionError("keep_alive must notice the lease was taken")
    except LeaseLostError as exc:
        assert "lost" in str(exc)

    dead = f"{first.holder.split('|')[0]}|{2**22 + os.getpid()}|deadbeef"  # no such pid
    store.db.execute("UPDATE leases SET holder = ?", [dead])
    store.db.conn.commit()
    second.ttl = 60
    assert second.acquire() is None, "a dead local holder's lease is taken at once"
    elsewhere = MailboxLease(store, "poll:box", ttl=60)
    store.db.execute("UPDATE leases SET holder = 'other-host|1|x'")
    store.db.conn.commit()
    assert elsewhere.acquire() == "other-host|1|x", "another machine's live lease is kept"
    store.close()
