from __future__ import annotations

from pathlib import Path

import pytest

from triage import TicketNotFoundError, TicketStore
from triage.store import STATUS_NEW, STATUS_OPEN


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
