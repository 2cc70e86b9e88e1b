"""Cross-validated answer-confidence figures on the DEV split only (no test question read).

    .venv/bin/python scripts/confidence_cv.py [--config FILE] [--repeats 10]

Needs a built index (`triage crawl`, `triage index`, `triage fit`). For the current
model's signals and for the first model's nine, it prints the coverage of the
answerable dev questions at 95% and 90% precision and the average precision of
held-out probabilities, as mean and spread over repeated shuffled 5-fold runs.
This is how the signals in `faq_index/confidence.py` were compared.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold

from desk import services
from desk.config import load_config
from faq_index.confidence import BASE_FEATURES, FEATURES, REGULARISATION
from faq_index.evaluate import labelled_signals, load_questions


def coverage_at(
    probabilities: np.ndarray, correct: np.ndarray, answerable: int, target: float
) -> float:
    order = np.argsort(-probabilities, kind="stable")
    hits = np.cumsum(correct[order])
    ok = np.nonzero(hits / np.arange(1, len(order) + 1) >= target)[0]
    return float(hits[ok[-1]] / answerable) if len(ok) else 0.0


def cross_validate(
    rows: Sequence[dict[str, float]], correct: np.ndarray, answerable: int,
    features: Sequence[str], regularisation: float, repeats: int,
) -> dict[str, tuple[float, float]]:  # fmt: skip
    matrix = np.array([[row[name] for name in features] for row in rows])
    figures: dict[str, list[float]] = {"coverage@95": [], "coverage@90": [], "AP": []}
    for repeat in range(repeats):
        held_out = np.zeros(len(correct))
        folds = StratifiedKFold(5, shuffle=True, random_state=repeat)
        for train, test in folds.split(matrix, correct):
            mean, scale = matrix[train].mean(axis=0), matrix[train].std(axis=0)
            scale[scale == 0] = 1.0
            model = LogisticRegression(C=regularisation, max_iter=3000)
            model.fit((matrix[train] - mean) / scale, correct[train])
            held_out[test] = model.predict_proba((matrix[test] - mean) / scale)[:, 1]
        figures["coverage@95"].append(coverage_at(held_out, correct, answerable, 0.95))
        figures["coverage@90"].append(coverage_at(held_out, correct, answerable, 0.90))
        figures["AP"].append(float(average_precision_score(correct, held_out)))
    return {name: (float(np.mean(v)), float(np.std(v))) for name, v in figures.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    config = load_config(args.config)
    index = services.load_index(config)
    if index is None:
        print("no index: run `triage crawl` and `triage index`", file=sys.stderr)
        return 1
    dev = [q for q in load_questions(config.index.questions) if q.split == "dev"]
    rows, correct = labelled_signals(index, dev)
    answerable = sum(q.answerable for q in dev)
    labels = np.array(correct, dtype=int)
    print(f"dev: {len(rows)} questions, {answerable} answerable, top right for {labels.sum()}")
    # The first model was fitted with C 1.0.
    for name, features, c in (
        ("first model", BASE_FEATURES, 1.0),
        ("current", FEATURES, REGULARISATION),
    ):
        figures = cross_validate(rows, labels, answerable, features, c, args.repeats)
        shown = ", ".join(f"{k} {m:.3f}±{s:.3f}" for k, (m, s) in figures.items())
        print(f"{name:12} ({len(features)} signals): {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
