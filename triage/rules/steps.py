"""P7: step-by-step reproduction (where possible)."""

from __future__ import annotations

import re

from triage.rules._base import Finding, PolicySettingsView, RequestContent
from triage.rules._text import own_words

_LIST_ITEM = re.compile(r"^\s*(\d{1,2}[.)]|[-•*–]|шаг\s*\d)\s+\S", re.IGNORECASE | re.MULTILINE)
_MENU_PATH = re.compile(r"\S\s*(→|->|=>|»|>)\s*\S")
_SEQUENCE = re.compile(
    r"\b(сначала|затем|потом|после этого|после чего|далее|в итоге|при попытке|"
    r"first|then|after that)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"\b(нажима\w*|нажал\w*|захож\w*|зашл\w*|заш[её]л|открыва\w*|открыл\w*|выбира\w*|"
    r"выбрал\w*|ввод\w*|вв[её]л\w*|загружа\w*|загрузил\w*|отправля\w*|отправил\w*|"
    r"запуска\w*|запустил\w*|перехо\w*|перешл\w*|подписыва\w*|обновил\w*|click\w*|open\w*)\b",
    re.IGNORECASE,
)


class StepsRule:
    name = "steps"
    description = "the request says how to reproduce the problem"

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
        text = "\n".join(own_words(t) for t in request.texts)
        signals = {
            "list_items": len(_LIST_ITEM.findall(text)),
            "menu_paths": len(_MENU_PATH.findall(text)),
            "sequence_words": len(_SEQUENCE.findall(text)),
            "actions": len(_ACTION.findall(text)),
        }
        found = (
            signals["list_items"] >= 2
            or signals["menu_paths"] >= 1
            or signals["actions"] >= 2
            or (signals["sequence_words"] >= 1 and signals["actions"] >= 1)
        )
        if found:
            return [Finding(self.name, True, "reproduction steps found", data=signals)]
        return [
            Finding(
                self.name,
                False,
                "no reproduction steps found",
                "пошаговое описание действий, после которых возникает проблема "
                "(если её можно воспроизвести)",
                signals,
            )
        ]
