"""A lease in the ticket store: at most one poller works on a mailbox at a time.

Two ``triage poll --watch`` services started by mistake on the same mailbox and
database would otherwise both fetch the same new mail, both find it unprocessed
and both answer it. The lease is a row in the store (table ``leases``) naming
the holding process and an expiry; it is taken in one SQL statement, renewed
while the poll runs, and released at its end. A poller that finds the lease
taken skips its round. A lease whose holder was killed is free again when it
expires, or at once when the holder was a process on this machine that no
longer exists.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta

from triage import StoreError, TicketStore

log = logging.getLogger(__name__)


class LeaseLostError(StoreError):
    """Our lease expired and another poller took it: stop before touching more mail."""


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def stale_local_holder(holder: str) -> bool:
    """True when ``holder`` was a process on this host that no longer runs."""
    host, _, rest = holder.partition("|")
    pid = rest.partition("|")[0]
    return host == socket.gethostname() and pid.isdigit() and _pid_gone(int(pid))


class MailboxLease:
    """The lease named ``name`` for this process, valid ``ttl`` seconds after each renewal."""

    def __init__(self, store: TicketStore, name: str, ttl: float) -> None:
        self.store = store
        self.name = name
        self.ttl = ttl
        self.holder = f"{socket.gethostname()}|{os.getpid()}|{uuid.uuid4().hex[:8]}"
        self._renewed = 0.0

    def _expiry(self) -> tuple[str, str]:
        now = datetime.now(UTC)
        return _iso(now), _iso(now + timedelta(seconds=self.ttl))

    def acquire(self) -> str | None:
        """Take the lease; None when taken, else the holder that has it."""
        current = self.store.lease(self.name).get("holder")
        stale = current if current and stale_local_holder(str(current)) else None
        now, expires = self._expiry()
        holder = self.store.acquire_lease(self.name, self.holder, expires, now, stale)
        if holder != self.holder:
            return holder
        if stale:
            log.warning("took over the lease on %s from a dead poller (%s)", self.name, stale)
        self._renewed = time.monotonic()
        return None

    def keep_alive(self) -> None:
        """Renew once a third of the lease has passed; raise if it was lost meanwhile."""
        if time.monotonic() - self._renewed < self.ttl / 3:
            return
        if not self.store.renew_lease(self.name, self.holder, self._expiry()[1]):
            raise LeaseLostError(f"lease on {self.name} lost: another poller took it over")
        self._renewed = time.monotonic()

    def release(self) -> None:
        self.store.release_lease(self.name, self.holder)
