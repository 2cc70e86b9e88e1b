from __future__ import annotations

from pathlib import Path

import pytest

from triage import StoreError, TicketNotFoundError, TicketStore
from triage.store import STATUS_NEW, STATUS_OPEN, AttachmentRecord, NewMessage


@pytest.fixture
def store(tmp_path: Path) -> TicketStore:
    return TicketStore.open(tmp_path / "desk.sqlite3")


def test_schema_is_built_by_recorded_migrations(store: TicketStore) -> None:
    applied = [row["name"] for row in store.db.query("SELECT name FROM _sqlite_migrations")]
    assert applied[0] == "0001_initial"
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_ticket_numbers_are_sequential_and_never_reused(store: TicketStore) -> None:
    with store.transaction():
        first = store.create_ticket("Вопрос", "a@example.ru", "А")
        second = store.create_ticket("Вопрос 2", "b@example.ru", "Б")
    assert (first.number, second.number) == ("WA-000001", "WA-000002")
    store.db.execute("DELETE FROM events WHERE ticket_id = ?", [second.id])
    store.db.execute("DELETE FROM tickets WHERE id = ?", [second.id])
    with store.transaction():
        third = store.create_ticket("Вопрос 3", "c@example.ru", "")
    assert third.number == "WA-000003"


def test_every_state_change_writes_an_event(store: TicketStore) -> None:
    with store.transaction():
        ticket = store.create_ticket("Вопрос", "a@example.ru", "")
        store.set_status(ticket.id, STATUS_OPEN, "escalated")
        store.set_status(ticket.id, STATUS_OPEN, "no change, no event")
    kinds = [event["kind"] for event in store.events(ticket.id)]
    assert kinds == ["ticket_created", "status_changed"]
    assert store.ticket(ticket.number).status == STATUS_OPEN
    assert STATUS_NEW != STATUS_OPEN


def test_a_failed_transaction_leaves_nothing(store: TicketStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.create_ticket("Вопрос", "a@example.ru", "")
        raise RuntimeError("crash before commit")
    assert store.list_tickets() == []


def test_unknown_ticket_number_raises(store: TicketStore) -> None:
    with pytest.raises(TicketNotFoundError):
        store.ticket("WA-999999")


def test_feedback_is_recorded_per_ticket_and_validated(store: TicketStore) -> None:
    from triage import StoreError

    with store.transaction():
        ticket = store.create_ticket("Вопрос", "a@example.ru", "")
        store.record_feedback(
            ticket.id,
            "not_helpful",
            "unrelated",
            "link",
            ["https://d/x/#a"],
            at="2026-11-01T10:00:00+00:00",
        )
        store.record_feedback(ticket.id, "solved", None, "mail", ["https://d/x/#a"])
    rows = store.feedback()
    assert [(r["ticket"], r["verdict"], r["reason"], r["via"]) for r in rows] == [
        ("WA-000001", "not_helpful", "unrelated", "link"),
        ("WA-000001", "solved", None, "mail"),
    ]
    assert rows[0]["at"] == "2026-11-01T10:00:00+00:00" and rows[0]["links"] == ["https://d/x/#a"]
    with pytest.raises(StoreError):
        store.record_feedback(ticket.id, "great", None, "link", [])
    with pytest.raises(StoreError):
        store.record_feedback(ticket.id, "not_helpful", "meh", "link", [])


# Every lookup intake makes for one mail, with the plan SQLite chooses for it.
_PER_MAIL_LOOKUPS = [
    ("SELECT 1 FROM intake WHERE source_key = ?", ["k"]),
    ("SELECT 1 FROM messages WHERE message_id = ?", ["<m@x>"]),
    ("SELECT ticket_id FROM outbox WHERE message_id = ?", ["<m@x>"]),
    ("SELECT count(*) FROM outbox WHERE recipient = ? AND created_at >= ?", ["a@x", "2026"]),
    ("SELECT count(*) FROM outbox WHERE ticket_id = ? AND created_at >= ?", [1, "2026"]),
    ("SELECT 1 FROM bounces WHERE address = ? AND permanent = 1 AND at >= ?", ["a@x", "2026"]),
    ("SELECT id FROM quarantine WHERE source_key = ?", ["k"]),
    ("SELECT * FROM clients WHERE inn = ?", ["7701234567"]),
    ("SELECT * FROM tickets WHERE status = ? AND updated_at < ?", ["answered", "2026"]),
    ("SELECT * FROM messages WHERE ticket_id = ?", [1]),
    ("SELECT * FROM decisions WHERE ticket_id = ?", [1]),
]


def test_per_mail_lookups_use_an_index(store: TicketStore) -> None:
    """A lookup that scans a table costs time in proportion to the store's age."""
    for sql, params in _PER_MAIL_LOOKUPS:
        plan = " ".join(
            str(row[3]) for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        )
        assert "USING" in plan and "SCAN" not in plan, f"{sql}: {plan}"


def test_a_write_batch_commits_once_and_a_failed_part_rolls_back_alone(
    store: TicketStore,
) -> None:
    with store.write_batch():
        kept = store.create_ticket("Первый", "a@example.ru", "")
        with pytest.raises(RuntimeError), store.transaction():
            store.create_ticket("Второй", "b@example.ru", "")
            raise RuntimeError("this mail fails")
        assert not store.db.execute("SELECT 1 FROM tickets WHERE subject = 'Второй'").fetchall()
        assert store.db.conn.in_transaction  # nothing committed yet
    assert not store.db.conn.in_transaction
    assert [t.number for t in store.list_tickets()] == [kept.number]


def test_a_write_batch_that_fails_leaves_nothing(store: TicketStore) -> None:
    with pytest.raises(StoreError), store.write_batch():
        store.create_ticket("Первый", "a@example.ru", "")
        store.set_classification(10**6, "other", "other", "test")  # no such ticket
    assert store.list_tickets() == []


def test_attachments_keep_their_pixel_size(store: TicketStore) -> None:
    logo = AttachmentRecord("logo.png", "image/png", "image/png", 900, "ab", True, (), (160, 48))
    log = AttachmentRecord("log.txt", "text/plain", "text/plain", 12, "cd", False)
    with store.transaction():
        ticket = store.create_ticket("Ошибка", "a@example.ru", "")
        message = NewMessage("<m1@t>", None, (), "a@example.ru", "", "Ошибка", "текст",
                             None, None, "k", "0")  # fmt: skip
        store.add_message(ticket.id, message, [logo, log])
    assert store.ticket_attachments(ticket.id) == [logo, log]
