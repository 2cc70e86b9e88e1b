from __future__ import annotations

import pytest

from triage.rules import (
    AttachedFile,
    PolicySettingsView,
    RequestContent,
    check_request,
    find_edition,
    find_inns,
    find_versions,
)

POLICY = PolicySettingsView(("Базовая", "ПРОФ", "КОРП"), "3.4.2", "3.2.0")
COMPLETE = (
    "При подписании документа УКЭП появляется ошибка «Сертификат не найден».\n"
    "1. Открываю раздел Документы\n2. Нажимаю Подписать → УКЭП\n3. Выбираю сертификат\n"
    "ИНН 7731386419, версия 3.4.1, редакция КОРП."
)
PNG = AttachedFile("ошибка.png", "image/png", 1200)


def findings(text: str, *attachments: AttachedFile) -> dict[str, bool]:
    request = RequestContent("Ошибка", (text,), attachments)
    return {f.code: f.satisfied for f in check_request(request, POLICY)}


@pytest.mark.parametrize(
    ("text", "valid", "invalid"),
    [
        ("ИНН 7731386419", ["7731386419"], []),
        ("инн:7731386419", ["7731386419"], []),
        ("ИНН/КПП 7731386419/773101001", ["7731386419"], []),
        ("ИНН № 7731 386 419, КПП 773101001", ["7731386419"], []),
        ("Наш ИHH 7731386419", ["7731386419"], []),  # Latin H inside the word
        ("ИП Петров, ИНН 500100732259", ["500100732259"], []),
        ("ООО «Ромашка» 7731386419 просит помочь", ["7731386419"], []),
        ("ИНН 7731386418", [], ["7731386418"]),
        ("ИНН 77313864", [], ["77313864"]),
        ("тел. 8 9161234567, без ИНН", [], []),
        ("звоните +7 9031234560", [], []),
    ],
)
def test_inn_is_found_and_validated(text: str, valid: list[str], invalid: list[str]) -> None:
    from faq_index.text import normalise

    assert find_inns(normalise(text)) == (valid, invalid)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("версия 3.4.1", ["3.4.1"]),
        ("у нас v3.2", ["3.2"]),
        ("Версия: 3.4.2 КОРП", ["3.4.2"]),
        ("после обновления на 3.4.2", ["3.4.2"]),
        ("24.11.2026 в 10:00", []),
        ("сервер 10.0.0.15", []),
        ("Версия продукта 3.4.2.117 (из «О программе»)", ["3.4.2"]),
        ("версия: 3.4.2.1187, платформа 8.3.24.1342", ["3.4.2"]),
    ],
)
def test_versions_are_found_but_not_dates_or_addresses(text: str, expected: list[str]) -> None:
    assert find_versions(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("версия 3.4.1 КОРП", "КОРП"),
        ("редакция ПРОФ", "ПРОФ"),
        ("у нас базовая редакция", "Базовая"),
        ("тариф Базовый", "Базовая"),
        ("3.4.2 проф", "ПРОФ"),
        ("изменил профиль сотрудника", None),
        ("корпоративный портал", None),
        ("Редакция: PROF", "ПРОФ"),
        ("у нас редакция Professional", "ПРОФ"),
        ("We use the Corporate edition, 3.4.2", "КОРП"),
        ("my profile page does not open", None),
    ],
)
def test_edition_needs_a_context_that_names_it(text: str, expected: str | None) -> None:
    assert find_edition(text, POLICY.editions) == expected


def test_complete_problem_report_satisfies_every_rule() -> None:
    assert findings(COMPLETE, PNG) == {
        "description": True,
        "steps": True,
        "inn": True,
        "version": True,
        "edition": True,
        "screenshots": True,
        "one_problem": True,
    }


def test_every_missing_item_is_reported_at_once() -> None:
    result = findings("Ничего не работает, помогите срочно!!!")
    assert [code for code, ok in result.items() if not ok] == [
        "description",
        "steps",
        "inn",
        "version",
        "edition",
        "screenshots",
    ]


def test_wrong_inn_checksum_is_its_own_finding() -> None:
    request = RequestContent("x", (COMPLETE.replace("7731386419", "7731386418"),), (PNG,))
    inn = next(f for f in check_request(request, POLICY) if f.code == "inn")
    assert not inn.satisfied and "7731386418" in inn.request_ru


def test_bare_bmp_is_refused_but_bmp_in_zip_is_accepted() -> None:
    bare = findings(COMPLETE, AttachedFile("экран.bmp", "image/bmp", 90000))
    assert bare["bmp_not_packed"] is False
    assert "screenshots" not in bare, "one request for the BMP, not a second for screenshots"
    zipped = AttachedFile("скрин.zip", "application/zip", 4000, (("экран.bmp", "image/bmp"),))
    assert findings(COMPLETE, zipped)["screenshots"] is True


def test_renamed_file_is_judged_by_content() -> None:
    fake = AttachedFile("скрин.png", "application/x-msdownload", 5000)
    assert findings(COMPLETE, fake)["screenshots"] is False


def test_promised_attachment_that_is_missing_gets_its_own_finding() -> None:
    result = findings(COMPLETE + "\nСкриншот во вложении.")
    assert result["promised_attachment_missing"] is False


def test_outdated_version_is_pointed_out_without_blocking() -> None:
    request = RequestContent("x", (COMPLETE.replace("3.4.1", "3.1.0"),), (PNG,))
    outdated = next(f for f in check_request(request, POLICY) if f.code == "version_outdated")
    assert not outdated.satisfied and not outdated.blocking
    assert "3.2.0" in outdated.request_ru and "3.4.2" in outdated.request_ru


@pytest.mark.parametrize(
    "text",
    [
        "Сразу два вопроса, не связанных между собой.",
        "И ещё: не приходят уведомления на почту.",
        "Второй вопрос — как продлить лицензию?",
    ],
)
def test_several_problems_in_one_mail_are_flagged(text: str) -> None:
    assert findings(COMPLETE + "\n" + text, PNG)["one_problem"] is False


def test_several_questions_on_one_topic_are_one_problem() -> None:
    text = COMPLETE + "\nНесколько вопросов по этой ошибке: где смотреть журнал и кто виноват?"
    assert findings(text, PNG)["one_problem"] is True


def test_answer_later_in_the_thread_completes_the_request() -> None:
    first = (
        "При подписании УКЭП ошибка «Сертификат не найден». Открываю документ, нажимаю Подписать."
    )
    answer = "ИНН 7731386419, версия 3.4.1 КОРП"
    before = RequestContent("Ошибка", (first,), ())
    after = RequestContent("Ошибка", (first, answer), (PNG,))
    assert not all(f.satisfied for f in check_request(before, POLICY))
    assert all(f.satisfied for f in check_request(after, POLICY))
