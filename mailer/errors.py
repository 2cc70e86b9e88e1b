"""Exceptions raised by the mailer package.

MailerError
├── MailParseError      a message could not be turned into a ParsedMail
├── MailboxError        the IMAP server refused or dropped a command
└── DeliveryError       an outgoing message could not be handed over
    └── PermanentDeliveryError   the server rejected it for good (5xx)
"""


class MailerError(Exception):
    """Base class for every error of the mailer package."""


class MailParseError(MailerError):
    """The bytes are not a message we can read; the raw mail must be kept."""


class MailboxError(MailerError):
    """An IMAP operation failed."""


class DeliveryError(MailerError):
    """Handing a message to the SMTP server (or the outbox folder) failed."""


class PermanentDeliveryError(DeliveryError):
    """The server refused the message with a permanent (5xx) reply."""
