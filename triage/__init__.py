"""Triage: threading, decisions and the ticket store."""

from triage.attachment_vault import AttachmentVault
from triage.classify import (
    LabelledRequest,
    ModelError,
    Prediction,
    RequestClassifier,
    evaluate,
    load_requests,
)
from triage.decision import Decision, Evidence, Outcome, Reason, decide
from triage.errors import StoreError, TicketNotFoundError, TriageError
from triage.settings import ClassifierSettings, DecisionSettings, DeskSettings, StoreSettings
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
    "ClassifierSettings",
    "Decision",
    "DecisionSettings",
    "DeskSettings",
    "Evidence",
    "LabelledRequest",
    "ModelError",
    "NewMessage",
    "OutboxMail",
    "Outcome",
    "Prediction",
    "Reason",
    "RequestClassifier",
    "StoreError",
    "StoreSettings",
    "Ticket",
    "TicketNotFoundError",
    "TicketStore",
    "TriageError",
    "decide",
    "evaluate",
    "find_ticket_number",
    "load_requests",
]
