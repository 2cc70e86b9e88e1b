"""Exceptions raised by the triage package.

TriageError
├── StoreError          the ticket store cannot be opened or written
└── TicketNotFoundError      no ticket has the number asked for
"""


class TriageError(Exception):
    """Base class for every error of the triage package."""


class StoreError(TriageError):
    """The SQLite ticket store failed."""


class TicketNotFoundError(TriageError):
    """No ticket with that number."""

    def __str__(self) -> str:
        return f"заявка {self.args[0]} не найдена" if self.args else "заявка не найдена"
