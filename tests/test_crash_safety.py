"""The poller killed with SIGKILL at each step of a poll, then restarted: nothing lost,
nothing twice. Real processes (`triage poll`), real Dovecot, a real SMTP server."""

from __future__ import annotations

from pathlib import Path

import pytest

from desk.failpoints import STEPS
from mailer import ImapSettings
from tests.desk_process import DeskEnv, append_mails, assert_each_mail_once, request
from tests.servers import SmtpSink

MAILS = 3


@pytest.fixture
def desk_env(tmp_path: Path, imap_settings: ImapSettings, smtp_sink: SmtpSink) -> DeskEnv:
    return DeskEnv(tmp_path, imap_settings, smtp_sink.port)


@pytest.mark.parametrize("step", STEPS)
def test_sigkill_at_each_step_then_restart_loses_nothing_and_sends_nothing_twice(
    desk_env: DeskEnv, smtp_sink: SmtpSink, step: str
) -> None:
    append_mails(desk_env.imap, [request(n) for n in range(MAILS)])

    killed = desk_env.run("poll", TRIAGE_FAILPOINT=f"{step}:2")  # dies at the 2nd mail
    assert killed.returncode == -9, killed.stderr

    restarted = desk_env.run("poll")
    assert restarted.returncode == 0, restarted.stderr
    assert "took over the lease" in restarted.stderr, "the dead poller's lease is taken over"
    assert_each_mail_once(desk_env, smtp_sink, MAILS)

    uncertain = desk_env.query("SELECT kind FROM outbox WHERE status = 'pending'")
    if step == "after_smtp":
        # Delivered, then killed before "sent" was written: the desk cannot know it
        # arrived, so it is listed as uncertain and never resent on its own.
        assert uncertain == [("acknowledgment",)]
        listed = desk_env.run("send")
        assert "uncertain: #2 acknowledgment" in listed.stdout
        assert len(smtp_sink.received) == MAILS
    else:
        assert uncertain == []
        unconfirmed = desk_env.query("SELECT count(*) FROM tickets WHERE acknowledged_at IS NULL")
        assert unconfirmed == [(0,)]


def test_repeated_kills_at_every_step_in_one_run_still_converge(
    desk_env: DeskEnv, smtp_sink: SmtpSink
) -> None:
    """Killed at each step in turn (each restart gets one step further), then left alone."""
    append_mails(desk_env.imap, [request(n) for n in range(MAILS)])
    for step in ("after_fetch", "after_commit", "before_move", "after_fetch", "after_smtp"):
        assert desk_env.run("poll", TRIAGE_FAILPOINT=step).returncode == -9
    assert desk_env.run("poll").returncode == 0
    assert_each_mail_once(desk_env, smtp_sink, MAILS)


def test_an_unknown_failpoint_is_a_clear_error(desk_env: DeskEnv) -> None:
    append_mails(desk_env.imap, [request(0)])
    result = desk_env.run("poll", TRIAGE_FAILPOINT="after_luch")
    assert result.returncode != 0
    assert "TRIAGE_FAILPOINT='after_luch': unknown step" in result.stderr
