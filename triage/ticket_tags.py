"""Which ticket an incoming mail belongs to: by the subject tag, then by headers."""

from __future__ import annotations

import re


def ticket_tag_pattern(prefix: str) -> re.Pattern[str]:
    """Matches ``[WA-000123]`` and the ways clients and people mangle it."""
    return re.compile(rf"\[\s*{re.escape(prefix)}\s*[-–—_ ]?\s*(\d{{1,9}})\s*\]", re.IGNORECASE)


def find_ticket_number(subject: str, prefix: str) -> str | None:
    """The ticket number carried in the subject, normalised to ``WA-000123``."""
    match = ticket_tag_pattern(prefix).search(subject)
    if not match:
        return None
    return f"{prefix}-{int(match.group(1)):06d}"
