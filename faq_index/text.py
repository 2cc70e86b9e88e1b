"""Russian-aware text normalisation shared by indexing and search.

Morphology is Snowball stemming (PyStemmer): measured against pymorphy3 lemmas on
the dev questions (`benchmarks/morphology.py`), stems gave MRR@10 0.622 for the word
field alone against 0.615 for lemmas and 0.607 without morphology; with character
n-grams added the three are within 0.004 of each other. Stems are also ~60x faster
and need no 16 MB dictionary.

Customers mix Latin look-alike letters into Cyrillic words and write "е" for
"ё"; both the documentation and the questions go through the same analyzer so
that such spellings meet the same stems.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_TOKEN_RE = re.compile(r"[0-9a-zа-я]+")
# A whole token with letters of both scripts: only these are rewritten, so the rest of
# a mail costs no Python call per word. Each lookahead stops at the token's first letter
# of its script, so the cost stays linear in the token's length.
_MIXED_TOKEN_RE = re.compile(r"(?<![0-9a-zа-я])(?=[0-9а-я]*[a-z])(?=[0-9a-z]*[а-я])[0-9a-zа-я]+")
_CYRILLIC_RE = re.compile(r"[а-я]")
_LATIN_RE = re.compile(r"[a-z]")
_LOOKALIKES = str.maketrans("aeopcxykmthb", "аеорсхукмтнв")

_STOP_WORDS_TEXT = """
    а без более бы был была были было быть в вам вас весь во вот все всё всего всех вы где да
    даже для до его ее её ей ему если есть еще ещё же за здесь и из или им их к как ко когда кто
    ли либо мне может мы на над надо наш не него нее неё нет ни них но ну о об однако он она они
    оно от очень по под после при про с со так также такой там те тем то того тоже той только
    том ты у уже хотя чего чей чем что чтобы чье чья эта эти это этот я здравствуйте добрый день
    утро вечер уважаемые уважаемый коллеги спасибо пожалуйста подскажите подскажете скажите
    прошу помочь помогите заранее благодарю благодарим с уважением the a an and or of to in on
    for is are be it this that with how do does i we you my our please hello hi thanks thank
    regards can
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_russian = Stemmer.Stemmer("russian")
_english = Stemmer.Stemmer("english")


def normalise(text: str) -> str:
    """Lower case, ё as е, Latin look-alikes inside Cyrillic words made Cyrillic."""
    text = text.lower().replace("ё", "е")
    return _MIXED_TOKEN_RE.sub(lambda m: m.group(0).translate(_LOOKALIKES), text)


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    if _CYRILLIC_RE.search(token):
        return str(_russian.stemWord(token))
    if _LATIN_RE.search(token):
        return str(_english.stemWord(token))
    return token


def words(text: str) -> list[str]:
    """Normalised tokens without stop words (not yet stemmed)."""
    return [
        token
        for token in _TOKEN_RE.findall(normalise(text))
        if token not in STOP_WORDS and (len(token) > 1 or token.isdigit())
    ]


def analyze(text: str) -> list[str]:
    """The terms the index stores: stemmed words."""
    return [stem(token) for token in words(text)]


_SIGNATURE_START = re.compile(
    r"^\s*(--\s*$|с уважением|с наилучшими|best regards|kind regards|regards,|"
    r"(спасибо|благодарю)( за (помощь|ответ|содействие))?( заранее)?[,!.]*\s*$|"
    r"заранее спасибо|заранее благодар\w*|всего доброго[,!.]*\s*$|"
    r"(thanks|thank you)( in advance| very much| for your help)?[,!.]*\s*$|"
    r"(best|cheers|sincerely|best wishes|yours (sincerely|faithfully|truly))[,!.]*\s*$|"
    r"отправлено (с|из) .{2,40}$|sent from .{2,40}$)",
    re.IGNORECASE,
)
# Lines a mail may end with and no marker opens: a name ("Денис", "Иванова М.П."), a
# position and an organisation ("Главбух ООО «Вектор»"), contacts ("тел. 8 912 ...").
_ORGANISATION = re.compile(r"\b(ООО|ОАО|ЗАО|ПАО|АО|ИП|ГУП|МУП|ФГУП|ГБУ|МБУ|LLC|Ltd|GmbH|Inc)\b")
_CONTACT_LINE = re.compile(r"^(тел|моб|phone|e-?mail|почта)\b", re.IGNORECASE)
MAX_SIGNATURE_LINES = 3
WRAPPED_LINE_CHARS = 50  # clients wrap plain text at 66-78 characters
_SENTENCE_END = tuple('.!?…»")')
_GREETING = re.compile(
    r"^\s*(здравствуйте|здраствуйте|здравствуй|добрый (день|вечер)|доброе утро|доброго (дня|"
    r"времени суток)|приветствую|привет|hello|hi|dear|good (morning|afternoon)|уважаем\w*|"
    r"коллеги)\b",
    re.IGNORECASE,
)
# Whom a greeting addresses ("Добрый день, коллеги!", "Уважаемая служба поддержки,"), or
# a second greeting ("Коллеги, добрый день!"); a name is a run of capitalised words.
_ADDRESSEE = re.compile(
    r"^((?i:уважаем|дорог)\w*\s+)?([A-ZА-ЯЁ][\w-]*\s+)?(?i:коллеги|команда|друзья|служба"
    r"( технической)? поддержки|техподдержка|поддержка|support( team)?|team|all|everyone|"
    r"sirs?|madam|sir or madam|здравствуйте|добрый (день|вечер)|доброе утро)"
    r"(\s+[A-ZА-ЯЁ][\w-]*)?$",  # "WiseAdvice team", "служба поддержки WiseAdvice": names
)
# Words apart by spaces, so that matching is linear: "(X\w*\s*){1,4}" let the words'
# boundaries move, and a 300-letter word of capitals took 30 s.
_NAME = re.compile(r"^[A-ZА-ЯЁ][\w.-]*(\s+[A-ZА-ЯЁ][\w.-]*){0,3}$")
MAX_NAME_CHARS = 80
_CLAUSE_END = re.compile(r"[!.,;:?]+")
_PUNCTUATION = " \t!.,;:?-—"
# An address is matched from the start of its word only ("(?<!\S)"): "\S+@" tried from
# every letter of a long word with no "@" was quadratic (20,000 letters: 1.4 s).
_CONTACT_NOISE = re.compile(
    r"(?<!\S)\S+@\S+|https?://\S+|(?:\+7|\b8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}|"
    r"\b(?:инн|кпп|огрн)\W{0,3}[\d/ ]{9,25}",
    re.IGNORECASE,
)


def without_greeting(line: str) -> str:
    """A line without the greeting it opens with, and whom it addresses: "Добрый день,
    Ольга! Не приходит SMS" -> "Не приходит SMS"; "" for a line that only greets. What
    follows a greeting on its line is often the whole question ("Здравствуйте, не могу
    войти в кабинет"), so it is kept."""
    greeting = _GREETING.match(line)
    if greeting is None:
        return line
    rest = line[greeting.end() :]
    for _ in range(2):  # "Добрый день, уважаемые коллеги, Ольга!"
        stripped = rest.lstrip(_PUNCTUATION)
        # After "!" or "." a capitalised word starts a sentence ("Приветствую! Подскажите"),
        # after a comma it is a name ("Добрый день, Ольга").
        sentence = any(mark in rest[: len(rest) - len(stripped)] for mark in "!.?")
        rest = stripped
        end = _CLAUSE_END.search(rest)
        clause = (rest[: end.start()] if end else rest).strip()
        named = not sentence and _is_name(clause)
        if not clause or not (named or _ADDRESSEE.match(clause)):
            break
        rest = rest[end.end() :] if end else ""
    rest = rest.lstrip(_PUNCTUATION)
    return rest if rest.strip() else ""


def own_words(text: str) -> str:
    """What the writer says: no greetings, nothing from the signature on, no quotes."""
    kept: list[str] = []
    for line in text.splitlines():
        if _SIGNATURE_START.match(line) and kept:
            break
        if line.lstrip().startswith(">"):
            continue
        said = without_greeting(line)
        if line.strip() and not said:
            continue  # a line that only greets
        kept.append(said)
    return "\n".join(kept).strip()


def _signs_off(line: str) -> bool:
    """Whether a last line of a mail is its writer's name, position or contacts."""
    line = line.strip(" \t,.;")
    if not line or "?" in line or len(line) > MAX_NAME_CHARS:
        return False
    return _is_name(line) or bool(_ORGANISATION.search(line) or _CONTACT_LINE.match(line))


def _is_name(text: str) -> bool:
    """One to four capitalised words: "Ольга", "Иванова М.П.", "Ольга Викторовна"."""
    return len(text) <= MAX_NAME_CHARS and _NAME.match(text) is not None


def prepare_query(text: str) -> str:
    """A customer's mail as a search query: own words without the name, position and
    contacts it ends with, and without contact details anywhere."""
    lines = [line.rstrip() for line in own_words(text).splitlines()]
    for _ in range(MAX_SIGNATURE_LINES):
        before = len(lines) - 2  # the last line with text above the last one
        while before >= 0 and not lines[before]:
            before -= 1
        if before < 0 or not _signs_off(lines[-1]):
            break
        # A signature follows a blank line, a finished sentence, a short line or more
        # of itself; a line after a long one that runs on ends a sentence the mail
        # client wrapped ("... не получается подписать через\nГосключ").
        above = lines[before]
        apart = (
            before < len(lines) - 2
            or above.endswith(_SENTENCE_END)
            or len(above) < WRAPPED_LINE_CHARS
            or _signs_off(above)
        )
        if not apart:
            break
        del lines[before + 1 :]
    return _CONTACT_NOISE.sub(" ", "\n".join(lines).strip())
