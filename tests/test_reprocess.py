"""Quarantined unparseable mail is kept whole, listed, and can be run through the desk again."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from desk import services
from desk.cli import main
from desk.config import load_config
from desk.services import with_work_dir
from tests.conftest import SAMPLE_MAIL_DIR, TEST_DATA

CORPUS = TEST_DATA / "mail_corpus"
BROKEN = (SAMPLE_MAIL_DIR / "21-truncated-no-sender.eml").read_bytes()
READABLE = (CORPUS / "clients" / "15-1c-enterprise-utf8.eml").read_bytes()
SPAM = (CORPUS / "spam" / "01-spamassassin-x-spam-flag.eml").read_bytes()


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's configuration: a store in tmp_path, mail written to a folder."""
    for key, value in {
        "TRIAGE_STORE_DATABASE": tmp_path / "desk.sqlite3",
        "TRIAGE_STORE_ATTACHMENTS_DIR": tmp_path / "attachments",
        "TRIAGE_SMTP_TRANSPORT": "directory",
        "TRIAGE_SMTP_DIRECTORY": tmp_path / "outbox",
        "TRIAGE_INDEX_DIRECTORY": tmp_path / "index",
        "TRIAGE_INDEX_SEMANTIC_MODEL": "off",
        "TRIAGE_CLASSIFIER_MODEL_DIR": tmp_path / "model",
    }.items():
        monkeypatch.setenv(key, str(value))
    monkeypatch.delenv("TRIAGE_CONFIG", raising=False)
    return tmp_path


def quarantine_as_unparseable(raw: bytes, key: str) -> int:
    """What an older parser left behind: the raw mail, quarantined as unreadable."""
    store = services.open_store(load_config())
    try:
        with store.transaction():
            return store.quarantine(
                key, "unparseable: old parser", raw, hashlib.sha256(raw).hexdigest()
            )
    finally:
        store.close()


def test_unparseable_mail_is_kept_whole_listed_and_stays_after_reprocess(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config()
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    result = intake.process(BROKEN, "imap:box;1;7")
    store.close()
    assert result.outcome == "quarantined" and "no sender" in result.detail

    assert main(["tickets"]) == 0
    assert "quarantine #1  imap:box;1;7  unparseable: no sender" in capsys.readouterr().out

    assert main(["reprocess", "1"]) == 1, "still unreadable: reported as such"
    assert "quarantine #1: quarantined" in capsys.readouterr().out
    store = services.open_store(config)
    entry = store.quarantine_entry(1)
    assert entry["raw"] == BROKEN and entry["raw_sha256"] == hashlib.sha256(BROKEN).hexdigest()
    assert entry["released_at"] is None and len(store.quarantined()) == 1
    store.close()


def test_reprocess_all_runs_every_check_again(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readable = quarantine_as_unparseable(READABLE, "imap:box;1;1")
    spam = quarantine_as_unparseable(SPAM, "imap:box;1;2")

    assert main(["reprocess", "--all"]) == 1, "the spam is quarantined again"
    out = capsys.readouterr().out
    assert f"quarantine #{readable}: escalate WA-000001" in out
    assert f"quarantine #{spam}: quarantined" in out

    store = services.open_store(load_config())
    try:
        [ticket] = store.list_tickets()
        assert ticket.requester_email == "buh@term-test.ru"
        assert [m.kind for m in store.outbox()] == ["acknowledgment"], "no reply to the spam"
        rows = {row["id"]: row for row in store.quarantined()}
        assert rows[readable]["released_at"] and rows[spam]["released_at"]
        [again] = [row for row in rows.values() if not row["released_at"]]
        assert again["source_key"] == f"reprocess:{spam}" and again["reason"].startswith("spam")
    finally:
        store.close()
    assert main(["reprocess", "--all"]) == 1
    assert "nothing to reprocess" in capsys.readouterr().out


def test_release_differs_from_reprocess_it_skips_the_spam_verdict(tmp_path: Path) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    first = intake.process(SPAM, "k1")
    assert first.outcome == "quarantined"
    assert intake.reprocess(1).outcome == "quarantined"
    released = intake.release(2)
    assert released.outcome != "quarantined" and released.ticket_number
