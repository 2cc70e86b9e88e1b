"""Mail in and out: IMAP and .eml intake, parsing, reply templates, SMTP delivery."""

from mailer.automatic import automatic_reasons
from mailer.compose import (
    OutgoingMail,
    RenderedMail,
    TemplateRenderer,
    new_message_id,
    ticket_tag_from_message_id,
)
from mailer.eml_source import EmlFile, read_eml_folder
from mailer.errors import (
    DeliveryError,
    MailboxError,
    MailerError,
    MailParseError,
    PermanentDeliveryError,
)
from mailer.imap_source import FetchedMail, ImapMailbox
from mailer.language import reply_language
from mailer.message import Address, Attachment, ParsedMail
from mailer.parse import parse_mail
from mailer.quotes import ReplyParts, forwarded_message, split_reply
from mailer.settings import ImapSettings, SmtpSettings
from mailer.spam import SpamVerdict, spam_verdict
from mailer.transport import DirectoryTransport, SmtpTransport, Transport, make_transport

__all__ = [
    "Address",
    "Attachment",
    "DeliveryError",
    "DirectoryTransport",
    "EmlFile",
    "FetchedMail",
    "ImapMailbox",
    "ImapSettings",
    "MailParseError",
    "MailboxError",
    "MailerError",
    "OutgoingMail",
    "ParsedMail",
    "PermanentDeliveryError",
    "RenderedMail",
    "ReplyParts",
    "SmtpSettings",
    "SmtpTransport",
    "SpamVerdict",
    "TemplateRenderer",
    "Transport",
    "automatic_reasons",
    "forwarded_message",
    "make_transport",
    "new_message_id",
    "parse_mail",
    "read_eml_folder",
    "reply_language",
    "spam_verdict",
    "split_reply",
    "ticket_tag_from_message_id",
]
