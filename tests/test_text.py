"""Text normalisation shared by the index, the search and the classifier."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from faq_index.text import analyze, normalise

_LOOKALIKES = str.maketrans("aeopcxykmthb", "аеорсхукмтнв")


def _by_definition(text: str) -> str:
    """Each token (a run of digits and letters of either script) that holds letters of
    both scripts has its Latin look-alikes made Cyrillic; nothing else changes."""

    def fix(token: str) -> str:
        both = re.search("[а-я]", token) and re.search("[a-z]", token)
        return token.translate(_LOOKALIKES) if both else token

    lowered = text.lower().replace("ё", "е")
    return re.sub("[0-9a-zа-я]+", lambda m: fix(m.group(0)), lowered)


def test_latin_look_alikes_inside_cyrillic_words_become_cyrillic() -> None:
    assert normalise("Нe пpихoдит кoд") == "не приходит код"  # e, p, o, o typed in Latin
    assert normalise("Ёлка WiseAdvice 1С:ЗУП x64") == "елка wiseadvice 1с:зуп x64"
    assert analyze("Пapoль") == analyze("пароль")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="aeopcxyzkmthbаеорсхёЁПР019 -_.,\n\u00a0", max_size=60))
def test_only_mixed_script_tokens_change(text: str) -> None:
    assert normalise(text) == _by_definition(text)
