"""P7: a problem description that says what happened, in enough words."""

from __future__ import annotations

from triage.rules._base import Finding, PolicySettingsView, RequestContent
from triage.rules._text import normalised_words, own_words

MIN_WORDS = 12


class DescriptionRule:
    name = "description"
    description = "the request describes the problem in at least a few sentences"

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
        words = sum(len(normalised_words(own_words(text))) for text in request.texts)
        if words >= MIN_WORDS:
            return [Finding(self.name, True, f"{words} words of description")]
        return [
            Finding(
                self.name,
                False,
                f"only {words} words of description (at least {MIN_WORDS} expected)",
                "подробное описание проблемы: что вы делали, что ожидали увидеть "
                "и что произошло на самом деле",
                {"words": words},
            )
        ]
