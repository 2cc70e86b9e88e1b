"""Polling the support mailbox: fetch, process, commit, then move.

A mail is moved out of the inbox only after its outcome is committed, so a
crash in between leaves it in place and the next poll (which recognises the
source key) just moves it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from desk.failpoints import failpoint
from desk.intake import IntakeResult, IntakeService
from desk.workers import PreparePool
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
    pool: PreparePool | None = None,
) -> PollReport:
    """Fetch, process and move every mail in the inbox.

    ``keep_alive`` is called before each batch and each oversized mail (it renews the
    poller's lease and raises if the lease was lost, which stops the poll before the
    mail is touched).
    ``pool`` parses and looks up a burst in worker processes, a few chunks ahead;
    this process threads, decides and stores the mail in order, ``batch_size``
    mails to a commit, and moves mail out of the inbox only once committed.
    """
    report = PollReport()
    with ImapMailbox(settings) as mailbox:
        mailbox.ensure_folder(settings.processed_folder)
        uidvalidity = mailbox.uidvalidity()
        uids: dict[str, str] = {}

        def fetched() -> Iterator[tuple[bytes, str]]:
            for mail in mailbox.fetch_all():
                failpoint("after_fetch")
                key = source_key(settings, uidvalidity, mail.uid)
                if mail.complete:
                    uids[key] = mail.uid
                    yield mail.raw, key
                    continue
                if keep_alive is not None:
                    keep_alive()
                mailbox.ensure_folder(settings.oversized_folder)
                report.results.append(intake.process_oversized(mail.raw, mail.size, key))
                mailbox.move([mail.uid], settings.oversized_folder)

        if pool is not None:
            prepared = pool.stream(fetched())
        else:
            prepared = (p for item in fetched() for p in intake.preparer.prepare([item]))
        while group := list(islice(prepared, settings.batch_size)):
            if keep_alive is not None:
                keep_alive()
            results = intake.process_batch(group)
            failpoint("after_commit")
            done = [uids.pop(item.source_key) for item in group]
            for uid, result in zip(done, results, strict=True):
                log.info("%s -> %s %s", uid, result.outcome, result.ticket_number or "")
            report.results.extend(results)
            failpoint("before_move")
            mailbox.move(done, settings.processed_folder)
            report.moved += len(done)
    return report
