"""Downloadable manuals in Word format (DOCX) as sections: one per heading.

Many vendors publish their user and administrator guides as ``.docx`` next to (or
instead of) PDF. The file is a ZIP of XML parts: the text is in ``word/document.xml``,
which paragraphs are headings is said by their style (``word/styles.xml``: "heading 1",
"Заголовок 2", or an outline level). A Word file cannot be opened at a heading, so every
section links to the file; its fragment (``#section=N``) only keeps the links apart.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from xml.etree import ElementTree

from faq_index.extract import Section

log = logging.getLogger(__name__)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADING_LEVELS = 3  # headings 1-3 start sections; deeper ones stay in their section's text
MAX_PART_BYTES = 50 * 1024 * 1024  # a document.xml larger than this is not read
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}
_HEADING_NAME = re.compile(r"^(heading|заголовок)\s*([1-9])$", re.IGNORECASE)


def docx_text(content: bytes) -> str:
    """A Word file's text, a line per paragraph ("" when it cannot be read): a letter a
    customer attached instead of writing in the mail."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            document = _read_xml(package, "word/document.xml")
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError):
        return ""
    if document is None:
        return ""
    lines = (_paragraph_text(p) for p in document.iter(f"{{{_W}}}p"))
    return "\n".join(line for line in lines if line)


def extract_docx_sections(content: bytes, url: str) -> list[Section]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            document = _read_xml(package, "word/document.xml")
            styles = _read_xml(package, "word/styles.xml", required=False)
            core = _read_xml(package, "docProps/core.xml", required=False)
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError) as exc:
        log.warning("cannot read DOCX %s: %s", url, exc)
        return []
    if document is None:  # required above: read or raised
        return []
    levels = _heading_styles(styles)
    title = _core_title(core) or url.rstrip("/").rsplit("/", 1)[-1]
    sections: list[Section] = []
    heading, lines = title, list[str]()

    def flush() -> None:
        text = "\n".join(line for line in lines if line)
        if text:
            anchor = f"section={len(sections) + 1}"
            sections.append(Section(url, anchor, heading, title, "", text))

    for paragraph in document.iter(f"{{{_W}}}p"):
        text = _paragraph_text(paragraph)
        level = _paragraph_level(paragraph, levels)
        if level is not None and level < HEADING_LEVELS and text:
            flush()
            heading, lines = text, []
        else:
            lines.append(text)
    flush()
    return sections


def _read_xml(
    package: zipfile.ZipFile, name: str, required: bool = True
) -> ElementTree.Element | None:
    try:
        info = package.getinfo(name)
    except KeyError:
        if required:
            raise
        return None
    if info.file_size > MAX_PART_BYTES:
        raise ValueError(f"{name} is larger than {MAX_PART_BYTES} bytes")
    # expat (2.4 and later, as Python ships it) refuses entity-expansion bombs.
    return ElementTree.fromstring(package.read(name))


def _heading_styles(styles: ElementTree.Element | None) -> dict[str, int]:
    """Style id -> outline level (0 for heading 1) of the styles that are headings."""
    found: dict[str, int] = {}
    if styles is None:
        return found
    for style in styles.iterfind("w:style", _NS):
        style_id = style.get(f"{{{_W}}}styleId") or ""
        name = style.find("w:name", _NS)
        match = _HEADING_NAME.match(name.get(f"{{{_W}}}val", "") if name is not None else "")
        outline = style.find("w:pPr/w:outlineLvl", _NS)
        if match:
            found[style_id] = int(match.group(2)) - 1
        elif outline is not None and (outline.get(f"{{{_W}}}val") or "").isdigit():
            found[style_id] = int(outline.get(f"{{{_W}}}val") or 9)
    return found


def _paragraph_level(paragraph: ElementTree.Element, levels: dict[str, int]) -> int | None:
    own = paragraph.find("w:pPr/w:outlineLvl", _NS)
    if own is not None and (own.get(f"{{{_W}}}val") or "").isdigit():
        return int(own.get(f"{{{_W}}}val") or 9)
    style = paragraph.find("w:pPr/w:pStyle", _NS)
    if style is None:
        return None
    style_id = style.get(f"{{{_W}}}val") or ""
    if style_id in levels:
        return levels[style_id]
    match = _HEADING_NAME.match(style_id)  # a document without styles.xml
    return int(match.group(2)) - 1 if match else None


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    parts = []
    for node in paragraph.iter():
        if node.tag == f"{{{_W}}}t":
            parts.append(node.text or "")
        elif node.tag in (f"{{{_W}}}tab", f"{{{_W}}}br"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def _core_title(core: ElementTree.Element | None) -> str:
    if core is None:
        return ""
    title = core.find("{http://purl.org/dc/elements/1.1/}title")
    return " ".join((title.text or "").split()) if title is not None else ""
