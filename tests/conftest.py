from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desk.config import DATA_DIR, Config, load_config
from desk.docs_server import SnapshotServer
from desk.intake import IntakeService
from desk.services import (
    Models,
    build_index,
    crawl_docs,
    fit_retrieval,
    intake_service,
    open_store,
    train_classifier,
    with_work_dir,
)
from mailer import ImapSettings, SmtpSettings
from tests.servers import Dovecot, SmtpSink
from triage import TicketStore

TESTS_DIR = Path(__file__).parent
TEST_DATA = TESTS_DIR / "data"
SNAPSHOT_DIR = DATA_DIR / "docs_snapshot"
SAMPLE_MAIL_DIR = DATA_DIR / "sample_mail"
MAILBOXES = 200
_user_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    server.add_users([f"support{n}@example.test" for n in range(1, MAILBOXES + 1)], "secret")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_settings(dovecot: Dovecot) -> ImapSettings:
    """A fresh, empty mailbox of its own for each test."""
    number = next(_user_numbers)
    assert number <= MAILBOXES, "raise MAILBOXES in tests/conftest.py"
    user = f"support{number}@example.test"
    return ImapSettings(
        host="127.0.0.1",
        port=dovecot.port,
        security="plain",
        username=user,
        password="secret",
        timeout=10.0,
    )


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(scope="session")
def docs_server() -> Iterator[SnapshotServer]:
    with SnapshotServer(SNAPSHOT_DIR) as server:
        yield server


@pytest.fixture(scope="session")
def indexed_config(docs_server: SnapshotServer, tmp_path_factory: pytest.TempPathFactory) -> Config:
    """Defaults with crawl and index of the bundled snapshot built once per session."""
    work = tmp_path_factory.mktemp("index")
    config = with_work_dir(load_config(environ={}), work)
    config = replace(config, crawl=replace(config.crawl, delay=0.0))
    crawl_docs(config, docs_server.url)
    build_index(config, force=True)
    fit_retrieval(config)
    train_classifier(config)
    return config


@pytest.fixture
def desk_config(
    indexed_config: Config, tmp_path: Path, imap_settings: ImapSettings, smtp_sink: SmtpSink
) -> Config:
    """A desk wired to real Dovecot, a real SMTP sink, its own SQLite file."""
    return replace(
        indexed_config,
        imap=imap_settings,
        smtp=SmtpSettings(
            transport="smtp", host="127.0.0.1", port=smtp_sink.port, security="plain"
        ),
        store=replace(
            indexed_config.store,
            database=tmp_path / "desk.sqlite3",
            attachments_dir=tmp_path / "attachments",
        ),
    )


@pytest.fixture
def bare_desk(tmp_path: Path) -> tuple[TicketStore, IntakeService]:
    """A store and an intake on the default configuration, without index or classifier."""
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = open_store(config)
    return store, intake_service(config, store, Models())
