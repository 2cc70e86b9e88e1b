"""Which language to answer in: English when the customer wrote in English, else Russian."""

from __future__ import annotations

import re

_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def reply_language(text: str) -> str:
    """ "en" when Latin letters clearly outnumber Cyrillic ones (product names aside)."""
    latin = len(_LATIN.findall(text))
    cyrillic = len(_CYRILLIC.findall(text))
    return "en" if latin > 40 and latin > 3 * cyrillic else "ru"
