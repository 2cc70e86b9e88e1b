"""The ticket store: the only module that reads or writes the desk's SQLite file.

Its interface is deliberately narrow (create a ticket, add a message, record an
event or a decision, enqueue mail, query the queue); callers group calls into
one transaction with ``store.transaction()`` so that a ticket, its message and
its acknowledgment are committed together or not at all.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from triage._schema import migrations
from triage.clock import utc_now
from triage.errors import StoreError, TicketNotFoundError, TriageError
from triage.sla import Client, SlaAssignment

STATUS_NEW = "new"
STATUS_OPEN = "open"
STATUS_ANSWERED = "answered_automatically"
STATUS_AWAITING_CLARIFICATION = "awaiting_clarification"
STATUS_CLOSED = "closed"
# Mails that carry the ticket number to the customer and so confirm the request (P4).
ACKNOWLEDGING_KINDS = ("acknowledgment", "answer", "clarification")
# The customer's verdict on an automatic answer (feedback link or reply) and why it failed.
FEEDBACK_SOLVED = "solved"
FEEDBACK_NOT_HELPFUL = "not_helpful"
FEEDBACK_REASONS = ("unrelated", "not_answered")  # not about my question / did not answer it
STATUS_MERGED = "merged"


def now_iso() -> str:
    return utc_now().astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Ticket:
    id: int
    number: str
    subject: str
    requester_email: str
    requester_name: str
    status: str
    created_at: str
    updated_at: str
    acknowledged_at: str | None
    category: str | None = None
    intent: str | None = None
    client_id: int | None = None
    sla_plan: str | None = None
    sla_reason: str | None = None
    first_response_due: str | None = None
    resolution_due: str | None = None
    sla_paused_at: str | None = None
    closed_at: str | None = None
    assignee: str | None = None
    merged_into: int | None = None


@dataclass(frozen=True)
class NewMessage:
    message_id: str
    in_reply_to: str | None
    references: tuple[str, ...]
    from_email: str
    from_name: str
    subject: str
    body_text: str
    body_html: str | None
    date_header: str | None
    source_key: str
    raw_sha256: str


@dataclass(frozen=True)
class AttachmentRecord:
    filename: str
    declared_type: str
    real_type: str
    size: int
    sha256: str
    inline: bool
    members: tuple[tuple[str, str], ...] = ()
    dimensions: tuple[int, int] | None = None  # width, height of an image, when read


@dataclass(frozen=True)
class OutboxMail:
    id: int
    ticket_id: int
    kind: str
    message_id: str
    sender: str
    recipient: str
    subject: str
    raw: bytes
    status: str
    attempts: int


def _sql_value(value: Any) -> Any:
    """A Python value as SQLite stores it: containers as JSON text."""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=repr)
    return value


class TicketStore:
    def __init__(self, db: Database, ticket_prefix: str = "WA") -> None:
        self.db = db
        self.ticket_prefix = ticket_prefix

    @classmethod
    def open(cls, path: Path, ticket_prefix: str = "WA") -> TicketStore:
        """Open (creating if needed) and migrate the store at ``path``."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = Database(path)
            db.execute("PRAGMA busy_timeout=5000")  # first: two processes may open at once
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            _migrate(db)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open ticket store {path}: {exc}") from exc
        return cls(db, ticket_prefix)

    @classmethod
    def open_read_only(cls, path: Path, ticket_prefix: str = "WA") -> TicketStore:
        """The store at ``path`` without write access; an empty one if there is none yet.

        For looking without touching: `triage explain` threads a mail onto the real
        tickets but can change nothing.
        """
        try:
            if not path.exists():
                db = Database(memory=True)
                migrations.apply(db)
                return cls(db, ticket_prefix)
            conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
            db = Database(conn)
            if migrations.pending(db):
                raise StoreError(f"ticket store {path} needs migrating; run any writing command")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open ticket store {path} read-only: {exc}") from exc
        return cls(db, ticket_prefix)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            with self.db.atomic():
                yield
        except sqlite3.Error as exc:
            raise StoreError(f"ticket store write failed: {exc}") from exc

    @contextmanager
    def write_batch(self) -> Iterator[None]:
        """One transaction around several writes that each use ``transaction()``.

        One commit, so one fsync, for all of them; each inner transaction becomes
        a savepoint, so one that fails rolls back alone. The write lock is taken
        at the start (BEGIN IMMEDIATE): a concurrent writer waits for the batch
        instead of failing half-way through it.
        """
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"ticket store busy or failing: {exc}") from exc
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.rollback()
            raise StoreError(f"ticket store write failed: {exc}") from exc

    # Rows are written with plain SQL: sqlite-utils' insert and update read the
    # table's schema and open a savepoint on every call, which was most of the
    # time a mail spent in the store.
    def _insert(self, table: str, record: dict[str, Any], replace: bool = False) -> int:
        columns = ", ".join(f'"{column}"' for column in record)
        marks = ", ".join("?" for _ in record)
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        cursor = self._write(
            f'{verb} INTO "{table}" ({columns}) VALUES ({marks})',
            [_sql_value(value) for value in record.values()],
        )
        if cursor.lastrowid is None:
            raise StoreError(f"insert into {table} returned no row id")
        return int(cursor.lastrowid)

    def _write(self, sql: str, params: list[Any]) -> sqlite3.Cursor:
        """One statement, committed at once unless a transaction is open (the sqlite3
        module would otherwise open one implicitly and hold the write lock)."""
        if self.db.conn.in_transaction:
            return self.db.conn.execute(sql, params)
        with self.db.atomic():
            return self.db.conn.execute(sql, params)

    def _update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        """Set ``values`` on the row whose ``id`` is ``row_id``; the row must exist."""
        assignments = ", ".join(f'"{column}" = ?' for column in values)
        cursor = self._write(
            f'UPDATE "{table}" SET {assignments} WHERE id = ?',
            [*(_sql_value(value) for value in values.values()), row_id],
        )
        if cursor.rowcount == 0:
            raise StoreError(f"no row {row_id} in {table}")

    # -- tickets ---------------------------------------------------------------

    def create_ticket(self, subject: str, requester_email: str, requester_name: str) -> Ticket:
        at = now_iso()
        row_id = self._insert(
            "tickets",
            {
                "subject": subject,
                "requester_email": requester_email,
                "requester_name": requester_name,
                "status": STATUS_NEW,
                "created_at": at,
                "updated_at": at,
            },
        )
        number = f"{self.ticket_prefix}-{row_id:06d}"
        self._update("tickets", row_id, {"number": number})
        self.record_event(row_id, "ticket_created", {"number": number})
        return self.ticket(number)

    def ticket(self, number: str) -> Ticket:
        rows = list(self.db.query("SELECT * FROM tickets WHERE number = ?", [number]))
        if not rows:
            raise TicketNotFoundError(number)
        return Ticket(**rows[0])

    def ticket_by_id(self, ticket_id: int) -> Ticket:
        rows = list(self.db.query("SELECT * FROM tickets WHERE id = ?", [ticket_id]))
        if not rows:
            raise TicketNotFoundError(str(ticket_id))
        return Ticket(**rows[0])

    def find_ticket_number(self, number: str) -> Ticket | None:
        """The ticket a number names; a merged duplicate's number leads to the ticket it
        was merged into, so the customer's replies to either thread land there."""
        try:
            ticket = self.ticket(number)
        except TicketNotFoundError:
            return None
        while ticket.merged_into is not None:
            ticket = self.ticket_by_id(ticket.merged_into)
        return ticket

    def find_ticket_by_message_ids(self, message_ids: tuple[str, ...]) -> Ticket | None:
        """The ticket of the first of these Message-IDs we know, in or out."""
        for message_id in message_ids:
            rows = list(
                self.db.query(
                    "SELECT ticket_id FROM messages WHERE message_id = ? "
                    "UNION ALL SELECT ticket_id FROM outbox WHERE message_id = ? LIMIT 1",
                    [message_id, message_id],
                )
            )
            if rows:
                return self.ticket_by_id(int(rows[0]["ticket_id"]))
        return None

    def set_status(self, ticket_id: int, status: str, reason: str = "") -> None:
        current = self.ticket_by_id(ticket_id).status
        if current == status:
            return
        self._update("tickets", ticket_id, {"status": status, "updated_at": now_iso()})
        self.record_event(
            ticket_id, "status_changed", {"from": current, "to": status, "reason": reason}
        )

    def set_classification(self, ticket_id: int, category: str, intent: str, by: str) -> None:
        self._update("tickets", ticket_id, {"category": category, "intent": intent})
        self.record_event(
            ticket_id, "classified", {"category": category, "intent": intent, "by": by}
        )

    def list_tickets(self) -> list[Ticket]:
        return [Ticket(**row) for row in self.db.query("SELECT * FROM tickets ORDER BY id")]

    def queue(self) -> list[Ticket]:
        """Tickets an agent must act on, the nearest first-response deadline first."""
        rows = self.db.query(
            "SELECT * FROM tickets WHERE status = 'open' "
            "ORDER BY first_response_due IS NULL, first_response_due, id"
        )
        return [Ticket(**row) for row in rows]

    # -- agents' corrections and housekeeping --------------------------------------

    def correct_classification(self, ticket_id: int, category: str, intent: str, by: str) -> None:
        """An agent's label: applied to the ticket and kept for the next training."""
        first = self.messages(ticket_id)[0]
        with self.transaction():
            self._insert(
                "corrections",
                {
                    "ticket_id": ticket_id,
                    "subject": first["subject"],
                    "body": first["body_text"],
                    "category": category,
                    "intent": intent,
                    "by": by,
                    "at": now_iso(),
                },
            )
            self.set_classification(ticket_id, category, intent, by)

    def participants(self, ticket_id: int) -> set[str]:
        rows = self.db.query(
            "SELECT DISTINCT from_email FROM messages WHERE ticket_id = ?", [ticket_id]
        )
        return {str(row["from_email"]).lower() for row in rows}

    def link_tickets(self, new: Ticket, named: str, sender: str) -> None:
        other = self.find_ticket_number(named)
        self.record_event(new.id, "linked_to", {"ticket": named, "sender": sender})
        if other is not None:
            self.record_event(other.id, "linked_from", {"ticket": new.number, "sender": sender})

    def corrections(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM corrections ORDER BY id"))

    def quiet_answered(self, before: str) -> list[Ticket]:
        """Automatically answered tickets nobody wrote to since ``before``."""
        rows = self.db.query(
            "SELECT * FROM tickets WHERE status = ? AND updated_at < ? ORDER BY id",
            [STATUS_ANSWERED, before],
        )
        return [Ticket(**row) for row in rows]

    # -- loop protection ------------------------------------------------------------

    def record_bounce(
        self, address: str, status: str, permanent: bool, ticket_id: int | None
    ) -> None:
        self._insert(
            "bounces",
            {
                "address": address.lower(),
                "status": status,
                "permanent": int(permanent),
                "ticket_id": ticket_id,
                "at": now_iso(),
            },
        )
        self.record_event(
            ticket_id, "bounced", {"address": address, "status": status, "permanent": permanent}
        )

    def hard_bounced_since(self, address: str, since: str) -> bool:
        rows = self.db.execute(
            "SELECT 1 FROM bounces WHERE address = ? AND permanent = 1 AND at >= ? LIMIT 1",
            [address.lower(), since],
        )
        return rows.fetchone() is not None

    def mail_count(
        self, since: str, recipient: str | None = None, ticket_id: int | None = None
    ) -> int:
        """Automatic mail queued since a moment, to one recipient or on one ticket."""
        if recipient is not None:
            row = self.db.execute(
                "SELECT count(*) FROM outbox WHERE recipient = ? AND created_at >= ?",
                [recipient.lower(), since],
            )
        else:
            row = self.db.execute(
                "SELECT count(*) FROM outbox WHERE ticket_id = ? AND created_at >= ?",
                [ticket_id, since],
            )
        return int(row.fetchone()[0])

    # -- credentials (P9) and search -----------------------------------------------

    def add_secret(self, ticket_id: int, message_row: int, kind: str, sealed: bytes) -> None:
        self._insert(
            "secrets",
            {
                "ticket_id": ticket_id,
                "message_id": message_row,
                "kind": kind,
                "sealed": sealed,
                "created_at": now_iso(),
            },
        )

    def reveal_secrets(self, ticket_id: int, by: str) -> list[tuple[str, bytes]]:
        """The sealed secrets of a ticket; the reveal is logged with who asked."""
        rows = list(
            self.db.query(
                "SELECT id, kind, sealed FROM secrets WHERE ticket_id = ? ORDER BY id", [ticket_id]
            )
        )
        with self.transaction():
            self.record_event(
                ticket_id, "secrets_revealed", {"by": by, "secrets": [r["id"] for r in rows]}
            )
        return [(str(r["kind"]), bytes(r["sealed"])) for r in rows]

    def secret_count(self, ticket_id: int) -> int:
        row = self.db.execute("SELECT count(*) FROM secrets WHERE ticket_id = ?", [ticket_id])
        return int(row.fetchone()[0])

    def close_ticket(self, ticket_id: int, by: str) -> int:
        """Close and purge the ticket's credentials (P9); returns how many were purged."""
        purged = self.db.execute("DELETE FROM secrets WHERE ticket_id = ?", [ticket_id]).rowcount
        self._update("tickets", ticket_id, {"closed_at": now_iso()})
        self.record_event(ticket_id, "secrets_purged", {"count": purged, "by": by})
        self.set_status(ticket_id, STATUS_CLOSED, f"closed by {by}")
        return int(purged)

    def search_messages(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search (FTS5) over subjects and bodies, best matches first."""
        terms = " ".join(f'"{t}"' for t in re.findall(r"\w+", query))
        if not terms:
            return []
        return list(
            self.db.query(
                "SELECT t.number, m.subject, m.from_email, "
                "snippet(messages_fts, 1, '[', ']', '…', 12) AS snippet "
                "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
                "JOIN tickets t ON t.id = m.ticket_id "
                "WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?",
                [terms, limit],
            )
        )

    # -- clients and SLA ----------------------------------------------------------

    def save_client(self, client: Client) -> Client:
        """Insert or update the client with this INN; returns it with its id."""
        record = {
            "organisation": client.organisation,
            "inn": client.inn,
            "licence": client.licence,
            "sla_plan": client.sla_plan,
            "addresses": " ".join(client.addresses),
            "domains": " ".join(client.domains),
            "identified": int(client.identified),
        }
        existing = self.client_by_inn(client.inn)
        if existing is None:
            row_id = self._insert("clients", {**record, "created_at": now_iso()})
        else:
            row_id = existing.id
            self._update("clients", row_id, record)
        return dataclasses.replace(client, id=row_id)

    def clients(self) -> list[Client]:
        return [_client(row) for row in self.db.query("SELECT * FROM clients ORDER BY id")]

    def client_by_inn(self, inn: str) -> Client | None:
        rows = list(self.db.query("SELECT * FROM clients WHERE inn = ?", [inn]))
        return _client(rows[0]) if rows else None

    def client_by_sender(self, address: str) -> Client | None:
        """The identified client that registered this address, else its domain."""
        address = address.lower()
        domain = address.rsplit("@", 1)[-1]
        identified = [client for client in self.clients() if client.identified]
        by_address = (c for c in identified if address in c.addresses)
        by_domain = (c for c in identified if domain in c.domains)
        return next(by_address, None) or next(by_domain, None)

    def set_sla(
        self, ticket_id: int, assignment: SlaAssignment, first: str, resolution: str
    ) -> None:
        self._update(
            "tickets",
            ticket_id,
            {
                "client_id": assignment.client.id if assignment.client else None,
                "sla_plan": assignment.plan,
                "sla_reason": assignment.reason,
                "first_response_due": first,
                "resolution_due": resolution,
            },
        )
        self.record_event(
            ticket_id,
            "sla_assigned",
            {"plan": assignment.plan, "reason": assignment.reason, "first_response_due": first},
        )

    def pause_sla(self, ticket_id: int, at: str) -> None:
        self._update("tickets", ticket_id, {"sla_paused_at": at})
        self.record_event(ticket_id, "sla_paused", {"at": at})

    def resume_sla(self, ticket_id: int, first: str | None, resolution: str | None) -> None:
        self._update(
            "tickets",
            ticket_id,
            {"sla_paused_at": None, "first_response_due": first, "resolution_due": resolution},
        )
        self.record_event(ticket_id, "sla_resumed", {"first_response_due": first})

    # -- messages, events, decisions ---------------------------------------------

    def message_known(self, message_id: str) -> bool:
        rows = self.db.query("SELECT 1 FROM messages WHERE message_id = ?", [message_id])
        return any(True for _ in rows)

    def add_message(
        self, ticket_id: int, message: NewMessage, attachments: list[AttachmentRecord]
    ) -> int:
        record = {
            "ticket_id": ticket_id,
            "message_id": message.message_id,
            "in_reply_to": message.in_reply_to,
            "references_": " ".join(message.references),
            "from_email": message.from_email,
            "from_name": message.from_name,
            "subject": message.subject,
            "body_text": message.body_text,
            "body_html": message.body_html,
            "date_header": message.date_header,
            "received_at": now_iso(),
            "source_key": message.source_key,
            "raw_sha256": message.raw_sha256,
        }
        row_id = self._insert("messages", record)
        for attachment in attachments:
            self._insert(
                "attachments",
                {
                    "message_id": row_id,
                    "filename": attachment.filename,
                    "declared_type": attachment.declared_type,
                    "real_type": attachment.real_type,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                    "inline": int(attachment.inline),
                    "members": json.dumps([list(m) for m in attachment.members]),
                    "width": attachment.dimensions[0] if attachment.dimensions else None,
                    "height": attachment.dimensions[1] if attachment.dimensions else None,
                },
            )
        self.record_event(
            ticket_id,
            "message_added",
            {"message_id": message.message_id, "attachments": len(attachments)},
        )
        return row_id

    def messages(self, ticket_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query("SELECT * FROM messages WHERE ticket_id = ? ORDER BY id", [ticket_id])
        )

    def ticket_attachments(self, ticket_id: int) -> list[AttachmentRecord]:
        rows = self.db.query(
            "SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id "
            "WHERE m.ticket_id = ? ORDER BY a.id",
            [ticket_id],
        )
        return [
            AttachmentRecord(
                row["filename"],
                row["declared_type"],
                row["real_type"],
                row["size"],
                row["sha256"],
                bool(row["inline"]),
                tuple((str(name), str(kind)) for name, kind in json.loads(row["members"])),
                (row["width"], row["height"]) if row["width"] is not None else None,
            )
            for row in rows
        ]

    def record_event(self, ticket_id: int | None, kind: str, detail: dict[str, Any]) -> None:
        self._insert(
            "events",
            {
                "ticket_id": ticket_id,
                "at": now_iso(),
                "kind": kind,
                "detail": json.dumps(detail, ensure_ascii=False),
            },
        )

    def events(self, ticket_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query("SELECT * FROM events WHERE ticket_id = ? ORDER BY id", [ticket_id])
        )

    def record_decision(
        self,
        ticket_id: int,
        message_row_id: int,
        outcome: str,
        reasons: list[dict[str, Any]],
        findings: list[dict[str, Any]] | None = None,
    ) -> None:
        self._insert(
            "decisions",
            {
                "ticket_id": ticket_id,
                "message_id": message_row_id,
                "outcome": outcome,
                "reasons": json.dumps(reasons, ensure_ascii=False),
                "findings": json.dumps(findings or [], ensure_ascii=False),
                "created_at": now_iso(),
            },
        )
        self.record_event(ticket_id, "decision", {"outcome": outcome})

    def record_feedback(
        self,
        ticket_id: int,
        verdict: str,
        reason: str | None,
        via: str,
        links: list[str],
        at: str | None = None,
    ) -> None:
        """The customer's verdict on the automatic answer that offered ``links``."""
        if verdict not in (FEEDBACK_SOLVED, FEEDBACK_NOT_HELPFUL):
            raise StoreError(f"unknown feedback verdict {verdict!r}")
        if reason is not None and reason not in FEEDBACK_REASONS:
            raise StoreError(f"unknown feedback reason {reason!r}")
        detail = {"verdict": verdict, "reason": reason, "via": via, "links": links}
        self._insert(
            "events",
            {
                "ticket_id": ticket_id,
                "at": at or now_iso(),
                "kind": "feedback",
                "detail": json.dumps(detail, ensure_ascii=False),
            },
        )

    def feedback(self) -> list[dict[str, Any]]:
        """Every customer verdict on an automatic answer, oldest first, with its ticket."""
        rows = self.db.query(
            "SELECT e.at, e.detail, t.number, t.id AS ticket_id FROM events e"
            " JOIN tickets t ON t.id = e.ticket_id WHERE e.kind = 'feedback' ORDER BY e.id"
        )
        return [
            {
                "at": r["at"],
                "ticket": r["number"],
                "ticket_id": r["ticket_id"],
                **json.loads(r["detail"]),
            }
            for r in rows
        ]

    def decisions(self, ticket_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query("SELECT * FROM decisions WHERE ticket_id = ? ORDER BY id", [ticket_id])
        )

    # -- reports (read-only) ----------------------------------------------------------

    def first_decisions(self, since: str = "") -> list[dict[str, Any]]:
        """Each ticket's first decision with its message's subject and text, oldest first."""
        rows = self.db.query(
            "SELECT d.ticket_id, t.number, t.category, t.intent, t.status, t.sla_plan,"
            " d.outcome, d.reasons, d.created_at, m.subject, m.body_text FROM decisions d"
            " JOIN messages m ON m.id = d.message_id JOIN tickets t ON t.id = d.ticket_id"
            " WHERE d.id IN (SELECT min(id) FROM decisions GROUP BY ticket_id)"
            " AND d.created_at >= ? ORDER BY d.id",
            [since],
        )
        return [{**row, "reasons": json.loads(row["reasons"])} for row in rows]

    def all_decisions(self, since: str = "") -> list[dict[str, Any]]:
        """Every decision (first and follow-up) without message text, oldest first."""
        rows = self.db.query(
            "SELECT ticket_id, outcome, reasons, created_at FROM decisions"
            " WHERE created_at >= ? ORDER BY id",
            [since],
        )
        return [{**row, "reasons": json.loads(row["reasons"])} for row in rows]

    def events_of(self, kinds: tuple[str, ...], since: str = "") -> list[dict[str, Any]]:
        """Events of these kinds, oldest first, with their detail decoded."""
        marks = ", ".join("?" for _ in kinds)
        rows = self.db.query(
            f"SELECT ticket_id, at, kind, detail FROM events WHERE kind IN ({marks})"
            " AND at >= ? ORDER BY id",
            [*kinds, since],
        )
        return [{**row, "detail": json.loads(row["detail"])} for row in rows]

    def outbox_log(self, since: str = "") -> list[dict[str, Any]]:
        """Outgoing mail without its bytes: ticket, kind, status and times, oldest first."""
        return list(
            self.db.query(
                "SELECT id, ticket_id, kind, status, created_at, sent_at FROM outbox"
                " WHERE created_at >= ? ORDER BY id",
                [since],
            )
        )

    # -- intake bookkeeping -------------------------------------------------------

    def source_processed(self, source_key: str) -> bool:
        rows = self.db.query("SELECT 1 FROM intake WHERE source_key = ?", [source_key])
        return any(True for _ in rows)

    def mark_source_processed(
        self, source_key: str, message_id: str | None, outcome: str, ticket_id: int | None
    ) -> None:
        self._insert(
            "intake",
            {
                "source_key": source_key,
                "message_id": message_id,
                "outcome": outcome,
                "ticket_id": ticket_id,
                "processed_at": now_iso(),
            },
            replace=True,
        )

    def quarantine(self, source_key: str, reason: str, raw: bytes, raw_sha256: str) -> int:
        existing = list(
            self.db.query("SELECT id FROM quarantine WHERE source_key = ?", [source_key])
        )
        if existing:
            return int(existing[0]["id"])
        row_id = self._insert(
            "quarantine",
            {
                "source_key": source_key,
                "reason": reason,
                "raw": raw,
                "raw_sha256": raw_sha256,
                "created_at": now_iso(),
            },
        )
        self.record_event(None, "quarantined", {"quarantine_id": row_id, "reason": reason})
        return row_id

    def quarantine_entry(self, quarantine_id: int) -> dict[str, Any]:
        rows = list(self.db.query("SELECT * FROM quarantine WHERE id = ?", [quarantine_id]))
        if not rows:
            raise TriageError(f"в карантине нет письма №{quarantine_id}")
        row = rows[0]
        row["raw"] = bytes(row["raw"])
        return row

    def update_quarantine_reason(self, quarantine_id: int, reason: str) -> None:
        self._update("quarantine", quarantine_id, {"reason": reason})
        self.record_event(
            None, "quarantine_retried", {"quarantine_id": quarantine_id, "reason": reason}
        )

    def mark_released(self, quarantine_id: int, ticket_number: str | None) -> None:
        self._update("quarantine", quarantine_id, {"released_at": now_iso()})
        ticket = self.find_ticket_number(ticket_number) if ticket_number else None
        self.record_event(
            ticket.id if ticket else None, "released", {"quarantine_id": quarantine_id}
        )

    def quarantined(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT id, source_key, reason, raw_sha256, created_at, released_at, "
                "length(raw) AS size FROM quarantine ORDER BY id"
            )
        )

    # -- outbox -------------------------------------------------------------------

    def enqueue_mail(
        self,
        ticket_id: int,
        kind: str,
        message_id: str,
        sender: str,
        recipient: str,
        subject: str,
        raw: bytes,
    ) -> int:
        row_id = self._insert(
            "outbox",
            {
                "ticket_id": ticket_id,
                "kind": kind,
                "message_id": message_id,
                "sender": sender,
                "recipient": recipient,
                "subject": subject,
                "raw": raw,
                "status": "pending",
                "created_at": now_iso(),
            },
        )
        self.record_event(ticket_id, "mail_queued", {"outbox_id": row_id, "kind": kind})
        return row_id

    def pending_mail(self, now: str | None = None, uncertain: bool = False) -> list[OutboxMail]:
        """Mail due for (another) delivery attempt: never tried, or its backoff has passed.

        A mail whose delivery started but was never confirmed (the process died while
        sending) may have reached the customer: it is left out unless ``uncertain``, so
        that a crash never sends a mail twice; an operator decides to resend it.
        """
        now = now or now_iso()
        sending = "sending_since IS NOT NULL" if uncertain else "sending_since IS NULL"
        rows = self.db.query(
            f"SELECT * FROM outbox WHERE status = 'pending' AND {sending} "
            "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id",
            [now],
        )
        return [_outbox_mail(row) for row in rows]

    def mark_mail_sending(self, mail: OutboxMail, uncertain: bool = False) -> bool:
        """Claim a pending mail for one delivery attempt; False if another process
        claimed (or sent) it since it was listed, so two senders never both send it."""
        at = now_iso()
        sql = "UPDATE outbox SET sending_since = ? WHERE id = ? AND status = 'pending' AND "
        with self.transaction():
            if uncertain:
                cursor = self.db.execute(sql + "sending_since <= ?", [at, mail.id, at])
            else:
                cursor = self.db.execute(sql + "sending_since IS NULL", [at, mail.id])
        return cursor.rowcount == 1

    def uncertain_mail(self) -> list[OutboxMail]:
        rows = self.db.query(
            "SELECT * FROM outbox WHERE status = 'pending' AND sending_since IS NOT NULL"
        )
        return [_outbox_mail(row) for row in rows]

    def outbox(self, ticket_id: int | None = None) -> list[OutboxMail]:
        if ticket_id is None:
            rows = self.db.query("SELECT * FROM outbox ORDER BY id")
        else:
            rows = self.db.query(
                "SELECT * FROM outbox WHERE ticket_id = ? ORDER BY id", [ticket_id]
            )
        return [_outbox_mail(row) for row in rows]

    def mark_mail_sent(self, mail: OutboxMail, delivered_to: str) -> None:
        at = now_iso()
        with self.transaction():
            self._update(
                "outbox",
                mail.id,
                {
                    "status": "sent",
                    "sending_since": None,
                    "sent_at": at,
                    "delivered_to": delivered_to,
                    "attempts": mail.attempts + 1,
                    "last_error": None,
                },
            )
            self.record_event(
                mail.ticket_id, "mail_sent", {"outbox_id": mail.id, "kind": mail.kind}
            )
            ticket = self.ticket_by_id(mail.ticket_id)
            if mail.kind in ACKNOWLEDGING_KINDS and ticket.acknowledged_at is None:
                self._update("tickets", mail.ticket_id, {"acknowledged_at": at})
                self.record_event(mail.ticket_id, "acknowledged", {"outbox_id": mail.id})

    def mark_mail_failed(
        self, mail: OutboxMail, error: str, permanent: bool, retry_at: str | None = None
    ) -> None:
        """A failed attempt: permanent failures stay on the ticket; temporary ones wait
        until ``retry_at`` (exponential backoff chosen by the sender)."""
        with self.transaction():
            self._update(
                "outbox",
                mail.id,
                {
                    "status": "failed" if permanent else "pending",
                    "attempts": mail.attempts + 1,
                    "last_error": error,
                    "sending_since": None,
                    "next_attempt_at": None if permanent else retry_at,
                },
            )
            self.record_event(
                mail.ticket_id,
                "mail_failed",
                {"outbox_id": mail.id, "error": error, "permanent": permanent},
            )

    # -- web UI: agents, sessions, assignment, merging, queue views -------------------

    def add_user(self, username: str, password_hash: str, role: str) -> int:
        """A web UI account; an existing username gets the new hash and role."""
        existing = self.user(username)
        with self.transaction():
            if existing is not None:
                self._update(
                    "users", existing["id"], {"password_hash": password_hash, "role": role}
                )
                return int(existing["id"])
            return self._insert(
                "users",
                {
                    "username": username,
                    "password_hash": password_hash,
                    "role": role,
                    "created_at": now_iso(),
                },
            )

    def user(self, username: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM users WHERE username = ?", [username]))
        return rows[0] if rows else None

    def users(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT id, username, role, created_at FROM users ORDER BY id"))

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self.transaction():
            self._update("users", user_id, {"password_hash": password_hash})

    def create_session(self, token_hash: str, user_id: int, expires_at: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM sessions WHERE expires_at < ?", [now_iso()])
            self._insert(
                "sessions",
                {
                    "token_hash": token_hash,
                    "user_id": user_id,
                    "created_at": now_iso(),
                    "expires_at": expires_at,
                },
            )

    def session_user(self, token_hash: str) -> dict[str, Any] | None:
        """The user of an unexpired session, else None."""
        rows = list(
            self.db.query(
                "SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = ? AND s.expires_at > ?",
                [token_hash, now_iso()],
            )
        )
        return rows[0] if rows else None

    def record_login_failure(self, username: str, at: float) -> None:
        """Note a failed login (``at``: Unix time); failures a day old are forgotten."""
        with self.transaction():
            self.db.execute("DELETE FROM login_failures WHERE at < ?", [at - 86400])
            self.db.execute(
                "INSERT INTO login_failures (username, at) VALUES (?, ?)", [username, at]
            )

    def login_failures_since(self, username: str, since: float) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM login_failures WHERE username = ? AND at >= ?",
            [username, since],
        ).fetchone()
        return int(row[0])

    def delete_session(self, token_hash: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM sessions WHERE token_hash = ?", [token_hash])

    def assign(self, ticket_id: int, assignee: str | None, by: str) -> None:
        """Give a ticket to an agent (None: back to the common queue)."""
        current = self.ticket_by_id(ticket_id).assignee
        with self.transaction():
            self._update("tickets", ticket_id, {"assignee": assignee, "updated_at": now_iso()})
            self.record_event(ticket_id, "reassigned", {"from": current, "to": assignee, "by": by})

    def merge_tickets(self, duplicate_id: int, target_id: int, by: str) -> None:
        """Move a duplicate's mail, decisions, credentials and sent mail onto the target.

        The duplicate stays (its number keeps resolving) with status ``merged`` and a
        pointer to the target; both event logs say who merged what.
        """
        if duplicate_id == target_id:
            raise TriageError("заявку нельзя объединить саму с собой")
        duplicate, target = self.ticket_by_id(duplicate_id), self.ticket_by_id(target_id)
        if duplicate.merged_into is not None:
            raise TriageError(f"заявка {duplicate.number} уже объединена с другой")
        if target.merged_into is not None:
            raise TriageError(f"заявка {target.number} сама объединена с другой; объединяйте с той")
        with self.transaction():
            for table in ("messages", "decisions", "secrets", "outbox"):
                self.db.execute(
                    f"UPDATE {table} SET ticket_id = ? WHERE ticket_id = ?",
                    [target_id, duplicate_id],
                )
            self._update(
                "tickets", duplicate_id, {"merged_into": target_id, "updated_at": now_iso()}
            )
            self.record_event(duplicate_id, "merged_into", {"ticket": target.number, "by": by})
            self.record_event(target_id, "merged_from", {"ticket": duplicate.number, "by": by})
            self.set_status(duplicate_id, STATUS_MERGED, f"merged into {target.number} by {by}")

    def find_tickets(
        self,
        statuses: tuple[str, ...] = (STATUS_NEW, STATUS_OPEN),
        category: str = "",
        client_id: int | None = None,
        sla_plan: str = "",
        numbers: tuple[str, ...] | None = None,
    ) -> list[Ticket]:
        """Tickets in one of ``statuses`` matching every other filter given, the nearest
        first-response deadline first."""
        where = [f"status IN ({', '.join('?' * len(statuses)) or 'NULL'})"]
        params: list[Any] = list(statuses)
        for column, value in (("category", category), ("sla_plan", sla_plan)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if client_id is not None:
            where.append("client_id = ?")
            params.append(client_id)
        if numbers is not None:
            where.append(f"number IN ({', '.join('?' * len(numbers)) or 'NULL'})")
            params.extend(numbers)
        rows = self.db.query(
            f"SELECT * FROM tickets WHERE {' AND '.join(where)} "
            "ORDER BY first_response_due IS NULL, first_response_due, id",
            params,
        )
        return [Ticket(**row) for row in rows]

    def automatic_answers(self) -> list[dict[str, Any]]:
        """Every automatic answer the desk queued: to whom, when, its delivery, the ticket."""
        return list(
            self.db.query(
                "SELECT o.id, o.recipient, o.subject, o.status AS delivery, o.created_at, "
                "o.sent_at, t.number, t.status AS ticket_status, t.id AS ticket_id "
                "FROM outbox o JOIN tickets t ON t.id = o.ticket_id "
                "WHERE o.kind = 'answer' ORDER BY o.id DESC"
            )
        )

    def outbox_row(self, outbox_id: int) -> dict[str, Any]:
        rows = list(self.db.query("SELECT * FROM outbox WHERE id = ?", [outbox_id]))
        if not rows:
            raise TriageError(f"нет исходящего письма №{outbox_id}")
        return rows[0]

    def attachment(self, ticket_id: int, attachment_id: int) -> dict[str, Any]:
        """One attachment of a ticket's mail (its row; the bytes are in the vault)."""
        rows = list(
            self.db.query(
                "SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id "
                "WHERE m.ticket_id = ? AND a.id = ?",
                [ticket_id, attachment_id],
            )
        )
        if not rows:
            raise TriageError(f"у этой заявки нет вложения №{attachment_id}")
        return rows[0]

    def message_attachments(self, ticket_id: int) -> list[dict[str, Any]]:
        """Attachment rows of a ticket with the message row each belongs to."""
        return list(
            self.db.query(
                "SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id "
                "WHERE m.ticket_id = ? ORDER BY a.id",
                [ticket_id],
            )
        )

    # -- leases ---------------------------------------------------------------------

    def acquire_lease(
        self, name: str, holder: str, expires_at: str, now: str, stale_holder: str | None = None
    ) -> str:
        """Take the lease ``name`` for ``holder`` until ``expires_at`` if it is free,
        expired (before ``now``), already ours, or held by ``stale_holder`` (a process
        the caller knows is dead). One statement, so two processes cannot both win.
        Returns the holder afterwards: ``holder`` if taken, else who has it."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, "
                "acquired_at = CASE WHEN leases.holder = excluded.holder "
                "THEN leases.acquired_at ELSE excluded.acquired_at END, "
                "expires_at = excluded.expires_at "
                "WHERE leases.holder = excluded.holder OR leases.expires_at <= ? "
                "OR leases.holder = ?",
                [name, holder, now, expires_at, now, stale_holder or ""],
            )
        return str(self.lease(name)["holder"])

    def renew_lease(self, name: str, holder: str, expires_at: str) -> bool:
        """Extend our lease; False if it is no longer ours (it expired and was taken)."""
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?",
                [expires_at, name, holder],
            )
        return cursor.rowcount == 1

    def release_lease(self, name: str, holder: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", [name, holder])

    def lease(self, name: str) -> dict[str, Any]:
        rows = list(self.db.query("SELECT * FROM leases WHERE name = ?", [name]))
        return rows[0] if rows else {}


def _migrate(db: Database) -> None:
    """Apply pending migrations holding the write lock, so that two processes opening
    a new store at the same moment do not both create the same tables."""
    if not migrations.pending(db):
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)  # re-reads what is pending, now under the lock
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def _client(row: dict[str, Any]) -> Client:
    return Client(
        id=row["id"],
        organisation=row["organisation"],
        inn=row["inn"],
        licence=row["licence"],
        sla_plan=row["sla_plan"],
        addresses=tuple(row["addresses"].split()),
        domains=tuple(row["domains"].split()),
        identified=bool(row["identified"]),
    )


def _outbox_mail(row: dict[str, Any]) -> OutboxMail:
    return OutboxMail(
        id=row["id"],
        ticket_id=row["ticket_id"],
        kind=row["kind"],
        message_id=row["message_id"],
        sender=row["sender"],
        recipient=row["recipient"],
        subject=row["subject"],
        raw=bytes(row["raw"]),
        status=row["status"],
        attempts=row["attempts"],
    )
