"""Answer links as people write them resolve to the index's sections (faq_index.links)."""

from __future__ import annotations

from urllib.parse import quote

from faq_index.crawl import normalise_url
from faq_index.extract import Section, extract_sections
from faq_index.links import SectionLinks, fragment_key, page_key

BASE = "https://docs.example.ru/employee/login/"
SECTIONS = [
    Section(BASE, "", "Вход", "Вход", "", "Как войти в кабинет.", ids=("вход",)),
    Section(BASE, "вход-по-паролю", "Вход по паролю", "Вход", "", "Введите пароль.",
            ids=("шаг-1", "шаг-2")),
    Section(BASE, ":~:text=Забыли%20пароль,-Нажмите%20ссылку%20Забыли", "Забыли пароль",
            "Вход", "", "Нажмите ссылку «Забыли пароль»."),
    Section("https://docs.example.ru/admin/backup.html", "", "Резервное копирование",
            "Резервное копирование", "", "Копия базы каждую ночь."),
]  # fmt: skip


def test_a_percent_encoded_cyrillic_anchor_names_its_section() -> None:
    # As a browser's address bar gives the link when it is copied.
    link = BASE + "#" + quote("вход-по-паролю")
    assert SectionLinks(SECTIONS).resolve(link) == (SECTIONS[1].link,)


def test_scheme_www_trailing_slash_and_index_page_do_not_matter() -> None:
    links = SectionLinks(SECTIONS)
    for spelling in (
        "http://docs.example.ru/employee/login#вход-по-паролю",
        "https://WWW.docs.example.ru:443/employee/login/index.html#вход-по-паролю",
        "https://docs.example.ru/employee/login/?utm_source=mail#вход-по-паролю",
    ):
        assert links.resolve(spelling) == (SECTIONS[1].link,), spelling
    assert links.resolve("https://docs.example.ru/admin/backup/") == (SECTIONS[3].link,)


def test_an_id_inside_a_section_names_that_section() -> None:
    assert SectionLinks(SECTIONS).resolve(BASE + "#шаг-2") == (SECTIONS[1].link,)
    # The page's title id names the page's opening section.
    assert SectionLinks(SECTIONS).resolve(BASE + "#вход") == (SECTIONS[0].link,)


def test_a_page_link_names_every_section_of_the_page() -> None:
    assert SectionLinks(SECTIONS).resolve(BASE) == tuple(s.link for s in SECTIONS[:3])


def test_a_text_fragment_names_the_section_whose_heading_it_starts_at() -> None:
    # The words after the heading changed since the link was made; the heading did not.
    link = BASE + "#:~:text=забыли%20пароль,-Если%20письмо%20не"
    assert SectionLinks(SECTIONS).resolve(link) == (SECTIONS[2].link,)
    assert fragment_key(":~:text=пример-,Забыли%20пароль,-Нажмите") == "text:забыли пароль"


def test_links_to_unknown_anchors_and_pages_name_nothing() -> None:
    links = SectionLinks(SECTIONS)
    assert links.resolve(BASE + "#нет-такого") == ()
    assert links.resolve("https://docs.example.ru/employee/logout/") == ()
    assert links.resolve("https://other.example.ru/employee/login/#вход-по-паролю") == ()


def test_page_keys_keep_what_tells_pages_apart() -> None:
    assert page_key("https://h/a/?id=2&lang=ru") == page_key("https://h/a?lang=ru&id=2")
    assert page_key("https://h/a?id=2") != page_key("https://h/a?id=3")
    assert page_key("https://h/a/b") != page_key("https://h/a")


def test_extraction_lists_the_ids_inside_each_section() -> None:
    html = """<html><body><main id="content"><h1 id="top">Вход</h1><p>Обзор.</p>
    <h2 id="settings">Настройки</h2>
    <h3 id="general">Общие</h3><p id="p1">Текст.</p><h4 id="details">Подробно</h4>
    <ol><li id="step-1">Откройте.</li></ol><pre><span id="line-1">x = 1</span></pre>
    <h3 id="mail">Почта</h3><p>Адрес.</p></main></body></html>"""
    sections = extract_sections(html, BASE)
    by_anchor = {s.anchor: s for s in sections}
    assert set(by_anchor) == {"", "general", "mail"}
    # The main wrapper holds every section, so it names none of them.
    assert by_anchor[""].ids == ("top",)
    # A heading with no text of its own hands its id to the section below it.
    assert by_anchor["general"].ids == ("settings", "p1", "details", "step-1", "line-1")
    assert by_anchor["mail"].ids == ()


def test_a_link_to_highlighted_words_names_the_section_that_holds_them() -> None:
    # Chrome's "Copy link to highlight" on a page whose headings have ids.
    link = BASE + "#:~:text=Введите%20пароль"
    assert SectionLinks(SECTIONS).resolve(link) == (SECTIONS[1].link,)
    assert SectionLinks(SECTIONS).resolve(BASE + "#:~:text=нет%20таких%20слов") == ()


def test_session_ids_and_trackers_do_not_make_new_urls() -> None:
    assert (
        normalise_url("https://D.test:443/kb;jsessionid=AB12?id=3&PHPSESSID=z&utm_source=m#f")
        == "https://d.test/kb?id=3"
    )
    assert normalise_url("https://d.test/kb?sid=9&id=3&_ga=1.2") == "https://d.test/kb?id=3"
    assert normalise_url("https://d.test") == "https://d.test/"
