"""Customer mail: every template renders, and the customer is answered in their language."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

import pytest

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from mailer import TemplateRenderer, reply_language
from mailer.compose import SAMPLE_CONTEXT, template_names
from triage.rules import PolicySettingsView, RequestContent, check_request


@pytest.mark.parametrize("name", template_names())
def test_every_template_renders_with_sample_data(name: str) -> None:
    base, _, language = name.partition(".")
    rendered = TemplateRenderer().render(base, SAMPLE_CONTEXT, language or "ru")
    assert rendered.subject.startswith("[WA-000123]")
    assert "support@empldocs.ru" in rendered.text
    assert "{{" not in rendered.text and "{%" not in rendered.text


def test_every_russian_template_has_an_english_variant() -> None:
    names = set(template_names())
    russian = {n for n in names if "." not in n}
    assert {f"{n}.en" for n in russian} <= names


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hello, how do I reset my password in the employee portal? Thanks, Tomás", "en"),
        ("Здравствуйте! Не приходит SMS с кодом, версия 3.4.2 КОРП, WiseAdvice", "ru"),
        ("Ошибка HTTP 502 Bad Gateway после обновления nginx и Docker Compose", "ru"),
    ],
)
def test_reply_language_follows_the_customer(text: str, language: str) -> None:
    assert reply_language(text) == language


def test_an_english_request_is_acknowledged_in_english(tmp_path: Path) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    msg = EmailMessage()
    msg["From"] = "Tomás Herrera <tomas@client.es>"
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = "Password reset"
    msg["Message-ID"] = "<en-1@client.es>"
    msg.set_content("Hello, I cannot log in to the employee portal. How do I reset my password?")
    intake.process(msg.as_bytes(), "k1")
    [mail] = store.outbox()
    sent = email.message_from_bytes(mail.raw, policy=email.policy.default)
    assert isinstance(sent, EmailMessage)
    assert str(sent["Subject"]).startswith("[WA-000001] Request registered")
    body = sent.get_body(preferencelist=("plain",))
    assert body is not None and "Please keep [WA-000001]" in body.get_content()


def finding_codes() -> set[str]:
    """Every code a policy rule can ask the customer about: rule names and the codes of
    their extra findings, read from the rules' source."""
    codes: set[str] = set()
    for path in (Path(__file__).parent.parent / "triage" / "rules").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'^\s+name = "(\w+)"', source, re.MULTILINE))
        codes |= set(re.findall(r'Finding\(\s*"(\w+)",\s*False', source))
    return codes


def test_the_english_clarification_words_every_request_a_rule_can_make() -> None:
    codes = sorted(finding_codes() - notice_codes())  # notices are worded on their own
    assert {"steps", "bmp_not_packed", "image_format_not_accepted"} <= set(codes)
    context = {**SAMPLE_CONTEXT, "missing_codes": codes}
    text = TemplateRenderer().render("clarification", context, "en").text
    for number, code in enumerate(codes, 1):
        assert f"{number}. {code[:1].upper()}{code[1:]}." not in text, f"{code} has no wording"


def notice_codes() -> set[str]:
    """The codes of the findings that inform rather than ask (never blocking)."""
    policy = PolicySettingsView(("ПРОФ",), "3.4.2", "3.2.0")
    request = RequestContent("Ошибка", ("Версия 3.1.0. Перезвоните мне, пожалуйста.",))
    return {f.code for f in check_request(request, policy) if not f.blocking}


def test_the_english_mails_word_every_notice_a_rule_can_give() -> None:
    notices = notice_codes()
    assert {"version_outdated", "email_only"} <= notices
    for name in ("acknowledgment", "accepted", "clarification", "answer"):
        context = {**SAMPLE_CONTEXT, "notice_codes": sorted(notices)}
        text = TemplateRenderer().render(name, context, "en").text
        assert "Please note:" in text
        for code in notices:
            assert code not in text, f"{name}: {code} has no wording"
