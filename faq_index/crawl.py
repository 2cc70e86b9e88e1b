"""Crawling a documentation site into a folder of pages, incrementally.

Breadth-first from the start URL and the sitemap, same host only, robots.txt
honoured, retries with backoff on timeouts and 5xx. Each fetched page (HTML or
PDF manual) is stored by content hash next to a manifest that keeps its
validators (ETag, Last-Modified), so a re-crawl asks with conditional requests,
keeps what did not change and drops what disappeared. Indexing reads only the
folder, never the network.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import secrets
import sys
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import requests
from bs4 import BeautifulSoup, Tag

from faq_index.docx import DOCX_TYPE
from faq_index.errors import CrawlError
from faq_index.extract import decode_html
from faq_index.render import Renderer, drawn_by_scripts
from faq_index.routes import hash_route, with_route_of
from faq_index.settings import CrawlSettings

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 2
PDF_TYPE = "application/pdf"
# Manuals the pages link to, indexed as files (fetched wherever they are on the host).
FILE_TYPES = {PDF_TYPE: ".pdf", DOCX_TYPE: ".docx"}
_SKIPPED_SUFFIXES = (
    ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp",
    ".woff", ".woff2", ".ttf", ".zip", ".gz", ".xml", ".json", ".txt", ".mp4",
)  # fmt: skip
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_SITEMAPS = 50  # sitemap files read per crawl, those listed by sitemap indexes included
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit for one file
MAX_CRAWL_DELAY = 10.0  # a robots.txt Crawl-delay is honoured up to this many seconds
MAX_RETRY_AFTER = 60.0  # a Retry-After longer than this is cut to it
# Requests in a row that found the server failing (5xx, timeouts, refused connections,
# after their retries) before the crawl stops asking: the site is down, and every page
# it could not ask for keeps its last copy. Without it a crawl of a site that times out
# spent a minute on each page (4 tries of 15 s) before saying nothing had changed.
MAX_FAILING_IN_A_ROW = 8
# Where a site that has no page sends a visitor, when it is a page that says so.
_NOT_FOUND_PATH = re.compile(r"404|not[-_]?found|notfound|error", re.I)


@dataclass(frozen=True)
class CrawledPage:
    url: str
    content_type: str
    sha256: str
    fetched_at: str
    etag: str = ""
    last_modified: str = ""
    charset: str = ""  # as the server declared it; the page may declare its own
    rendered: bool = False  # drawn by scripts: the stored body is the browser's DOM


@dataclass
class CrawlReport:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    # Pages of the last crawl that stay as they were, and why: the site failed to
    # serve them this time (a 5xx, a timeout), or the page limit stopped the crawl
    # before it reached them. A page leaves the index only when it is gone (404,
    # 410) or no longer linked, not because of one bad night of the docs server.
    kept: dict[str, str] = field(default_factory=dict)
    not_followed: int = 0  # links left when crawl.max_pages stopped the crawl
    stopped: str = ""  # why the crawl stopped asking before it had followed every link

    @property
    def fetched(self) -> list[str]:
        return self.new + self.changed + self.unchanged

    def summary(self) -> str:
        line = (
            f"{len(self.fetched)} pages ({len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged), {len(self.removed)} removed, "
            f"{len(self.skipped)} skipped, {len(self.failed)} failed"
        )
        if self.kept:
            line += f", {len(self.kept)} kept from the last crawl"
        if self.stopped:
            line += f"; stopped: {self.stopped}, {self.not_followed} links not followed"
        elif self.not_followed:
            line += f"; stopped at crawl.max_pages with {self.not_followed} links not followed"
        return line


@dataclass(frozen=True)
class _Fetch:
    """What one request for one URL brought back."""

    url: str
    final_url: str = ""
    status: str = "failed"  # new | changed | unchanged | kept | skipped | failed | unasked
    reason: str = ""
    page: CrawledPage | None = None
    body: bytes = b""
    html: str = ""  # the body of a page as text, when the fetch already decoded it


_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
# Query parameters that only say where a visitor came from: the same page under another URL.
_TRACKING = re.compile(
    r"^(utm_\w+|gclid|yclid|ysclid|fbclid|msclkid|dclid|_ga|_gl|_openstat|mc_cid|mc_eid"
    r"|sid|sessionid|session_id|phpsessid|jsessionid)$",  # and session ids: one URL a visit
    re.I,
)
_PATH_SESSION = re.compile(r";jsessionid=[^/?#]*", re.I)  # /page;jsessionid=ABC (Java servers)


def normalise_url(url: str) -> str:
    """One spelling per page: no fragment, lower-case scheme and host, no default port,
    no tracking parameters (utm_*, gclid, yclid...) or session ids (?sid=, ;jsessionid=),
    "/" for an empty path. A hash route (``#/hr/routes``) is kept: it names the page."""
    url, fragment = urldefrag(url.strip())
    route = hash_route(fragment)
    parts = urlsplit(url)
    scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
    netloc = netloc.removesuffix(_DEFAULT_PORTS.get(scheme, "\0"))
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _TRACKING.match(pair.split("=")[0])
    )
    path = _PATH_SESSION.sub("", parts.path) or "/"
    parts = parts._replace(scheme=scheme, netloc=netloc, path=path, query=query, fragment=route)
    return parts.geturl()


def _progress_bar(done: int, total: int, url: str) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {url[-60:]}"
    sys.stderr.write(line.ljust(120))
    sys.stderr.flush()


class Crawler:
    def __init__(
        self,
        settings: CrawlSettings,
        session: requests.Session | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        renderer: Renderer | None = None,
    ) -> None:
        self.settings = settings
        self.renderer = renderer  # for pages drawn by scripts; None: kept as fetched
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.progress = progress
        self._delay = settings.delay  # robots.txt may ask for more (Crawl-delay)
        self._by_content: dict[str, str] = {}  # a crawl's pages by content hash
        self._not_found = ""  # the site's soft-404 page (``_text_key``), if it has one
        self._route_not_found: str | None = None  # the same for hash routes, once asked
        self._failing = 0  # requests in a row that found the server failing
        self._failing_lock = threading.Lock()

    def crawl(self, start_url: str, directory: Path) -> CrawlReport:
        start = normalise_url(start_url)
        host = urlsplit(start).netloc
        if not host or not start.startswith(("http://", "https://")):
            raise CrawlError(f"not an absolute http(s) URL: {start_url!r}")
        scope = _Scope.around(start, self.settings.path_prefix)
        previous, redirects = _read_manifest(directory)
        robots, sitemaps, crawl_delay = self._robots(start)
        self._delay = max(self.settings.delay, min(crawl_delay, MAX_CRAWL_DELAY))
        self._not_found = self._not_found_text(start, robots)
        self._route_not_found = None
        report = CrawlReport()
        pages: dict[str, CrawledPage] = {}
        self._by_content = {}
        self._failing = 0
        seen = {start}
        asked: set[str] = set()  # every URL requested, and where it led
        unasked = 0  # links not requested because the site had stopped answering
        frontier = [start]
        for url in self._sitemap_urls(start, sitemaps):
            if scope.holds(url, linked=False) and url not in seen:
                seen.add(url)
                frontier.append(url)
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            while frontier and len(pages) < self.settings.max_pages:
                # No more fetches than pages may still be kept: a sitemap of 50,000 URLs
                # is not fetched whole for a limit of 2,000.
                budget = self.settings.max_pages - len(pages)
                batch, frontier = frontier[:budget], frontier[budget:]
                allowed = []
                for url in batch:
                    if robots.can_fetch(self.settings.user_agent, url):
                        allowed.append(url)
                    else:
                        report.skipped[url] = "disallowed by robots.txt"

                def fetch(url: str) -> _Fetch:
                    if self._failing >= MAX_FAILING_IN_A_ROW:
                        return _Fetch(url, status="unasked")
                    return self._fetch(url, previous.get(redirects.get(url, url)), directory)

                for result in pool.map(fetch, allowed):
                    if result.status == "unasked":
                        unasked += 1
                        continue
                    asked.update((result.url, result.final_url))
                    if result.final_url and result.final_url != result.url:
                        redirects[result.url] = result.final_url
                        if result.url == start:
                            # /help -> /help/, http -> https, /docs -> /ru/docs/: the
                            # documentation lives where the start URL leads. The start
                            # is the first result, so every link is judged by this scope.
                            scope = _Scope.around(result.final_url, self.settings.path_prefix)
                    for link in self._record(result, start, pages, report, directory):
                        if scope.holds(link) and link not in seen:
                            seen.add(link)
                            frontier.append(link)
                    if self.progress:
                        self.progress(len(pages), len(seen), result.url)
        report.not_followed = len(frontier) + unasked
        if self._failing >= MAX_FAILING_IN_A_ROW:
            report.stopped = f"the site stopped answering ({self._failing} failures in a row)"
        if report.not_followed:
            # Pages the crawl never asked for: still linked behind the links it did
            # not follow, or unlinked; which, only a whole crawl can tell.
            why = "crawl.max_pages stopped the crawl"
            if report.stopped:
                why = "the site stopped answering"
            for url in sorted(set(previous) - set(pages) - asked):
                pages[url] = previous[url]
                report.kept[url] = f"not revisited: {why}"
        report.removed = sorted(set(previous) - set(pages))
        if not pages:
            raise CrawlError(f"nothing could be fetched from {start_url}: {report.failed}")
        _write_manifest(directory, start, pages, redirects)
        return report

    def _record(
        self,
        result: _Fetch,
        start: str,
        pages: dict[str, CrawledPage],
        report: CrawlReport,
        directory: Path,
    ) -> list[str]:
        """File the result in the report; return the links it leads to."""
        if result.status == "failed":
            report.failed[result.url] = result.reason
            return []
        if result.status == "skipped" or result.page is None:
            report.skipped[result.url] = result.reason
            return []
        links: list[str] = []
        key = result.final_url
        if result.page.content_type not in FILE_TYPES:
            html = result.html or decode_html(result.body, result.page.charset)  # 304: stored
            soup = BeautifulSoup(html, "lxml")
            canonical = _canonical(soup, result.final_url, start, self.settings.public_base_url)
            if canonical and canonical != key:
                links.append(canonical)
                if urlsplit(canonical).netloc == urlsplit(key).netloc:
                    report.skipped[result.url] = f"duplicate of canonical {canonical}"
                    return links
            not_found = self._not_found
            if hash_route(urlsplit(key).fragment):
                not_found = self._route_not_found_text(start)
            if not_found and _text_key(soup, key) == not_found:
                # A broken link on the site, answered "200 OK: page not found": its
                # "check the address" text must never become an answer.
                report.skipped[result.url] = "soft 404: the page the site shows for no page"
                return []
            robots = _robots_directives(soup)
            if "nofollow" not in robots and "none" not in robots:
                links += _links(soup, result.final_url)
            if "noindex" in robots or "none" in robots:
                report.skipped[result.url] = "marked noindex (meta robots)"
                return links
        if key in pages:
            report.skipped[result.url] = f"same page as {key}"
            return links
        twin = self._by_content.setdefault(result.page.sha256, key)
        if twin != key:
            # /guide/ and /guide/index.html, ?print=1...: one page, or the index would
            # hold every section twice and no answer would stand out from its copy.
            report.skipped[result.url] = f"same content as {twin}"
            return links
        pages[key] = result.page
        if result.status == "kept":
            report.kept[key] = result.reason
        else:
            getattr(report, result.status).append(key)
        return links

    def _not_found_text(self, start: str, robots: urllib.robotparser.RobotFileParser) -> str:
        """The key (``_text_key``) of what the site shows at an address it has no page
        for, when it answers 200 there (a "soft 404": single-page apps, some CMSs and
        static hosts with a fallback page); "" when it answers 404, as it should.

        One request for a made-up address in the crawled folder.
        """
        probe = urljoin(start, f"no-such-page-{secrets.token_hex(6)}")
        if not robots.can_fetch(self.settings.user_agent, probe):
            return ""
        response = self._get(probe, {})
        if response is None or response.status_code != 200:
            return ""
        if "html" not in response.headers.get("Content-Type", "text/html"):
            return ""
        final = normalise_url(response.url)
        if final != normalise_url(probe) and not _NOT_FOUND_PATH.search(urlsplit(final).path):
            return ""  # sent on to a real page, the home page say: nothing to learn
        html = decode_html(response.content, _charset_of(response.headers.get("Content-Type", "")))
        drawn = self._drawn(final, html)
        if drawn is not None:
            html = decode_html(drawn, "utf-8")
        return _text_key(BeautifulSoup(html, "lxml"), final)

    def _route_not_found_text(self, start: str) -> str:
        """The key (``_text_key``) of what a hash-routed site draws for a route it has no
        page for ("404 - Not found" in Docsify): drawn once, when the crawl first meets
        a hash route; "" without a browser."""
        if self._route_not_found is None:
            self._route_not_found = ""
            probe = f"{urldefrag(start)[0]}#/no-such-page-{secrets.token_hex(6)}"
            drawn = self.renderer.render(probe) if self.renderer is not None else None
            if drawn is not None:
                soup = BeautifulSoup(decode_html(drawn, "utf-8"), "lxml")
                self._route_not_found = _text_key(soup, probe)
        return self._route_not_found

    def _drawn(self, url: str, html: str) -> bytes | None:
        """The DOM a browser drew (UTF-8) for a page drawn by scripts; None for a page
        that has its text, or when there is no browser to draw it."""
        if self.renderer is None or not drawn_by_scripts(html):
            return None
        return self.renderer.render(url)

    def _robots(self, start: str) -> tuple[urllib.robotparser.RobotFileParser, list[str], float]:
        """The rules, the sitemaps and the Crawl-delay of the site's robots.txt."""
        parser = urllib.robotparser.RobotFileParser()
        response = self._get(urljoin(start, "/robots.txt"), {})
        lines = response.text.splitlines() if response is not None and response.ok else []
        parser.parse(lines)
        sitemaps = [  # absolute by the protocol, relative on some sites
            urljoin(start, line.split(":", 1)[1].strip())
            for line in lines
            if line.lower().startswith("sitemap:")
        ]
        delay = _crawl_delay(lines, self.settings.user_agent)
        return parser, sitemaps or [urljoin(start, "/sitemap.xml")], delay

    def _sitemap_urls(self, start: str, sitemaps: list[str]) -> Iterator[str]:
        """Page URLs of the sitemaps, moved onto the crawled host if they name the public one.

        A sitemap index (``<sitemapindex>``, as large sites and most CMSs publish) is
        followed to the sitemaps it lists, and gzipped sitemaps (``sitemap.xml.gz``) are
        read; at most ``MAX_SITEMAPS`` files in all.
        """
        host = urlsplit(start).netloc
        queue, read = list(sitemaps), set[str]()
        while queue and len(read) < MAX_SITEMAPS:
            url = _on_crawl_host(queue.pop(0), start, self.settings.public_base_url)
            if url in read or urlsplit(url).netloc != host:
                continue
            read.add(url)
            response = self._get(url, {})
            if response is None or not response.ok:
                continue
            soup = BeautifulSoup(_ungzipped(response.content), "xml")
            locs = [loc.get_text(strip=True) for loc in soup.find_all("loc")]
            if soup.find("sitemapindex") is not None:
                queue.extend(urljoin(url, loc) for loc in locs)
                continue
            for loc in locs:
                page = _on_crawl_host(urljoin(url, loc), start, self.settings.public_base_url)
                if urlsplit(page).netloc == host:
                    yield normalise_url(page)

    def _get(self, url: str, headers: dict[str, str]) -> requests.Response | None:
        """GET with retries and exponential backoff on timeouts, resets, 429 and 5xx; a
        server's Retry-After (seconds, up to ``MAX_RETRY_AFTER``) is waited out instead."""
        last: requests.Response | None = None
        for attempt in range(self.settings.retries + 1):
            if attempt:
                backoff = self.settings.backoff * 2 ** (attempt - 1)
                time.sleep(max(backoff, _retry_after(last)))
            try:
                last = self.session.get(url, headers=headers, timeout=self.settings.timeout)
            except (requests.Timeout, requests.ConnectionError):
                last = None
                continue
            except requests.RequestException:
                return None
            if last.status_code not in _RETRY_STATUSES:
                break
        if self._delay:
            time.sleep(self._delay)
        return last

    def _fetch(self, url: str, known: CrawledPage | None, directory: Path) -> _Fetch:
        if urlsplit(url).path.lower().endswith(_SKIPPED_SUFFIXES):
            return _Fetch(url, status="skipped", reason="not a page")
        headers = {}
        # A page drawn by scripts is fetched and drawn anew: its shell does not change
        # when its text does.
        if known is not None and known.etag and not known.rendered:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified and not known.rendered:
            headers["If-Modified-Since"] = known.last_modified
        response = self._get(url, headers)
        failing = response is None or response.status_code in _RETRY_STATUSES
        with self._failing_lock:
            self._failing = self._failing + 1 if failing else 0
        if response is None or failing:
            reason = (
                "no response after retries (timeout or connection error)"
                if response is None
                else f"HTTP {response.status_code} after retries"
            )
            stored = _page_path(directory, known) if known is not None else None
            if known is None or stored is None or not stored.exists():
                return _Fetch(url, reason=reason)
            # The server is having a bad moment, the page is not gone: the last copy
            # stays, its links are followed, and the next crawl asks again.
            kept = f"{reason}; the copy of {known.fetched_at[:10]} is kept"
            return _Fetch(url, known.url, "kept", kept, known, stored.read_bytes())
        final_url = normalise_url(response.url)
        if response.status_code == 304 and known is not None:
            body = _page_path(directory, known).read_bytes()
            return _Fetch(url, final_url, "unchanged", page=known, body=body)
        if response.status_code != 200:
            return _Fetch(url, final_url, reason=f"HTTP {response.status_code}")
        declared = response.headers.get("Content-Type", "")
        content_type = declared.split(";")[0].strip().lower()
        if content_type in ("application/octet-stream", ""):  # a file served as bytes
            content_type = _type_by_suffix(final_url)
        if content_type not in FILE_TYPES and "html" not in content_type:
            return _Fetch(url, final_url, "skipped", f"content type {content_type or 'unknown'}")
        body, charset, rendered = response.content, _charset_of(declared), False
        html = decode_html(body, charset) if content_type not in FILE_TYPES else ""
        drawn = self._drawn(final_url, html) if html else None
        if drawn is not None:  # the DOM, as UTF-8
            body, charset, rendered, html = drawn, "utf-8", True, decode_html(drawn, "utf-8")
        sha = hashlib.sha256(body).hexdigest()
        page = CrawledPage(
            url=final_url,
            content_type=content_type if content_type in FILE_TYPES else "text/html",
            sha256=sha,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
            charset=charset,
            rendered=rendered,
        )
        _store_body(directory, page, body)
        status = "new" if known is None else ("unchanged" if known.sha256 == sha else "changed")
        return _Fetch(url, final_url, status, page=page, body=body, html=html)


def _retry_after(response: requests.Response | None) -> float:
    """The seconds a 429 or 503 asks to wait (Retry-After in seconds), capped."""
    value = response.headers.get("Retry-After", "") if response is not None else ""
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return 0.0  # absent, or an HTTP date: the backoff applies


def _crawl_delay(lines: list[str], user_agent: str) -> float:
    """The Crawl-delay robots.txt sets for our user agent, else for every agent ("*").

    Read here because urllib's parser takes whole seconds only, and sites written for
    Yandex's crawler ask for fractions ("Crawl-delay: 0.5").
    """
    ours = user_agent.split("/")[0].lower()
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in lines:
        field, _, value = raw.split("#", 1)[0].partition(":")
        field, value = field.strip().lower(), value.strip()
        if field == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        elif field:
            in_rules = True
            if field == "crawl-delay":
                try:
                    seconds = float(value.replace(",", "."))
                except ValueError:
                    continue
                for agent in agents:
                    delays.setdefault(agent, seconds)
    for agent, seconds in delays.items():
        if agent != "*" and agent in ours:
            return seconds
    return delays.get("*", 0.0)


def _ungzipped(body: bytes) -> bytes:
    """A gzipped file's content (``sitemap.xml.gz`` served as a file, not as an encoding)."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as packed:
            return packed.read(MAX_SITEMAP_BYTES)
    except (OSError, EOFError):
        return b""


def _on_crawl_host(url: str, start: str, public_base: str) -> str:
    """A URL of the public site moved onto the crawled host (for a mirror or a snapshot)."""
    if not public_base:
        return url
    parts, public, crawl = urlsplit(url), urlsplit(public_base), urlsplit(start)
    if parts.netloc == public.netloc and public.netloc != crawl.netloc:
        return parts._replace(scheme=crawl.scheme, netloc=crawl.netloc).geturl()
    return url


def _text_key(soup: BeautifulSoup, url: str) -> str:
    """A page's visible text as a hash, its own address left out (a not-found page
    often repeats the address it was asked for), and its <title> too (a hash-routed
    site titles its not-found page after the link that led there)."""
    text = (soup.body or soup).get_text(" ", strip=True)
    path = urlsplit(url).path
    for echo in sorted({url, unquote(url), path, unquote(path)}, key=len, reverse=True):
        if len(echo) > 1:
            text = text.replace(echo, " ")
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def _robots_directives(soup: BeautifulSoup) -> set[str]:
    """The page's own robots directives (``<meta name="robots" content="noindex">``):
    search results, print versions and tag listings that a site keeps out of indexes."""
    found: set[str] = set()
    for meta in soup.find_all("meta", attrs={"name": True, "content": True}):
        if isinstance(meta, Tag) and str(meta["name"]).strip().lower() == "robots":
            found |= {part.strip().lower() for part in str(meta["content"]).split(",")}
    return found


def _canonical(soup: BeautifulSoup, final_url: str, start: str, public_base: str) -> str:
    link = soup.find("link", rel="canonical")
    if not isinstance(link, Tag) or not link.get("href"):
        return ""
    canonical = _on_crawl_host(urljoin(final_url, str(link["href"])), start, public_base)
    return normalise_url(with_route_of(canonical, final_url))


def _charset_of(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("'\"").lower()
    return ""


def _folder(path: str) -> str:
    """The folder of a URL path: "/docs/intro" -> "/docs/", "/help/" -> "/help/"."""
    return path[: path.rfind("/") + 1] or "/"


@dataclass(frozen=True)
class _Scope:
    """What a crawl fetches: pages on the start URL's host under its folder (a vendor's
    docs at /help/ without the blog and shop beside them), and files such as PDF manuals
    that those pages link to wherever they are on the host."""

    host: str
    prefix: str

    @classmethod
    def around(cls, url: str, path_prefix: str = "") -> _Scope:
        parts = urlsplit(url)
        return cls(parts.netloc, path_prefix or _folder(parts.path))

    def holds(self, url: str, linked: bool = True) -> bool:
        parts = urlsplit(url)
        if parts.netloc != self.host:
            return False
        if parts.path.startswith(self.prefix) or parts.path + "/" == self.prefix:
            return True
        return linked and parts.path.lower().endswith(_FILE_SUFFIXES)


_FILE_SUFFIXES = (".pdf", ".docx")


def _type_by_suffix(url: str) -> str:
    path = urlsplit(url).path.lower()
    return next((kind for kind, suffix in FILE_TYPES.items() if path.endswith(suffix)), "")


def _links(soup: BeautifulSoup, base_url: str) -> list[str]:
    base = soup.find("base", href=True)  # <base href>: relative links start from it
    if isinstance(base, Tag):
        base_url = urljoin(base_url, str(base["href"]))
    found = []
    for anchor in soup.find_all("a", href=True):
        if not isinstance(anchor, Tag) or "nofollow" in (anchor.get("rel") or []):
            continue
        href = str(anchor["href"]).strip()
        if href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        if href.startswith("#") and not hash_route(href[1:]):
            continue  # a place on this page; "#/page" is another page of a hash-routed site
        url = normalise_url(urljoin(base_url, href))
        if url.startswith(("http://", "https://")):
            found.append(url)
    return found


def _page_path(directory: Path, page: CrawledPage) -> Path:
    suffix = FILE_TYPES.get(page.content_type, ".html")
    return directory / "pages" / f"{page.sha256}{suffix}"


def _store_body(directory: Path, page: CrawledPage, body: bytes) -> None:
    path = _page_path(directory, page)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


def _read_manifest(directory: Path) -> tuple[dict[str, CrawledPage], dict[str, str]]:
    """Pages of the last crawl by URL, and the redirects seen (requested → final URL)."""
    path = directory / MANIFEST_NAME
    if not path.exists():
        return {}, {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("version") != MANIFEST_VERSION:
            return {}, {}
        pages = [CrawledPage(**entry) for entry in manifest["pages"]]
        redirects = {str(k): str(v) for k, v in manifest.get("redirects", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}, {}
    kept = {page.url: page for page in pages if _page_path(directory, page).exists()}
    return kept, redirects


def _write_manifest(
    directory: Path, start_url: str, pages: dict[str, CrawledPage], redirects: dict[str, str]
) -> None:
    manifest = {
        "version": MANIFEST_VERSION,
        "start_url": start_url,
        "redirects": {k: v for k, v in sorted(redirects.items()) if v in pages},
        "crawled_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pages": [asdict(page) for _url, page in sorted(pages.items())],
    }
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / (MANIFEST_NAME + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(directory / MANIFEST_NAME)
    keep = {_page_path(directory, page).name for page in pages.values()}
    for stored in (directory / "pages").glob("*"):
        if stored.name not in keep:
            stored.unlink()


def load_crawl(directory: Path) -> tuple[str, list[tuple[CrawledPage, bytes]]]:
    """The start URL and every crawled page with its bytes."""
    path = directory / MANIFEST_NAME
    if not path.exists():
        raise CrawlError(f"no crawl found in {directory}; run `triage crawl` first")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("version") != MANIFEST_VERSION:
            raise CrawlError(f"crawl in {directory} is of an older format; run `triage crawl`")
        pages = [CrawledPage(**entry) for entry in manifest["pages"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise CrawlError(f"crawl manifest in {directory} is damaged: {exc}") from exc
    return str(manifest["start_url"]), [(p, _page_path(directory, p).read_bytes()) for p in pages]


def crawl_progress_bar() -> Callable[[int, int, str], None]:
    return _progress_bar
