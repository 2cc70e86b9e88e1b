"""Text helpers shared by the rules."""

from __future__ import annotations

import re
from collections.abc import Iterable

from faq_index.text import normalise, own_words

WORD_RE = re.compile(r"[0-9a-zа-я]+")


def normalised_words(text: str) -> list[str]:
    return WORD_RE.findall(normalise(text))


def matches(pattern: re.Pattern[str], texts: Iterable[str]) -> list[str]:
    """Every match of ``pattern`` in what the customer wrote (no greeting, signature or
    quote)."""
    return [m.group(0) for text in texts for m in pattern.finditer(own_words(text))]


__all__ = ["matches", "normalised_words", "own_words"]
