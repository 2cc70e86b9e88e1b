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
    r"\bи\s+заодно\b|\bпараллельно\s+(ещ[её]|возник)|"
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
