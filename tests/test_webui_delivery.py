"""The web UI stays responsive while a mail server does not answer.

An agent's reply is delivered right after the action. The mail server here accepts
the connection and then says nothing, as a hung or firewalled relay does, so the
delivery waits for the SMTP timeout; meanwhile other agents' pages must load, and the
reply must stay queued for the poller rather than be lost.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from desk import services
from desk.config import Config, load_config
from desk.services import with_work_dir
from tests.webui_support import (
    PASSWORDS,
    Served,
    add_users,
    csrf_token,
    escalated_problem,
    seed,
    web_config,
)

SMTP_TIMEOUT = 4.0


class SilentMailServer:
    """Accepts TCP connections on loopback and never sends the SMTP greeting."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def __enter__(self) -> SilentMailServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_smtp() -> Iterator[SilentMailServer]:
    with SilentMailServer() as server:
        yield server


@pytest.fixture
def config(tmp_path: Path, silent_smtp: SilentMailServer) -> Config:
    base = web_config(with_work_dir(load_config(environ={}), tmp_path), tmp_path, silent_smtp.port)
    return replace(base, smtp=replace(base.smtp, timeout=SMTP_TIMEOUT))


def logged_in(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    token = csrf_token(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORDS[username], "csrf_token": token},
    )
    assert response.status_code in (200, 303), response.text
    return client


def test_pages_load_while_a_reply_waits_for_a_mail_server_that_does_not_answer(
    config: Config, silent_smtp: SilentMailServer
) -> None:
    store = services.open_store(config)
    add_users(store)
    number = seed(config, store, escalated_problem(), "k1")
    with Served(config) as served:
        agent = logged_in(served.url, "irina")
        colleague = logged_in(served.url, "boss")
        token = csrf_token(agent.get(f"/tickets/{number}").text)
        outcome: dict[str, object] = {}

        def reply() -> None:
            started = time.monotonic()
            response = agent.post(
                f"/tickets/{number}/reply",
                data={"text": "Ответ специалиста", "csrf_token": token},
            )
            outcome["seconds"] = time.monotonic() - started
            outcome["location"] = response.headers.get("location", "")

        replying = threading.Thread(target=reply)
        replying.start()
        deadline = time.monotonic() + 5
        while not silent_smtp.accepted and time.monotonic() < deadline:
            time.sleep(0.02)
        assert silent_smtp.accepted, "the reply never reached the mail server"

        started = time.monotonic()
        queue = colleague.get("/queue")
        waited = time.monotonic() - started
        assert queue.status_code == 200
        assert waited < SMTP_TIMEOUT / 2, f"the queue page waited {waited:.1f} s for SMTP"

        replying.join(SMTP_TIMEOUT * 3)
        assert not replying.is_alive()
        assert float(outcome["seconds"]) >= SMTP_TIMEOUT * 0.9  # type: ignore[arg-type]
        assert "mail=queued" in str(outcome["location"])
    kinds = [(m.kind, m.status) for m in store.outbox(store.ticket(number).id)]
    assert ("reply", "pending") in kinds
    store.close()
