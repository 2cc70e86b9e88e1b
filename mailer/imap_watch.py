"""Waiting for new mail between polls: IMAP IDLE when the server offers it, a timer otherwise.

A mail that arrives between a poll's fetch and the start of the next IDLE is not
announced by IDLE (the server counts it as already seen at SELECT). The watcher
therefore compares the folder's UIDNEXT with the one it saw before its last wait:
if it grew, there may be mail the last poll did not see, and it returns at once.
The cost is at most one empty poll per burst of mail; nothing waits a whole interval.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from mailer.imap_source import ImapMailbox
from mailer.settings import ImapSettings

log = logging.getLogger(__name__)


class MailWatcher:
    def __init__(self, settings: ImapSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.sleep = sleep
        self.uidnext: int | None = None
        self.mode = ""  # "idle" or "poll", known after the first wait

    def wait(self, timeout: float) -> str:
        """Block until new mail may be there or ``timeout`` seconds pass.

        Returns "new mail", "timeout" (IDLE saw nothing) or "interval" (no IDLE: slept).
        Raises MailboxError when the server cannot be reached.
        """
        with ImapMailbox(self.settings) as mailbox:
            if not mailbox.supports_idle():
                if self.mode != "poll":
                    log.info("%s offers no IDLE: polling every %.0f s", self.settings.host, timeout)
                self.mode = "poll"
                mailbox.close()
                self.sleep(timeout)
                return "interval"
            self.mode = "idle"
            current = mailbox.uidnext()
            previous, self.uidnext = self.uidnext, current
            if previous is not None and current > previous:
                return "new mail"
            if mailbox.idle_until_new_mail(timeout):
                return "new mail"
            return "timeout"
