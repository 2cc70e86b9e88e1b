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
