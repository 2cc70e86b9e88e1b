"""The first, store-free half of intake: parse a mail and look its question up.

Parsing, the documentation lookup and the classifier read only the mail and the
loaded models, never the ticket store, so a burst of mail can be prepared in
parallel (``desk.workers``) while one process threads, decides and commits in
order. The lookup and the prediction are computed ahead only for a mail that
looks like a new request: no ticket tag in the subject, no reference to
earlier mail, not machine-written. For any other mail they are left out and
intake computes them itself if the mail does turn out to open a ticket, so
preparing ahead never changes an outcome.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from faq_index import DocsAnswerer, Lookup
from faq_index.docx import docx_text
from faq_index.pdf import pdf_text
from mailer import (
    MailParseError,
    ParsedMail,
    automatic_reasons,
    forwarded_message,
    parse_mail,
    spam_verdict,
    split_reply,
)
from triage import AttachmentRecord, DeskSettings, RequestClassifier, find_ticket_number
from triage.classify import Prediction
from triage.rules import AttachedFile, Finding, PolicySettingsView, RequestContent, check_request

log = logging.getLogger(__name__)


MIN_OWN_WORDS = 12  # as the description rule: a mail of fewer words may say "see the file"
MAX_LETTER_BYTES = 5 * 1024 * 1024
MAX_LETTER_CHARS = 20_000


def _attached_mail_text(content: bytes) -> str:
    """A mail forwarded as an attachment (Outlook's and Thunderbird's "forward as
    attachment"): what its writer wrote."""
    try:
        return parse_mail(content).new_text
    except MailParseError:
        return ""


_LETTER_READERS: dict[str, Callable[[bytes], str]] = {
    ".docx": docx_text,
    ".pdf": pdf_text,
    ".eml": _attached_mail_text,
}


def attached_letter(mail: ParsedMail, own: str | None = None) -> str:
    """The text of a file that carries the request when the mail itself (``own``: what
    the customer wrote, if already read) says next to nothing ("Добрый день! Обращение
    во вложении."): a letter in Word or PDF (with a text layer; a scan has none), or a
    mail forwarded as an attachment. Not a text file: that is a log, whose many words
    describe nothing. "" when the mail has words of its own or no such file."""
    if len((mail.new_text if own is None else own).split()) >= MIN_OWN_WORDS:
        return ""
    for attachment in mail.attachments:
        suffix = Path(attachment.filename.lower()).suffix
        read = _LETTER_READERS.get(suffix)
        if read is None or attachment.size > MAX_LETTER_BYTES:
            continue
        if attachment.inline and suffix != ".eml":  # a forwarded mail often has no disposition
            continue
        text = read(attachment.content)
        if len(text.split()) >= MIN_OWN_WORDS:
            return text[:MAX_LETTER_CHARS]
    return ""


def own_text(mail: ParsedMail, not_from: str = "") -> str:
    """What the customer wrote now (no quoted thread, no signature), the message they
    forward (unless it is ours: ``not_from``, the support address), and the letter
    they attached instead, if that is where the request is."""
    text = customer_text(mail.text, mail.subject, not_from) or mail.text
    letter = attached_letter(mail, text)
    return f"{text}\n\n{letter}" if letter else text


def customer_text(body: str, subject: str = "", not_from: str = "") -> str:
    """A mail's own words and those of the message it forwards (``forwarded_message``);
    "" when everything in it is quoted."""
    parts = split_reply(body)
    forwarded = forwarded_message(parts, subject, not_from) if parts.new_text else ""
    return f"{parts.new_text}\n\n{forwarded}" if forwarded else parts.new_text


_FORM_FIELD = re.compile(r"^\s*([^\W\d][\w .()/-]{0,40}?)\s*:\s*(.*)$")
# The field that holds the question, and the contact fields that make the lines a form.
_FORM_MESSAGE = re.compile(
    r"(?i)^(сообщение|вопрос|ваш вопрос|комментарий|текст( обращения| сообщения)?|описание"
    r"( проблемы)?|обращение|message|comment|question|your question)$"
)
_FORM_CONTACT = re.compile(r"(?i)^(имя|ваше имя|фио|name|your name|e-?mail|почта|телефон|phone)$")
MIN_FORM_FIELDS = 3


def form_message(text: str) -> str:
    """The message field of a web form's mail ("Имя: …", "Телефон: …", "Сообщение: …", as
    Bitrix24, Tilda, Contact Form 7 and Yandex Forms send them); "" when the text is not
    such a form. The name, phone and company fields say nothing about the question."""
    lines = text.splitlines()
    fields = [(n, m) for n, line in enumerate(lines) if (m := _FORM_FIELD.match(line))]
    labels = [match.group(1).strip() for _, match in fields]
    if len(fields) < MIN_FORM_FIELDS or not any(_FORM_CONTACT.match(x) for x in labels):
        return ""  # a report with "Версия: …", "Шаги: …" lines is read whole
    for at, (n, match) in enumerate(fields):
        if _FORM_MESSAGE.match(match.group(1).strip()):
            end = fields[at + 1][0] if at + 1 < len(fields) else len(lines)
            body = [match.group(2), *lines[n + 1 : end]]
            cut = next((i for i, line in enumerate(body) if line.strip() == "--"), len(body))
            return "\n".join(body[:cut]).strip()
    return ""


def question_text(mail: ParsedMail, own: str | None = None) -> str:
    """Subject and what the customer wrote now (``own``: its ``own_text``, if already
    read); of a web form's mail, its message field."""
    text = own_text(mail) if own is None else own
    return f"{mail.subject}\n{form_message(text) or text}"


def attachment_records(mail: ParsedMail) -> list[AttachmentRecord]:
    """The mail's attachments as the store records them."""
    return [
        AttachmentRecord(
            a.filename,
            a.declared_type,
            a.real_type,
            a.size,
            a.sha256,
            a.inline,
            tuple((m.name, m.real_type) for m in a.members),
            a.dimensions,
        )
        for a in mail.attachments
    ]


def attached_files(records: list[AttachmentRecord]) -> tuple[AttachedFile, ...]:
    """Attachment records as the policy rules read them."""
    return tuple(
        AttachedFile(a.filename, a.real_type, a.size, a.members, a.inline, a.dimensions)
        for a in records
    )


def first_mail_content(mail: ParsedMail, own: str | None = None) -> RequestContent:
    """What the policy rules read of a request that opens a ticket: this mail alone
    (``own``: its ``own_text``, if already read)."""
    text = own_text(mail) if own is None else own
    return RequestContent(mail.subject, (text,), attached_files(attachment_records(mail)))


@dataclass(frozen=True)
class Evaluated:
    """The store-free evidence about a mail's question, computed ahead."""

    lookup: Lookup | None  # None: no documentation index is loaded
    prediction: Prediction | None  # None: no classifier is loaded
    findings: tuple[Finding, ...] | None = None  # the policy checks, if the mail opens a ticket
    own: str | None = None  # what the customer wrote (``own_text``), as read for them


@dataclass(frozen=True)
class PreparedMail:
    raw: bytes
    source_key: str
    mail: ParsedMail | None  # None: the mail could not be parsed (see parse_error)
    parse_error: str = ""
    evaluated: Evaluated | None = None  # None: not computed ahead


class Preparer:
    """Parses mail and evaluates the questions of mail that looks like a new request."""

    def __init__(
        self,
        docs: DocsAnswerer | None,
        classifier: RequestClassifier | None,
        desk: DeskSettings,
        policy: PolicySettingsView,
        k: int = 5,
    ) -> None:
        self.docs = docs
        self.classifier = classifier
        self.desk = desk
        self.policy = policy
        self.k = k

    def evaluate(self, questions: Sequence[str]) -> list[Evaluated]:
        """Lookup and prediction for each question (the classifier reads them as one batch)."""
        lookups: list[Lookup | None] = [
            self.docs.lookup(q, k=self.k) if self.docs is not None else None for q in questions
        ]
        predictions: list[Prediction | None] = (
            list(self.classifier.predict(questions))
            if self.classifier is not None and questions
            else [None] * len(questions)
        )
        return [Evaluated(lk, p) for lk, p in zip(lookups, predictions, strict=True)]

    def prepare(
        self, items: Sequence[tuple[bytes, str]], released: bool = False, evaluate: bool = True
    ) -> list[PreparedMail]:
        """Parse every ``(raw, source_key)`` and (``evaluate``) evaluate the likely new
        requests among them.

        Never raises for a bad mail: a parse failure is kept in ``parse_error`` and
        any failure of the evaluation leaves ``evaluated`` out, so intake repeats it
        and handles the error the way it handles any other.
        """
        prepared: list[PreparedMail] = []
        for raw, key in items:
            try:
                prepared.append(PreparedMail(raw, key, parse_mail(raw)))
            except MailParseError as exc:
                prepared.append(PreparedMail(raw, key, None, str(exc)))
        wanted = [
            n
            for n, item in enumerate(prepared)
            if evaluate and item.mail is not None and self._looks_new(item.mail, released)
        ]
        if not wanted:
            return prepared
        mails = [mail for n in wanted if (mail := prepared[n].mail) is not None]
        try:
            # a letter is read once
            read = [(mail, own_text(mail, self.desk.support_address)) for mail in mails]
            evaluated = self.evaluate([question_text(m, own) for m, own in read])
            findings = [
                tuple(check_request(first_mail_content(m, own), self.policy)) for m, own in read
            ]
        except Exception:  # intake repeats the work and quarantines the mail that fails
            log.debug("evaluation ahead failed; intake will repeat it", exc_info=True)
            return prepared
        for n, value, checks, (_, own) in zip(wanted, evaluated, findings, read, strict=True):
            item = prepared[n]
            value = Evaluated(value.lookup, value.prediction, checks, own)
            prepared[n] = PreparedMail(item.raw, item.source_key, item.mail, "", value)
        return prepared

    def _looks_new(self, mail: ParsedMail, released: bool) -> bool:
        if find_ticket_number(mail.subject, self.desk.ticket_prefix) is not None:
            return False
        if mail.thread_ids():
            return False
        if released:
            return True
        if spam_verdict(mail).is_spam:
            return False
        return not automatic_reasons(mail, self.desk.message_id_domain, self.desk.support_address)
