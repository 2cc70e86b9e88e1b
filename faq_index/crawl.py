"""Crawling a documentation site into a folder of pages.

Breadth-first from the start URL, same host only, robots.txt honoured. Each
fetched HTML page is stored by content hash next to a manifest, so indexing
never needs the network and a later crawl can tell what changed.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.robotparser
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import requests
from bs4 import BeautifulSoup, Tag

from faq_index.errors import CrawlError
from faq_index.settings import CrawlSettings

MANIFEST_NAME = "manifest.json"
_SKIPPED_SUFFIXES = (
    ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp",
    ".woff", ".woff2", ".ttf", ".zip", ".gz", ".xml", ".json", ".txt", ".mp4",
)  # fmt: skip


@dataclass(frozen=True)
class CrawledPage:
    url: str
    final_url: str
    sha256: str
    fetched_at: str
    etag: str = ""
    last_modified: str = ""


@dataclass
class CrawlReport:
    fetched: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"fetched {len(self.fetched)}, skipped {len(self.skipped)}, failed {len(self.failed)}"
        )


def normalise_url(url: str) -> str:
    url, _fragment = urldefrag(url)
    parts = urlsplit(url)
    path = parts.path or "/"
    return parts._replace(path=path, fragment="").geturl()


class Crawler:
    def __init__(
        self,
        settings: CrawlSettings,
        session: requests.Session | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = settings.user_agent
        self.progress = progress or (lambda _line: None)

    def crawl(self, start_url: str, directory: Path) -> CrawlReport:
        start = normalise_url(start_url)
        host = urlsplit(start).netloc
        if not host:
            raise CrawlError(f"not an absolute URL: {start_url!r}")
        robots = self._robots(start)
        report = CrawlReport()
        pages: dict[str, CrawledPage] = {}
        queue: deque[str] = deque([start])
        seen = {start}
        while queue and len(pages) < self.settings.max_pages:
            url = queue.popleft()
            if not robots.can_fetch(self.settings.user_agent, url):
                report.skipped[url] = "disallowed by robots.txt"
                continue
            html, final_url, page = self._fetch(url, directory, report)
            if html is None or page is None:
                continue
            pages[final_url] = page
            report.fetched.append(final_url)
            self.progress(f"[{len(pages)}] {final_url}")
            for link in _links(html, final_url):
                if urlsplit(link).netloc == host and link not in seen:
                    seen.add(link)
                    queue.append(link)
            if self.settings.delay:
                time.sleep(self.settings.delay)
        if not pages:
            raise CrawlError(f"nothing could be fetched from {start_url}: {report.failed}")
        _write_manifest(directory, start, pages)
        return report

    def _robots(self, start: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser()
        robots_url = urljoin(start, "/robots.txt")
        try:
            response = self.session.get(robots_url, timeout=self.settings.timeout)
        except requests.RequestException:
            parser.parse([])
            return parser
        parser.parse(response.text.splitlines() if response.status_code == 200 else [])
        return parser

    def _fetch(
        self, url: str, directory: Path, report: CrawlReport
    ) -> tuple[str | None, str, CrawledPage | None]:
        if urlsplit(url).path.lower().endswith(_SKIPPED_SUFFIXES):
            report.skipped[url] = "not a page"
            return None, url, None
        try:
            response = self.session.get(url, timeout=self.settings.timeout)
        except requests.RequestException as exc:
            report.failed[url] = f"{type(exc).__name__}: {exc}"
            return None, url, None
        final_url = normalise_url(response.url)
        if response.status_code != 200:
            report.failed[url] = f"HTTP {response.status_code}"
            return None, final_url, None
        if "html" not in response.headers.get("Content-Type", ""):
            report.skipped[url] = f"content type {response.headers.get('Content-Type')}"
            return None, final_url, None
        body = response.content
        sha = hashlib.sha256(body).hexdigest()
        (directory / "pages").mkdir(parents=True, exist_ok=True)
        (directory / "pages" / f"{sha}.html").write_bytes(body)
        page = CrawledPage(
            url=url,
            final_url=final_url,
            sha256=sha,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
        )
        return response.text, final_url, page


def _links(html: str, base_url: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    found = []
    for anchor in soup.find_all("a", href=True):
        if not isinstance(anchor, Tag):
            continue
        href = str(anchor["href"]).strip()
        if href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        url = normalise_url(urljoin(base_url, href))
        if url.startswith(("http://", "https://")):
            found.append(url)
    return found


def _write_manifest(directory: Path, start_url: str, pages: dict[str, CrawledPage]) -> None:
    manifest = {
        "start_url": start_url,
        "crawled_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pages": [asdict(page) for page in pages.values()],
    }
    tmp = directory / (MANIFEST_NAME + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(directory / MANIFEST_NAME)


def load_crawl(directory: Path) -> tuple[str, list[tuple[CrawledPage, str]]]:
    """The start URL and every crawled page with its HTML."""
    path = directory / MANIFEST_NAME
    if not path.exists():
        raise CrawlError(f"no crawl found in {directory}; run `triage crawl` first")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    pages = []
    for entry in manifest["pages"]:
        page = CrawledPage(**entry)
        html = (directory / "pages" / f"{page.sha256}.html").read_text(
            encoding="utf-8", errors="replace"
        )
        pages.append((page, html))
    return str(manifest["start_url"]), pages
