"""IMAP over implicit TLS and STARTTLS against a real Dovecot with its own certificate."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from mailer import ImapMailbox, ImapSettings, MailboxError
from tests.servers import Dovecot

USER = "support@example.test"


@pytest.fixture(scope="module")
def tls_dovecot() -> Iterator[Dovecot]:
    server = Dovecot(tls=True)
    server.add_users([USER], "secret")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def settings(server: Dovecot, security: str, **changes: object) -> ImapSettings:
    port = server.tls_port if security == "tls" else server.port
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "security": security,
        "username": USER,
        "password": "secret",
        "timeout": 10.0,
        "ca_file": str(server.cert),
        **changes,
    }
    return ImapSettings(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_fetches_over_an_encrypted_connection(tls_dovecot: Dovecot, security: str) -> None:
    msg = EmailMessage()
    msg["From"] = "a@client.ru"
    msg["Subject"] = f"через {security}"
    msg["Message-ID"] = f"<{security}@client.ru>"
    msg.set_content("текст")
    with ImapMailbox(settings(tls_dovecot, security)) as mailbox:
        mailbox.box.append(msg.as_bytes(), "INBOX")
        assert any(f.raw == msg.as_bytes() or b"client.ru" in f.raw for f in mailbox.fetch_all())
        assert mailbox.uidvalidity() > 0


def test_an_untrusted_certificate_is_refused(tls_dovecot: Dovecot) -> None:
    with pytest.raises(MailboxError, match="failed"):
        ImapMailbox(settings(tls_dovecot, "tls", ca_file="")).connect()


def test_a_wrong_password_is_a_clear_error(tls_dovecot: Dovecot) -> None:
    with pytest.raises(MailboxError, match="refused"):
        ImapMailbox(settings(tls_dovecot, "starttls", password="wrong")).connect()


def test_poll_with_the_mail_server_down_fails_with_a_clear_message(
    tmp_path: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desk.cli import main
    from tests.servers import free_port

    monkeypatch.setenv("TRIAGE_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRIAGE_IMAP_PORT", str(free_port()))
    monkeypatch.setenv("TRIAGE_IMAP_SECURITY", "plain")
    monkeypatch.setenv("TRIAGE_IMAP_TIMEOUT", "2")
    monkeypatch.setenv("TRIAGE_STORE_DATABASE", f"{tmp_path}/desk.sqlite3")
    monkeypatch.setenv("TRIAGE_INDEX_DIRECTORY", f"{tmp_path}/index")
    monkeypatch.setenv("TRIAGE_CLASSIFIER_MODEL_DIR", f"{tmp_path}/model")
    assert main(["poll"]) == 1
    assert "IMAP connection to 127.0.0.1" in capsys.readouterr().err
