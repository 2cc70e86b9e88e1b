"""Failpoints: named steps at which a crash test makes the process die on the spot.

The environment variable ``TRIAGE_FAILPOINT`` names one step, optionally with the
how-many-th time it is reached (``after_commit`` = the first time, ``after_commit:2``
= the second). When the running process reaches that step it sends itself SIGKILL:
no ``finally`` block, no atexit handler, no flush runs, exactly as if the machine
lost power or the OOM killer struck. Without the variable a failpoint is one
dictionary lookup and does nothing.

The steps, in the order one poll passes them:

``after_fetch``   a mail was downloaded from IMAP, nothing of it is stored yet
``after_commit``  its ticket, message and outbox row are committed
``before_move``   the committed mails are about to be moved to the processed folder
``after_smtp``    the SMTP server accepted an outgoing mail; "sent" is not recorded yet
"""

from __future__ import annotations

import os
import signal

ENV_VAR = "TRIAGE_FAILPOINT"
STEPS = ("after_fetch", "after_commit", "before_move", "after_smtp")

_reached: dict[str, int] = {}


def failpoint(step: str) -> None:
    """Die with SIGKILL if ``TRIAGE_FAILPOINT`` names this step (and this occurrence)."""
    spec = os.environ.get(ENV_VAR)
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name not in STEPS:
        raise ValueError(f"{ENV_VAR}={spec!r}: unknown step, expected one of {', '.join(STEPS)}")
    if name != step:
        return
    _reached[step] = _reached.get(step, 0) + 1
    if _reached[step] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
