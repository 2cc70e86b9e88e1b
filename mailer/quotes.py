"""Separating what the customer wrote now from the quoted thread and the signature.

Covers the quote headers of the clients our customers use, in Russian and
English: Outlook ("-----Original Message-----", "-----Исходное сообщение-----",
"От: … Отправлено: …", "From: … Sent: …"), Gmail ("пн, 24 нояб. 2026 г. в 10:00,
Имя <addr>:", "On … wrote:"), Yandex and Mail.ru ("24.11.2026, 10:00, "Имя" <addr>:",
"… написал(а):", Mail.ru's "Понедельник, 24 ноября 2026, 10:00 +03:00 от Имя <addr>:"),
Android Gmail ("пн, 24 нояб. 2026 г., 10:00 Имя <addr>:"), Thunderbird ("24.11.2026 10:00,
Имя пишет:", with the reply above or below the quote), ">"-quoted lines,
phone footers ("Отправлено с iPhone") and the "-- " signature separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTE_HEADER = re.compile(
    r"""^\s*(?:
        -{2,}\s*(?:original\s+message|исходное\s+сообщение|пересылаемое\s+сообщение|
                 forwarded\s+message|переслан\w*\s+сообщени\w*)\s*-{2,}
      | (?:от|from)\s*:\s*.+@.+
      | (?:от|from)\s*:\s*[^\n]{2,80}$
      | begin\s+forwarded\s+message:\s*$ | начало\s+переадресованного\s+сообщения:\s*$
      | on\s.{5,120}\swrote:\s*$
      | .{0,120}\s(?:написал|написала|написал\(а\)|пишет|wrote)\s*:\s*$
      | (?:понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|
           пн|вт|ср|чт|пт|сб|вс|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,\s+\d{1,2}\s+\S+\.?\s+
        \d{4}\s*(?:г\.)?,?\s*(?:в|at)?\s*\d{1,2}:\d{2}.{0,160}:\s*$
      | \d{1,2}[./]\d{1,2}[./]\d{2,4},?\s+\d{1,2}:\d{2}.{0,120}[:>]\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A forward's own marker line (Gmail, Yandex, Mail.ru, Thunderbird, Apple Mail).
_FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:пересылаемое|пересланное|переадресованное|forwarded)\s+"
    r"(?:сообщение|message)\s*-{2,}|begin\s+forwarded\s+message:|"
    r"начало\s+переадресованного\s+сообщения:)\s*$",
    re.IGNORECASE,
)
# Outlook forwards under its reply header ("От: … Отправлено: …"); its subject says which.
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|пересл\w*|перес)\s*:", re.IGNORECASE)
_FORWARD_END = re.compile(r"^\s*-{2,}\s*(?:конец|end\s+of)\b", re.IGNORECASE)
_SENDER_FIELD = re.compile(r"^\s*(?:от|от кого|from)\s*:", re.IGNORECASE)
# The header lines of the forwarded mail, from its sender to its subject.
_HEADER_FIELD = re.compile(
    r"^\s*(?:от|от кого|from|отправлено|sent|дата|date|кому|to|копия|cc|тема|subject|"
    r"reply-to)\s*:",
    re.IGNORECASE,
)
_DATED_START = re.compile(r"^\s*(?:on\s|\w+\.?,\s+\d|\d{1,2}[./\s])", re.IGNORECASE)
_SIGNATURE = re.compile(
    r"^\s*(?:--\s*|отправлено\s+(?:с|из)\s+.{2,40}|sent\s+from\s+(?:my\s+)?.{2,40}|"
    r"получено\s+с\s+.{2,40}|best\s+regards,?|kind\s+regards,?|с\s+уважением,?.{0,60})$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReplyParts:
    new_text: str
    signature: str
    quoted: str


def split_reply(text: str) -> ReplyParts:
    lines = text.splitlines()
    cut = len(lines)
    for number, line in enumerate(lines):
        if _QUOTE_HEADER.match(line) or (
            line.lstrip().startswith(">") and _rest_is_quoted(lines[number:])
        ):
            cut = number
            break
        if _wrapped_quote_header(lines, number):
            cut = number
            break
    own, quoted = lines[:cut], lines[cut:]
    tail_start, tail_end = _bottom_posted(lines, cut)
    if tail_start < tail_end:  # Thunderbird's default: the reply below the quote
        own = [*own, *lines[tail_start:tail_end]]
        quoted = [*lines[cut:tail_start], *lines[tail_end:]]
    signature_at = next(
        (n for n, line in enumerate(own) if _SIGNATURE.match(line) and n > 0), len(own)
    )
    return ReplyParts(
        new_text="\n".join(own[:signature_at]).strip(),
        signature="\n".join(own[signature_at:]).strip(),
        quoted="\n".join(quoted).strip(),
    )


def _bottom_posted(lines: list[str], cut: int) -> tuple[int, int]:
    """Lines written below a ">"-quoted block (start, end); an empty range when none.

    Only a ">" block counts: a non-quoted Outlook-style original runs to the end.
    """
    if cut >= len(lines):
        return cut, cut
    position = cut if lines[cut].lstrip().startswith(">") else cut + 1
    if position < len(lines) and _wrapped_quote_header(lines, cut):
        position += 1
    seen_quote = False
    while position < len(lines) and (
        lines[position].lstrip().startswith(">") or not lines[position].strip()
    ):
        seen_quote = seen_quote or bool(lines[position].strip())
        position += 1
    if not seen_quote or position >= len(lines):
        return cut, cut
    end = position
    while end < len(lines) and not (
        lines[end].lstrip().startswith(">") or _QUOTE_HEADER.match(lines[end])
    ):
        end += 1
    return position, end


def _wrapped_quote_header(lines: list[str], number: int) -> bool:
    """Gmail and Outlook wrap a long quote header: "On … Name <" / "addr> wrote:"."""
    if number + 1 >= len(lines) or not lines[number].strip():
        return False
    following = lines[number + 1]
    if not re.search(r"[:>]\s*$", following):
        return False
    if _QUOTE_HEADER.match(following) and not _DATED_START.match(lines[number]):
        return False
    return bool(_QUOTE_HEADER.match(f"{lines[number].rstrip()} {following.strip()}"))


def _rest_is_quoted(lines: list[str]) -> bool:
    """True when the remaining non-empty lines are mostly '>'-quoted."""
    body = [line for line in lines if line.strip()]
    quoted = sum(1 for line in body if line.lstrip().startswith(">"))
    return quoted >= max(1, int(len(body) * 0.6))


def forwarded_message(parts: ReplyParts, subject: str = "", not_from: str = "") -> str:
    """The words of a message that a mail forwards (below its marker and header lines in
    the mail's ``split_reply`` quoted part, without its own quoted thread and signature);
    "" when the mail forwards nothing, or forwards a mail whose sender is ``not_from``
    (our own mail, sent back to us).

    An HR officer forwarding an employee's complaint writes two lines; the complaint is
    the request."""
    quoted = parts.quoted.splitlines()
    if not quoted:
        return ""
    marked = bool(_FORWARD_MARKER.match(quoted[0]))
    if not marked and not (_FORWARD_SUBJECT.match(subject) and _QUOTE_HEADER.match(quoted[0])):
        return ""
    position = 1 if marked or not _HEADER_FIELD.match(quoted[0]) else 0
    header: list[str] = []
    while position < len(quoted) and (
        not quoted[position].strip()
        or _HEADER_FIELD.match(quoted[position])
        or (header and quoted[position][:1] in (" ", "\t"))  # a folded header line
        or (not header and _QUOTE_HEADER.match(quoted[position]))  # "24.11.2026, … <a@b>:"
    ):
        header.append(quoted[position])
        position += 1
    end = next(
        (n for n in range(position, len(quoted)) if _FORWARD_END.match(quoted[n])), len(quoted)
    )
    senders = [line.lower() for line in header if _SENDER_FIELD.match(line)]
    if not_from and any(not_from.lower() in line for line in senders):
        return ""
    return split_reply("\n".join(quoted[position:end])).new_text
