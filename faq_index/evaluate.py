"""Measuring retrieval on labelled customer questions, with two outside baselines.

Answer links are first resolved to the index's sections (``faq_index.links``): a page
URL names every section of the page, an anchor names the section it is in, however the
link is spelled. A ranked link counts as correct when it is one of those sections.
Answer links that name no section are reported (stale labels, or a site whose ids
changed); their questions count as answerable and missed. Unanswerable questions (no
answer links) only matter for the confidence figures: a confident answer to them is a
wrong answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import bm25s
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from faq_index.confidence import ConfidenceModel, signals
from faq_index.errors import FaqIndexError
from faq_index.extract import Section
from faq_index.index import DocIndex, QueryScores, section_document, top_k
from faq_index.links import SectionLinks
from faq_index.text import analyze

Ranker = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class LabelledQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    split: str

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


SPLITS = ("dev", "test")


def split_of(key: str) -> str:
    """dev or test, half and half, fixed by a question's id (a ticket number)."""
    return SPLITS[hashlib.sha256(key.encode()).digest()[0] % 2]


def load_questions(path: Path) -> list[LabelledQuestion]:
    """Labelled questions, one JSON object a line: ``question`` and ``answers`` (a list
    of links, or one link; empty for a question the docs do not answer), optionally
    ``id`` (else the line number) and ``split`` (else fixed by the id, half and half),
    so that a set labelled elsewhere can be used as it is."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            answers = data["answers"] or ()
            key = str(data.get("id") or f"{path.stem}:{number}")
            split = str(data.get("split") or split_of(key))
            if split not in SPLITS:
                raise ValueError(f"split {split!r} is neither dev nor test")
            questions.append(
                LabelledQuestion(
                    key,
                    str(data["question"]),
                    (answers,) if isinstance(answers, str) else tuple(map(str, answers)),
                    split,
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise FaqIndexError(f"{path}:{number}: not a labelled question: {exc}") from exc
    return questions


def resolve_answers(
    sections: Sequence[Section], questions: Sequence[LabelledQuestion]
) -> tuple[list[LabelledQuestion], list[str]]:
    """The questions with their answer links replaced by the links of the sections they
    name, and the answer links that name none (kept in their question as they are, so
    that it stays answerable and counts as missed)."""
    links = SectionLinks(sections)
    resolved, unresolved = [], []
    for question in questions:
        answers: list[str] = []
        for answer in question.answers:
            named = links.resolve(answer)
            if not named:
                unresolved.append(answer)
            answers.extend(named or (answer,))
        resolved.append(replace(question, answers=tuple(dict.fromkeys(answers))))
    return resolved, unresolved


def is_correct(link: str, answers: Sequence[str]) -> bool:
    """Whether a section link is one of a question's answers: exactly, as after
    ``resolve_answers``, or as a section of an answer given as a page URL."""
    if link in answers:
        return True
    page = link.split("#", 1)[0]
    return any("#" not in answer and answer == page for answer in answers)


@dataclass(frozen=True)
class RankingMetrics:
    questions: int
    hit_at_1: float
    hit_at_3: float
    mrr_at_10: float


def labelled_signals(
    index: DocIndex, questions: Sequence[LabelledQuestion]
) -> tuple[list[dict[str, float]], list[bool]]:
    """Per question: the confidence signals of its search, and whether its top section
    is a right answer (never, for an unanswerable question)."""
    rows, correct = [], []
    for question in questions:
        scores = index.scores(question.question)
        top = index.sections[int(np.argmax(scores.fused))]
        rows.append(signals(index, question.question, scores))
        correct.append(question.answerable and is_correct(top.link, question.answers))
    return rows, correct


def ranking_metrics(ranker: Ranker, questions: Sequence[LabelledQuestion]) -> RankingMetrics:
    answerable = [q for q in questions if q.answerable]
    hits1 = hits3 = reciprocal = 0.0
    for question in answerable:
        links = ranker(question.question, 10)
        rank = next((n for n, link in enumerate(links, 1) if is_correct(link, question.answers)), 0)
        hits1 += rank == 1
        hits3 += 0 < rank <= 3
        reciprocal += 1.0 / rank if rank else 0.0
    n = max(len(answerable), 1)
    return RankingMetrics(len(answerable), hits1 / n, hits3 / n, reciprocal / n)


def index_ranker(index: DocIndex) -> Ranker:
    return lambda question, k: [hit.link for hit in index.search(question, k)]


def plain_tfidf_ranker(sections: Sequence[Section], title_weight: int) -> Ranker:
    """Baseline: TF-IDF over lower-cased words, no morphology, no character n-grams."""
    vectorizer = TfidfVectorizer(sublinear_tf=True)
    matrix = vectorizer.fit_transform([section_document(s, title_weight) for s in sections])
    links = [s.link for s in sections]

    def rank(question: str, k: int) -> list[str]:
        scores = (matrix @ vectorizer.transform([question]).T).toarray().ravel()
        return [links[i] for i in top_k(scores, k) if scores[i] > 0]

    return rank


def bm25_ranker(sections: Sequence[Section], title_weight: int) -> Ranker:
    """Baseline: BM25 (bm25s) over the same stemmed tokens as our word field."""
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    corpus = [analyze(section_document(s, title_weight)) or ["_"] for s in sections]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    links = [s.link for s in sections]

    def rank(question: str, k: int) -> list[str]:
        tokens = analyze(question)
        if not tokens:
            return []
        documents, scores = retriever.retrieve(
            [tokens], k=min(k, len(links)), show_progress=False, n_threads=1
        )
        return [links[int(i)] for i, s in zip(documents[0], scores[0], strict=True) if s > 0]

    return rank


def _ranker_from_scores(index: DocIndex, pick: Callable[[QueryScores], np.ndarray]) -> Ranker:
    def rank(question: str, k: int) -> list[str]:
        scores = pick(index.scores(question))
        return [index.sections[i].link for i in top_k(scores, k) if scores[i] > 0]

    return rank


@dataclass(frozen=True)
class ConfidenceFigures:
    threshold: float
    answered: int
    correct_answers: int
    precision: float
    coverage_of_answerable: float
    unanswerable_answered: int
    coverage_at_90: float
    coverage_at_95: float
    precision_at_half_coverage: float
    reliability: list[dict[str, float]]


def _coverage_at(
    probabilities: np.ndarray, correct: np.ndarray, answerable: int, target: float
) -> float:
    order = np.argsort(-probabilities, kind="stable")
    hits = np.cumsum(correct[order])
    precision = hits / np.arange(1, len(order) + 1)
    ok = np.nonzero(precision >= target)[0]
    return float(hits[ok[-1]] / max(answerable, 1)) if len(ok) else 0.0


def confidence_figures(
    probabilities: np.ndarray, correct: np.ndarray, answerable: np.ndarray, threshold: float
) -> ConfidenceFigures:
    answered = probabilities >= threshold
    n_answerable = int(answerable.sum())
    good = int((answered & correct).sum())
    order = np.argsort(-probabilities, kind="stable")
    half = max(1, n_answerable // 2)
    reliability = []
    for low in np.arange(0.0, 1.0, 0.1):
        mask = (probabilities >= low) & (probabilities < low + 0.1 + (1e-9 if low >= 0.9 else 0))
        if mask.any():
            reliability.append(
                {
                    "bin": round(float(low), 1),
                    "questions": int(mask.sum()),
                    "predicted": float(probabilities[mask].mean()),
                    "observed": float(correct[mask].mean()),
                }
            )
    return ConfidenceFigures(
        threshold=threshold,
        answered=int(answered.sum()),
        correct_answers=good,
        precision=good / max(int(answered.sum()), 1),
        coverage_of_answerable=good / max(n_answerable, 1),
        unanswerable_answered=int((answered & ~answerable).sum()),
        coverage_at_90=_coverage_at(probabilities, correct, n_answerable, 0.90),
        coverage_at_95=_coverage_at(probabilities, correct, n_answerable, 0.95),
        precision_at_half_coverage=float(correct[order][:half].mean()),
        reliability=reliability,
    )


@dataclass(frozen=True)
class RetrievalReport:
    split: str
    questions: int
    answerable: int
    semantic_status: str
    fusion: str
    rankings: dict[str, RankingMetrics]
    confidence: ConfidenceFigures | None
    # Answer links of the split that name no indexed section.
    unresolved_answers: list[str] = field(default_factory=list)


def evaluate_retrieval(
    index: DocIndex,
    confidence: ConfidenceModel | None,
    questions: Sequence[LabelledQuestion],
    title_weight: int,
    split: str = "test",
) -> RetrievalReport:
    questions, unresolved = resolve_answers(index.sections, questions)
    rankers: dict[str, Ranker] = {"lexical": _ranker_from_scores(index, lambda s: s.lexical)}
    if index.semantic:
        rankers["semantic"] = _ranker_from_scores(
            index, lambda s: s.semantic if s.semantic is not None else s.lexical
        )
        rankers["fused"] = index_ranker(index)
    rankers["baseline: plain TF-IDF"] = plain_tfidf_ranker(index.sections, title_weight)
    rankers["baseline: BM25"] = bm25_ranker(index.sections, title_weight)
    rankings = {name: ranking_metrics(ranker, questions) for name, ranker in rankers.items()}
    figures = None
    if confidence is not None:
        rows, correct = labelled_signals(index, questions)
        probabilities = [confidence.probability(row) for row in rows]
        answerable = [question.answerable for question in questions]
        figures = confidence_figures(
            np.array(probabilities), np.array(correct), np.array(answerable), confidence.threshold
        )
    return RetrievalReport(
        split=split,
        questions=len(questions),
        answerable=sum(q.answerable for q in questions),
        semantic_status=index.semantic_status,
        fusion=f"{index.fusion[0]} (semantic weight {index.fusion[1]})"
        if index.semantic
        else "none",
        rankings=rankings,
        confidence=figures,
        unresolved_answers=unresolved,
    )
