from __future__ import annotations

from faq_index import extract_sections
from faq_index.extract import ExtractionRules
from tests.conftest import TEST_DATA

HTML = TEST_DATA / "html"


def test_sphinx_page_splits_into_deep_linked_sections_without_boilerplate() -> None:
    html = (HTML / "sphinx-page.html").read_text(encoding="utf-8")
    sections = extract_sections(html, "http://127.0.0.1:8000/employees/password.html")
    assert [(s.anchor, s.title) for s in sections] == [
        ("", "Восстановление пароля"),
        ("sbros-po-sms", "Сброс пароля по SMS"),
        ("esli-kod-ne-prishel", "Если код не пришёл"),
    ]
    assert sections[1].link == "https://padocs.empldocs.app/employees/password/#sbros-po-sms"
    joined = " ".join(s.text for s in sections)
    assert "Указатель" not in joined and "Sphinx" not in joined and "¶" not in joined


def test_docusaurus_page_keeps_breadcrumb_and_drops_navigation() -> None:
    html = (HTML / "docusaurus-page.html").read_text(encoding="utf-8")
    sections = extract_sections(html, "https://docs.test/docs/hr/import")
    assert [s.anchor for s in sections] == ["", "format-faila", "oshibki-importa"]
    assert sections[0].breadcrumb == "Кадровикам › Импорт сотрудников"
    assert all(s.page_title == "Импорт сотрудников" for s in sections)
    joined = " ".join(s.text for s in sections)
    assert "Редактировать" not in joined and "Copyright" not in joined
    assert "Неверный формат СНИЛС" in sections[2].text


def test_faq_blocks_without_headings_give_one_section_per_question() -> None:
    html = (HTML / "faq-blocks.html").read_text(encoding="utf-8")
    sections = extract_sections(html, "https://docs.test/faq/")
    assert [(s.anchor, s.title) for s in sections[1:]] == [
        ("zabyl-parol", "Я забыл пароль. Что делать?"),
        ("", "Не приходит SMS с кодом"),
        ("kak-prodlit", "Как продлить лицензию?"),
    ]
    assert "60 секунд" in sections[2].text


def test_site_specific_selectors_come_before_the_generic_ones() -> None:
    html = (HTML / "faq-blocks.html").read_text(encoding="utf-8")
    generic = " ".join(s.text for s in extract_sections(html, "https://docs.test/faq/"))
    assert "Все права защищены" in generic, "no generic rule knows this site's footer class"
    rules = ExtractionRules(content=(".page-body",), boilerplate=(".site-foot",))
    tuned = " ".join(s.text for s in extract_sections(html, "https://docs.test/faq/", rules))
    assert "Все права защищены" not in tuned and "Навигация по сайту" not in tuned
    assert "Подождите 60 секунд" in tuned
