"""P5: one request, one problem."""

from __future__ import annotations

import re

from triage.rules._base import Finding, PolicySettingsView, RequestContent
from triage.rules._text import matches

_SEVERAL = re.compile(
    r"\b(два|две|три|несколько)\s+(разных|отдельных|несвязанных)\s+(вопрос|проблем|задач)|"
    r"\bсразу\s+(два|две|три)\s+(вопрос|проблем)|"
    r"\b(второй|третий|ещ[её] один|другой|отдельный)\s+вопрос\w*|"
    r"\bи\s+(ещ[её]|второе|еще)\s*[:,–—-]|\bвопрос\s*(№\s*)?2\b|"
    r"\bне\s+связанн\w+\s+(между\s+собой|друг\s+с\s+другом)|"
    # "и заодно подскажите…" asks a second thing; "переносим ЗУП и заодно делаем свёртку" is
    # context for the one question.
    r"\bзаодно\s+(\w+\s+){0,2}(подскаж|скаж|спрош|уточн|вопрос)\w*|"
    r"\bпараллельно\s+(ещ[её]|возник)|"
    # The customer counts them: "Две проблемы.", "во-первых … во-вторых, подскажите …".
    r"\b(две|три)\s+проблем(ы|а)?\b|"
    r"\bво-вторых,?\s+(\w+\s+){0,2}(подскаж|скаж|вопрос|как|где|почему|можно)\w*|"
    r"\btwo\s+(unrelated\s+)?(questions|issues|problems)\b",
    re.IGNORECASE,
)


class OneProblemRule:
    name = "one_problem"
    description = "the request raises a single problem"

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
        markers = matches(_SEVERAL, request.texts[:1])
        if not markers:
            return [Finding(self.name, True, "one problem")]
        return [
            Finding(
                self.name,
                False,
                f"several problems in one mail ({'; '.join(markers[:3])})",
                "по правилам одна заявка — одна проблема: пожалуйста, отправьте каждый "
                "вопрос отдельным письмом (этот номер останется за первым вопросом)",
                {"markers": markers},
            )
        ]
