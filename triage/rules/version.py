"""P7 and P15: the product version and edition; an unsupported version is pointed out."""

from __future__ import annotations

import re

from faq_index.text import normalise
from triage.rules._base import Finding, PolicySettingsView, RequestContent

_LABELLED_VERSION = re.compile(
    r"(?:верси[яиюей]\w*|вер\.|релиз\w*|сборк\w*|version|ver\.?|\bv\.?)"
    r"(?:\s+[^\s\d:]{1,12}){0,2}\s*[:№-]?\s*"  # "версия продукта: ", "version of WiseAdvice"
    # "О программе" may show a build number too (3.4.2.117): the version is its first
    # three parts. Unlabelled, four parts are an IP address as often as a version.
    r"(\d{1,2}\.\d{1,2}(?:\.\d{1,3})?)(?:\.\d{1,6})?(?![\d.]*\d)",
    re.IGNORECASE,
)
_BARE_VERSION = re.compile(r"(?<![\d.])(\d\.\d{1,2}\.\d{1,3})(?![\d.]*\d)")


def parse_version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def find_versions(text: str, plausible_majors: range | None = None) -> list[str]:
    """Version numbers in the text, those with a plausible major version first.

    Customers also quote versions of other software ("Docker Compose v2.29",
    "PostgreSQL 14.9"); the product's own major versions sort ahead of them.
    """
    found: list[str] = []
    for pattern in (_LABELLED_VERSION, _BARE_VERSION):
        for match in pattern.finditer(text):
            if match.group(1) not in found:
                found.append(match.group(1))
    if plausible_majors is None:
        return found
    return sorted(
        found,
        key=lambda v: (parse_version(v)[0] not in plausible_majors, len(parse_version(v)) != 3),
    )


def plausible_majors(policy: PolicySettingsView) -> range | None:
    versions = [v for v in (policy.minimum_supported_version, policy.current_version) if v]
    if not versions:
        return None
    majors = [parse_version(v)[0] for v in versions]
    return range(min(majors) - 1, max(majors) + 1)


_LATIN_WORD = re.compile(r"\b[A-Za-z]+\b")
_TRANSLIT = str.maketrans(
    "abcdefghiklmnoprstuvzABCDEFGHIKLMNOPRSTUVZ",
    "абкдефгхиклмнопрстувзАБКДЕФГХИКЛМНОПРСТУВЗ",
)


def find_edition(text: str, editions: tuple[str, ...]) -> str | None:
    """The edition named in the text; a short name must stand alone or next to "редакция".
    Latin spellings count too ("Редакция: PROF", "Corporate edition")."""
    spelled = re.sub(r"\bedition\b", "редакция", text, flags=re.IGNORECASE)
    spelled = _LATIN_WORD.sub(lambda m: m.group(0).translate(_TRANSLIT), spelled)
    return _named_edition(text, editions) or _named_edition(spelled, editions)


def _named_edition(text: str, editions: tuple[str, ...]) -> str | None:
    lowered = normalise(text)
    for edition in editions:
        stem = normalise(edition)[:4]
        exact = re.search(rf"(?<![\w]){re.escape(edition)}(?![\w])", text)
        near_word = re.search(
            rf"(редакци\w*|edition|тариф\w*|лицензи\w*)\W{{0,3}}{re.escape(stem)}\w*|"
            rf"{re.escape(stem)}\w*\W{{0,3}}(редакци\w*|edition|тариф\w*|лицензи\w*)",
            lowered,
        )
        after_version = re.search(rf"\d\.\d+(\.\d+)?\W{{1,3}}{re.escape(stem)}\w*", lowered)
        if (exact and not edition.islower()) or near_word or after_version:
            return edition
    return None


class VersionRule:
    name = "version"
    description = "the product version is given; unsupported versions are pointed out"

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
        versions = find_versions(request.text, plausible_majors(policy))
        if not versions:
            return [
                Finding(
                    self.name,
                    False,
                    "no product version found",
                    "номер используемой версии продукта (например, 3.4.2; он указан "
                    "в разделе «О программе»)",
                )
            ]
        plausible = plausible_majors(policy)
        in_use = [v for v in versions if plausible is None or parse_version(v)[0] in plausible]
        version = max(in_use, key=parse_version) if in_use else versions[0]
        findings = [Finding(self.name, True, f"version {version}", data={"version": version})]
        minimum = policy.minimum_supported_version
        if minimum and parse_version(version) < parse_version(minimum):
            findings.append(
                Finding(
                    "version_outdated",
                    False,
                    f"version {version} is older than the minimum supported {minimum}",
                    f"обновление: версия {version} не поддерживается, минимальная "
                    f"поддерживаемая версия — {minimum}, текущая — {policy.current_version}. "
                    "Решение проблемы на устаревшей версии может быть отложено (п. 15 правил)",
                    {"version": version, "minimum": minimum, "current": policy.current_version},
                    blocking=False,
                )
            )
        return findings


class EditionRule:
    name = "edition"
    description = "the product edition is given"

    def check(self, request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
        edition = find_edition(request.text, policy.editions)
        if edition:
            return [Finding(self.name, True, f"edition {edition}", data={"edition": edition})]
        names = ", ".join(f"«{e}»" for e in policy.editions)
        return [
            Finding(
                self.name,
                False,
                "no product edition found",
                f"редакция продукта ({names})",
            )
        ]
