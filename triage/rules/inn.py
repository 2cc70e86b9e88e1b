"""P7: the INN of the licensee organisation, with valid control digits.

Accepted forms: "ИНН 7731386419", "инн:7731386419", "ИНН/КПП 7731386419/773101001",
"ИНН № 7731 386 419"; a bare 10- or 12-digit number only when its control
digits are valid and it is not part of a phone number.
"""

from __future__ import annotations

import re

from stdnum.ru import inn as inn_number

from faq_index.text import normalise
from triage.rules._base import Finding, PolicySettingsView, RequestContent

_LABELLED = re.compile(
    r"(?<![a-zа-я])(?:инн|inn|ihh)(?:\s*/\s*кпп)?\s*(?:организации\s*)?[:№#=-]?\s*"
    r"(\d[\d \u00a0-]{6,16}\d)",
    re.IGNORECASE,
)
_BARE = re.compile(r"(?<![\d+\-()])(\d{10}|\d{12})(?![\d-])")
_PHONE_CONTEXT = re.compile(r"(тел|phone|моб|факс|\+7|(?<!\d)8)[\s().:-]*$", re.IGNORECASE)


def find_inns(text: str) -> tuple[list[str], list[str]]:
    """(valid INNs, labelled numbers that fail validation), in order of appearance."""
    valid: list[str] = []
    invalid: list[str] = []
    labelled_spans = []
    for match in _LABELLED.finditer(text):
        labelled_spans.append(match.span(1))
        digits = re.sub(r"\D", "", match.group(1))
        candidates = [digits] if len(digits) in (10, 12) else [digits[:12], digits[:10]]
        for candidate in candidates:
            if len(candidate) in (10, 12) and inn_number.is_valid(candidate):
                if candidate not in valid:
                    valid.append(candidate)
                break
        else:
            invalid.append(digits[:12] if len(digits) >= 12 else digits)
    for match in _BARE.finditer(text):
        if any(start <= match.start() < end for start, end in labelled_spans):
            continue
        if _PHONE_CONTEXT.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        number = match.group(1)
        if inn_number.is_valid(number) and number not in valid:
            valid.append(number)
    return valid, [n for n in invalid if n not in valid]


class InnRule:
    name = "inn"
    description = "the INN of the licensee organisation is given and valid"

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
        valid, invalid = find_inns(normalise(request.text))
        if valid:
            return [Finding(self.name, True, f"INN {valid[0]}", data={"inn": valid})]
        if invalid:
            return [
                Finding(
                    self.name,
                    False,
                    f"INN {invalid[0]} fails the control-digit check",
                    f"правильный ИНН организации: номер {invalid[0]} не проходит проверку "
                    "контрольных цифр (ИНН организации — 10 цифр, ИП — 12 цифр)",
                    {"invalid_inn": invalid},
                )
            ]
        return [
            Finding(
                self.name,
                False,
                "no INN found",
                "ИНН организации, на которую приобретена лицензия",
            )
        ]
