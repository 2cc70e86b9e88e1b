"""Property-based tests of the policy rules: any thread, any attachments, never a crash;
every unmet requirement asks the customer in Russian; facts found stay found when
unrelated text is added; the verdict depends on the content only."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ru import inn as inn_number

from triage.rules import (
    RULES,
    AttachedFile,
    PolicySettingsView,
    RequestContent,
    check_request,
    find_inns,
)

POLICY = PolicySettingsView(("Базовая", "ПРОФ", "КОРП"), "3.4.2", "3.2.0")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)

# Text as customers write it: Russian words the rules look for, digits, punctuation,
# Latin look-alike letters, odd whitespace, and anything else Unicode has.
WORDS = st.sampled_from(
    ["ИНН", "инн:", "КПП", "версия", "v3.4.1", "3.4", "редакция", "ПРОФ", "КОРП", "Базовая",
     "ошибка", "не работает", "1.", "2)", "шаги:", "скриншот во вложении", "прилагаю",
     "также", "ещё одна проблема", "вопрос", "тел.", "+7", "8", "№", "/", "\n", "\t",
     "ИHH", "верcия", "\u00a0", "7731386419", "500100732259", "7731386418", "2026-11-24"]
)  # fmt: skip
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=12), st.integers(0, 10**13).map(str)),
                max_size=40).map(" ".join)  # fmt: skip
TYPES = st.sampled_from(
    ["image/png", "image/jpeg", "image/bmp", "image/gif", "image/tiff", "application/zip",
     "application/vnd.rar", "application/pdf", "application/octet-stream", "text/plain", ""]
)  # fmt: skip
ATTACHMENT = st.builds(
    AttachedFile,
    st.text(max_size=30),
    TYPES,
    st.integers(0, 10**9),
    st.lists(st.tuples(st.text(max_size=20), TYPES), max_size=4).map(tuple),
)
REQUESTS = st.builds(
    RequestContent,
    st.one_of(TEXT, st.text(max_size=80)),
    st.lists(st.one_of(TEXT, st.text(max_size=300)), min_size=1, max_size=4).map(tuple),
    st.lists(ATTACHMENT, max_size=4).map(tuple),
)
RULE_CODES = {rule.name for rule in RULES}


@st.composite
def valid_inns(draw: st.DrawFn) -> str:
    """A random INN with correct control digits (10 digits: organisation, 12: individual)."""
    if draw(st.booleans()):
        body = draw(st.text("0123456789", min_size=9, max_size=9))
        return body + inn_number.calc_company_check_digit(body)
    body = draw(st.text("0123456789", min_size=10, max_size=10))
    first = inn_number.calc_personal_check_digits(body)
    return body + first


@settings(max_examples=400, deadline=None)
@given(REQUESTS)
def test_any_request_gets_findings_and_every_unmet_one_asks_in_russian(
    request: RequestContent,
) -> None:
    findings = check_request(request, POLICY)
    assert findings == check_request(request, POLICY), "deterministic"
    codes = [f.code for f in findings]
    assert len(codes) == len(set(codes)), f"one finding per code: {codes}"
    for finding in findings:
        assert finding.code and finding.detail
        if not finding.satisfied:
            assert CYRILLIC.search(finding.request_ru), finding
        finding.as_dict()  # stored as JSON with the decision


@settings(max_examples=300, deadline=None)
@given(REQUESTS, st.lists(TEXT, max_size=3))
def test_a_thread_split_over_more_mails_reads_as_the_same_request(
    request: RequestContent, more: list[str]
) -> None:
    """Rules read the whole thread: a later mail may add facts but cannot hide one."""
    before = {f.code for f in check_request(request, POLICY) if f.satisfied}
    longer = RequestContent(request.subject, (*request.texts, *more), request.attachments)
    after = {f.code for f in check_request(longer, POLICY) if f.satisfied}
    stable = {"inn", "screenshots", "version", "edition"}
    assert before & stable <= after, (before, after)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, valid_inns(), st.sampled_from(["ИНН ", "инн: ", "ИНН/КПП ", "ИНН № "]))
def test_a_labelled_valid_inn_is_always_found(
    before: str, after: str, inn: str, label: str
) -> None:
    text = f"{before}\n{label}{inn}\n{after}"
    valid, _invalid = find_inns(text)
    assert inn in valid
    request = RequestContent("Ошибка", (text,))
    [finding] = [f for f in check_request(request, POLICY) if f.code == "inn"]
    assert finding.satisfied


@settings(max_examples=200, deadline=None)
@given(REQUESTS, st.sampled_from(["image/png", "image/jpeg", "image/gif", "image/tiff"]))
def test_an_allowed_screenshot_always_satisfies_the_screenshot_rule(
    request: RequestContent, kind: str
) -> None:
    shot = AttachedFile("экран.bin", kind, 1000)
    with_shot = RequestContent(request.subject, request.texts, (*request.attachments, shot))
    codes = {f.code: f.satisfied for f in check_request(with_shot, POLICY)}
    assert codes.get("screenshots") is True
    assert "promised_attachment_missing" not in codes


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["ИНН 1", "1.", "v3.", "ИНН", "редакция ", "\n1) ", "скрин", "фото",
                        "картинка", "ИНН7", "прилага"]),
       st.integers(2_000, 20_000))  # fmt: skip
def test_long_repetitive_mails_are_checked(piece: str, repeat: int) -> None:
    """Patterns repeated thousands of times, a regex worst case: "скрин" * 20,000 took
    minutes (quadratic backtracking) before the screenshot rule bounded its word endings."""
    request = RequestContent("Ошибка", (piece * repeat,))
    assert {f.code for f in check_request(request, POLICY)} & RULE_CODES
