"""Polling the support mailbox: fetch, process, commit, then move.

A mail is moved out of the inbox only after its outcome is committed, so a
crash in between leaves it in place and the next poll (which recognises the
source key) just moves it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from desk.failpoints import failpoint
from desk.intake import IntakeResult, IntakeService
from mailer import ImapMailbox, ImapSettings

log = logging.getLogger(__name__)


@dataclass
class PollReport:
    results: list[IntakeResult] = field(default_factory=list)
    moved: int = 0
    closed: list[str] = field(default_factory=list)
    busy_by: str = ""  # another poller held the mailbox lease: nothing was done

    @property
    def new(self) -> list[IntakeResult]:
        return [r for r in self.results if r.changed_anything]


def source_key(settings: ImapSettings, uidvalidity: int, uid: str) -> str:
    return f"imap:{settings.username}@{settings.host}/{settings.folder};{uidvalidity};{uid}"


def poll_once(
    settings: ImapSettings,
    intake: IntakeService,
    keep_alive: Callable[[], None] | None = None,
) -> PollReport:
    """``keep_alive`` is called before each mail (it renews the poller's lease and
    raises if the lease was lost, which stops the poll before the mail is touched)."""
    report = PollReport()
    with ImapMailbox(settings) as mailbox:
        mailbox.ensure_folder(settings.processed_folder)
        uidvalidity = mailbox.uidvalidity()
        done: list[str] = []
        for fetched in mailbox.fetch_all():
            failpoint("after_fetch")
            if keep_alive is not None:
                keep_alive()
            key = source_key(settings, uidvalidity, fetched.uid)
            if not fetched.complete:
                mailbox.ensure_folder(settings.oversized_folder)
                result = intake.process_oversized(fetched.raw, fetched.size, key)
                report.results.append(result)
                mailbox.move([fetched.uid], settings.oversized_folder)
                continue
            result = intake.process(fetched.raw, key)
            failpoint("after_commit")
            report.results.append(result)
            done.append(fetched.uid)
            log.info("%s -> %s %s", fetched.uid, result.outcome, result.ticket_number or "")
            if len(done) >= settings.batch_size:
                failpoint("before_move")
                mailbox.move(done, settings.processed_folder)
                report.moved += len(done)
                done = []
        failpoint("before_move")
        mailbox.move(done, settings.processed_folder)
        report.moved += len(done)
    return report
