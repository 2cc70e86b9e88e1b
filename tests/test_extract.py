from __future__ import annotations

from faq_index import extract_sections
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
