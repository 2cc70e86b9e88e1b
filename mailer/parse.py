"""Raw RFC 5322 bytes to a ParsedMail.

The parser is forgiving about what real clients send (mislabelled charsets,
broken headers) and strict about one thing: whatever it cannot read raises
MailParseError, so the caller can keep the raw mail instead of losing it.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.policy
import email.utils
import functools
import hashlib
import re
from datetime import datetime
from email.message import EmailMessage, Message

from mailer.archives import list_archive
from mailer.charsets import decode_text
from mailer.errors import MailParseError
from mailer.filetypes import extension_for, image_size, sniff_type
from mailer.html_text import html_to_text
from mailer.message import Address, Attachment, ParsedMail

_MSGID_RE = re.compile(r"<[^<>\s]+>")


@functools.lru_cache(maxsize=4096)
def _parsed_header(name: str, value: str) -> str:
    return email.policy.default.header_fetch_parse(name, value)  # type: ignore[no-any-return]


class _MemoisingPolicy(email.policy.EmailPolicy):
    """``email.policy.default``, with each parsed header memoised by name and raw value.

    The email package parses a header anew on every read, and reading a MIME tree
    reads each part's Content-Type many times (``walk``, ``get_body``, ``is_attachment``):
    about 25 header parses per mail, a fifth of the pipeline's time per mail. Parsed
    headers are immutable ``str`` objects, so one can serve every read of the same text.
    """

    def header_fetch_parse(self, name: str, value: str) -> str:
        if hasattr(value, "name"):  # already a header object
            return value
        return _parsed_header(name, value)


PARSING_POLICY = _MemoisingPolicy()


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse raw message bytes; raise MailParseError when nothing usable is there."""
    if not raw or not raw.strip():
        raise MailParseError("empty message")
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    try:
        msg = email.message_from_bytes(raw, policy=PARSING_POLICY)
    except Exception as exc:  # the email package raises many kinds
        raise MailParseError(f"unreadable MIME structure: {exc}") from exc
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise MailParseError("no headers found")
    try:
        return _build(msg, raw_sha256)
    except MailParseError:
        raise
    except (LookupError, ValueError, TypeError, AttributeError, IndexError,
            email.errors.MessageError) as exc:  # fmt: skip
        raise MailParseError(f"{type(exc).__name__}: {exc}") from exc


def _build(msg: EmailMessage, raw_sha256: str) -> ParsedMail:
    senders = _addresses(msg, "From")
    if not senders:
        senders = _addresses(msg, "Sender") or _addresses(msg, "Return-Path")
    if not senders:
        raise MailParseError("no sender address in From, Sender or Return-Path")
    text, html, body_parts = _body(msg)
    message_id = _first_msgid(_header(msg, "Message-ID")) or (
        f"<{raw_sha256[:32]}@missing-message-id.invalid>"
    )
    return ParsedMail(
        sender=senders[0],
        to=tuple(_addresses(msg, "To")),
        cc=tuple(_addresses(msg, "Cc")),
        subject=_header(msg, "Subject").strip(),
        date=_date(_header(msg, "Date")),
        text=text,
        html=html,
        attachments=tuple(_attachments(msg, body_parts)),
        message_id=message_id,
        in_reply_to=_first_msgid(_header(msg, "In-Reply-To")),
        references=tuple(_MSGID_RE.findall(_header(msg, "References"))),
        headers=tuple((key, _header_value(msg, key, value)) for key, value in msg.raw_items()),
        raw_sha256=raw_sha256,
        reply_to=next(iter(_addresses(msg, "Reply-To")), None),
        encrypted=_encryption(msg, text),
    )


def _header(msg: Message, name: str) -> str:
    if name not in msg:
        return ""
    raw = next((str(v) for k, v in msg.raw_items() if k.lower() == name.lower()), "")
    if raw != _raw_text(raw):
        return _unfold(_decode_words(_raw_text(raw)))
    try:
        return _unfold(str(msg[name]))
    except Exception:  # noqa: BLE001 - a broken header must not lose the mail
        return _decode_words(str(msg.get_all(name, [""])[0]))


def _header_value(msg: Message, name: str, raw_value: object) -> str:
    try:
        return _unfold(_decode_words(_raw_text(str(raw_value))))
    except Exception:  # noqa: BLE001
        return _unfold(str(raw_value))


def _raw_text(value: str) -> str:
    """Undo the surrogate escapes of 8-bit header bytes, guessing their charset."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return _decode_bytes(value.encode("utf-8", "surrogateescape"), None)


def _decode_words(value: str) -> str:
    try:
        decoded = email.header.decode_header(value)
    except email.errors.HeaderParseError:  # a broken encoded-word (found by atheris)
        return value
    parts = []
    for chunk, charset in decoded:
        if isinstance(chunk, bytes):
            parts.append(_decode_bytes(chunk, charset))
        else:
            parts.append(chunk)
    return "".join(parts)


def _unfold(value: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", value)


def _addresses(msg: Message, name: str) -> list[Address]:
    """Addresses parsed before decoding, so that an encoded comma cannot split a name.

    Display names are decoded with the RFC 2047 rule that whitespace between
    adjacent encoded words is dropped (the email package's address parser keeps it).
    """
    raw_values = [str(value) for key, value in msg.raw_items() if key.lower() == name.lower()]
    if not raw_values:
        return []
    found = []
    for display, addr in email.utils.getaddresses([_unfold(_raw_text(v)) for v in raw_values]):
        addr = addr.strip().strip("<>").lower()
        if "@" in addr:
            found.append(Address(email=addr, name=_decode_words(display).strip()))
    return found


def _first_msgid(value: str) -> str | None:
    match = _MSGID_RE.search(value)
    return match.group(0) if match else None


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _decode_bytes(data: bytes, charset: str | None) -> str:
    return decode_text(data, charset)


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload())
    return _decode_bytes(payload, part.get_content_charset())


def _body(msg: EmailMessage) -> tuple[str, str | None, set[int]]:
    """The plain text, the HTML (if any) and the ids of the parts used for them."""
    used: set[int] = set()
    plain_part = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    html = None
    if html_part is not None:
        html = _part_text(html_part)
        used.add(id(html_part))
    if plain_part is not None:
        used.add(id(plain_part))
        text = _part_text(plain_part)
    elif html is not None:
        text = html_to_text(html)
    else:
        text = ""
    forwarded = [
        _forwarded_text(part)
        for part in msg.iter_attachments()
        if part.get_content_type() == "message/rfc822"
    ]
    text = "\n\n".join(chunk for chunk in (text.strip(), *forwarded) if chunk)
    return _normalise_newlines(text), html, used


_PKCS7_MIME = ("application/pkcs7-mime", "application/x-pkcs7-mime")
_PGP_ARMOR = "-----BEGIN PGP MESSAGE-----"


def _encryption(msg: EmailMessage, text: str) -> str:
    """How the mail's own text is locked away: "S/MIME" (an enveloped, or opaquely
    signed, PKCS #7 body: Outlook with CryptoPro, Thunderbird), "OpenPGP"
    (multipart/encrypted or an armored message as the text), or "" when it can be read.
    A detached signature (multipart/signed with smime.p7s) leaves the text readable."""
    if text.strip() and not text.lstrip().startswith(_PGP_ARMOR):
        return ""
    if msg.get_content_type() == "multipart/encrypted" or _PGP_ARMOR in text:
        return "OpenPGP"
    for part in msg.walk():
        if part.get_content_type() in _PKCS7_MIME:
            return "S/MIME"
    return ""


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _attachments(msg: EmailMessage, body_parts: set[int]) -> list[Attachment]:
    found = []
    for index, part in enumerate(msg.walk()):
        rfc822 = part.get_content_type() == "message/rfc822"
        if (part.is_multipart() and not rfc822) or id(part) in body_parts:
            continue
        content_type = part.get_content_type()
        filename = _filename(part)
        if content_type in ("text/plain", "text/html") and not filename:
            continue
        if content_type in _REPORT_PARTS:
            continue  # the machinery of a delivery report, read by mailer.dsn
        payload: object = (
            _rfc822_bytes(part)  # its own parts are walked (and listed) too
            if content_type == "message/rfc822"
            else part.get_payload(decode=True)
        )
        if not isinstance(payload, bytes):
            continue
        real = sniff_type(payload, content_type)
        listing = list_archive(payload, real)
        found.append(
            Attachment(
                filename=filename or f"attachment-{index}{extension_for(real)}",
                declared_type=content_type,
                real_type=real,
                size=len(payload),
                sha256=hashlib.sha256(payload).hexdigest(),
                content=payload,
                inline=(part.get_content_disposition() or "inline") == "inline",
                members=listing.members if listing else (),
                archive_problem=listing.problem if listing else "",
                dimensions=image_size(payload, real),
            )
        )
    return found


_REPORT_PARTS = ("message/delivery-status", "text/rfc822-headers", "message/rfc822-headers")


def _rfc822_bytes(part: Message) -> bytes | None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else payload
    if not isinstance(inner, Message):
        return None
    try:
        return inner.as_bytes()
    except Exception:  # noqa: BLE001 - an unserialisable part: keep the rest
        return None


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    if name and "\ufffd" in name:
        name = _raw_8bit_filename(part) or name
    if not name:
        return ""
    name = _decode_words(name) if "=?" in name else name
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


def _raw_8bit_filename(part: Message) -> str | None:
    """A filename written in raw 8-bit bytes (1C, old Outlook Express): the email package
    replaces them with U+FFFD, so the raw header is decoded with a guessed charset."""
    for header, param in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        raw = next((str(v) for k, v in part.raw_items() if k.lower() == header.lower()), "")
        if not raw:
            continue
        holder = Message()
        holder[header] = _unfold(_raw_text(raw))
        value = holder.get_param(param, header=header)
        if isinstance(value, str) and value:
            return email.utils.unquote(value)
    return None


def _forwarded_text(part: Message) -> str:
    """A forwarded message/rfc822 part as a quoted block: who wrote it, when, and its text."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else payload
    if not isinstance(inner, EmailMessage):
        return ""
    text, _, _ = _body(inner)
    head = "\n".join(
        f"{name}: {_header(inner, name)}" for name in ("From", "Date", "Subject") if name in inner
    )
    return f"-------- Forwarded message --------\n{head}\n\n{text}".strip()
