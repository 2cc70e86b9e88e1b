from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from desk.docs_server import SnapshotServer
from faq_index import Crawler, CrawlSettings, load_crawl
from tests.conftest import TEST_DATA


def test_crawl_stays_on_host_honours_robots_follows_redirects_and_reports_failures(
    tmp_path: Path,
) -> None:
    with SnapshotServer(TEST_DATA / "site") as server:
        settings = replace(CrawlSettings(), delay=0.0)
        report = Crawler(settings).crawl(server.url, tmp_path)
        root = server.url
    assert sorted(report.fetched) == [root, root + "guide/"]
    assert report.skipped[root + "internal/draft.html"] == "disallowed by robots.txt"
    assert report.skipped[root + "style.css"] == "not a page"
    assert report.failed[root + "missing.html"] == "HTTP 404"
    start, pages = load_crawl(tmp_path)
    assert start == root
    assert {page.final_url for page, _html in pages} == {root, root + "guide/"}
