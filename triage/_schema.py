"""The ticket store's schema, as ordered sqlite-utils migrations.

Never edit an applied migration; add a new one below it.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("triage")


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            number TEXT UNIQUE,
            subject TEXT NOT NULL,
            requester_email TEXT NOT NULL,
            requester_name TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            acknowledged_at TEXT
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            message_id TEXT NOT NULL UNIQUE,
            in_reply_to TEXT,
            references_ TEXT NOT NULL DEFAULT '',
            from_email TEXT NOT NULL,
            from_name TEXT NOT NULL DEFAULT '',
            subject TEXT NOT NULL,
            body_text TEXT NOT NULL,
            body_html TEXT,
            date_header TEXT,
            received_at TEXT NOT NULL,
            source_key TEXT NOT NULL,
            raw_sha256 TEXT NOT NULL
        );
        CREATE INDEX messages_ticket ON messages(ticket_id);
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES messages(id),
            filename TEXT NOT NULL,
            declared_type TEXT NOT NULL,
            real_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            inline INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX attachments_message ON attachments(message_id);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER REFERENCES tickets(id),
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_ticket ON events(ticket_id);
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            message_id INTEGER NOT NULL REFERENCES messages(id),
            outcome TEXT NOT NULL,
            reasons TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            kind TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            sender TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            raw BLOB NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            delivered_to TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX outbox_status ON outbox(status);
        CREATE TABLE intake (
            source_key TEXT PRIMARY KEY,
            message_id TEXT,
            outcome TEXT NOT NULL,
            ticket_id INTEGER REFERENCES tickets(id),
            processed_at TEXT NOT NULL
        );
        CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            source_key TEXT NOT NULL UNIQUE,
            reason TEXT NOT NULL,
            raw BLOB NOT NULL,
            raw_sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            released_at TEXT
        );
        """,
    )


@migrations(name="0002_ticket_classification")
def _ticket_classification(db: Database) -> None:
    _run(
        db,
        """
        ALTER TABLE tickets ADD COLUMN category TEXT;
        ALTER TABLE tickets ADD COLUMN intent TEXT
        """,
    )


@migrations(name="0003_archive_members")
def _archive_members(db: Database) -> None:
    db.execute("ALTER TABLE attachments ADD COLUMN members TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE decisions ADD COLUMN findings TEXT NOT NULL DEFAULT '[]'")


@migrations(name="0004_clients_and_sla")
def _clients_and_sla(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE clients (
            id INTEGER PRIMARY KEY,
            organisation TEXT NOT NULL,
            inn TEXT NOT NULL UNIQUE,
            licence TEXT NOT NULL DEFAULT '',
            sla_plan TEXT NOT NULL DEFAULT 'basic',
            addresses TEXT NOT NULL DEFAULT '',
            domains TEXT NOT NULL DEFAULT '',
            identified INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        ALTER TABLE tickets ADD COLUMN client_id INTEGER REFERENCES clients(id);
        ALTER TABLE tickets ADD COLUMN sla_plan TEXT;
        ALTER TABLE tickets ADD COLUMN sla_reason TEXT;
        ALTER TABLE tickets ADD COLUMN first_response_due TEXT;
        ALTER TABLE tickets ADD COLUMN resolution_due TEXT;
        ALTER TABLE tickets ADD COLUMN sla_paused_at TEXT
        """,
    )


@migrations(name="0005_secrets_search_closing")
def _secrets_search_closing(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE secrets (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            message_id INTEGER NOT NULL REFERENCES messages(id),
            kind TEXT NOT NULL,
            sealed BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        ALTER TABLE tickets ADD COLUMN closed_at TEXT;
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            subject, body_text, content='messages', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts(rowid, subject, body_text)
            VALUES (new.id, new.subject, new.body_text);
        END;
        CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, subject, body_text)
            VALUES ('delete', old.id, old.subject, old.body_text);
        END;
        CREATE TRIGGER messages_fts_update AFTER UPDATE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, subject, body_text)
            VALUES ('delete', old.id, old.subject, old.body_text);
            INSERT INTO messages_fts(rowid, subject, body_text)
            VALUES (new.id, new.subject, new.body_text);
        END;
        INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')
        """,
    )


@migrations(name="0006_bounces")
def _bounces(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE bounces (
            id INTEGER PRIMARY KEY,
            address TEXT NOT NULL,
            status TEXT NOT NULL,
            permanent INTEGER NOT NULL,
            ticket_id INTEGER REFERENCES tickets(id),
            at TEXT NOT NULL
        );
        CREATE INDEX bounces_address ON bounces(address);
        CREATE INDEX outbox_recipient ON outbox(recipient, created_at)
        """,
    )


@migrations(name="0007_corrections")
def _corrections(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            category TEXT NOT NULL,
            intent TEXT NOT NULL,
            by TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """,
    )


@migrations(name="0008_outbox_backoff")
def _outbox_backoff(db: Database) -> None:
    db.execute("ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT")


@migrations(name="0009_outbox_sending")
def _outbox_sending(db: Database) -> None:
    db.execute("ALTER TABLE outbox ADD COLUMN sending_since TEXT")


@migrations(name="0010_web_users_sessions")
def _web_users_sessions(db: Database) -> None:
    """Agents of the web UI (argon2 hashes, a role) and their login sessions."""
    _run(
        db,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )
        """,
    )


@migrations(name="0011_ticket_assignee_merge")
def _ticket_assignee_merge(db: Database) -> None:
    """Who works a ticket, and which ticket a duplicate was merged into."""
    _run(
        db,
        """
        ALTER TABLE tickets ADD COLUMN assignee TEXT;
        ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets(id)
        """,
    )


@migrations(name="0013_poller_leases")
def _poller_leases(db: Database) -> None:
    """One row per mailbox: which poller process may process it, and until when."""
    _run(
        db,
        """
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            acquired_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )
        """,
    )


@migrations(name="0014_lookup_indexes")
def _lookup_indexes(db: Database) -> None:
    """Indexes for lookups every mail or poll makes (they scanned whole tables): the
    automatic-mail limit per ticket, a quarantined source, quiet answered tickets."""
    _run(
        db,
        """
        CREATE INDEX outbox_ticket ON outbox(ticket_id, created_at);
        CREATE INDEX decisions_ticket ON decisions(ticket_id);
        CREATE INDEX secrets_ticket ON secrets(ticket_id);
        CREATE INDEX quarantine_source ON quarantine(source_key);
        CREATE INDEX tickets_status ON tickets(status, updated_at);
        CREATE INDEX events_kind ON events(kind)
        """,
    )


@migrations(name="0015_login_failures")
def _login_failures(db: Database) -> None:
    """Failed web logins by user name, so that throttling holds across restarts and
    across server processes (it was kept in one process's memory)."""
    _run(
        db,
        """
        CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX login_failures_user ON login_failures(username, at)
        """,
    )


@migrations(name="0016_image_dimensions")
def _image_dimensions(db: Database) -> None:
    """Pixel size of attached images: a signature's logo is no screenshot."""
    db.execute("ALTER TABLE attachments ADD COLUMN width INTEGER")
    db.execute("ALTER TABLE attachments ADD COLUMN height INTEGER")


def _run(db: Database, script: str) -> None:
    """Statement by statement: executescript() would commit the migration's transaction.

    Statements end with ";" at the end of a line; a trigger body keeps its inner ones.
    """
    for statement in _statements(script):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    statements, current, depth = [], [], 0
    for line in script.splitlines():
        current.append(line)
        stripped = line.strip().upper()
        depth += stripped.endswith("BEGIN")
        if stripped.startswith("END;"):
            depth -= 1
        if depth == 0 and stripped.endswith(";"):
            statements.append("\n".join(current).strip().rstrip(";"))
            current = []
    rest = "\n".join(current).strip()
    if rest:
        statements.append(rest)
    return [s for s in statements if s]
