"""The desk's notion of "now", replaceable for replays and the demo's month of traffic.

Everything that stamps a time (the store, SLA deadlines, limits on automatic mail)
asks ``utc_now()``. Normally that is the wall clock; ``frozen_at`` sets it for the
duration of a ``with`` block, so that historical traffic can run through the real
intake with the times it happened at.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_fixed: datetime | None = None


def utc_now() -> datetime:
    return _fixed if _fixed is not None else datetime.now(UTC)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Within the block, ``utc_now()`` returns ``moment`` (made timezone-aware as UTC)."""
    global _fixed
    previous = _fixed
    _fixed = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        yield
    finally:
        _fixed = previous
