"""How likely the top documentation section answers the question: a calibrated model.

A small logistic regression over signals of one search (each system's top score
and top-1/top-2 margin, whether lexical and semantic retrieval agree, how many
sections crowd the top, the query's length) predicts the probability that the
top section is correct. It is trained on the dev split, unanswerable questions
included (for them the top section is always wrong), and the answer threshold is
the lowest probability that keeps the target precision on cross-validated dev
predictions. Stored as JSON next to the index; no pickle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from faq_index.errors import IndexStoreError
from faq_index.index import QueryScores

FEATURES = (
    "fused_top",
    "fused_margin",
    "lexical_top",
    "lexical_margin",
    "semantic_top",
    "semantic_margin",
    "agree",
    "crowd",
    "query_terms",
)
FILE_NAME = "confidence.json"


def _top_two(scores: np.ndarray) -> tuple[int, float, float]:
    if len(scores) < 2:
        return 0, float(scores.max(initial=0.0)), 0.0
    first, second = np.argpartition(-scores, 1)[:2]
    if scores[second] > scores[first]:
        first, second = second, first
    return int(first), float(scores[first]), float(scores[second])


def signals(scores: QueryScores) -> dict[str, float]:
    """The features of one search, by name."""
    fused = scores.fused
    spread = float(fused.std()) or 1.0
    top_index, fused_top, fused_second = _top_two(fused)
    lex_index, lex_top, lex_second = _top_two(scores.lexical)
    values = {
        "fused_top": (fused_top - float(fused.mean())) / spread,
        "fused_margin": (fused_top - fused_second) / spread,
        "lexical_top": lex_top,
        "lexical_margin": lex_top - lex_second,
        "semantic_top": 0.0,
        "semantic_margin": 0.0,
        "agree": 0.0,
        "crowd": float(np.log1p(np.sum(fused >= fused_top - 0.5 * spread) - 1)),
        "query_terms": float(np.log1p(scores.query_terms)),
    }
    if scores.semantic is not None:
        sem_index, sem_top, sem_second = _top_two(scores.semantic)
        values["semantic_top"] = sem_top
        values["semantic_margin"] = sem_top - sem_second
        values["agree"] = float(sem_index == lex_index == top_index)
    return values


@dataclass(frozen=True)
class ConfidenceModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    target_precision: float
    semantic: bool
    fitted_at: str
    dev_questions: int
    dev_coverage: float

    def probability(self, scores: QueryScores) -> float:
        values = signals(scores)
        x = (np.array([values[name] for name in self.features]) - self.mean) / self.scale
        return float(1.0 / (1.0 + np.exp(-(x @ np.array(self.coef) + self.intercept))))

    def save(self, directory: Path) -> None:
        (directory / FILE_NAME).write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> ConfidenceModel | None:
        path = directory / FILE_NAME
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["features"] = tuple(data["features"])
            for key in ("mean", "scale", "coef"):
                data[key] = tuple(float(v) for v in data[key])
            return cls(**data)
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexStoreError(f"{path} is damaged: {exc}; run `triage fit`") from exc


def threshold_for_precision(
    probabilities: np.ndarray, correct: np.ndarray, target: float
) -> tuple[float, float]:
    """The lowest threshold whose answered set keeps ``target`` precision; and its coverage.

    Coverage here is the share of all questions answered. Returns (1.0, 0.0) when
    no threshold reaches the target.
    """
    order = np.argsort(-probabilities, kind="stable")
    hits = np.cumsum(correct[order])
    answered = np.arange(1, len(order) + 1)
    precision = hits / answered
    ok = np.nonzero(precision >= target)[0]
    if len(ok) == 0:
        return 1.0, 0.0
    last = int(ok[-1])
    # Answer only where every larger set also kept the target, so ties cannot sneak in.
    return float(probabilities[order][last]), float(answered[last] / len(order))


def fit_confidence(
    scores: Sequence[QueryScores],
    correct: Sequence[bool],
    target_precision: float,
    semantic: bool,
) -> ConfidenceModel:
    matrix = np.array([[signals(s)[name] for name in FEATURES] for s in scores])
    labels = np.array(correct, dtype=int)
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    x = (matrix - mean) / scale
    model = LogisticRegression(C=1.0, max_iter=2000)
    folds = min(5, int(labels.sum()), int(len(labels) - labels.sum()))
    if folds < 2:
        raise IndexStoreError("too few correct or wrong dev answers to fit a confidence model")
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    held_out = cross_val_predict(model, x, labels, cv=cv, method="predict_proba")[:, 1]
    threshold, coverage = threshold_for_precision(held_out, labels, target_precision)
    model.fit(x, labels)
    return ConfidenceModel(
        features=FEATURES,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in model.coef_[0]),
        intercept=float(model.intercept_[0]),
        threshold=threshold,
        target_precision=target_precision,
        semantic=semantic,
        fitted_at=datetime.now(UTC).isoformat(timespec="seconds"),
        dev_questions=len(labels),
        dev_coverage=coverage,
    )
