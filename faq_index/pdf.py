"""Downloadable manuals (PDF) as sections: one per outline entry, else one per page.

Links point at the file with ``#page=N``, which every common PDF viewer opens
at that page.
"""

from __future__ import annotations

import io
import logging
import re

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from faq_index.extract import Section

log = logging.getLogger(__name__)
_WS_RE = re.compile(r"[ \t\r\f\v]+")


def pdf_text(content: bytes, max_pages: int = 10) -> str:
    """The text layer of a PDF's first pages ("" for a scan or an unreadable file): a
    letter a customer attached instead of writing in the mail."""
    try:
        reader = PdfReader(io.BytesIO(content))
        pages = [_clean(page.extract_text() or "") for page in reader.pages[:max_pages]]
    except (PdfReadError, ValueError, KeyError, TypeError):
        return ""
    return "\n".join(page for page in pages if page)


def extract_pdf_sections(content: bytes, url: str) -> list[Section]:
    try:
        reader = PdfReader(io.BytesIO(content))
        texts = [_clean(page.extract_text() or "") for page in reader.pages]
        metadata = reader.metadata
        raw_title = metadata.get("/Title", "") if metadata is not None else ""
        title = _clean(str(raw_title or "")) or _file_name(url)
        outline = _outline(reader)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        log.warning("cannot read PDF %s: %s", url, exc)
        return []
    if not outline:
        return [
            Section(url, f"page={n}", f"{title}, стр. {n}", title, "", text)
            for n, text in enumerate(texts, 1)
            if text
        ]
    sections = []
    for i, (heading, first) in enumerate(outline):
        last = outline[i + 1][1] - 1 if i + 1 < len(outline) else len(texts) - 1
        text = "\n".join(texts[first : max(first, last) + 1])
        if text:
            # A link to any page the section spans names it (``page=12`` in 10-14).
            spanned = tuple(f"page={n + 1}" for n in range(first + 1, last + 1))
            sections.append(
                Section(url, f"page={first + 1}", heading, title, "", text, ids=spanned)
            )
    return sections


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    """Top-level bookmarks with their 0-based page numbers, in page order."""
    entries = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        try:
            page = reader.get_destination_page_number(item)
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
        if page is not None:
            entries.append((_clean(str(item.title)), page))
    return sorted(entries, key=lambda entry: entry[1])


def _file_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _clean(text: str) -> str:
    lines = (_WS_RE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
