"""Writing our own outgoing mail as bytes, without the email package's generator.

The desk writes one reply per incoming mail, and ``EmailMessage.as_bytes`` with
the SMTP policy spent about 3 ms on each (most of it re-parsing and refolding
headers it had just been given), a large share of a mail's whole budget. Our
mail has one fixed shape (a text part and its HTML rendering in
multipart/alternative, UTF-8, quoted-printable) and headers we compose
ourselves, so it is written here directly:

- non-ASCII header text as RFC 2047 base64 encoded words of at most 75
  characters, split between characters, never inside one;
- addresses through ``email.utils.formataddr`` (which quotes and encodes names);
- long header values folded at spaces; every line under 78 characters;
- bodies by ``binascii.b2a_qp`` (RFC 2045 quoted-printable), CRLF line ends.

The result is parsed back by the tests with the email package's strict policy.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import secrets
from collections.abc import Sequence

from mailer.message import Address

CRLF = "\r\n"
_WORD_BYTES = 45  # utf-8 bytes per encoded word: base64 60 chars + 12 of framing = 72
_LINE = 76


def encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 encoded words (base64, UTF-8), split between characters."""
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for char in text:
        length = len(char.encode("utf-8"))
        if size + length > _WORD_BYTES and chunk:
            words.append(_word("".join(chunk)))
            chunk, size = [], 0
        chunk.append(char)
        size += length
    if chunk:
        words.append(_word("".join(chunk)))
    return words


def _word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def unstructured(name: str, value: str) -> str:
    """A header line for free text (Subject): the ASCII words up to the first other one
    as they are (so "Re: [WA-000123]" stays readable), the rest as encoded words."""
    words = value.split()
    plain = next((n for n, word in enumerate(words) if not word.isascii()), len(words))
    rest = " ".join(words[plain:])
    return fold(name, [*words[:plain], *(encoded_words(rest) if rest else [])])


def address(name: str, mailbox: Address) -> str:
    """A header line for one address, its display name (whitespace runs made one space)
    quoted or encoded as needed."""
    display = " ".join(mailbox.name.split())
    # One encoded word for the whole name, however long: parsers put a space between
    # adjacent encoded words of a display name. Lines stay far under 998 characters.
    phrase, _, angle = email.utils.formataddr((display, mailbox.email), "utf-8").rpartition(" <")
    return fold(name, [phrase, f"<{angle}"] if phrase else [f"<{mailbox.email}>"])


def fold(name: str, tokens: Sequence[str]) -> str:
    """``Name: token token ...`` folded with CRLF + space before a line would pass 76."""
    lines, line = [], f"{name}:"
    for token in tokens:
        if not token:
            continue
        if len(line) + 1 + len(token) > _LINE and line != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + token
    lines.append(line)
    return (CRLF).join(lines)


def quoted_printable(text: str) -> str:
    """UTF-8 text as quoted-printable with CRLF line ends (soft breaks at 76)."""
    encoded = binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True)
    return encoded.decode("ascii").replace("\n", CRLF)


def alternative_mail(headers: Sequence[str], text: str, html: str) -> bytes:
    """A multipart/alternative mail: ``headers`` (complete lines, no line ends), the
    text part and the HTML part."""
    boundary = "=_wa_" + secrets.token_hex(10)
    parts = []
    for subtype, body in (("plain", text), ("html", html)):
        parts.append(
            f"--{boundary}{CRLF}"
            f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
            f"Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}"
            f"{quoted_printable(body)}{CRLF}"
        )
    head = CRLF.join(
        [
            *headers,
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
        ]
    )
    return f"{head}{CRLF}{CRLF}{''.join(parts)}--{boundary}--{CRLF}".encode("ascii")
