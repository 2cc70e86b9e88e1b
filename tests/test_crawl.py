from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from faq_index import Crawler, CrawlSettings, load_crawl
from faq_index.crawl import CrawlReport, _crawl_delay, normalise_url
from faq_index.index import indexed_site, sections_from_crawl
from faq_index.links import SectionLinks
from faq_index.render import Renderer, drawn_by_scripts
from faq_index.routes import deep_link, hash_route, split_link, with_route_of
from tests.browser_support import CHROMIUM
from tests.conftest import SNAPSHOT_DIR, TEST_DATA
from tests.servers import FlakySiteServer

SETTINGS = replace(CrawlSettings(), delay=0.0, backoff=0.01, public_base_url="")


def _crawl_site(root: Path, crawl_dir: Path, start: str = "") -> tuple[CrawlReport, str]:
    """Serve ``root`` over real HTTP, crawl it from ``start`` (a path), stop the server;
    the report and the server's URL."""
    server = FlakySiteServer(root)
    try:
        return Crawler(SETTINGS).crawl(server.url + start, crawl_dir), server.url
    finally:
        server.stop()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, FlakySiteServer]]:
    root = tmp_path / "site"
    shutil.copytree(TEST_DATA / "site", root)
    server = FlakySiteServer(root, failures={"/flaky.html": 2})
    try:
        yield root, server
    finally:
        server.stop()


@pytest.fixture
def crawled(
    site: tuple[Path, FlakySiteServer], tmp_path: Path
) -> tuple[Path, FlakySiteServer, Path]:
    """The site, its server, and a folder holding one whole crawl of it."""
    root, server = site
    Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl")
    return root, server, tmp_path / "crawl"


def test_crawl_stays_on_host_honours_robots_follows_redirects_and_reports_failures(
    site: tuple[Path, FlakySiteServer], tmp_path: Path
) -> None:
    _root, server = site
    report = Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl")
    url = server.url
    assert sorted(report.new) == [url, url + "flaky.html", url + "guide/"]
    assert report.skipped[url + "internal/draft.html"] == "disallowed by robots.txt"
    assert report.skipped[url + "style.css"] == "not a page"
    assert report.failed[url + "missing.html"] == "HTTP 404"
    assert ("/flaky.html", "plain") in server.requests, "the 500 was retried and recovered"
    start, pages = load_crawl(tmp_path / "crawl")
    assert start == url
    assert {page.url for page, _body in pages} == {url, url + "flaky.html", url + "guide/"}


def test_recrawl_uses_conditional_requests_and_sees_changed_and_removed_pages(
    crawled: tuple[Path, FlakySiteServer, Path],
) -> None:
    root, server, crawl_dir = crawled
    server.requests.clear()
    again = Crawler(SETTINGS).crawl(server.url, crawl_dir)
    assert sorted(again.unchanged) == sorted(again.fetched)
    assert not again.new and not again.changed and not again.removed
    page_requests = [r for r in server.requests if r[0] in ("/", "/guide/", "/flaky.html")]
    assert all(kind == "conditional" for _path, kind in page_requests)

    guide = root / "guide" / "index.html"
    guide.write_text(guide.read_text(encoding="utf-8").replace("8 символов", "10 символов"))
    later = guide.stat().st_mtime + 10
    os.utime(guide, (later, later))
    (root / "flaky.html").unlink()
    third = Crawler(SETTINGS).crawl(server.url, crawl_dir)
    assert third.changed == [server.url + "guide/"]
    assert third.removed == [server.url + "flaky.html"]
    assert server.url + "flaky.html" in third.failed
    _start, pages = load_crawl(crawl_dir)
    assert server.url + "flaky.html" not in {page.url for page, _ in pages}
    assert len(list((crawl_dir / "pages").iterdir())) == len(pages)


def test_a_page_the_server_fails_to_serve_on_a_recrawl_keeps_its_last_copy(
    crawled: tuple[Path, FlakySiteServer, Path],
) -> None:
    root, server, crawl_dir = crawled
    _start, before = load_crawl(crawl_dir)
    server.failures["/guide/"] = 100  # a docs server's bad night: 500 however often asked
    server.failures["/flaky.html"] = 100
    again = Crawler(SETTINGS).crawl(server.url, crawl_dir)
    guide, flaky = server.url + "guide/", server.url + "flaky.html"
    assert sorted(again.kept) == [flaky, guide]
    assert again.kept[guide].startswith("HTTP 500 after retries; the copy of 20")
    assert not again.removed and list(again.failed) == [server.url + "missing.html"]
    assert again.summary().endswith("1 failed, 2 kept from the last crawl")
    _start, after = load_crawl(crawl_dir)
    assert sorted(after, key=lambda p: p[0].url) == sorted(before, key=lambda p: p[0].url)

    server.failures.clear()
    (root / "flaky.html").unlink()  # gone for real: 404
    third = Crawler(SETTINGS).crawl(server.url, crawl_dir)
    assert third.removed == [flaky] and not third.kept
    assert sorted(third.unchanged) == [server.url, guide]


def test_pages_a_stopped_crawl_did_not_reach_stay_until_a_whole_crawl_drops_them(
    crawled: tuple[Path, FlakySiteServer, Path],
) -> None:
    root, server, crawl_dir = crawled
    short = Crawler(replace(SETTINGS, max_pages=1)).crawl(server.url, crawl_dir)
    assert short.unchanged == [server.url] and not short.removed
    assert set(short.kept) == {server.url + "guide/", server.url + "flaky.html"}
    assert set(short.kept.values()) == {"not revisited: crawl.max_pages stopped the crawl"}
    _start, pages = load_crawl(crawl_dir)
    assert len(pages) == 3

    index = root / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace('href="flaky.html"', ""))
    later = index.stat().st_mtime + 10
    os.utime(index, (later, later))
    whole = Crawler(SETTINGS).crawl(server.url, crawl_dir)
    assert whole.removed == [server.url + "flaky.html"], "no longer linked, so gone"


@pytest.mark.parametrize("missing", ["soft", "home", "404"])
def test_a_broken_link_answered_200_page_not_found_is_not_indexed(
    missing: str, tmp_path: Path
) -> None:
    root = tmp_path / "site"
    (root / "guide").mkdir(parents=True)
    page = "<html><head><title>{0}</title></head><body><main><h1>{0}</h1>{1}</main></body></html>"
    (root / "index.html").write_text(
        page.format(
            "Справка",
            '<p><a href="/guide/">Первый вход</a>, <a href="/old/page.html">старая статья</a>,'
            ' <a href="/%D1%81%D1%82%D0%B0%D1%80%D0%B0%D1%8F/">ещё одна</a>.</p>',
        )
    )
    (root / "guide" / "index.html").write_text(page.format("Первый вход", "<p>Откройте.</p>"))
    server = FlakySiteServer(root, missing=missing)
    try:
        report = Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl")
    finally:
        server.stop()
    _start, pages = load_crawl(tmp_path / "crawl")
    assert {page.url for page, _ in pages} == {server.url, server.url + "guide/"}
    sections, _hash = sections_from_crawl(tmp_path / "crawl", "")
    titles = {section.title for section in sections}
    assert titles == {"Справка", "Первый вход"}
    broken = [server.url + "old/page.html", server.url + "%D1%81%D1%82%D0%B0%D1%80%D0%B0%D1%8F/"]
    if missing == "soft":
        assert [report.skipped[url] for url in broken] == [
            "soft 404: the page the site shows for no page"
        ] * 2
    elif missing == "home":
        assert [report.skipped[url] for url in broken] == [f"same page as {server.url}"] * 2
    else:
        assert [report.failed[url] for url in broken] == ["HTTP 404"] * 2


def test_a_recrawl_of_a_site_that_is_down_stops_asking_and_keeps_every_page(
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    (root / "kb").mkdir(parents=True)
    page = "<html><body><main><h1>Статья {0}</h1><p>Текст статьи {0}.</p>{1}</main></body></html>"
    links = "".join(f'<a href="/kb/{n}.html">{n}</a> ' for n in range(1, 21))
    (root / "index.html").write_text(page.format(0, links))
    for n in range(1, 21):
        (root / "kb" / f"{n}.html").write_text(page.format(n, ""))
    server = FlakySiteServer(root)
    Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl")
    server.stop()  # the docs server is down: every connection is refused
    report = Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl")
    assert not report.removed and not report.fetched and len(report.kept) == 21
    reasons = list(report.kept.values())
    asked = [r for r in reasons if r.startswith("no response after retries")]
    assert 8 <= len(asked) <= 8 + SETTINGS.concurrency, "it stops asking after 8 in a row"
    assert reasons.count("not revisited: the site stopped answering") == 21 - len(asked)
    assert "stopped: the site stopped answering (" in report.summary()
    _start, pages = load_crawl(tmp_path / "crawl")
    assert len(pages) == 21


def test_crawl_of_docs_in_a_folder_leaves_the_rest_of_the_host_alone(tmp_path: Path) -> None:
    root = tmp_path / "vendor"
    (root / "help" / "hr").mkdir(parents=True)
    (root / "blog").mkdir()
    (root / "files").mkdir()
    page = "<html><body><main><h1>{0}</h1><p>{1}</p></main></body></html>"
    (root / "index.html").write_text(page.format("Главная", '<a href="/blog/">Блог</a>'))
    (root / "blog" / "index.html").write_text(page.format("Блог", "Новости компании."))
    (root / "help" / "index.html").write_text(
        page.format(
            "Справка",
            '<a href="hr/">Кадровикам</a> <a href="/blog/">Блог</a> '
            '<a href="/files/manual.pdf">Руководство (PDF)</a> <a href="/">Сайт</a>',
        )
    )
    (root / "help" / "hr" / "index.html").write_text(page.format("Кадровикам", "Шаблоны."))
    manual = next((SNAPSHOT_DIR / "downloads").glob("*.pdf"))
    shutil.copy(manual, root / "files" / "manual.pdf")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>/blog/</loc></url></urlset>"
    )
    server = FlakySiteServer(root)
    try:
        Crawler(SETTINGS).crawl(f"{server.url}help/", tmp_path / "crawl")
        _, pages = load_crawl(tmp_path / "crawl")
        fetched = sorted(p.url.removeprefix(server.url.rstrip("/")) for p, _ in pages)
        assert fetched == ["/files/manual.pdf", "/help/", "/help/hr/"]
        whole = replace(SETTINGS, path_prefix="/")
        Crawler(whole).crawl(f"{server.url}help/", tmp_path / "crawl-all")
        _, pages = load_crawl(tmp_path / "crawl-all")
        assert {"/", "/blog/"} <= {p.url.removeprefix(server.url.rstrip("/")) for p, _ in pages}
    finally:
        server.stop()


def test_a_windows_1251_site_is_indexed_readably(tmp_path: Path) -> None:
    root = tmp_path / "old-site"
    root.mkdir()
    body = (
        "<html><head><title>Справка</title></head><body><main><h1>Вход в кабинет</h1>"
        "<p>Если не приходит SMS с кодом, подождите минуту и запросите код снова.</p>"
        "</main></body></html>"
    )
    (root / "index.html").write_bytes(body.encode("cp1251"))  # no charset anywhere
    _crawl_site(root, tmp_path / "crawl")
    sections, _ = sections_from_crawl(tmp_path / "crawl", "")
    assert [s.title for s in sections] == ["Вход в кабинет"]
    assert "не приходит SMS с кодом" in sections[0].text


def test_tracking_parameters_noindex_pages_and_nofollow_links(tmp_path: Path) -> None:
    root = tmp_path / "site"
    for folder in ("a", "search", "c", "login"):
        (root / folder).mkdir(parents=True)
    page = "<html><head>{0}</head><body><main><h1>{1}</h1><p>{2}</p></main></body></html>"
    (root / "index.html").write_text(
        page.format(
            "",
            "Справка",
            '<a href="a/?utm_source=mail&amp;utm_medium=email">А</a> <a href="a/">А</a> '
            '<a href="search/?q=sms">Поиск</a> <a rel="nofollow" href="login/">Вход</a>',
        )
    )
    (root / "a" / "index.html").write_text(page.format("", "Раздел А", "Текст раздела А."))
    (root / "search" / "index.html").write_text(
        page.format(
            '<meta name="robots" content="noindex, follow">', "Поиск", '<a href="/c/">В</a>'
        )
    )
    (root / "c" / "index.html").write_text(page.format("", "Раздел В", "Текст раздела В."))
    (root / "login" / "index.html").write_text(page.format("", "Вход", "Форма входа."))
    server = FlakySiteServer(root)
    try:
        report = Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl")
        _, pages = load_crawl(tmp_path / "crawl")
    finally:
        server.stop()
    fetched = sorted(p.url.removeprefix(server.url.rstrip("/")) for p, _ in pages)
    assert fetched == ["/", "/a/", "/c/"]  # one /a/; the search page's link followed
    assert report.skipped[f"{server.url}search/?q=sms"] == "marked noindex (meta robots)"
    assert not any("login" in url for url in [*report.skipped, *fetched])


def test_the_scope_follows_where_the_start_url_leads(tmp_path: Path) -> None:
    root = tmp_path / "vendor"
    (root / "help" / "a").mkdir(parents=True)
    (root / "blog").mkdir()
    page = "<html><body><main><h1>{0}</h1><p>{1}</p></main></body></html>"
    (root / "help" / "index.html").write_text(
        page.format("Справка", '<a href="a/">Раздел</a> <a href="/blog/">Блог</a>')
    )
    (root / "help" / "a" / "index.html").write_text(page.format("Раздел", "Текст раздела."))
    (root / "blog" / "index.html").write_text(page.format("Блог", "Новости."))
    server = FlakySiteServer(root)
    try:
        # "/help" redirects to "/help/": the docs' home, not the whole host.
        Crawler(SETTINGS).crawl(f"{server.url}help", tmp_path / "crawl")
        _, pages = load_crawl(tmp_path / "crawl")
    finally:
        server.stop()
    assert sorted(p.url.removeprefix(server.url.rstrip("/")) for p, _ in pages) == [
        "/help/",
        "/help/a/",
    ]


def test_pages_listed_only_in_a_sitemap_index_of_gzipped_sitemaps_are_crawled_politely(
    tmp_path: Path,
) -> None:
    # A site whose menus are drawn by scripts: its pages are found through the sitemaps
    # alone, which a CMS publishes as an index of (often gzipped) sitemaps.
    root = tmp_path / "cms"
    (root / "kb").mkdir(parents=True)
    (root / "maps").mkdir()
    page = "<html><body><main><h1>{0}</h1><p>Текст статьи «{0}» базы знаний.</p></main></body>"
    (root / "index.html").write_text(page.format("База знаний"))
    for name in ("vhod", "podpis", "otpusk"):
        (root / "kb" / f"{name}.html").write_text(page.format(name))
    urlset = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "{}</urlset>"
    )
    (root / "maps" / "kb-1.xml.gz").write_bytes(
        gzip.compress(urlset.format("<url><loc>/kb/vhod.html</loc></url>").encode())
    )
    (root / "maps" / "kb-2.xml").write_text(
        urlset.format(
            "<url><loc>kb/podpis.html</loc></url><url><loc>kb/otpusk.html</loc></url>"
        ).replace("kb/", "/kb/")
    )
    (root / "sitemap-index.xml").write_text(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>/maps/kb-1.xml.gz</loc></sitemap>"
        "<sitemap><loc>/maps/kb-2.xml</loc></sitemap>"
        "<sitemap><loc>https://other.example/sitemap.xml</loc></sitemap></sitemapindex>"
    )
    (root / "robots.txt").write_text(
        "User-agent: *\nCrawl-delay: 0.3\nSitemap: /sitemap-index.xml\n"
    )
    server = FlakySiteServer(root)
    try:
        Crawler(replace(SETTINGS, concurrency=1)).crawl(server.url, tmp_path / "crawl")
    finally:
        server.stop()
    _, pages = load_crawl(tmp_path / "crawl")
    fetched = sorted(p.url.removeprefix(server.url.rstrip("/")) for p, _ in pages)
    assert fetched == ["/", "/kb/otpusk.html", "/kb/podpis.html", "/kb/vhod.html"]
    # robots.txt asked for 0.3 s between requests (the configured delay here is 0).
    gaps = [b - a for a, b in zip(server.times[1:], server.times[2:], strict=False)]
    assert len(gaps) >= 5 and min(gaps) >= 0.29


@pytest.mark.parametrize(
    ("robots", "expected"),
    [
        ("User-agent: *\nCrawl-delay: 2\n", 2.0),
        ("User-agent: Yandex\nCrawl-delay: 0,5\nDisallow: /tmp\n", 0.0),
        ("User-agent: Yandex\nUser-agent: *\nDisallow: /tmp\nCrawl-delay: 0.5\n", 0.5),
        ("User-agent: *\nCrawl-delay: 1\n\nUser-agent: WiseAdviceSupportDesk\nCrawl-delay: 3", 3.0),
        ("User-agent: *\nCrawl-delay: soon\n", 0.0),
    ],
)
def test_crawl_delay_is_read_for_our_agent_else_for_all(robots: str, expected: float) -> None:
    assert _crawl_delay(robots.splitlines(), "WiseAdviceSupportDesk/1.0 (+support)") == expected


def test_pages_with_no_text_are_named_when_indexed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "spa"
    root.mkdir()
    (root / "index.html").write_text(
        '<html><body><main><h1>Справка</h1><p>Вход, подпись, отпуск: <a href="app.html">'
        "приложение</a>.</p></main></body></html>"
    )
    (root / "app.html").write_text(
        '<html><head><script src="/bundle.js"></script></head><body><div id="root"></div>'
        "<noscript>Включите JavaScript.</noscript></body></html>"
    )
    _, url = _crawl_site(root, tmp_path / "crawl")
    with caplog.at_level(logging.WARNING, logger="faq_index.index"):
        sections, _ = sections_from_crawl(tmp_path / "crawl", "")
    assert [s.title for s in sections] == ["Справка"]
    assert f"1 of 2 crawled pages have no text to index ({url}app.html)" in caplog.text


def test_another_site_keeps_its_own_links_and_a_mirror_takes_the_public_ones(
    tmp_path: Path,
) -> None:
    public = "https://padocs.empldocs.app/"  # the configured public site
    root = tmp_path / "other"
    (root / "kb").mkdir(parents=True)
    page = "<html><head>{0}</head><body><main><h1>{1}</h1><p>Текст о «{1}».</p>{2}</main></body>"
    (root / "index.html").write_text(page.format("", "Справка", '<a href="kb/">База</a>'))
    (root / "kb" / "index.html").write_text(page.format("", "База знаний", ""))
    server = FlakySiteServer(root)
    try:
        Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl-other")
        # The same pages as a mirror of the public site: one names it as canonical.
        canonical = f'<link rel="canonical" href="{public}kb/">'
        (root / "kb" / "index.html").write_text(page.format(canonical, "База знаний", ""))
        Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl-mirror")
    finally:
        server.stop()
    other, _ = sections_from_crawl(tmp_path / "crawl-other", public)
    assert sorted(s.url for s in other) == [server.url, server.url + "kb/"]
    mirror, _ = sections_from_crawl(tmp_path / "crawl-mirror", public)
    assert sorted(s.url for s in mirror) == [public, public + "kb/"]


def test_the_indexed_site_is_the_host_and_folder_its_sections_share(tmp_path: Path) -> None:
    assert indexed_site(tmp_path) == ""
    urls = ["https://d.test/help/", "https://d.test/help/hr/import/", "https://d.test/help/a"]
    urls.append("https://cdn.test/manual.pdf")
    (tmp_path / "sections.json").write_text(json.dumps([{"url": u} for u in urls]))
    assert indexed_site(tmp_path) == "https://d.test/help/"


def test_relative_links_start_from_the_pages_base_element(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "docs" / "v2" / "hr").mkdir(parents=True)
    page = "<html><head>{0}</head><body><main><h1>{1}</h1><p>Текст «{1}». {2}</p></main></body>"
    (root / "docs" / "v2" / "index.html").write_text(
        page.format('<base href="/docs/v2/">', "Справка", '<a href="hr/">Кадровикам</a>')
    )
    (root / "docs" / "v2" / "hr" / "index.html").write_text(
        page.format('<base href="/docs/v2/">', "Кадровикам", '<a href="hr/faq.html">Вопросы</a>')
    )
    (root / "docs" / "v2" / "hr" / "faq.html").write_text(page.format("", "Вопросы", ""))
    server = FlakySiteServer(root)
    try:
        report = Crawler(SETTINGS).crawl(server.url + "docs/v2/", tmp_path / "crawl")
    finally:
        server.stop()
    # Without the base, "hr/faq.html" on /docs/v2/hr/ would be /docs/v2/hr/hr/faq.html.
    assert server.url + "docs/v2/hr/faq.html" in report.new and not report.failed


def test_one_page_reached_by_two_urls_is_crawled_once(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "guide").mkdir(parents=True)
    page = "<html><body><main><h1>{0}</h1><p>Текст «{0}». {1}</p></main></body></html>"
    (root / "index.html").write_text(
        page.format("Справка", '<a href="guide/">Руководство</a> <a href="guide/index.html">'
                    "Руководство (все разделы)</a>")
    )  # fmt: skip
    (root / "guide" / "index.html").write_text(page.format("Руководство", ""))
    server = FlakySiteServer(root)
    try:
        report = Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl")
    finally:
        server.stop()
    assert sorted(report.new) == [server.url, server.url + "guide/"]
    twin = server.url + "guide/index.html"
    assert report.skipped[twin] == f"same content as {server.url}guide/"
    sections, _ = sections_from_crawl(tmp_path / "crawl", "")
    assert [s.title for s in sections] == ["Справка", "Руководство"]


def test_a_throttled_page_is_fetched_again_after_the_wait_the_server_asks_for(
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(
        "<html><body><main><h1>Справка</h1><p>Вход и подпись.</p></main></body></html>"
    )
    server = FlakySiteServer(root, throttled={"/": 1})
    try:
        report = Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl")
    finally:
        server.stop()
    assert report.new == [server.url]
    first, retry = (t for (path, _), t in zip(server.requests, server.times, strict=True)
                    if path == "/")  # fmt: skip
    assert retry - first >= 0.95  # Retry-After: 1, though the backoff here is 0.01 s


_SHELL = """<!doctype html><html><head><meta charset="utf-8"><title>Справка</title></head>
<body><div id="root"></div><script>
setTimeout(function () {{ document.getElementById("root").innerHTML = {0}; }}, 200);
</script></body></html>"""


def test_pages_drawn_by_scripts_are_rendered_in_the_browser_and_their_links_followed(
    tmp_path: Path,
) -> None:
    root = tmp_path / "spa"
    (root / "kb").mkdir(parents=True)
    home = (
        "<main><h1>Справка</h1><p>Как войти в личный кабинет: откройте ссылку из письма-"
        'приглашения.</p><a href="/kb/">База знаний</a></main>'
    )
    kb = '<main><h1>База знаний</h1><h2 id="otpusk">Отпуск</h2><p>Заявление на отпуск.</p></main>'
    (root / "index.html").write_text(_SHELL.format(json.dumps(home)), encoding="utf-8")
    (root / "kb" / "index.html").write_text(_SHELL.format(json.dumps(kb)), encoding="utf-8")
    renderer = Renderer.find(str(CHROMIUM))
    assert renderer is not None
    server = FlakySiteServer(root)
    try:
        report = Crawler(SETTINGS, renderer=renderer).crawl(server.url, tmp_path / "crawl")
        plain = Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl-plain")
        again = Crawler(SETTINGS, renderer=renderer).crawl(server.url, tmp_path / "crawl")
    finally:
        server.stop()
    assert sorted(report.new) == [server.url, server.url + "kb/"]
    sections, _ = sections_from_crawl(tmp_path / "crawl", "")
    assert [(s.title, s.anchor) for s in sections] == [("Справка", ""), ("Отпуск", "otpusk")]
    assert "откройте ссылку из письма-приглашения" in sections[0].text
    # Without a browser the shell is all there is: one empty page, no link to follow.
    assert plain.new == [server.url]
    # A re-crawl draws the pages again (their shells never change) and finds them the same.
    assert sorted(again.unchanged) == sorted(report.new)


def test_a_shell_is_told_from_a_page_that_has_its_text() -> None:
    shell = _SHELL.format('"<p>later</p>"')
    assert drawn_by_scripts(shell)
    text = "<p>" + "Откройте ссылку из письма-приглашения и задайте пароль. " * 5 + "</p>"
    assert not drawn_by_scripts(shell.replace('<div id="root"></div>', text))
    assert not drawn_by_scripts("<html><body><p>Коротко.</p></body></html>")  # no scripts
    # Text in scripts, styles and the head is not text a reader sees.
    hidden = "<head><title>" + "Справка " * 40 + "</title></head><style>p{}</style>"
    assert drawn_by_scripts(shell.replace("<head>", hidden + "<head>"))


def test_a_site_in_two_languages_is_indexed_in_the_customers_one(tmp_path: Path) -> None:
    root = tmp_path / "site"
    for folder in ("ru", "en"):
        (root / folder).mkdir(parents=True)
    page = '<html lang="{0}"><body><main><h1>{1}</h1><p>{2}</p>{3}</main></body></html>'
    (root / "index.html").write_text(
        page.format("en", "Docs", "Choose a language.", '<a href="ru/">RU</a> <a href="en/">EN</a>')
    )
    (root / "ru" / "index.html").write_text(page.format("ru-RU", "Вход", "Откройте ссылку.", ""))
    (root / "en" / "index.html").write_text(
        page.format("en", "Sign-in", "Open the link.", '<a href="faq.html">FAQ</a>')
    )
    (root / "en" / "faq.html").write_text(page.format("en-US", "FAQ", "Questions.", ""))
    _crawl_site(root, tmp_path / "crawl")
    ours, _ = sections_from_crawl(tmp_path / "crawl", "")
    assert [s.title for s in ours] == ["Вход"]
    every, _ = sections_from_crawl(tmp_path / "crawl", "", language="any")
    assert sorted(s.title for s in every) == ["Docs", "FAQ", "Sign-in", "Вход"]
    # A site with no page in the customers' language is indexed as it is.
    english, _ = sections_from_crawl(tmp_path / "crawl", "", language="de")
    assert len(english) == 4


def test_the_page_limit_holds_for_a_large_sitemap_and_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "kb").mkdir(parents=True)
    page = "<html><body><main><h1>Статья {0}</h1><p>Текст статьи {0}.</p></main></body></html>"
    (root / "index.html").write_text(page.format(0))
    locs = ""
    for n in range(1, 31):
        (root / "kb" / f"{n}.html").write_text(page.format(n))
        locs += f"<url><loc>/kb/{n}.html</loc></url>"
    (root / "sitemap.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    )
    server = FlakySiteServer(root)
    try:
        report = Crawler(replace(SETTINGS, max_pages=10)).crawl(server.url, tmp_path / "crawl")
    finally:
        server.stop()
    assert len(report.fetched) == 10
    assert len([path for path, _ in server.requests if path.startswith("/kb/")]) == 9
    assert report.not_followed == 21
    assert report.summary().endswith("stopped at crawl.max_pages with 21 links not followed")


def test_a_hash_routed_site_is_crawled_page_by_page_and_linked_by_its_routes(
    tmp_path: Path,
) -> None:
    # A Docsify site (tests/data/docsify, Docsify 5 vendored): one shell for every page,
    # the page named by the route after "#/", drawn from Markdown by the browser. Its
    # sidebar links one page that is missing, which Docsify draws as "404".
    renderer = Renderer.find(str(CHROMIUM))
    assert renderer is not None
    server = FlakySiteServer(TEST_DATA / "docsify")
    try:
        report = Crawler(SETTINGS, renderer=renderer).crawl(server.url, tmp_path / "crawl")
        again = Crawler(SETTINGS, renderer=renderer).crawl(server.url, tmp_path / "crawl")
        plain = Crawler(SETTINGS).crawl(server.url, tmp_path / "crawl-plain")
    finally:
        server.stop()
    site = server.url
    assert sorted(report.new) == [site, f"{site}#/employees/login", f"{site}#/hr/routes"]
    # Drawn again, each route is the same page: an unchanged site re-indexes nothing.
    assert sorted(again.unchanged) == sorted(report.new) and not again.changed
    assert report.skipped == {
        f"{site}#/admin/backup": "soft 404: the page the site shows for no page"
    }
    sections, _ = sections_from_crawl(tmp_path / "crawl", "")
    links = {s.title: s.link for s in sections}
    assert links == {
        "Справка WiseAdvice": site,
        "Вход в личный кабинет": f"{site}#/employees/login",
        "Первый вход": f"{site}#/employees/login?id=Первый-вход",
        "Не приходит код из SMS": f"{site}#/employees/login?id=Не-приходит-код-из-sms",
        "Маршруты согласования": f"{site}#/hr/routes",
        "Замещение": f"{site}#/hr/routes?id=Замещение",
        "Маршруты для заявлений": f"{site}#/hr/routes?id=Маршруты-для-заявлений",
    }
    substitute = next(s for s in sections if s.title == "Замещение")
    assert "уходит его заместителю" in substitute.text
    assert "Вход в личный кабинет" not in substitute.text  # the sidebar is not the page's
    # A link copied from the address bar (Docsify percent-encodes the id) names the section.
    copied = f"{site}#/hr/routes?id=%D0%97%D0%B0%D0%BC%D0%B5%D1%89%D0%B5%D0%BD%D0%B8%D0%B5"
    assert SectionLinks(sections).resolve(copied) == (substitute.link,)
    assert SectionLinks(sections).resolve(f"{site}#/hr/routes") == tuple(
        s.link for s in sections if s.url == f"{site}#/hr/routes"
    )
    # Without a browser the shell is all there is, its sidebar not drawn: one empty page.
    assert (plain.new, plain.skipped) == ([site], {})


def test_a_hash_route_is_part_of_a_pages_address_and_its_id_the_sections() -> None:
    assert normalise_url("https://D.test/#/hr/routes?id=x") == "https://d.test/#/hr/routes"
    assert normalise_url("https://d.test/#!/hr/routes") == "https://d.test/#!/hr/routes"
    assert normalise_url("https://d.test/#/") == "https://d.test/"  # the home route
    assert normalise_url("https://d.test/a/#intro") == "https://d.test/a/"
    assert hash_route("/kb?lang=ru&id=x") == "/kb?lang=ru"
    assert split_link("https://d.test/#/kb?id=x") == ("https://d.test/#/kb", "x")
    assert split_link("https://d.test/kb/#x") == ("https://d.test/kb/", "x")
    assert deep_link("https://d.test/#/kb", "Вход") == "https://d.test/#/kb?id=Вход"
    assert deep_link("https://d.test/#/kb?lang=ru", "x") == "https://d.test/#/kb?lang=ru&id=x"
    assert deep_link("https://d.test/kb/", "x") == "https://d.test/kb/#x"
    assert deep_link("https://d.test/#/kb", ":~:text=Вход") == "https://d.test/#/kb"
    assert with_route_of("https://d.test/", "https://d.test/#/kb") == "https://d.test/#/kb"
    assert with_route_of("https://d.test/a/", "https://d.test/b/") == "https://d.test/a/"
