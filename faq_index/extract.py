"""Documentation HTML to sections a customer can be linked to.

The main content is found with a list of selectors that covers the common
documentation generators (MkDocs, Sphinx, Docusaurus, GitBook, VuePress,
Hugo themes, Confluence, MediaWiki), falling back to <main>, <article> and finally
the block of <body> that holds most of its paragraphs (a CMS template of divs); navigation,
sidebars, breadcrumbs, footers and permalink markers are removed first. Each
h2/h3 heading starts a section whose anchor makes a deep link.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin

from bs4 import BeautifulSoup, Tag, UnicodeDammit
from bs4.element import Comment, NavigableString

from faq_index.routes import deep_link, with_route_of

MAIN_SELECTORS = (
    "article.md-content__inner",
    "div[role=main] .document",
    "div.document [itemprop=articleBody]",
    "[itemprop=articleBody]",
    "article.markdown",
    "div.theme-doc-markdown",
    "div.wiki-content",  # Confluence (its metadata and comments are outside)
    "#mw-content-text",  # MediaWiki: the article without its title bar and categories
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
    ".headerlink", "a.anchor", ".header-anchor", ".hash-link", ".md-source-file",
    ".md-content__button",
    # Help-centre articles (Zendesk Guide and its kin): related articles, votes, comments.
    ".article-relatives", ".related-articles", ".article-votes", ".article-comments",
    ".comments", "#comments", "[class*=avatar]", "[class*=reactions]",
    # Confluence: page metadata, likes and labels, comments.
    ".page-metadata", "#likes-and-labels-container", "#comments-section",
    # Wikis: "[править]" beside headings, MediaWiki's print footer and categories,
    # DokuWiki's page id and "last modified ... by" line.
    "[class*=editsection]", "[class*=editbutton]", ".printfooter", ".catlinks",
    ".pageId", ".docInfo",
    # Blogs and CMS pages (WordPress, 1C-Bitrix): share buttons, related posts, the
    # copyright line, and <noindex>, the tag Russian sites wrap such things in for Yandex.
    "noindex", "[class*=share]", "[class*=social]", "[class*=related]",
    "[class*=copyright]", "[class*=skip-link]",
    # "Last modified March 3, 2026: Fix typo (abc123)" (Hugo Docsy, mkdocs-git-revision...).
    "[class*=lastmod]", "[class*=last-modified]", "[class*=last-updated]",
    "[class*=git-revision]",
    "[class*=breadcrumb]", "[class*=sidebar]", "[class*=toc]", "[class*=pagination]",
    "[class*=footer]", "[class*=cookie]", "[class*=edit-this]", "[class*=feedback]",
    ".visually-hidden", ".sr-only",
)  # fmt: skip
SECTION_HEADINGS = ("h2", "h3")
MAX_SECTION_IDS = 100  # code blocks can carry an id per line; a section keeps its first 100
# Elements that start a line of their own; text in any other element runs on, so that
# "Нажмите <b>Сохранить</b>." stays one line (an excerpt, a repeated-line count and the
# embedding read it as the sentence it is).
BLOCK_TAGS = (
    "p", "div", "li", "dt", "dd", "pre", "blockquote", "table", "tr", "td", "th",
    "caption", "figure", "figcaption", "details", "summary", "section", "article",
    "ul", "ol", "dl", "h4", "h5", "h6", "br", "hr",
)  # fmt: skip
_WS_RE = re.compile(r"\s+")  # a title, a label: one line however the HTML wraps it
# Zero-width characters: the text of permalinks (VitePress, Docusaurus) and of soft breaks.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


@dataclass(frozen=True)
class Section:
    url: str
    anchor: str
    title: str
    page_title: str
    breadcrumb: str
    text: str
    # The share of the text that is the text of links: near 1 for a table of contents or
    # a landing page's list of pages, which point to answers rather than give them.
    link_share: float = 0.0
    # The ids of elements inside the section (sub-headings, steps, FAQ entries): a link a
    # person made to any of them names this section (see faq_index.links).
    ids: tuple[str, ...] = ()

    @property
    def link(self) -> str:
        return deep_link(self.url, self.anchor)


def page_url(soup: BeautifulSoup, fetched_url: str) -> str:
    """The canonical URL when the page declares one, else the fetched URL (with its hash
    route, if it has one: ``faq_index.routes``)."""
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and link.get("href"):
        return with_route_of(urljoin(fetched_url, str(link["href"])), fetched_url)
    return fetched_url


@dataclass(frozen=True)
class ExtractionRules:
    """Site-specific selectors, tried before the generic defaults."""

    content: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()


GENERIC_RULES = ExtractionRules()


def decode_html(body: bytes, declared: str = "") -> str:
    """A page's text: in the charset its server declared, else the one the page declares
    (BOM, ``<meta charset>``), else UTF-8, else windows-1251, in which older Russian
    sites are still served (decoding it as UTF-8 left nothing readable)."""
    known = [declared] if declared and _known_codec(declared) else []
    dammit = UnicodeDammit(
        body, known_definite_encodings=known, user_encodings=["utf-8", "windows-1251"],
        is_html=True,
    )  # fmt: skip
    if dammit.unicode_markup is None:
        return body.decode("utf-8", errors="replace")
    return str(dammit.unicode_markup)


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def extract_sections(
    html: str, fetched_url: str, rules: ExtractionRules = GENERIC_RULES
) -> list[Section]:
    soup = BeautifulSoup(html, "lxml")
    url = page_url(soup, fetched_url)
    breadcrumb = _breadcrumb(soup)
    main = _main_content(soup, rules.content)
    _lift_heading_ids(main)
    _keep_article_titles(main)
    for selector in (*BOILERPLATE_SELECTORS, *rules.boilerplate):
        for node in main.select(selector):
            node.decompose()
    _drop_closing_page_links(main)
    h1s = main.find_all("h1")
    h1 = h1s[0] if len(h1s) == 1 else None
    if len(h1s) > 1:
        # Chapters of one long page (a manual saved from Word, an export of a whole
        # space): each is a section, and the page is named by its <title>.
        for chapter in h1s:
            chapter.name = "h2"
    page_title = _clean(h1.get_text(" ")) if isinstance(h1, Tag) else _document_title(soup)
    _faq_blocks_as_headings(main)
    _mark_line_breaks(main)
    return _split(main, url, page_title, breadcrumb)


_PAGER_WORDS = re.compile(
    r"(?i)^(далее|назад|дальше|вперёд|вперед|следующая( статья| страница)?|предыдущая"
    r"( статья| страница)?|next|previous|prev|back|возврат к списку)?$"
)


def _drop_closing_page_links(main: Tag) -> None:
    """The block of one or two links to other pages that closes a page ("Далее:
    Восстановление пароля", a bare link to the next page, "Возврат к списку") and has no
    class that says so (Nextra, GitBook, 1C-Bitrix): it would put the next page's title
    in the last section's text."""
    while True:
        texts = [node for node in main.descendants if _is_text(node) and str(node).strip()]
        last = texts[-1] if texts else None
        block = last.find_parent(("p", "div", "nav")) if last is not None else None
        if block is None or block is main or not any(p is main for p in block.parents):
            return
        links = block.find_all("a", href=True)
        if not 1 <= len(links) <= 2 or any(str(a["href"]).startswith("#") for a in links):
            return
        besides = " ".join(
            str(s)
            for s in block.find_all(string=True)
            if _is_text(s) and s.find_parent("a") is None
        )
        if not _PAGER_WORDS.match(" ".join(besides.split()).strip(" →←»«>‹›<|·:")):
            return  # text besides the links: a sentence that cites a page
        block.decompose()


def _keep_article_titles(main: Tag) -> None:
    """An article's <h1> inside its own <header> (WordPress, Teletype, Mintlify: the title
    with its date and author) is moved out before headers go with the boilerplate; else
    the page would be named by its <title>, which on some sites is the site's name."""
    if main.name == "body":
        return  # there, a <header> is the site's, and its <h1> the site's name
    for header in main.find_all("header"):
        title = header.find("h1")
        if isinstance(title, Tag):
            header.insert_before(title.extract())


def _mark_line_breaks(main: Tag) -> None:
    """A line break before and after every block element (minified HTML has none)."""
    for node in main.find_all(BLOCK_TAGS):
        node.insert_before("\n")
        node.insert_after("\n")


def _lift_heading_ids(main: Tag) -> None:
    """Save what boilerplate removal would take from headings and FAQ questions: the
    id of a permalink element inside a heading (``<h2><a id="x" class="anchor">``, as
    GitHub-style Markdown renders it), and the text of a button that is the whole
    question (``<h2><button>Вопрос?</button></h2>``, Bootstrap's accordion) or that
    opens an answer anywhere else (site builders' accordions: Tilda, Elementor, ARIA
    disclosure widgets), which is kept as a question (``QUESTION_MARK``)."""
    for title in main.find_all(["h1", *SECTION_HEADINGS]):
        for link in title.find_all("a"):
            # A permalink that is the whole heading (Docsify: <h2><a class="anchor">
            # <span>Title</span></a></h2>) is the title, not a "¶" to remove.
            text = _clean(link.get_text(" "))
            if text and text == _clean(title.get_text(" ")):
                link.unwrap()
    for heading in main.find_all([*SECTION_HEADINGS, "summary", "dt"]):
        for button in heading.find_all("button"):
            button.unwrap()
        if heading.get("id"):
            continue
        inner = heading.find(id=True)
        if isinstance(inner, Tag):
            heading["id"] = str(inner["id"])
    for trigger in main.select("button, [role=button]"):
        if trigger.find_parent([*SECTION_HEADINGS, "summary", "dt"]) is not None:
            continue  # a heading's own (unwrapped above, or the heading is the question)
        text = _clean(trigger.get_text(" "))
        if text.endswith("?") and len(text) <= BOLD_QUESTION_MAX_CHARS:
            own = trigger.get("id")
            trigger.name = "div"
            trigger.attrs = {QUESTION_MARK: "", **({"id": str(own)} if own else {})}


def _faq_blocks_as_headings(main: Tag) -> None:
    """One section per question in FAQ markup that has no headings of its own.

    Covers <details><summary>, <dl><dt>/<dd> and schema.org FAQPage microdata
    (itemprop="name" inside itemtype=".../Question"); failing those, paragraphs that are
    a bold question. Accordion questions (buttons, ``_lift_heading_ids``) are questions
    on any page, even one with headings: a "Частые вопросы" heading above them.
    """
    for trigger in main.select(f"[{QUESTION_MARK}]"):
        trigger.name = "h3"
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
    if not questions:
        questions = _bold_questions(main)
    for node in questions:
        if node.find(SECTION_HEADINGS):
            continue
        owner = node.find_parent(["details"]) if node.name == "summary" else None
        anchor = node.get("id") or (owner.get("id") if owner is not None else None)
        node.name = "h3"
        node.attrs = {"id": str(anchor)} if anchor else {}


BOLD_QUESTION_MAX_CHARS = 200
QUESTION_MARK = "data-faq-question"  # an accordion's question, kept from boilerplate removal


def _bold_questions(main: Tag) -> list[Tag]:
    """Paragraphs that are nothing but a bold question (``<p><strong>Как …?</strong></p>``),
    the FAQ markup of many site builders and CMS editors; at least two of them, so that a
    single bold remark in a page does not split it."""
    found = []
    for paragraph in main.find_all(["p", "div"]):
        text = _clean(paragraph.get_text(" "))
        if not text.endswith("?") or len(text) > BOLD_QUESTION_MAX_CHARS:
            continue
        bold = paragraph.find(["strong", "b"])
        whole = isinstance(bold, Tag) and _clean(bold.get_text(" ")) == text
        if whole and not paragraph.find(["p", "div"]):
            found.append(paragraph)
    return found if len(found) >= 2 else []


def _main_content(soup: BeautifulSoup, extra: tuple[str, ...] = ()) -> Tag:
    for selector in (*extra, *MAIN_SELECTORS):
        found = soup.select_one(selector)
        if found is not None and len(found.get_text(strip=True)) > 80:
            return found
    body = soup.body or soup
    return _densest_block(body) or body


_OUTSIDE_CONTENT = ("nav", "header", "footer", "aside")
MAIN_TEXT_SHARE = 0.8  # the block found by density holds this share of the page's paragraphs


def _densest_block(body: Tag) -> Tag | None:
    """For a page no content selector fits (a CMS template of divs: 1C-Bitrix, DokuWiki,
    a hand-made site): the smallest element holding most of the page's paragraph text,
    widened to take in the <h1> just before it. None when the page has little prose."""
    held: dict[int, tuple[Tag, int, int]] = {}  # id -> (element, depth, paragraph text)
    total = 0
    for paragraph in body.find_all(["p", "pre"]):
        if paragraph.find_parent(_OUTSIDE_CONTENT) is not None:
            continue
        size = len(paragraph.get_text(strip=True))
        total += size
        parents = [parent for parent in paragraph.parents if isinstance(parent, Tag)]
        for depth, parent in enumerate(reversed(parents)):
            held[id(parent)] = (parent, depth, held.get(id(parent), (parent, depth, 0))[2] + size)
    if total <= 80:  # as for a content selector's match
        return None
    block, _depth, _size = max(
        (entry for entry in held.values() if entry[2] >= MAIN_TEXT_SHARE * total),
        key=lambda entry: entry[1],
    )
    if block.find("h1") is None:
        # <h1 id="pagetitle"> above <div class="news-detail">, both in the work area.
        title = block.find_previous("h1")
        holder = title.parent if isinstance(title, Tag) else None
        if isinstance(holder, Tag) and any(parent is holder for parent in block.parents):
            block = holder
    return block


def _document_title(soup: BeautifulSoup) -> str:
    """The page's part of its <title>: "Page | Site" or "Site — Page", the site's part
    known by its og:site_name or application-name when the page declares one."""
    title = soup.title.get_text() if soup.title else ""
    parts = [_clean(part) for part in re.split(r"\s[-|—–·]\s", title)]
    site = {
        _clean(str(meta.get("content", ""))).casefold()
        for meta in soup.find_all("meta", attrs={"property": "og:site_name"})
        + soup.find_all("meta", attrs={"name": "application-name"})
    }
    own = [part for part in parts if part and part.casefold() not in site]
    return own[0] if own else parts[0]


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
    for selector in (
        "[class*=breadcrumb]", "nav[aria-label*=readcrumb]", ".md-path", "#breadcrumbs",
    ):  # fmt: skip
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
    title, anchor, shown = page_title, "", ""
    collapsed = False
    chunks: list[str] = []
    linked: list[str] = []
    ids: list[str] = []

    def flush() -> list[str]:
        """Add the section; return the ids that go on to the next one: those of a
        heading with no text of its own, whose links land just above the next section."""
        text = _clean_block("".join(chunks))
        if not text:
            return [*ids, anchor] if anchor else ids
        deep = anchor or (_text_fragment(shown, "" if collapsed else text) if shown else "")
        share = round(min(_letters("".join(linked)) / max(_letters(text), 1), 1.0), 3)
        inner = tuple(dict.fromkeys(i for i in ids if i != anchor))[:MAX_SECTION_IDS]
        sections.append(Section(url, deep, title, page_title, breadcrumb, text, share, inner))
        return []

    for node in main.descendants:
        if isinstance(node, Tag) and node.name in SECTION_HEADINGS:
            ids = flush()
            title = _clean(node.get_text(" "))
            shown = _clean(node.get_text(""))  # as the browser finds it on the page
            anchor = _anchor_of(node)
            # An accordion's answer is hidden until opened, and a browser finds no
            # text there: its link finds the question alone.
            collapsed = node.has_attr(QUESTION_MARK)
            chunks, linked = [], []
        elif isinstance(node, Tag):
            target = node.get("id") or (node.get("name") if node.name == "a" else None)
            if target and node.find(SECTION_HEADINGS) is None:  # not a wrapper of sections
                ids.append(str(target))
        elif isinstance(node, NavigableString) and _is_text(node) and not _inside_heading(node):
            chunks.append(str(node))
            if node.find_parent("a") is not None:
                linked.append(str(node))
    flush()
    return sections


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalnum())


def _is_text(node: object) -> bool:
    return isinstance(node, NavigableString) and not isinstance(node, Comment)


def _inside_heading(node: NavigableString) -> bool:
    return any(parent.name in (*SECTION_HEADINGS, "h1") for parent in node.parents)


def _anchor_of(heading: Tag) -> str:
    """The id a link can jump to: the heading's own, an empty ``<a id|name>`` placed
    just before it, or that of the ``<section>``/``<div>`` it opens (Sphinx, docutils)."""
    if heading.get("id"):
        return str(heading["id"])
    inner = heading.find(id=True)
    if isinstance(inner, Tag):
        return str(inner["id"])
    named = heading.find("a", attrs={"name": True})  # <h1><a name="_Toc1"></a>, as Word saves
    if isinstance(named, Tag):
        return str(named["name"])
    previous = heading.find_previous_sibling()
    if (
        isinstance(previous, Tag)
        and previous.name in ("a", "span")
        and not previous.get_text(strip=True)
    ):
        target = previous.get("id") or previous.get("name")
        if target:
            return str(target)
    parent = heading.parent
    if (
        isinstance(parent, Tag)
        and parent.name in ("section", "div")
        and parent.get("id")
        and parent.find(_ANY_HEADING) is heading
    ):
        return str(parent["id"])
    return ""


_ANY_HEADING = ("h1", "h2", "h3", "h4", "h5", "h6")
FRAGMENT_SUFFIX_WORDS = 3


def _text_fragment(heading: str, text: str) -> str:
    """A scroll-to-text anchor (``:~:text=``) for a heading the page gave no id.

    The heading's words are followed by the first words of its section: a sidebar or
    table of contents repeating the heading earlier on the page would otherwise take
    the match (checked in Chromium). A browser that finds no match, or does not know
    the syntax, opens the page at its top, as a link without an anchor would.
    """
    suffix = " ".join(text.split()[:FRAGMENT_SUFFIX_WORDS])
    directive = f":~:text={_fragment_term(heading)}"
    return f"{directive},-{_fragment_term(suffix)}" if suffix else directive


def _fragment_term(words: str) -> str:
    """Letters and digits as they are (readable in a plain-text mail, as the site's own
    Cyrillic anchors are); everything else percent-encoded: spaces, and the commas,
    ampersands and dashes that are the directive's own syntax."""
    return "".join(c if c.isalnum() else quote(c, safe="").replace("-", "%2D") for c in words)


_MONTHS = (
    "январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр"
    "|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
)
_DATE_RE = re.compile(
    rf"\b\d{{1,2}}\s+(?:{_MONTHS})[a-zа-яё]*\.?,?\s+\d{{4}}"  # 3 марта 2026, 3 Mar 2026
    rf"|\b(?:{_MONTHS})[a-zа-яё]*\.?\s+\d{{1,2}},?\s+\d{{4}}"  # March 3, 2026
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"  # 03.03.2026, 2026-03-03
    # "2 months ago", "a year ago", "3 дня назад", "более недели назад", "вчера"
    r"|\b(?:\d+|an?|one|более|менее|около)?\s*"
    r"(?:second|minute|hour|day|week|month|year|секунд|минут|час|дн|день|недел|месяц|год|лет)"
    r"[a-zа-яё]*\s+(?:ago|назад)\b|\b(?:yesterday|today|вчера|сегодня)\b",
    re.IGNORECASE,
)
REPEATED_LINE_MIN_PAGES = 4


def _line_key(line: str) -> str:
    """A line with its dates blanked: "Обновлено: 3 марта 2026" and "Обновлено:
    14 октября 2025" are the same template line ("Шаг 1" and "Шаг 2" are not)."""
    return _DATE_RE.sub("#", line.casefold())


def drop_repeated_lines(
    sections: list[Section], exempt_urls: frozenset[str] = frozenset()
) -> list[Section]:
    """The sections without the lines most pages of the site repeat.

    Navigation, footers, "last updated" stamps and banners that no selector caught
    (a site built without semantic markup) otherwise end up in every page's sections:
    in their excerpts, and in what is matched and embedded. A line counts as the
    site's boilerplate when more than half of the pages, and at least
    ``REPEATED_LINE_MIN_PAGES`` of them, contain it. A section left without text is
    dropped, as the extraction drops an empty one. Sections of ``exempt_urls`` (a
    PDF manual's pages share its URL) are neither counted nor changed.
    """
    keyed = {
        i: [(_line_key(line), line) for line in section.text.splitlines()]
        for i, section in enumerate(sections)
        if section.url not in exempt_urls
    }
    pages: dict[str, set[str]] = {}
    for i, pairs in keyed.items():
        for key, _ in pairs:
            pages.setdefault(key, set()).add(sections[i].url)
    page_count = len({sections[i].url for i in keyed})
    threshold = max(REPEATED_LINE_MIN_PAGES, page_count // 2 + 1)
    repeated = {key for key, urls in pages.items() if len(urls) >= threshold}
    if not repeated:
        return sections
    kept = []
    for i, section in enumerate(sections):
        if i not in keyed:
            kept.append(section)
            continue
        lines = [line for key, line in keyed[i] if key not in repeated]
        if lines:
            kept.append(dataclasses.replace(section, text="\n".join(lines)))
    return kept


def _clean(text: str) -> str:
    text = _INVISIBLE_RE.sub("", text.replace("\xa0", " ").replace("¶", ""))
    return _WS_RE.sub(" ", text).strip()


def _clean_block(text: str) -> str:
    lines = (_clean(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
