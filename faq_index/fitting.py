"""Fitting the fusion and the answer confidence on the dev split (`triage fit`)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from faq_index.confidence import ConfidenceModel, fit_confidence, signals
from faq_index.errors import IndexStoreError
from faq_index.evaluate import LabelledQuestion, is_correct, resolve_answers
from faq_index.index import FITTED_NAME, DocIndex, QueryScores, indexed_site, top_k

FUSIONS = ("zscore", "minmax", "rrf")
WEIGHTS = tuple(round(w, 1) for w in np.arange(0.0, 1.01, 0.1))


@dataclass(frozen=True)
class FitReport:
    fusion: str
    semantic_weight: float
    dev_mrr: float
    grid: dict[str, float]
    confidence: ConfidenceModel
    unresolved_answers: list[str] = dataclasses.field(default_factory=list)  # name no section


def _mrr(
    index: DocIndex, fused: Sequence[np.ndarray], questions: Sequence[LabelledQuestion]
) -> float:
    total = 0.0
    answerable = 0
    for scores, question in zip(fused, questions, strict=True):
        if not question.answerable:
            continue
        answerable += 1
        for rank, i in enumerate(top_k(scores, 10), 1):
            if is_correct(index.sections[i].link, question.answers):
                total += 1.0 / rank
                break
    return total / max(answerable, 1)


def fit_index(
    index: DocIndex,
    dev: Sequence[LabelledQuestion],
    target_precision: float,
    progress: Callable[[int, int], None] | None = None,
) -> FitReport:
    dev, unresolved = resolve_answers(index.sections, dev)
    given = sum(len(question.answers) for question in dev)
    if given and len(unresolved) == given:
        raise IndexStoreError(
            f"none of the {given} answer links of the dev questions names a section of this "
            f"index (e.g. {unresolved[0]}): the questions label another site. Label this "
            "site's questions (`triage questions --out FILE` from the desk's history) and "
            "point index.questions (TRIAGE_INDEX_QUESTIONS) at them"
        )
    raw: list[QueryScores] = []
    for n, question in enumerate(dev, 1):
        raw.append(index.scores(question.question))
        if progress:
            progress(n, len(dev))
    grid: dict[str, float] = {}
    best = ("lexical", 0.0)
    if index.semantic:
        for method in FUSIONS:
            for weight in WEIGHTS if method != "rrf" else (0.5,):
                fused = [
                    index.fused_scores(s.lexical, s.semantic, method, weight)
                    for s in raw
                    if s.semantic is not None
                ]
                grid[f"{method}:{weight}"] = _mrr(index, fused, dev)
        best_key = max(grid, key=lambda key: grid[key])
        method, weight = best_key.split(":")
        best = (method, float(weight))
    else:
        grid["lexical"] = _mrr(index, [s.fused for s in raw], dev)
    tuned = index.with_fusion(*best) if index.semantic else index
    final = [
        dataclasses.replace(s, fused=tuned.fused_scores(s.lexical, s.semantic, *best))
        if s.semantic is not None
        else s
        for s in raw
    ]
    correct = []
    for scores, question in zip(final, dev, strict=True):
        top = int(np.argmax(scores.fused))
        correct.append(
            question.answerable and is_correct(tuned.sections[top].link, question.answers)
        )
    rows = [signals(tuned, q.question, s) for q, s in zip(dev, final, strict=True)]
    confidence = fit_confidence(rows, correct, target_precision, index.semantic)
    return FitReport(best[0], best[1], max(grid.values()), grid, confidence, unresolved)


def save_fit(report: FitReport, directory: Path) -> None:
    data = {
        "fusion": report.fusion,
        "semantic_weight": report.semantic_weight,
        "dev_mrr": report.dev_mrr,
        "grid": report.grid,
        "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (directory / FITTED_NAME).write_text(json.dumps(data, indent=1), encoding="utf-8")
    dataclasses.replace(report.confidence, site=indexed_site(directory)).save(directory)
