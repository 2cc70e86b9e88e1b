from __future__ import annotations

import json

import pytest

from desk.cli import main
from desk.config import load_config
from mailer.filetypes import sniff_type
from triage import load_requests
from triage.rules import (
    AttachedFile,
    PolicySettingsView,
    RequestContent,
    StepsRule,
    check_request,
    find_edition,
    find_inns,
    find_versions,
)
from triage.rules.agreement import LabelledCase, measure_rule

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
        "email_only": True,
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Нажимаю «Подписать», ввожу код из смс, и приложение закрывается.", True),
        ("После ввода пароля меня возвращает на страницу входа.", True),
        ("При загрузке файла сотрудников пишет «Неверный формат».", True),
        ("Выгрузили расчётные листки из ЗУП, а у сотрудников их нет.", True),
        ("Нажав кнопку «Отправить», получаю пустой экран.", True),
        ("Пыталась войти с телефона, пишет «Сессия истекла».", True),
        ("Зашла в раздел Документы → Входящие, там пусто.", True),
        ("1. Открыть карточку\n2. Сменить телефон\n3. Сохранить", True),
        ("When I click Sign, the page reloads and nothing is signed.", True),
        ("I've sent the document twice, the employee still sees nothing.", True),
        ("Документы не отображаются у сотрудников.", False),
        ("ВАШЕ ПРИЛОЖЕНИЕ НЕ РАБОТАЕТ С УТРА, ПИШЕТ «ОШИБКА СЕТИ»!!!", False),
        ("Почему у сотрудника два расчётных листка за сентябрь?", False),
        ("не приходит смс", False),
        ("Сервис недоступен, ошибка 503 у всех сотрудников.", False),
        ("Мы ничего не меняли, а в разделе «Лицензия» стало 100 мест.", False),
        ("We need the payslips to show the bonus line.", False),
    ],
)
def test_steps_are_what_was_done_in_any_form_not_a_symptom(text: str, expected: bool) -> None:
    assert findings(text)["steps"] is expected


def test_rule_agreement_counts_each_kind_of_disagreement() -> None:
    def case(id_: str, text: str, satisfied: bool) -> LabelledCase:
        return LabelledCase(id_, RequestContent("Ошибка", (text,)), satisfied)

    result = measure_rule(
        StepsRule(),
        [
            case("found", "Нажимаю «Подписать», ввожу код — приложение закрывается.", True),
            case("missed", "Документы не отображаются у сотрудников.", True),
            case("passed", "Отправил вам письмо вчера, ответа нет.", False),
            case("right", "не приходит смс", False),
        ],
        POLICY,
    )
    assert (result.true_positive, result.false_negative) == (1, 1)
    assert (result.false_positive, result.true_negative) == (1, 1)
    assert (result.missed, result.passed) == (("missed",), ("passed",))
    assert (result.precision, result.recall, result.accuracy) == (0.5, 0.5, 0.5)


def test_eval_steps_measures_the_labelled_problem_reports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    requests = load_requests(load_config(environ={}).classifier.training_set)
    labelled = [r for r in requests if r.split == "test" and r.steps is not None]
    assert main(["eval", "steps", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["problem_reports"] == len(labelled) >= 50
    assert figures["with_steps"] == sum(r.steps is True for r in labelled)
    assert len(figures["asked_although_given"]) == round(
        figures["with_steps"] * (1 - figures["recall"])
    )
    wrong = set(figures["asked_although_given"]) | set(figures["passed_although_missing"])
    assert round(figures["accuracy"] * len(labelled)) == len(labelled) - len(wrong)


def test_only_problem_reports_carry_a_steps_label() -> None:
    requests = load_requests(load_config(environ={}).classifier.training_set)
    assert all((r.steps is not None) == (r.intent == "problem") for r in requests)


def test_an_iphone_photo_in_heic_is_asked_for_in_an_accepted_format() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    kind = sniff_type(heic, "application/octet-stream")
    photo = AttachedFile("IMG_2041.HEIC", kind, len(heic))
    request = RequestContent("Ошибка", (COMPLETE,), (photo,))
    findings = {f.code: f for f in check_request(request, POLICY)}
    assert kind == "image/heic"
    assert findings["image_format_not_accepted"].satisfied is False
    assert "IMG_2041.HEIC (HEIC)" in findings["image_format_not_accepted"].request_ru
    assert "screenshots" not in findings, "one request about the photo, not a second"
    with_png = RequestContent("Ошибка", (COMPLETE,), (photo, PNG))
    assert {f.code for f in check_request(with_png, POLICY) if not f.satisfied} == set()


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Перезвоните мне, пожалуйста, по номеру +7 912 000-00-00", True),
        ("Дайте телефон вашей техподдержки, по почте долго", True),
        ("Не можем дозвониться на горячую линию третий день", True),
        ("Напишите мне лучше в ватсап, почту редко читаю", True),
        ("Please call me back, it is urgent", True),
        ("Можно ли получать уведомления о документах в Telegram?", False),
        ("Сотрудница сменила номер телефона, смс не приходит", False),
        ("Как позвонить сотруднику из кабинета? Где его телефон?", False),
    ],
)
def test_a_request_for_a_call_or_a_chat_gets_the_email_only_notice(text: str, asks: bool) -> None:
    request = RequestContent("Вопрос", (text,))
    [finding] = [f for f in check_request(request, POLICY) if f.code == "email_only"]
    assert finding.satisfied is not asks and finding.blocking is False


def test_the_one_problem_rule_flags_the_labelled_multi_problem_mails_and_no_other() -> None:
    requests = load_requests(load_config(environ={}).classifier.training_set)
    flagged = {
        r.id
        for r in requests
        for f in check_request(RequestContent(r.subject, (r.body,)), POLICY)
        if f.code == "one_problem" and not f.satisfied
    }
    assert flagged == {r.id for r in requests if r.several}
    context = "Мы переносим ЗУП на новый сервер и заодно делаем свёртку базы. Как перенести обмен?"
    assert findings(context)["one_problem"] is True
