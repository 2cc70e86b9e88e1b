"""The current and the oldest supported release, read from the release notes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from faq_index.extract import Section

_VERSION = r"(\d+\.\d+\.\d+)"
_CURRENT = re.compile(rf"(?:текущая|актуальная|последняя)\s+версия\W{{0,10}}{_VERSION}", re.I)
_MINIMUM = re.compile(
    rf"минимальн\w+\s+(?:поддерживаем\w+\s+)?версия\W{{0,10}}{_VERSION}|"
    rf"версии\s+ниже\s+{_VERSION}\s+не\s+поддерживаются",
    re.I,
)
_RELEASE_PAGE = re.compile(r"release|releases|changelog|выпуск|версии|обновлени", re.I)


@dataclass(frozen=True)
class ReleaseInfo:
    current: str = ""
    minimum_supported: str = ""


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def release_info(sections: Sequence[Section]) -> ReleaseInfo:
    """Stated current and minimum versions; else the highest version in the release notes."""
    notes = [s for s in sections if _RELEASE_PAGE.search(f"{s.url} {s.page_title} {s.title}")]
    text = "\n".join(s.text for s in notes)
    current = _CURRENT.search(text)
    minimum = _MINIMUM.search(text)
    highest = max(re.findall(_VERSION, text), key=_key, default="")
    return ReleaseInfo(
        current=current.group(1) if current else highest,
        minimum_supported=next((g for g in minimum.groups() if g), "") if minimum else "",
    )
