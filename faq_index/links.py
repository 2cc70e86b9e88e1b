"""Which indexed sections a documentation link names, however the link is spelled.

Answer links come from people: a labelled question set, an agent's reply exported by
``triage questions``. They are copied from an address bar (percent-encoded Cyrillic
anchors), typed with or without ``www.``, ``https``, a trailing slash or ``index.html``,
and point at whatever id their author found on the page, often a sub-heading or a step
inside one of the index's sections. Comparing them with section links as strings
counted such answers as wrong. Here a link names:

- every section of its page, when it has no fragment;
- the section whose anchor it is, or that contains the element with that id;
- for a page of a hash-routed site (``#/page``), the same by the route's ``id``;
- for a scroll-to-text fragment (``#:~:text=``), the section whose heading it starts at,
  else the first section of the page that holds its words ("Copy link to highlight").

A link that names no section (a page that is gone, an id that changed) resolves to
nothing; the evaluation counts those so that stale labels are seen, not silently
scored as misses.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from faq_index.crawl import normalise_url
from faq_index.extract import Section
from faq_index.routes import split_link

_INDEX_PAGE = re.compile(r"/(index|default)\.(html?|php|aspx?)$", re.IGNORECASE)
_PAGE_SUFFIX = re.compile(r"\.(html?|php|aspx?)$", re.IGNORECASE)
_TEXT_DIRECTIVE = ":~:text="


def host_key(netloc: str) -> str:
    """A host as people spell it: any case, with or without ``www.``."""
    return netloc.lower().removeprefix("www.")


def page_key(url: str) -> str:
    """One key per page for every spelling of its URL: no scheme, no ``www.``, the path
    percent-decoded without a trailing slash, ``index.html`` or ``.html``, query
    parameters sorted."""
    parts = urlsplit(normalise_url(url))
    host = host_key(parts.netloc)
    path = _INDEX_PAGE.sub("/", unquote(parts.path))
    path = _PAGE_SUFFIX.sub("", path).rstrip("/")
    query = "&".join(sorted(unquote(pair) for pair in parts.query.split("&") if pair))
    key = f"{host}{path}?{query}" if query else f"{host}{path}"
    return f"{key}#{unquote(parts.fragment)}" if parts.fragment else key  # a hash route


def fragment_key(fragment: str) -> str:
    """A fragment as the page means it: percent-decoded; a scroll-to-text directive by
    the text it starts at (its heading), lower-cased, without its context terms."""
    fragment = fragment.strip()
    if fragment.startswith(_TEXT_DIRECTIVE):
        terms = [term for term in fragment[len(_TEXT_DIRECTIVE) :].split(",") if term]
        start = next((term for term in terms if not term.endswith("-")), "")
        return "text:" + " ".join(unquote(start).lower().split())
    return unquote(fragment)


class SectionLinks:
    """The index's sections by every key a link to them can have."""

    def __init__(self, sections: Sequence[Section]) -> None:
        self._pages: dict[str, list[str]] = defaultdict(list)
        self._anchors: dict[tuple[str, str], str] = {}
        self._texts: dict[str, list[tuple[str, str]]] = defaultdict(list)  # page -> words
        for section in sections:
            page = page_key(section.url)
            self._pages[page].append(section.link)
            words = " ".join(f"{section.title}\n{section.text}".lower().split())
            self._texts[page].append((section.link, words))
            for anchor in (*section.ids, section.anchor):  # the section's own anchor wins
                if anchor:
                    self._anchors[page, fragment_key(anchor)] = section.link

    def resolve(self, link: str) -> tuple[str, ...]:
        """The links of the sections ``link`` names; empty when it names none."""
        url, fragment = split_link(link.strip())
        page = page_key(url)
        if not fragment:
            return tuple(self._pages.get(page, ()))
        key = fragment_key(fragment)
        found = self._anchors.get((page, key))
        if not found and key.startswith("text:") and len(key) > len("text:"):
            # "Copy link to highlight": the words may be anywhere in the section.
            start = key.removeprefix("text:")
            found = next((link for link, words in self._texts[page] if start in words), "")
        return (found,) if found else ()
