"""Text normalisation shared by the index, the search and the classifier."""

from __future__ import annotations

import re
import signal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faq_index.text import analyze, normalise, own_words, prepare_query, without_greeting

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


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        # A line that only greets, whomever it addresses, is not the customer's question.
        ("Добрый день!", ""),
        ("Здравствуйте, Ольга Викторовна!", ""),
        ("Уважаемая служба поддержки,", ""),
        ("Коллеги, добрый день!", ""),
        ("Dear WiseAdvice team,", ""),
        ("Добрый день Ольга", ""),
        # What follows the greeting on its line is often the whole question.
        ("Добрый день, не приходит смс с кодом", "не приходит смс с кодом"),
        ("Здравствуйте не могу войти в кабинет", "не могу войти в кабинет"),
        ("Привет, где расчетный листок", "где расчетный листок"),
        ("Добрый день, Мария! Не могу войти.", "Не могу войти."),
        ("Добрый день, уважаемые коллеги! Не работает обмен", "Не работает обмен"),
        ("Hi, how do I reset my password?", "how do I reset my password?"),
        # After "!" a capitalised word starts a sentence; it is not a name.
        ("Приветствую! Подскажите, как сменить телефон", "Подскажите, как сменить телефон"),
        ("Добрый день, поддержка отвечает?", "поддержка отвечает?"),
        ("Hiring managers cannot log in", "Hiring managers cannot log in"),  # no greeting
    ],
)
def test_a_greeting_is_taken_off_its_line_and_the_rest_kept(line: str, kept: str) -> None:
    assert without_greeting(line) == kept


def test_own_words_keep_a_question_written_on_the_greetings_line() -> None:
    mail = "Добрый день, не приходит смс с кодом\n\nНомер верный.\n--\nИванова Мария"
    assert own_words(mail) == "не приходит смс с кодом\n\nНомер верный."
    assert prepare_query("Здравствуйте!\nКак подписать заявление Госключом?") == (
        "Как подписать заявление Госключом?"
    )


@pytest.mark.parametrize(
    ("mail", "query"),
    [
        # A name, a position with an organisation, contacts: the writer, not the question.
        ("Как сменить номер?\nИванова Мария, ООО «Вектор»", "Как сменить номер?"),
        ("Не приходит смс\n\nДенис", "Не приходит смс"),
        ("Ошибка при входе.\n\nтел. 8 912 345-67-89\nИванов И.И.", "Ошибка при входе."),
        ("My phone is registered.\nThank you in advance!\nJohn", "My phone is registered."),
        ("Где листок?\nСпасибо за помощь!\nОльга", "Где листок?"),
        # The end of a long sentence the mail client wrapped is the question's.
        (
            "Сотрудники не могут подписать приказ об отпуске, выдаёт ошибку через\nГосключ",
            "Сотрудники не могут подписать приказ об отпуске, выдаёт ошибку через\nГосключ",
        ),
        ("Не работает обмен\nВерсия 3.4.2", "Не работает обмен\nВерсия 3.4.2"),
        ("Госключ", "Госключ"),  # a mail of one line is all question
    ],
)
def test_a_query_leaves_out_the_name_and_company_a_mail_ends_with(mail: str, query: str) -> None:
    assert prepare_query(mail) == query


@pytest.mark.parametrize(
    "mail",
    [
        "Вопрос.\n" + "A" * 200_000 + " x",  # "\S+@" from every letter was quadratic
        "Здравствуйте, " + "A" * 200_000 + " x",  # so was a name of movable word breaks
        "Вопрос.\n\n" + "Ab " * 50_000,
        "Здравствуйте, " + "Ольга, " * 50_000,
    ],
)
def test_a_mail_of_long_lines_is_read_in_linear_time(mail: str) -> None:
    # A hang guard, not a speed target: each takes milliseconds; the quadratic
    # patterns took hours on these (30 s on 300 letters for the name).
    signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(20)
    try:
        query = prepare_query(mail)
    finally:
        signal.alarm(0)
    assert query.strip()


def _too_slow(_signum: int, _frame: object) -> None:
    raise TimeoutError("regular expression backtracking on a long line")
