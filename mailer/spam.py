"""Spam verdicts: the upstream filters' headers first, then a few rules of our own.

P16: spam is quarantined and never acknowledged; an agent can release a false
positive, which is then processed (and acknowledged) like any other mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailer.message import ParsedMail

SPAM_SCORE = 5.0
_SPAM_WORDS = re.compile(
    r"казино|выигрыш|выиграли|кредит без|заработ\w+ от|бесплатн\w+ вебинар|рассылк\w+ по базе|"
    r"viagra|casino|lottery|you have won|crypto ?invest|seo[- ]продвижени",
    re.IGNORECASE,
)
_DANGEROUS = (".exe", ".scr", ".js", ".vbs", ".bat", ".cmd", ".jar", ".iso", ".lnk")


@dataclass(frozen=True)
class SpamVerdict:
    is_spam: bool
    score: float
    reasons: tuple[str, ...]


def spam_verdict(mail: ParsedMail) -> SpamVerdict:
    reasons: list[str] = []
    score = 0.0
    flag = (mail.header("X-Spam-Flag") or "").strip().lower()
    status = (mail.header("X-Spam-Status") or "").strip().lower()
    rspamd = (mail.header("X-Spam") or "").strip().lower()
    action = (mail.header("X-Rspamd-Action") or "").strip().lower()
    if flag == "yes" or status.startswith("yes") or rspamd == "yes":
        score += SPAM_SCORE
        reasons.append("upstream filter marked it spam")
    if action in ("reject", "add header", "rewrite subject"):
        score += SPAM_SCORE
        reasons.append(f"Rspamd action: {action}")
    for result in (v for k, v in mail.headers if k.lower() == "authentication-results"):
        if re.search(r"\bdmarc\s*=\s*fail\b", result, re.IGNORECASE):
            score += 3.0
            reasons.append("DMARC failed")
            break
    words = _SPAM_WORDS.findall(f"{mail.subject}\n{mail.text}")
    if words:
        score += 2.0 * min(len(words), 3)
        reasons.append(f"spam phrases: {', '.join(sorted(set(w.lower() for w in words))[:3])}")
    links = len(re.findall(r"https?://", mail.text))
    if links > 15:
        score += 2.0
        reasons.append(f"{links} links")
    dangerous = [a.filename for a in mail.attachments if a.filename.lower().endswith(_DANGEROUS)]
    if dangerous or any(a.real_type == "application/x-msdownload" for a in mail.attachments):
        score += 4.0
        reasons.append(f"executable attachment: {', '.join(dangerous) or 'by content'}")
    disguised = [
        a.filename
        for a in mail.attachments
        if a.real_type == "application/x-msdownload" and not a.filename.lower().endswith(_DANGEROUS)
    ]
    if disguised:
        score += 3.0
        reasons.append(f"executable disguised by its name: {', '.join(disguised)}")
    return SpamVerdict(score >= SPAM_SCORE, score, tuple(reasons))
