"""The HTML part of an outgoing mail, made from the same rendering as its text part.

Both parts come from one rendering of one jinja2 template, so they can never say
different things. Every character is escaped (customer data and template text alike:
a subject like ``<script>`` arrives as text), links become clickable (their targets
percent-encoded, their text readable), blank lines
separate paragraphs and line breaks are kept.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import quote

_URL = re.compile(r"https?://[^\s<>\"«»]+")
_TRAILING = ".,;:!?)]}»"
# A link's href is a URI: non-ASCII (Cyrillic anchors of the docs) percent-encoded, the
# URL's own syntax and existing escapes kept; the text the customer reads stays as is.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def text_to_html(text: str, language: str = "ru") -> str:
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(_linkify(line) for line in paragraph.splitlines()) + "</p>"
        for paragraph in paragraphs
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n'
        '<meta charset="utf-8">\n</head>\n'
        '<body style="font-family: Arial, sans-serif; font-size: 14px;">\n'
        f"{body}\n</body>\n</html>\n"
    )


def urls_in(text: str) -> Iterator[tuple[int, str]]:
    """The http(s) links in plain text, each with where it starts; punctuation that
    ends the sentence around a link ("see https://…/page.") is not part of it."""
    for match in _URL.finditer(text):
        yield match.start(), match.group(0).rstrip(_TRAILING)


def _linkify(line: str) -> str:
    out: list[str] = []
    position = 0
    for start, stripped in urls_in(line):
        end = start + len(stripped)
        out.append(html.escape(line[position:start]))
        href = html.escape(quote(stripped, safe=_URI_SAFE), quote=True)
        out.append(f'<a href="{href}">{html.escape(stripped)}</a>')
        position = end
    out.append(html.escape(line[position:]))
    return "".join(out)
