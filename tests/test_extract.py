from __future__ import annotations

from pathlib import Path

import pytest

from faq_index import Section, extract_sections
from faq_index.extract import ExtractionRules, decode_html, drop_repeated_lines
from tests.browser_support import chromium
from tests.conftest import TEST_DATA
from tests.servers import FlakySiteServer

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
        # No id on the page: a scroll-to-text link, the heading and its first words.
        (
            ":~:text=Не%20приходит%20SMS%20с%20кодом,-Подождите%2060%20секунд",
            "Не приходит SMS с кодом",
        ),
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


def test_inline_markup_stays_in_its_line_and_blocks_break_lines() -> None:
    html = (
        "<html><body><main><h1>Отпуск</h1><p>Нажмите <b>Подать</b> и выберите "
        "<a href='/x'>даты</a>.</p><ul><li>Один</li><li>Два</li></ul></main></body></html>"
    )
    [section] = extract_sections(html, "https://docs.test/vacation/")
    assert section.text.splitlines() == ["Нажмите Подать и выберите даты.", "Один", "Два"]


def test_heading_ids_are_found_where_generators_put_them() -> None:
    html = """<html><body><main><h1>Вход</h1><p>Как войти в личный кабинет.</p>
    <h2><a id="user-content-parol" class="anchor" href="#parol"></a>Пароль</h2>
    <p>Текст о пароле.</p>
    <a name="kod"></a><h2>Код из SMS</h2><p>Текст о коде.</p>
    <div class="section" id="sso"><h2>Вход через SSO</h2><p>Текст о SSO.</p>
    <h3>Ошибки SSO</h3><p>Текст об ошибках.</p></div>
    </main></body></html>"""
    sections = extract_sections(html, "https://docs.test/login/")
    assert [s.anchor for s in sections] == [
        "",
        "user-content-parol",
        "kod",
        "sso",
        ":~:text=Ошибки%20SSO,-Текст%20об%20ошибках.",
    ]


def test_lines_most_pages_repeat_are_dropped_from_every_section() -> None:
    def page(n: int, body: str) -> list[Section]:
        html = f"""<html><body><div class="menu"><div>Главная</div><div>Продукты</div>
        <div>Контакты</div></div><main><h1>Страница {n}</h1><p>{body}</p>
        <h2 id="more">Подробнее</h2><p>Подробности {n}.</p>
        <p>Обновлено: {n} марта 2026 г.</p></main></body></html>"""
        return extract_sections(html, f"https://docs.test/p{n}/")

    sections = [s for n in range(1, 7) for s in page(n, f"Уникальный текст страницы {n}.")]
    sections += page(7, "Главная")  # one page alone does not make a line boilerplate...
    kept = drop_repeated_lines(sections, exempt_urls=frozenset({"https://docs.test/p7/"}))
    joined = "\n".join(s.text for s in kept if s.url != "https://docs.test/p7/")
    assert "Продукты" not in joined and "Обновлено" not in joined
    assert "Уникальный текст страницы 3." in joined and "Подробности 5." in joined
    # ...and the exempt page (a PDF manual's pages share one URL) keeps its text.
    assert next(s.text for s in kept if s.url == "https://docs.test/p7/").startswith("Главная")
    few = drop_repeated_lines(sections[:6])  # three pages: too few to tell boilerplate
    assert few == sections[:6]


def test_scroll_to_text_link_lands_on_its_section_in_a_real_browser(tmp_path: Path) -> None:
    """The sidebar repeats the heading above the section, as most generators' tables of
    contents do: the heading alone would scroll to the sidebar (checked as the control)."""
    filler = "<p>" + "Общий текст раздела. " * 300 + "</p>"
    (tmp_path / "faq.html").write_text(
        f"""<!doctype html><html><head><meta charset="utf-8"><title>FAQ</title></head><body>
        <nav><ul><li>Я забыл пароль</li><li>Не приходит SMS с кодом</li></ul></nav>
        <main><h1>Частые вопросы</h1>{filler}<h3>Не приходит SMS с кодом</h3>
        <p>Подождите 60 секунд и запросите код повторно.</p>{filler}</main></body></html>""",
        encoding="utf-8",
    )
    site = FlakySiteServer(tmp_path)
    try:
        url = f"{site.url}faq.html"
        html = (tmp_path / "faq.html").read_text(encoding="utf-8")
        section = next(s for s in extract_sections(html, url) if s.title.startswith("Не приходит"))
        heading_only = section.anchor.split(",-")[0]
        in_view = (
            "() => { const top = document.querySelector('h3').getBoundingClientRect().top;"
            " return top >= 0 && top < window.innerHeight; }"
        )
        with chromium() as browser:
            page = browser.new_page()
            page.goto(section.link)
            page.wait_for_function(in_view, timeout=10_000)  # fails the test if never
            page.goto("about:blank")
            page.goto(f"{url}#{heading_only}")
            page.wait_for_timeout(1500)  # the control: it scrolls to the sidebar's entry
            assert not page.evaluate(in_view), "the heading alone landed on the section"
            assert page.evaluate("window.scrollY") == 0
    finally:
        site.stop()


def test_accordion_questions_keep_the_text_of_their_buttons() -> None:
    html = """<html><body><main><h1>Вопросы</h1><p>Ответы на частые вопросы.</p>
    <div class="accordion-item"><h2 class="accordion-header" id="q-parol">
    <button class="accordion-button" type="button">Как сменить пароль?</button></h2>
    <div class="accordion-collapse"><div class="accordion-body">Откройте профиль.</div></div>
    </div></main></body></html>"""
    sections = extract_sections(html, "https://docs.test/faq/")
    assert [(s.anchor, s.title, s.text) for s in sections[1:]] == [
        ("q-parol", "Как сменить пароль?", "Откройте профиль.")
    ]


def test_a_list_of_links_is_told_from_an_answer_that_cites_a_page() -> None:
    html = """<html><body><main><h1>Документация</h1><p>Справка по личному кабинету.</p>
    <h2 id="start">С чего начать</h2><ul><li><a href="/a/">Первый вход</a></li>
    <li><a href="/b/">Подписание документов</a></li><li><a href="/c/">Расчётные листки</a></li></ul>
    <h2 id="sms">Не приходит SMS</h2><p>Подождите минуту и запросите код снова. Если код
    так и не пришёл, проверьте номер в профиле — см. <a href="/p/">Профиль</a>.</p>
    </main></body></html>"""
    hub, answer = extract_sections(html, "https://docs.test/")[1:]
    assert hub.link_share == 1.0
    assert 0.0 < answer.link_share < 0.15


def test_pages_are_read_in_the_charset_they_come_in() -> None:
    text = "Не приходит SMS с кодом"
    page = f"<html><head>{{meta}}</head><body><main><h1>{text}</h1></main></body></html>"
    plain = page.format(meta="").encode("cp1251")
    assert text in decode_html(plain, "windows-1251")  # declared by the server
    assert text in decode_html(plain)  # declared by nobody: not UTF-8, so windows-1251
    meta = page.format(meta='<meta charset="windows-1251">').encode("cp1251")
    assert text in decode_html(meta)
    assert text in decode_html(page.format(meta="").encode("utf-8"))
    assert text in decode_html(page.format(meta="").encode("koi8-r"), "koi8-r")
    assert text in decode_html(plain, "x-no-such-charset")


def test_bold_questions_of_a_site_builder_faq_give_one_section_each() -> None:
    html = """<html><body><div class="t-records"><div class="t-text">
    <p>Ответы на вопросы сотрудников. <b>Важно:</b> кабинет работает круглосуточно.</p>
    <p><strong>Как войти в личный кабинет?</strong></p>
    <p>Откройте ссылку из приглашения и введите код из SMS.</p>
    <p><b>Что делать, если не приходит код?</b></p>
    <p>Подождите минуту и запросите код повторно. Проверьте номер телефона.</p>
    </div></div></body></html>"""
    sections = extract_sections(html, "https://vendor.test/faq")
    assert [s.title for s in sections[1:]] == [
        "Как войти в личный кабинет?",
        "Что делать, если не приходит код?",
    ]
    assert sections[2].text.startswith("Подождите минуту")
    assert sections[2].anchor.startswith(":~:text=Что%20делать")
    one = html.replace("<p><b>Что делать, если не приходит код?</b></p>", "")
    assert len(extract_sections(one, "https://vendor.test/faq")) == 1  # one bold line: no split


def test_permalink_marks_and_help_centre_extras_stay_out_of_sections() -> None:
    # VitePress and Docusaurus end each heading with a permalink whose text is a
    # zero-width space; a help-centre article ends with votes, related articles, comments.
    vitepress = (
        '<html><body><main class="main"><div class="vp-doc"><h1 id="вход">Вход в кабинет '
        '<a class="header-anchor" href="#вход">&#8203;</a></h1><p>Откройте адрес кабинета.</p>'
        '<h2 id="пароль">Забыли пароль <a class="header-anchor" href="#пароль">&#8203;</a></h2>'
        "<p>Нажмите «Забы&shy;ли пароль».</p></div></main></body></html>"
    )
    sections = extract_sections(vitepress, "https://d.test/login/")
    assert [(s.title, s.anchor) for s in sections] == [
        ("Вход в кабинет", ""),
        ("Забыли пароль", "пароль"),
    ]
    assert (
        sections[1].text == "Нажмите «Забыли пароль»."
        and sections[0].page_title == "Вход в кабинет"
    )
    zendesk = (
        "<html><head><title>Как подписать документ – Центр поддержки</title></head><body>"
        '<main role="main"><article class="article"><header class="article-header">'
        '<h1 class="article-title">Как подписать документ</h1></header>'
        '<div class="article-body"><p>Откройте документ и нажмите «Подписать».</p>'
        "<h2>Если нет кнопки</h2><p>Проверьте, что документ направлен вам.</p></div>"
        '<div class="article-votes">Была ли эта статья полезной? <button>Да</button></div>'
        '<section class="article-relatives"><h3>Похожие статьи</h3><ul><li><a href="/a">Вход'
        '</a></li></ul></section><section class="comments"><h2>Комментарии</h2>'
        "<p>0 комментариев</p></section></article></main></body></html>"
    )
    sections = extract_sections(zendesk, "https://d.test/hc/ru/articles/1/")
    assert [s.title for s in sections] == ["Как подписать документ", "Если нет кнопки"]
    assert all("полезной" not in s.text for s in sections)


def test_relative_update_stamps_count_as_one_repeated_line() -> None:
    stamps = ["2 months ago", "5 days ago", "a year ago", "3 hours ago", "yesterday"]
    sections = [
        s
        for n, stamp in enumerate(stamps)
        for s in extract_sections(
            f"<html><body><main><h1>Статья {n}</h1><p>Текст статьи номер {n}.</p>"
            f"<div>Last updated {stamp}</div></main></body></html>",
            f"https://docs.test/a{n}/",
        )
    ]
    kept = drop_repeated_lines(sections)
    assert [s.text for s in kept] == [f"Текст статьи номер {n}." for n in range(5)]


def test_a_confluence_page_keeps_its_body_and_breadcrumb_only() -> None:
    html = """<html><head><title>Настройка SSO - База знаний - Confluence</title></head><body>
    <div id="main" class="aui-page-panel"><div id="main-header"><ol id="breadcrumbs">
    <li><a>База знаний</a></li><li><a>Администраторам</a></li></ol>
    <h1 id="title-heading"><span id="title-text">Настройка SSO</span></h1></div>
    <div id="content" class="page view"><div class="page-metadata">Создал Иванов И.,
    последнее изменение 12.03.2026</div><div id="main-content" class="wiki-content">
    <p>Вход через корпоративную учётную запись.</p>
    <h2 id="НастройкаSSO-Параметры">Параметры</h2><p>Укажите адрес сервера ADFS.</p>
    </div><div id="likes-and-labels-container">Нравится Метки: sso</div>
    <div id="comments-section"><h2>Комментарии</h2><p>Пока нет комментариев.</p></div>
    </div></div></body></html>"""
    sections = extract_sections(html, "https://wiki.test/display/KB/SSO")
    assert [(s.title, s.anchor, s.text) for s in sections] == [
        ("Настройка SSO", "", "Вход через корпоративную учётную запись."),
        ("Параметры", "НастройкаSSO-Параметры", "Укажите адрес сервера ADFS."),
    ]
    assert sections[0].breadcrumb == "База знаний › Администраторам"


def test_accordion_questions_of_site_builders_give_one_section_each() -> None:
    # Tilda: the question is a button, under a page heading; Elementor: a div with
    # role=button. Both answers are hidden until opened.
    tilda = """<html><body><div id="allrecords"><h2 class="t-title">Частые вопросы</h2>
    <div class="t585__wrapper"><button type="button" class="t585__trigger-button"
    aria-controls="acc1" aria-expanded="false"><span class="t-name">Как войти в кабинет?
    </span></button><div id="acc1" hidden><div class="t-descr">Откройте ссылку из приглашения.
    </div></div></div><div class="t585__wrapper"><button type="button" aria-expanded="false">
    <span>Что делать, если не приходит SMS?</span></button><div hidden>Запросите код снова.
    </div></div><button class="t-submit">Отправить</button></div></body></html>"""
    sections = extract_sections(tilda, "https://d.test/faq/")
    assert [(s.title, s.text) for s in sections] == [
        ("Как войти в кабинет?", "Откройте ссылку из приглашения."),
        ("Что делать, если не приходит SMS?", "Запросите код снова."),
    ]
    # The hidden answer cannot be found by the browser: the link looks for the question.
    assert sections[0].anchor == ":~:text=Как%20войти%20в%20кабинет%3F"
    elementor = """<html><body><main><div class="elementor-accordion-item">
    <div id="tab-title-1" class="elementor-tab-title" role="button" aria-expanded="false">
    <a href="">Можно ли подписать документ с телефона?</a></div><div class="elementor-tab-content">
    <p>Да, в мобильном приложении.</p></div></div><div class="elementor-accordion-item">
    <div id="tab-title-2" class="elementor-tab-title" role="button"><a href="">Сколько стоит
    УНЭП?</a></div><div class="elementor-tab-content"><p>Выпуск бесплатный.</p></div></div>
    </main></body></html>"""
    sections = extract_sections(elementor, "https://d.test/faq/")
    assert [(s.title, s.anchor, s.text) for s in sections] == [
        ("Можно ли подписать документ с телефона?", "tab-title-1", "Да, в мобильном приложении."),
        ("Сколько стоит УНЭП?", "tab-title-2", "Выпуск бесплатный."),
    ]


def test_last_modified_notes_with_commit_messages_are_boilerplate() -> None:
    html = """<html><body><main role="main"><div class="td-content"><h1>Резервное копирование
    </h1><p>Копия базы создаётся каждую ночь.</p><div class="td-page-meta__lastmod">Last
    modified March 3, 2026: Исправлена опечатка (a1b2c3d)</div><p><span
    class="git-revision-date-localized-plugin">3 марта 2026 г.</span></p></div></main>
    </body></html>"""
    sections = extract_sections(html, "https://d.test/admin/backup/")
    assert [(s.title, s.text) for s in sections] == [
        ("Резервное копирование", "Копия базы создаётся каждую ночь.")
    ]


def test_a_page_of_several_h1_chapters_gives_a_section_per_chapter() -> None:
    html = """<html><head><title>Руководство администратора</title></head><body>
    <h1><a name="_Toc1"></a>1. Установка</h1><p class="MsoNormal">Запустите установщик.</p>
    <h2>1.1. Требования</h2><p>4 ГБ памяти.</p>
    <h1><a name="_Toc2"></a>2. Обновление</h1><p>Остановите службу.</p></body></html>"""
    sections = extract_sections(html, "https://d.test/manual.htm")
    assert [(s.page_title, s.title, s.anchor, s.text) for s in sections] == [
        ("Руководство администратора", "1. Установка", "_Toc1", "Запустите установщик."),
        ("Руководство администратора", "1.1. Требования", sections[1].anchor, "4 ГБ памяти."),
        ("Руководство администратора", "2. Обновление", "_Toc2", "Остановите службу."),
    ]


@pytest.mark.parametrize(
    ("page", "sections", "left_out"),
    [
        (
            "mediawiki-page.html",
            [
                ("", "Первый вход"),
                ("Получение_приглашения", "Получение приглашения"),
                ("Если_ссылка_устарела", "Если ссылка устарела"),
            ],
            ["[ править", "[править", "Материал из", "Перейти к", "Категория", "Источник"],
        ),
        (
            "wordpress-page.html",
            [
                ("", "Как подписать документ"),
                ("podpis-unep", "Подпись УНЭП"),
                ("esli-knopka-neaktivna", "Если кнопка неактивна"),
            ],
            [
                "Поделиться",
                "Telegram",
                "Похожие записи",
                "комментарий",
                "Свежие записи",
                "Опубликовано",
                "База знаний",  # the post's date line; the site's name
            ],  # fmt: skip,
        ),
        (
            "bitrix-page.html",
            [
                ("", "Импорт сотрудников из 1С"),
                (
                    ":~:text=Ручная%20загрузка,-Откройте%20%C2%ABАдминистрирование%20%E2%86%92",
                    "Ручная загрузка",
                ),
                (":~:text=Ошибки%20загрузки,-Если%20у%20сотрудника", "Ошибки загрузки"),
            ],
            ["123-45-67", "Шаблоны", "ВКонтакте", "Все права защищены", "Метрика", "Возврат"],
        ),
        (
            "nextra-page.html",
            [("", "Первый вход"), ("если-письмо-не-пришло", "Если письмо не пришло")],
            ["Восстановление пароля", "На этой странице", "© 2026"],  # the next page's link
        ),
        (
            "gitbook-page.html",
            [("", "Первый вход"), ("esli-pismo-ne-prishlo", "Если письмо не пришло")],
            ["Далее", "Восстановление пароля", "Powered by"],
        ),
        (
            "dokuwiki-page.html",
            [("", "Первый вход"), ("если_письмо_не_пришло", "Если письмо не пришло")],
            ["Инструменты", "Боковая панель", "Править", "Последнее изменение", "лицензии"],
        ),
    ],
)
def test_pages_of_wikis_and_cms_sites_keep_their_article_only(
    page: str, sections: list[tuple[str, str]], left_out: list[str]
) -> None:
    """MediaWiki and DokuWiki, a WordPress post, a 1C-Bitrix page of divs, Nextra and GitBook
    pages: the article's sections, without edit links, share buttons, related posts, menus,
    footers or the closing link to the next page."""
    html = (HTML / page).read_text(encoding="utf-8")
    found = extract_sections(html, "https://help.example.ru/page")
    assert [(s.anchor, s.title) for s in found] == sections
    text = " ".join(f"{s.title} {s.text}" for s in found)
    assert [words for words in left_out if words in text] == []


def test_a_page_without_h1_is_named_by_its_part_of_the_title_not_the_sites() -> None:
    page = (
        "<html><head><title>{0}</title>{1}</head><body><main><p>Откройте профиль и нажмите"
        " «Изменить телефон». Код придёт на новый номер.</p></main></body></html>"
    )
    site = '<meta property="og:site_name" content="База знаний WiseAdvice">'
    for title, meta in (
        ("База знаний WiseAdvice | Смена телефона", site),
        ("Смена телефона · База знаний WiseAdvice", site),
        ("Смена телефона — База знаний WiseAdvice", ""),
    ):
        (section,) = extract_sections(page.format(title, meta), "https://kb.example.ru/phone")
        assert section.page_title == section.title == "Смена телефона"


def test_a_closing_sentence_that_cites_a_page_stays() -> None:
    html = (
        "<html><body><main><h1>Смена телефона</h1><p>Откройте профиль и нажмите «Изменить»."
        ' Код придёт на новый номер.</p><p>Подробнее: <a href="/faq/">Вопросы и ответы</a>.'
        '</p><div><a href="/next/">Далее</a></div></main></body></html>'
    )
    (section,) = extract_sections(html, "https://kb.example.ru/phone")
    assert section.text.endswith("Подробнее: Вопросы и ответы.")
