"""Documentation HTML to sections a customer can be linked to.

The main content is found with a list of selectors that covers the common
documentation generators (MkDocs, Sphinx, Docusaurus, GitBook, VuePress,
Hugo themes), falling back to <main>, <article> and finally <body>; navigation,
sidebars, breadcrumbs, footers and permalink markers are removed first. Each
h2/h3 heading starts a section whose anchor makes a deep link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString

MAIN_SELECTORS = (
    "article.md-content__inner",
    "div[role=main] .document",
    "div.document [itemprop=articleBody]",
    "[itemprop=articleBody]",
    "article.markdown",
    "div.theme-doc-markdown",
    "main article",
    "article",
    "[role=main]",
    "main",
    "#content",
    ".content",
)
BOILERPLATE_SELECTORS = (
    "script", "style", "noscript", "template", "svg", "form", "button", "iframe",
    "nav", "header", "footer", "aside",
    "[role=navigation]", "[role=banner]", "[role=contentinfo]", "[role=search]",
    ".headerlink", "a.anchor", ".md-source-file", ".md-content__button",
    "[class*=breadcrumb]", "[class*=sidebar]", "[class*=toc]", "[class*=pagination]",
    "[class*=footer]", "[class*=cookie]", "[class*=edit-this]", "[class*=feedback]",
    ".visually-hidden", ".sr-only",
)  # fmt: skip
SECTION_HEADINGS = ("h2", "h3")
_WS_RE = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True)
class Section:
    url: str
    anchor: str
    title: str
    page_title: str
    breadcrumb: str
    text: str

    @property
    def link(self) -> str:
        return f"{self.url}#{self.anchor}" if self.anchor else self.url


def page_url(soup: BeautifulSoup, fetched_url: str) -> str:
    """The canonical URL when the page declares one, else the fetched URL."""
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and link.get("href"):
        return urljoin(fetched_url, str(link["href"]))
    return fetched_url


@dataclass(frozen=True)
class ExtractionRules:
    """Site-specific selectors, tried before the generic defaults."""

    content: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()


GENERIC_RULES = ExtractionRules()


def extract_sections(
    html: str, fetched_url: str, rules: ExtractionRules = GENERIC_RULES
) -> list[Section]:
    soup = BeautifulSoup(html, "lxml")
    url = page_url(soup, fetched_url)
    breadcrumb = _breadcrumb(soup)
    main = _main_content(soup, rules.content)
    for selector in (*BOILERPLATE_SELECTORS, *rules.boilerplate):
        for node in main.select(selector):
            node.decompose()
    h1 = main.find("h1")
    page_title = _clean(h1.get_text(" ")) if isinstance(h1, Tag) else _document_title(soup)
    _faq_blocks_as_headings(main)
    return _split(main, url, page_title, breadcrumb)


def _faq_blocks_as_headings(main: Tag) -> None:
    """One section per question in FAQ markup that has no headings of its own.

    Covers <details><summary>, <dl><dt>/<dd> and schema.org FAQPage microdata
    (itemprop="name" inside itemtype=".../Question").
    """
    if main.find(SECTION_HEADINGS):
        # A page with headings is already split; its <details> are collapsible notes
        # and its <dl> a glossary, both belonging to the section around them.
        return
    questions: list[Tag] = []
    for summary in main.select("details > summary"):
        questions.append(summary)
    for term in main.select("dl > dt"):
        questions.append(term)
    for name in main.select("[itemtype$='/Question'] [itemprop=name]"):
        questions.append(name)
    for node in questions:
        if node.find(SECTION_HEADINGS):
            continue
        owner = node.find_parent(["details"]) if node.name == "summary" else None
        anchor = node.get("id") or (owner.get("id") if owner is not None else None)
        node.name = "h3"
        node.attrs = {"id": str(anchor)} if anchor else {}


def _main_content(soup: BeautifulSoup, extra: tuple[str, ...] = ()) -> Tag:
    for selector in (*extra, *MAIN_SELECTORS):
        found = soup.select_one(selector)
        if found is not None and len(found.get_text(strip=True)) > 80:
            return found
    return soup.body or soup


def _document_title(soup: BeautifulSoup) -> str:
    title = soup.title.get_text() if soup.title else ""
    return _clean(re.split(r"\s[-|—–]\s", title)[0])


_ACTIVE_NAV = (
    "nav [aria-current=page]",
    "nav .md-nav__link--active",
    "nav .menu__link--active",
    "nav li.current > a",
    "nav a.current",
    "nav a.active",
    "[class*=sidebar] a.active",
    "[class*=sidebar] li.active > a",
)


def _breadcrumb(soup: BeautifulSoup) -> str:
    """The page's place in the site: an explicit breadcrumb, else the active nav entry's parents."""
    for selector in ("[class*=breadcrumb]", "nav[aria-label*=readcrumb]", ".md-path"):
        node = soup.select_one(selector)
        if node is not None:
            items = [_clean(li.get_text(" ")) for li in node.find_all(["li", "a"])]
            items = [item for item in dict.fromkeys(items) if item]
            if items:
                return " › ".join(items)
    for selector in _ACTIVE_NAV:
        active = soup.select_one(selector)
        if active is None:
            continue
        labels = [_item_label(li) for li in active.find_parents("li")]
        labels = [label for label in dict.fromkeys(reversed(labels)) if label]
        if len(labels) > 1:
            return " › ".join(labels[:-1])
    return ""


def _item_label(item: Tag) -> str:
    for child in item.children:
        if isinstance(child, Tag) and child.name in ("a", "label", "span", "p", "div"):
            text = _clean(child.get_text(" "))
            if text:
                return text
    return ""


def _split(main: Tag, url: str, page_title: str, breadcrumb: str) -> list[Section]:
    sections: list[Section] = []
    title, anchor = page_title, ""
    chunks: list[str] = []

    def flush() -> None:
        text = _clean_block("\n".join(chunks))
        if text:
            sections.append(Section(url, anchor, title, page_title, breadcrumb, text))

    for node in main.descendants:
        if isinstance(node, Tag) and node.name in SECTION_HEADINGS:
            flush()
            title = _clean(node.get_text(" "))
            anchor = _anchor_of(node)
            chunks = []
        elif isinstance(node, NavigableString) and _is_text(node) and not _inside_heading(node):
            chunks.append(str(node))
    flush()
    return sections


def _is_text(node: object) -> bool:
    return isinstance(node, NavigableString) and not isinstance(node, Comment)


def _inside_heading(node: NavigableString) -> bool:
    return any(parent.name in (*SECTION_HEADINGS, "h1") for parent in node.parents)


def _anchor_of(heading: Tag) -> str:
    if heading.get("id"):
        return str(heading["id"])
    inner = heading.find(id=True)
    if isinstance(inner, Tag):
        return str(inner["id"])
    previous = heading.find_previous_sibling()
    if isinstance(previous, Tag) and previous.name == "a" and previous.get("name"):
        return str(previous["name"])
    parent = heading.parent
    if isinstance(parent, Tag) and parent.name == "section" and parent.get("id"):
        return str(parent["id"])
    return ""


def _clean(text: str) -> str:
    return _WS_RE.sub(" ", text.replace("\xa0", " ").replace("¶", "")).strip()


def _clean_block(text: str) -> str:
    lines = (_clean(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
