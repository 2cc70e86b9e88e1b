"""Word manuals (DOCX) linked from the docs are crawled and split into sections."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from faq_index import Crawler, CrawlSettings
from faq_index.docx import extract_docx_sections
from faq_index.index import sections_from_crawl
from tests.servers import FlakySiteServer

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def word_paragraph(text: str, style: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def make_docx(title: str = "Руководство кадровика") -> bytes:
    """A Word file as Russian Word saves it: heading styles with ids "1", "2"."""
    body = "".join(
        [
            word_paragraph("Введение к руководству."),
            word_paragraph("Импорт сотрудников", "1"),
            word_paragraph("Загрузите файл Excel с колонками ФИО и СНИЛС."),
            word_paragraph("Ошибки импорта", "2"),
            word_paragraph("Строка 14: неверный формат СНИЛС", "4"),
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>СНИЛС</w:t></w:r><w:r><w:tab/></w:r>"
            "<w:r><w:t>123-456-789 01</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
            word_paragraph("Маршруты согласования", "Heading1"),
            word_paragraph("Маршрут задаёт порядок подписания."),
        ]
    )
    styles = (
        f"<w:styles {W}>"
        '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="Заголовок 2"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="4"><w:name w:val="heading 4"/></w:style>'
        "</w:styles>"
    )
    core = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{title}</dc:title></cp:coreProperties>"
    )
    document = f"<w:document {W}><w:body>{body}</w:body></w:document>"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as package:
        package.writestr("word/document.xml", document)
        package.writestr("word/styles.xml", styles)
        package.writestr("docProps/core.xml", core)
    return packed.getvalue()


def test_a_word_manual_gives_a_section_per_heading() -> None:
    url = "https://d.test/files/hr-guide.docx"
    sections = extract_docx_sections(make_docx(), url)
    assert [(s.title, s.page_title, s.link) for s in sections] == [
        ("Руководство кадровика", "Руководство кадровика", url + "#section=1"),
        ("Импорт сотрудников", "Руководство кадровика", url + "#section=2"),
        ("Ошибки импорта", "Руководство кадровика", url + "#section=3"),
        ("Маршруты согласования", "Руководство кадровика", url + "#section=4"),
    ]
    # A fourth-level heading and a table stay in the text of their section.
    assert sections[2].text == "Строка 14: неверный формат СНИЛС\nСНИЛС 123-456-789 01"
    assert extract_docx_sections(b"not a zip", url) == []


def test_word_manuals_linked_from_the_docs_are_crawled_and_indexed(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "files").mkdir(parents=True)
    (root / "help").mkdir()
    (root / "help" / "index.html").write_text(
        "<html><body><main><h1>Справка</h1><p>Руководство кадровика: "
        '<a href="/files/hr-guide.docx">скачать (DOCX)</a>.</p></main></body></html>',
        encoding="utf-8",
    )
    (root / "files" / "hr-guide.docx").write_bytes(make_docx())
    server = FlakySiteServer(root)
    try:
        settings = CrawlSettings(delay=0.0, backoff=0.01, public_base_url="")
        report = Crawler(settings).crawl(server.url + "help/", tmp_path / "crawl")
    finally:
        server.stop()
    assert server.url + "files/hr-guide.docx" in report.new
    sections, _ = sections_from_crawl(tmp_path / "crawl", "")
    titles = [s.title for s in sections if s.url.endswith(".docx")]
    assert titles == ["Руководство кадровика", "Импорт сотрудников", "Ошибки импорта",
                      "Маршруты согласования"]  # fmt: skip
