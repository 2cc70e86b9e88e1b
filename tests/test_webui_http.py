"""The web UI over HTTP (Starlette's test client against the real app and SQLite):
security headers, login, sessions, CSRF, roles, attachments, agent actions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from starlette.testclient import TestClient

from desk import services
from desk.cli import main
from desk.config import Config, load_config
from desk.services import with_work_dir
from mailer import parse_mail
from tests.webui_support import (
    PASSWORDS,
    add_users,
    csrf_token,
    escalated_problem,
    mail,
    seed,
    web_config,
)
from triage import TicketStore
from webui import create_app
from webui.errors import WebError

HTML_ATTACHMENT = b"<html><body><script>window.parent.pwned = 1</script>hi</body></html>"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "9c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    base = web_config(with_work_dir(load_config(environ={}), tmp_path), tmp_path)
    return replace(base, store=replace(base.store, secrets_key=Fernet.generate_key().decode()))


@pytest.fixture
def store(config: Config) -> Iterator[TicketStore]:
    store = services.open_store(config)
    add_users(store)
    yield store
    store.close()


@pytest.fixture
def client(config: Config, store: TicketStore) -> Iterator[TestClient]:
    with TestClient(create_app(config), base_url="http://testserver") as client:
        yield client


def login(client: TestClient, username: str) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": PASSWORDS[username],
            "csrf_token": csrf_token(page.text),
            "next": "/queue",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def test_every_page_carries_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/login"), client.get("/static/style.css")):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    assert client.get("/login").headers["cache-control"] == "no-store"


def test_login_sets_a_strict_http_only_session_and_wrong_passwords_are_throttled(
    client: TestClient, config: Config
) -> None:
    assert client.get("/queue", follow_redirects=False).headers["location"].startswith("/login")
    page = client.get("/login")
    token = csrf_token(page.text)
    wrong = {"username": "irina", "password": "not-her-password", "csrf_token": token}
    response = client.post("/login", data=wrong)
    assert response.status_code == 401 and "Неверное имя" in response.text
    right = {**wrong, "password": PASSWORDS["irina"], "next": "//evil.example/"}
    response = client.post("/login", data=right, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    cookie = response.headers["set-cookie"]
    assert "wa_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/queue").status_code == 200

    other = TestClient(client.app)
    token = csrf_token(other.get("/login").text)
    for _ in range(5):
        other.post("/login", data={"username": "boss", "password": "x" * 12, "csrf_token": token})
    blocked = {"username": "boss", "password": PASSWORDS["boss"], "csrf_token": token}
    assert other.post("/login", data=blocked).status_code == 429

    # A restarted (or second) server process on the same store keeps the count.
    with TestClient(create_app(config)) as restarted:
        token = csrf_token(restarted.get("/login").text)
        blocked = {"username": "boss", "password": PASSWORDS["boss"], "csrf_token": token}
        assert restarted.post("/login", data=blocked).status_code == 429
        fine = {"username": "docs", "password": PASSWORDS["docs"], "csrf_token": token}
        assert restarted.post("/login", data=fine, follow_redirects=False).status_code == 303


def test_forms_without_a_valid_csrf_token_or_from_another_origin_are_refused(
    client: TestClient, config: Config, store: TicketStore
) -> None:
    number = seed(config, store, escalated_problem(), "k1")
    login(client, "irina")
    page = client.get(f"/tickets/{number}")
    token = csrf_token(page.text)
    url = f"/tickets/{number}/reply"
    assert client.post(url, data={"text": "Ответ"}).status_code == 403
    assert client.post(url, data={"text": "Ответ", "csrf_token": "0" * 64}).status_code == 403
    evil = {"Origin": "https://evil.example"}
    refused = client.post(url, data={"text": "Ответ", "csrf_token": token}, headers=evil)
    assert refused.status_code == 403
    assert [m.kind for m in store.outbox(store.ticket(number).id)] == ["acknowledgment"]

    accepted = client.post(url, data={"text": "Ответ специалиста", "csrf_token": token})
    assert accepted.status_code == 200 and "Ответ поставлен в очередь" in accepted.text
    assert [m.kind for m in store.outbox(store.ticket(number).id)] == ["acknowledgment", "reply"]
    assert store.ticket(number).status == "waiting_for_customer"


def test_doc_team_reads_but_cannot_act_and_cannot_see_quarantine(
    client: TestClient, config: Config, store: TicketStore
) -> None:
    number = seed(config, store, escalated_problem(), "k1")
    login(client, "docs")
    assert client.get("/queue").status_code == 200
    page = client.get(f"/tickets/{number}")
    assert page.status_code == 200 and 'id="actions"' not in page.text
    assert client.get("/answers").status_code == 200
    assert client.get("/quarantine").status_code == 403
    token = csrf_token(page.text)
    for action in ("reply", "close", "reveal", "resolve"):
        response = client.post(f"/tickets/{number}/{action}", data={"csrf_token": token})
        assert response.status_code == 403, action
    assert store.ticket(number).status == "open"
    assert client.post("/logout", data={"csrf_token": token}).status_code == 200
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_attachments_download_and_only_real_images_preview(
    client: TestClient, config: Config, store: TicketStore
) -> None:
    msg = escalated_problem()
    msg.add_attachment(HTML_ATTACHMENT, maintype="text", subtype="html", filename="отчёт.html")
    msg.add_attachment(PNG, maintype="image", subtype="png", filename="screen.png")
    number = seed(config, store, msg, "k1")
    login(client, "irina")
    page = client.get(f"/tickets/{number}").text
    assert "отчёт.html" in page and "/preview" in page
    rows = store.message_attachments(store.ticket(number).id)
    html_id = next(r["id"] for r in rows if r["filename"] == "отчёт.html")
    png_id = next(r["id"] for r in rows if r["filename"] == "screen.png")

    for path in (f"{html_id}", f"{html_id}/preview"):
        response = client.get(f"/tickets/{number}/attachments/{path}")
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["content-disposition"].startswith("attachment;")
        assert "sandbox" in response.headers["content-security-policy"]
        assert response.content == HTML_ATTACHMENT
    preview = client.get(f"/tickets/{number}/attachments/{png_id}/preview")
    assert preview.headers["content-type"] == "image/png" and preview.content == PNG
    assert preview.headers["content-disposition"].startswith("inline;")


def test_hostile_html_is_sanitised_on_the_ticket_page(
    client: TestClient, config: Config, store: TicketStore
) -> None:
    html = (
        '<p>Текст<script>alert(1)</script><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)">ссылка</a><svg><script>alert(4)</script></svg>'
        '<iframe src="https://evil.example"></iframe><div style="x" onclick="alert(5)">'
    )
    number = seed(config, store, mail("Вопрос", "Текст письма", "<h1@x.ru>", html), "k1")
    login(client, "irina")
    page = client.get(f"/tickets/{number}").text
    body = page.split('class="mail-html">', 1)[1].split("</div>", 1)[0]
    for bad in ("<script", "onerror", "javascript:", "<svg", "<iframe", "onclick", "alert("):
        assert bad not in body.lower(), bad
    assert "ссылка" in body


def test_agent_actions_from_the_ticket_page(
    client: TestClient, config: Config, store: TicketStore
) -> None:
    report = escalated_problem(1)
    report.set_content(
        f"{report.get_content()}\nДоступ для вас: логин wa_support, временный пароль: Tmp#2026!x"
    )
    first = seed(config, store, report, "k1")
    duplicate = seed(config, store, escalated_problem(2), "k2")
    login(client, "irina")
    assert "Tmp#2026!x" not in client.get(f"/tickets/{first}").text
    token = csrf_token(client.get(f"/tickets/{first}").text)

    def post(number: str, name: str, **data: str | list[str]) -> str:
        response = client.post(f"/tickets/{number}/{name}", data={**data, "csrf_token": token})
        assert response.status_code == 200, response.text
        return response.text

    post(first, "assign", assignee="boss")
    assert store.ticket(first).assignee == "boss"
    post(first, "correct", category="integration_1c", intent="problem")
    assert store.corrections()[-1]["category"] == "integration_1c"
    page = post(duplicate, "merge", into=first)
    assert "Заявка объединена" in page
    merged = store.ticket(duplicate)
    assert merged.status == "merged" and merged.merged_into == store.ticket(first).id
    assert len(store.messages(store.ticket(first).id)) == 2
    post(first, "clarify", item=["inn", "screenshots"], comment="Приложите журнал обмена.")
    ticket = store.ticket(first)
    assert ticket.status == "awaiting_clarification" and ticket.sla_paused_at
    clarification = store.outbox(ticket.id)[-1]
    asked = " ".join(parse_mail(clarification.raw).text.split())
    assert clarification.kind == "clarification"
    assert "ИНН организации" in asked and "Приложите журнал обмена." in asked
    post(first, "defer", reason="needs_development", comment="В выпуске 3.4.3.")
    assert store.ticket(first).status == "deferred"
    post(first, "reject", reason="etiquette", comment="")
    assert store.ticket(first).status == "rejected"
    revealed = post(first, "reveal")
    assert "Tmp#2026!x" in revealed
    assert any(e["kind"] == "secrets_revealed" for e in store.events(ticket.id))
    post(first, "close")
    assert store.ticket(first).status == "closed"
    assert store.outbox(ticket.id)[-1].kind == "closure"
    refused = client.post(f"/tickets/{first}/reply", data={"text": "x", "csrf_token": token})
    assert refused.status_code == 400 and "закрыта" in refused.text


def test_queue_filters_and_full_text_search(
    client: TestClient, config: Config, store: TicketStore
) -> None:
    first = seed(config, store, escalated_problem(1), "k1")
    other = seed(
        config,
        store,
        mail("Доступ", "Не могу войти в кабинет, пишет пароль неверный.", "<a@x.ru>"),
        "k2",
    )
    login(client, "irina")
    page = client.get("/queue").text
    assert first in page and other in page
    found = client.get("/queue", params={"q": "табельным"}).text
    assert first in found and other not in found
    assert first not in client.get("/queue", params={"status": "closed"}).text


def test_serve_needs_a_secret_key_and_users_add_takes_the_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    with pytest.raises(WebError, match="TRIAGE_WEB_SECRET_KEY"):
        create_app(config)
    toml = tmp_path / "desk.toml"
    toml.write_text(f'[store]\ndatabase = "{tmp_path / "d.sqlite3"}"\n', encoding="utf-8")
    monkeypatch.setenv("TRIAGE_USER_PASSWORD", "short")
    assert main(["--config", str(toml), "users", "add", "anna", "--role", "agent"]) == 2
    monkeypatch.setenv("TRIAGE_USER_PASSWORD", "a-long-enough-password")
    assert main(["--config", str(toml), "users", "add", "anna", "--role", "doc-team"]) == 0
    store = TicketStore.open(tmp_path / "d.sqlite3")
    try:
        user = store.user("anna")
        assert user is not None and user["role"] == "doc-team"
        assert user["password_hash"].startswith("$argon2id$")
    finally:
        store.close()
    monkeypatch.delenv("TRIAGE_WEB_SECRET_KEY", raising=False)
    assert main(["--config", str(toml), "serve"]) == 2


def test_expired_sessions_and_logged_out_tokens_no_longer_log_in(store: TicketStore) -> None:
    from webui.auth import token_hash

    user = store.user("irina")
    assert user is not None
    store.create_session(token_hash("old"), user["id"], "2000-01-01T00:00:00+00:00")
    store.create_session(token_hash("live"), user["id"], "2999-01-01T00:00:00+00:00")
    assert store.session_user(token_hash("old")) is None
    assert store.session_user(token_hash("live")) == {
        "id": user["id"],
        "username": "irina",
        "role": "agent",
    }
    store.delete_session(token_hash("live"))
    assert store.session_user(token_hash("live")) is None


def test_answer_mail_offers_the_feedback_links_in_both_languages() -> None:
    from mailer import TemplateRenderer
    from mailer.compose import SAMPLE_CONTEXT

    renderer = TemplateRenderer()
    russian = renderer.render("answer", SAMPLE_CONTEXT, "ru").text
    english = renderer.render("answer", SAMPLE_CONTEXT, "en").text
    for text, words in ((russian, "Вопрос решён"), (english, "My question is solved")):
        assert words in text
        for url in SAMPLE_CONTEXT["feedback"].values():
            assert url in text
    without = renderer.render("answer", {**SAMPLE_CONTEXT, "feedback": None}, "ru").text
    assert "Вопрос решён" not in without and "/feedback/" not in without


def test_a_reply_to_a_merged_duplicate_lands_on_the_ticket_it_was_merged_into(
    client: TestClient, config: Config, store: TicketStore
) -> None:
    first = seed(config, store, escalated_problem(1), "k1")
    duplicate = seed(config, store, escalated_problem(2), "k2")
    login(client, "irina")
    token = csrf_token(client.get(f"/tickets/{duplicate}").text)
    client.post(f"/tickets/{duplicate}/merge", data={"into": first, "csrf_token": token})
    page = client.get(f"/tickets/{duplicate}").text
    assert "Объединена с заявкой" in page and f"/tickets/{first}" in page
    assert duplicate not in client.get("/queue").text
    assert duplicate in client.get("/queue", params={"status": "merged"}).text
    reply = mail(f"Re: [{duplicate}] Ошибка обмена с 1С", "Журнал обмена прилагаю.", "<r@x.ru>")
    assert seed(config, store, reply, "k3") == first
    assert len(store.messages(store.ticket(first).id)) == 3


def test_the_doc_team_reads_the_gap_report_and_downloads_its_tables(
    client: TestClient, store: TicketStore
) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.test_insights import Builder

    builder = Builder(store)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    for text in (
        "Как оформить командировку сотруднику в кабинете?",
        "Командировка: где оформить приказ о командировке?",
        "Оформление командировки через личный кабинет — где это?",
    ):
        builder.ticket(yesterday, "escalate", text)
    login(client, "docs")
    page = client.get("/report?days=7")
    assert page.status_code == 200
    assert "Пробелы в документации" in page.text and "командиров" in page.text
    assert '<link rel="stylesheet" href="/report/report.css">' in page.text
    assert "<script" not in page.text and 'style="' not in page.text  # the CSP holds
    css = client.get("/report/report.css")
    assert css.headers["content-type"].startswith("text/css") and ".report{" in css.text
    table = client.get("/report/gap_clusters.csv?days=7")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    assert table.headers["content-disposition"] == 'attachment; filename="gap_clusters.csv"'
    header, *rows = table.text.splitlines()
    assert "size" in header and any("командиров" in row for row in rows)
    assert client.get("/report/no_such_table.csv").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(page.text)})
    assert client.get("/report", follow_redirects=False).status_code == 303  # login needed


FORWARD = (
    "Пересылаю жалобу сотрудницы.\n\n-------- Пересылаемое сообщение --------\n"
    "От: Анна <anna@zavod.ru>\nТема: не подписывается\n\n"
    "Нажимаю «Подписать», ввожу код — пишет «Код неверный»."
)


def test_a_forwarded_mail_is_shown_open_and_a_quoted_thread_folded(
    client: TestClient, config: Config, store: TicketStore
) -> None:
    number = seed(config, store, mail("Fwd: не подписывается", FORWARD, "<f1@x.ru>"), "k1")
    replied = "Спасибо.\n\n-----Исходное сообщение-----\nОт: Кто-то <a@b.ru>\nСтарый текст"
    other = seed(config, store, mail("Re: вопрос", replied, "<r1@x.ru>"), "k2")
    login(client, "irina")
    page = client.get(f"/tickets/{number}").text
    assert "<details open><summary>Пересланное письмо</summary>" in page
    assert "Нажимаю «Подписать»" in page.split("Пересланное письмо", 1)[1]
    thread = client.get(f"/tickets/{other}").text
    assert "<details><summary>Цитата предыдущих писем</summary>" in thread
    assert "Пересланное письмо" not in thread
