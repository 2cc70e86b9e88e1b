"""P7: step-by-step reproduction (where possible).

Customers rarely number their steps. They tell what they did in a sentence: "нажимаю
«Подписать», ввожу код — приложение закрывается", "после ввода пароля возвращает на
страницу входа", "выгрузили листки из ЗУП, а у сотрудников их нет". So besides lists
and menu paths the rule reads the verbs (pymorphy3): what the writer does or did
(first person, a transitive verb in the past tense, a gerund) and the operation at
which the problem appears ("при подписании", "после обновления").
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from faq_index.text import normalise
from triage.rules._base import Finding, PolicySettingsView, RequestContent
from triage.rules._text import own_words

_LIST_ITEM = re.compile(r"^\s*(\d{1,2}[.)]|[-•*–]|шаг\s*\d)\s+\S", re.IGNORECASE | re.MULTILINE)
# "Настройки → Подписи", "Файл > Открыть"; a » that closes a quotation («...») is not one.
_MENU_PATH = re.compile(r"\S\s*(→|->|=>)\s*\S|\S\s(»|>)\s\S")
_WORD = re.compile(r"[а-яa-z]+")


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# "при входе", "после обновления", "во время импорта": the operation the problem comes with.
_OPERATION_BEFORE = frozenset({"при", "после", "до", "время"})
# Nouns of an action without a noun suffix that says so (-ние, -тие, -ция, -ка).
_ACTION_NOUNS = _lexicon(
    "вход ввод выход импорт экспорт обмен запуск перезапуск выпуск перевыпуск переход "
    "выбор перенос поиск сброс старт клик вызов прием запрос апгрейд"
)
# "-ка" takes in "ошибка" and "кнопка" too, but "при ошибке" is rare and harmless.
_ACTION_NOUN_ENDINGS = ("ние", "тие", "ция", "ка")
# Verbs of waiting, knowing, seeing, wanting, writing to us and paying: "жду полчаса",
# "узнаю от кадровика", "прошу помочь", "пишу вам третий раз", "оплатили до 2025" tell
# no step.
_NOT_DOING = _lexicon(
    "ждать подождать знать узнать узнавать понимать понять думать считать полагать "
    "хотеть просить попросить надеяться видеть увидеть заметить замечать беспокоиться "
    "бояться благодарить писать написать звонить позвонить обращаться обратиться купить "
    "покупать оплатить оплачивать"
)
# Intransitive verbs of doing: "зашла", "вошли", "пыталась", "зарегистрировался".
_INTRANSITIVE_DOING = _lexicon(
    "зайти заходить войти входить перейти переходить пытаться попытаться "
    "зарегистрироваться регистрироваться авторизоваться залогиниться кликнуть кликать "
    "подключиться подключаться"
)
_ENGLISH_ACTION = re.compile(
    r"\b(i|we)(\s*['’]ve|\s+have|\s+had)?\s+((?!need)\w+ed|click|press|open|enter|type|"
    r"select|upload|import|log|sign|try|go|went|run|ran|install|update|send|sent|chose|"
    r"choose|switch|tap)\b|"
    r"\b(when|after|while|since)\s+(i|we|\w+ing)\b|\btr(y|ying|ied)\s+to\b",
    re.IGNORECASE,
)


@cache
def _analyzer() -> Any:
    import pymorphy3  # loads a 16 MB dictionary: on the first mail, not at import

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=50_000)
def _parse(word: str) -> Any:
    """The likeliest reading of a word."""
    return _analyzer().parse(word)[0]


@lru_cache(maxsize=50_000)
def _is_doing(word: str) -> bool:
    """A verb form that tells what someone does or did: "ввожу", "нажала", "выгрузили",
    "нажав". Only the likeliest parse counts; "стоит" and "пишет" ("it says") do not."""
    parse = _parse(word)
    tag = parse.tag
    if parse.normal_form in _NOT_DOING:
        return False
    if tag.POS == "GRND":
        return True
    if tag.POS != "VERB":
        return False
    if tag.person == "1per" or (tag.person == "2per" and tag.number == "sing"):
        return True  # "ввожу", "вводим", "открываешь — там пусто" (not "повторите позже")
    if tag.person == "3per" and tag.number == "plur" and tag.tense == "pres" and "tran" in tag:
        return True  # "сотрудники вводят код", "подают заявления" (not "когда починят")
    if tag.tense == "past":
        return "tran" in tag or parse.normal_form in _INTRANSITIVE_DOING
    return False


def _is_action_noun(word: str) -> bool:
    lemma = str(_parse(word).normal_form)
    return lemma in _ACTION_NOUNS or lemma.endswith(_ACTION_NOUN_ENDINGS)


def _is_attempt(word: str, following: list[str]) -> bool:
    """ "не могу войти", "не можем выгрузить": a failed try at an action."""
    if not following or _parse(word).normal_form != "мочь":
        return False
    parse = _parse(following[0])
    return parse.tag.POS == "INFN" and parse.normal_form not in _NOT_DOING


def _is_modifier(word: str) -> bool:
    return _parse(word).tag.POS in ("ADJF", "PRTF")


def reproduction_signals(text: str) -> dict[str, int]:
    """What in a mail tells how its problem comes about, counted by kind."""
    words = _WORD.findall(normalise(text))
    actions = operations = 0
    for position, word in enumerate(words):
        before = words[position - 1] if position else ""
        following = words[position + 1 : position + 2]
        # "мы ничего не меняли" is no step; "не могу войти" is a try at one.
        if (before != "не" and _is_doing(word)) or _is_attempt(word, following):
            actions += 1
        # "при подписании", "при массовой рассылке": one modifier may come between.
        elif before in _OPERATION_BEFORE and (
            _is_action_noun(word)
            or (following and _is_modifier(word) and _is_action_noun(following[0]))
        ):
            operations += 1
    return {
        "list_items": len(_LIST_ITEM.findall(text)),
        "menu_paths": len(_MENU_PATH.findall(text)),
        "actions": actions + len(_ENGLISH_ACTION.findall(text)),
        "operations": operations,
    }


def has_reproduction(signals: dict[str, int]) -> bool:
    return (
        signals["list_items"] >= 2
        or signals["menu_paths"] >= 1
        or signals["actions"] >= 1
        or signals["operations"] >= 1
    )


class StepsRule:
    name = "steps"
    description = "the request says how to reproduce the problem"

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
        text = "\n".join([request.subject, *(own_words(t) for t in request.texts)])
        signals = reproduction_signals(text)
        if has_reproduction(signals):
            return [Finding(self.name, True, "reproduction steps found", data=signals)]
        return [
            Finding(
                self.name,
                False,
                "no reproduction steps found",
                "пошаговое описание действий, после которых возникает проблема "
                "(если её можно воспроизвести)",
                signals,
            )
        ]
