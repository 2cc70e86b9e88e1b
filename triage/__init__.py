"""Triage: threading, decisions and the ticket store."""

from triage.attachment_vault import AttachmentVault
from triage.decision import Decision, Outcome, Reason, decide
from triage.errors import StoreError, TicketNotFoundError, TriageError
from triage.settings import DecisionSettings, DeskSettings, StoreSettings
from triage.store import (
    AttachmentRecord,
    NewMessage,
    OutboxMail,
    Ticket,
    TicketStore,
)
from triage.ticket_tags import find_ticket_number

__all__ = [
    "AttachmentRecord",
    "AttachmentVault",
    "Decision",
    "DecisionSettings",
    "DeskSettings",
    "NewMessage",
    "OutboxMail",
    "Outcome",
    "Reason",
    "StoreError",
    "StoreSettings",
    "Ticket",
    "TicketNotFoundError",
    "TicketStore",
    "TriageError",
    "decide",
    "find_ticket_number",
]
