"""How far a rule agrees with people who read the same mails.

The labelled requests (``data/labelled/requests.jsonl``) say, for each problem report,
whether it tells how the problem comes about. The steps rule is measured against that:
a mail it misses is a customer asked for steps they gave; a mail it passes wrongly
reaches an agent without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triage.rules._base import PolicySettingsView, RequestContent, Rule


@dataclass(frozen=True)
class LabelledCase:
    id: str
    request: RequestContent
    satisfied: bool  # what a person says the rule should find


@dataclass(frozen=True)
class RuleAgreement:
    rule: str
    true_positive: int  # satisfied, and the rule says so
    false_positive: int  # the rule is satisfied by a mail that lacks the item
    false_negative: int  # the rule asks for what the mail has
    true_negative: int
    missed: tuple[str, ...]  # ids of the false negatives
    passed: tuple[str, ...]  # ids of the false positives

    @property
    def cases(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 0.0

    @property
    def recall(self) -> float:
        present = self.true_positive + self.false_negative
        return self.true_positive / present if present else 0.0

    @property
    def accuracy(self) -> float:
        return (self.true_positive + self.true_negative) / self.cases if self.cases else 0.0


def measure_rule(
    rule: Rule, cases: Sequence[LabelledCase], policy: PolicySettingsView
) -> RuleAgreement:
    missed: list[str] = []
    passed: list[str] = []
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for case in cases:
        verdict = all(f.satisfied for f in rule.check(case.request, policy) if f.blocking)
        key = ("t" if verdict == case.satisfied else "f") + ("p" if verdict else "n")
        counts[key] += 1
        if key == "fn":
            missed.append(case.id)
        elif key == "fp":
            passed.append(case.id)
    return RuleAgreement(
        rule.name, counts["tp"], counts["fp"], counts["fn"], counts["tn"],
        tuple(missed), tuple(passed),
    )  # fmt: skip
