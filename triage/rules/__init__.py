"""The support policy as code: one rule per requirement, every rule always runs.

Each rule returns findings (satisfied or not, with a machine code, a reason for
the agent and what to ask the customer in Russian); the decision engine reads
them all at once, so a clarification request lists everything that is missing.
"""

from __future__ import annotations

from triage.rules._base import (
    AttachedFile,
    Finding,
    PolicySettingsView,
    RequestContent,
    Rule,
)
from triage.rules.channel import ChannelRule
from triage.rules.description import DescriptionRule
from triage.rules.inn import InnRule, find_inns
from triage.rules.one_problem import OneProblemRule
from triage.rules.screenshots import ScreenshotRule
from triage.rules.steps import StepsRule
from triage.rules.version import EditionRule, VersionRule, find_edition, find_versions

RULES: tuple[Rule, ...] = (
    DescriptionRule(),
    StepsRule(),
    InnRule(),
    VersionRule(),
    EditionRule(),
    ScreenshotRule(),
    OneProblemRule(),
    ChannelRule(),
)


def check_request(request: RequestContent, policy: PolicySettingsView) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule.check(request, policy))
    return findings


__all__ = [
    "RULES",
    "AttachedFile",
    "Finding",
    "PolicySettingsView",
    "RequestContent",
    "Rule",
    "StepsRule",
    "check_request",
    "find_edition",
    "find_inns",
    "find_versions",
]
