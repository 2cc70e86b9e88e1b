"""Sample questions as the report shows them: no credentials, no personal data.

Credentials go through the desk's own masking (P9, ``triage.credentials``); on top of
that e-mail addresses, phone numbers, INN/SNILS-like numbers and card numbers are
replaced, because the report travels beyond the support team.
"""

from __future__ import annotations

import re

from triage.credentials import mask_credentials

_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"\b\d{3}-\d{3}-\d{3}[ -]\d{2}\b"), "[СНИЛС]"),
    (
        re.compile(r"(?<![\w.])(?:\+7|8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}\b"),
        "[телефон]",
    ),
    (re.compile(r"\b(?:\d{4}[ -]){3}\d{4}\b"), "[номер карты]"),
    (re.compile(r"\b\d{10}(?:\d{2})?\b"), "[ИНН]"),
    (re.compile(r"\b\d{11}\b"), "[номер]"),
)


def mask_personal(text: str) -> str:
    """``text`` with credentials and personal data replaced by bracketed placeholders."""
    text, _secrets = mask_credentials(text)
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text
