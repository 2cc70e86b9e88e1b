"""Searching the documentation for a customer's question, with a calibrated confidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from faq_index.confidence import ConfidenceModel, signals
from faq_index.index import DocIndex, SearchHit


@dataclass(frozen=True)
class Lookup:
    hits: list[SearchHit]
    probability: float | None  # that the top hit answers the question; None: not calibrated
    threshold: float | None  # the fitted threshold for the target precision
    signals: dict[str, float] = field(default_factory=dict)


class DocsAnswerer:
    def __init__(self, index: DocIndex, confidence: ConfidenceModel | None) -> None:
        self.index = index
        self.confidence = confidence

    def lookup(self, question: str, k: int = 5) -> Lookup:
        scores = self.index.scores(question)
        hits = self.index.hits(scores, k)
        if self.confidence is None or not hits:
            return Lookup(hits, None, None, signals(scores) if hits else {})
        return Lookup(
            hits,
            self.confidence.probability(scores),
            self.confidence.threshold,
            signals(scores),
        )
