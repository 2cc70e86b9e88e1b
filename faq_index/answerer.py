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
        if not hits:
            return Lookup(hits, None, None, {})
        values = signals(self.index, question, scores)
        if self.confidence is None:
            return Lookup(hits, None, None, values)
        return Lookup(
            hits,
            self.confidence.probability(values),
            self.confidence.threshold,
            self.confidence.inputs(values),
        )
