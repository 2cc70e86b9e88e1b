"""P2: support may refuse a customer who breaks etiquette. The desk never answers such a
mail by itself: an obscene or insulting word puts it in front of an agent, who decides
whether to help or to refuse.

Obscene roots are matched where a word can start with them (with the prefixes Russian
builds them with), so "страхуется", "употреблять" and "похудеть" stay clean. Masked
spellings ("п*здец", "бл@ть") count. Impatience, capitals and exclamation marks do not:
an angry customer is still owed an answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from faq_index.text import normalise

_PREFIX = r"(?:за|на|по|от|отъ|вы|до|об|о|ни|у|съ|раз|под|подъ|пере|при|долбо)?"
# Matched against whole words (``fullmatch``); a word may hide letters behind * # @.
_RUDE_WORD = re.compile(
    rf"{_PREFIX}ху[йеяи]\w*|\w*пизд\w*|{_PREFIX}(?!ебург)[её]б(?:а|у|л|н|к|ись|ищ)\w*|"
    r"бля|бля[дт]\w*|сук[аи]|гандон\w*|пид[оа]р\w*|мудак\w*|мудил\w*|залуп\w*|"
    r"идиот\w*|дебил\w*|кретин\w*|придур\w*|дегенерат\w*|ублюд\w*|сволоч\w*|твар[ьи]|"
    r"козл[ыа]|коз[её]л|чмо|быдло|тупорыл\w*|тупые|"
    r"fuck\w*|shit\w*|bullshit|asshole\w*|bastard\w*|idiot\w*|moron\w*|retard\w*|"
    # Masked: one or more symbols for letters inside the root.
    r"х[*#@]+[йяеи][\w*#@]*|п[*#@]+[зд][\w*#@]*|пи[*#@]+д[\w*#@]*|бл[*#@]+[тдя][\w*#@]*|"
    r"[её][*#@]+[аунл][\w*#@]*",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w*#@]*")


@lru_cache(maxsize=100_000)
def _rude(word: str) -> bool:
    return _RUDE_WORD.fullmatch(word) is not None


def rude_words(text: str) -> list[str]:
    """The obscene or insulting words of a text, in order, each once. Word by word,
    each judged once per process: a mail costs a few dictionary look-ups."""
    found = [word for word in _WORD.findall(normalise(text)) if _rude(word)]
    return list(dict.fromkeys(found))
