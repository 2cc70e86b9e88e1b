"""Text helpers shared by the rules."""

from __future__ import annotations

import re

from faq_index.text import normalise, own_words

WORD_RE = re.compile(r"[0-9a-zа-я]+")


def normalised_words(text: str) -> list[str]:
    return WORD_RE.findall(normalise(text))


__all__ = ["normalised_words", "own_words"]
