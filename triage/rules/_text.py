"""Text helpers shared by the rules: the customer's own words, without signature."""

from __future__ import annotations

import re

from faq_index.text import normalise

_SIGNATURE_START = re.compile(
    r"^\s*(--\s*$|с уважением|с наилучшими|best regards|kind regards|regards,|"
    r"спасибо[,!.]?\s*$|заранее спасибо|отправлено с (моего )?(iphone|ipad|android)|"
    r"sent from my)",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\s*(здравствуйте|добрый (день|вечер)|доброе утро|привет|hello|hi|dear|уважаем\w*)"
    r"[\w\s,!.-]{0,40}$",
    re.IGNORECASE,
)
WORD_RE = re.compile(r"[0-9a-zа-я]+")


def own_words(text: str) -> str:
    """The text without greeting lines and from the signature on."""
    kept = []
    for line in text.splitlines():
        if _SIGNATURE_START.match(line):
            break
        if _GREETING.match(line) or line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def normalised_words(text: str) -> list[str]:
    return WORD_RE.findall(normalise(text))
