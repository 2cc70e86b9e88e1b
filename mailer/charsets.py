"""Decoding 8-bit text whose charset is missing or wrong, as Russian mail often is.

Mail from old 1C mailers and misconfigured gateways arrives in KOI8-R labelled
windows-1251 (or unlabelled). Each single-byte Cyrillic candidate is tried and
scored by how Russian the result reads: mostly lower-case letters, few case
switches inside words. The declared charset wins unless another reads clearly
better. (charset-normalizer mistakes short KOI8-R text for Japanese here.)
"""

from __future__ import annotations

import itertools
import re

CYRILLIC_SINGLE_BYTE = ("windows-1251", "koi8-r", "cp866", "iso-8859-5", "koi8-u")
_WORD = re.compile(r"[А-Яа-яЁё]+")
_COMMON = set("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэф")


def _score(text: str) -> float:
    score = 0.0
    for word in _WORD.findall(text):
        lower = sum(1 for ch in word if ch in _COMMON)
        switches = sum(1 for a, b in itertools.pairwise(word) if a.islower() and b.isupper())
        score += lower - 3 * switches
    return score - 5 * text.count("\ufffd")


def decode_text(data: bytes, declared: str | None) -> str:
    charset = (declared or "").lower().strip()
    try:
        # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the label says: single-byte
        # Cyrillic text practically never forms valid UTF-8 sequences.
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: dict[str, str] = {}
    for name in (charset, *CYRILLIC_SINGLE_BYTE):
        if not name or name in candidates or name in ("utf-8", "utf8", "us-ascii", "ascii"):
            continue
        try:
            candidates[name] = data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    if not candidates:
        return data.decode("utf-8", errors="replace")
    scores = {name: _score(text) for name, text in candidates.items()}
    best = max(scores, key=lambda name: scores[name])
    if charset in candidates and scores[charset] * 1.5 + 5 >= scores[best]:
        return candidates[charset]
    return candidates[best]
