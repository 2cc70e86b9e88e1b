"""Documentation gaps: what customers ask that the documentation does not answer.

Input questions are the first mails of tickets where the documentation fell short:
the desk was not confident enough to answer (``low_confidence``, ``no_doc_match``), a
how-to question went to an agent, or the customer said an automatic answer did not help.
They are clustered by their wording (TF-IDF over the index's own Russian analyzer,
agglomerative clustering with a cosine distance threshold).

Each cluster is put next to the documentation in two ways. The nearest section is the
one the desk's own search puts on top for the cluster's central questions, with the
calibrated probability that it answers them. The key phrases of the cluster (its
strongest stems and stem pairs, weighted by TF-IDF over all gap questions) are looked
up in the documentation: ``coverage`` is the weighted share of them that the best single
section holds, ``section_coverage`` the share the nearest section holds.

Measured on the demo month: the calibrated probability of the nearest section did not
separate the planted topics the documentation lacks (0.37–0.70) from topics it covers
(0.27–0.93); the coverage of key phrases did (planted 0.18–0.34, the others 0.35–1.0,
small clusters of filler words at the low end). A cluster whose key phrases no section
holds together is "no page"; otherwise the documentation talks about the topic but does
not meet the question the way customers ask it ("page mismatch").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import pairwise

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from faq_index import DocIndex, DocsAnswerer
from faq_index.semantic import QueryCache
from faq_index.text import analyze, own_words, words
from insights.data import FirstDecision, ReportData
from insights.masking import mask_personal

UNCONFIDENT_REASONS = ("low_confidence", "no_doc_match")
NOT_HELPFUL = "not_helpful"


@dataclass(frozen=True)
class GapSettings:
    distance_threshold: float = 0.9  # cosine distance at which clusters stop merging
    min_cluster_size: int = 3
    no_page_coverage: float = 0.4  # best section holds less of the key phrases: "no page"
    key_phrases: int = 6
    examples: int = 4
    central_lookups: int = 5  # members nearest the centre searched in the documentation


@dataclass(frozen=True)
class GapQuestion:
    ticket_id: int
    number: str
    at: str
    text: str  # subject and the customer's own words, unmasked (never shown as is)
    why: tuple[str, ...]  # unconfident | escalated_how_to | not_helpful:<reason>
    top_link: str | None
    probability: float | None


@dataclass(frozen=True)
class Nearest:
    link: str
    title: str
    probability: float | None  # that it answers the cluster's questions (calibrated)
    score: float  # the fused retrieval score
    section_coverage: float = 0.0  # share of the cluster's key phrases in this section


@dataclass
class GapCluster:
    number: int
    label: str
    questions: list[GapQuestion]
    trend: list[int]  # questions per week, oldest first
    examples: list[str]  # masked
    nearest: Nearest | None = None
    kind: str = ""  # "no_page" | "page_mismatch" | "" when there is no index to compare
    key_phrases: list[tuple[str, float]] = field(default_factory=list)  # (phrase, weight)
    coverage: float | None = None  # weighted share of key phrases the documentation has
    why: Counter[str] = field(default_factory=Counter)

    @property
    def size(self) -> int:
        return len(self.questions)

    @property
    def trend_word(self) -> str:
        half = len(self.trend) // 2
        early, late = sum(self.trend[:half]), sum(self.trend[len(self.trend) - half :])
        if late >= early * 1.5 and late - early >= 2:
            return "растёт"
        if early >= late * 1.5 and early - late >= 2:
            return "снижается"
        return "ровно"


def question_text(decision: FirstDecision) -> str:
    return f"{decision.subject}\n{own_words(decision.text)}".strip()


def gap_questions(data: ReportData) -> list[GapQuestion]:
    """First mails where the documentation fell short, each with why it counts."""
    unhelpful: dict[int, list[str]] = {}
    for verdict in data.feedback:
        if verdict["verdict"] == NOT_HELPFUL:
            reason = verdict.get("reason") or "unspecified"
            unhelpful.setdefault(int(verdict["ticket_id"]), []).append(f"not_helpful:{reason}")
    found = []
    for ticket_id, decision in data.first.items():
        why: list[str] = []
        if decision.reason_codes() & set(UNCONFIDENT_REASONS):
            why.append("unconfident")
        if decision.intent == "how_to" and decision.outcome == "escalate":
            why.append("escalated_how_to")
        why += unhelpful.get(ticket_id, [])
        if not why:
            continue
        candidates = decision.candidates()
        found.append(
            GapQuestion(
                ticket_id,
                decision.number,
                decision.at,
                question_text(decision),
                tuple(dict.fromkeys(why)),
                candidates[0][0] if candidates else None,
                decision.probability(),
            )
        )
    return found


def cluster_labels(texts: list[str], settings: GapSettings) -> tuple[np.ndarray, np.ndarray]:
    """A cluster number per text, and the TF-IDF matrix (rows L2-normalised)."""
    # Words in over half of many questions are boilerplate; in a handful they are the topic.
    max_df = 0.5 if len(texts) >= 20 else 1.0
    vectorizer = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, max_df=max_df)
    matrix = vectorizer.fit_transform(texts)
    if len(texts) < 2:
        return np.zeros(len(texts), dtype=int), matrix.toarray()
    dense = matrix.toarray()
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="cosine",
        linkage="average",
        distance_threshold=settings.distance_threshold,
    )
    empty = ~dense.any(axis=1)
    labels = np.full(len(texts), -1)
    if (~empty).sum() >= 2:
        labels[~empty] = model.fit_predict(dense[~empty])
    return labels, dense


# Words every question shares; they make no label (stems, as the analyzer makes them).
LABEL_STOP = frozenset(analyze("WiseAdvice кабинет личный сотрудник сотрудники можно через"))


def readable_label(texts: list[str], vectors: np.ndarray, limit: int = 4) -> str:
    """The cluster's strongest terms, each shown as the word customers used most."""
    weights = vectors.mean(axis=0)
    surface: dict[str, Counter[str]] = {}
    for text in texts:
        for word in words(text):
            surface.setdefault(analyze(word)[0] if analyze(word) else word, Counter())[word] += 1
    terms = _vocabulary(texts)
    order = np.argsort(-weights)
    shown = []
    for i in order[: limit * 3]:
        if weights[i] <= 0 or i >= len(terms):
            break
        if terms[i] in LABEL_STOP:
            continue
        forms = surface.get(terms[i])
        if forms:
            shown.append(forms.most_common(1)[0][0])
        if len(shown) == limit:
            break
    return ", ".join(shown)


def _vocabulary(texts: list[str]) -> list[str]:
    vectorizer = TfidfVectorizer(analyzer=analyze, sublinear_tf=True)
    vectorizer.fit(texts)
    return list(vectorizer.get_feature_names_out())


def weekly_trend(dates: list[str], since: str, until: str) -> list[int]:
    start, end = datetime.fromisoformat(since), datetime.fromisoformat(until)
    weeks = max(1, -(-(end - start).days // 7))
    counts = [0] * weeks
    for at in dates:
        index = int((datetime.fromisoformat(at) - start) / timedelta(days=7))
        counts[min(max(index, 0), weeks - 1)] += 1
    return counts


def build_clusters(
    questions: list[GapQuestion],
    data: ReportData,
    docs: DocsAnswerer | None = None,
    settings: GapSettings | None = None,
) -> tuple[list[GapCluster], list[GapQuestion]]:
    """Clusters of at least ``min_cluster_size`` questions, largest first, and the rest."""
    settings = settings or GapSettings()
    if not questions:
        return [], []
    texts = [q.text for q in questions]
    labels, _ = cluster_labels(texts, settings)
    sizes = Counter(int(label) for label in labels if label >= 0)
    kept = [label for label, size in sizes.most_common() if size >= settings.min_cluster_size]
    clusters: list[GapCluster] = []
    clustered: set[int] = set()
    central_texts: list[list[str]] = []
    for number, label in enumerate(kept, start=1):
        members = [q for q, lab in zip(questions, labels, strict=True) if lab == label]
        clustered.update(q.ticket_id for q in members)
        member_texts = [q.text for q in members]
        vectors = TfidfVectorizer(analyzer=analyze, sublinear_tf=True).fit_transform(member_texts)
        dense = vectors.toarray()
        centre = dense.mean(axis=0)
        central = np.argsort(-(dense @ centre))
        cluster = GapCluster(
            number,
            readable_label(member_texts, dense),
            members,
            weekly_trend([q.at for q in members], data.since, data.until),
            [_example(members[i].text) for i in central[: settings.examples]],
            why=Counter(w for q in members for w in q.why),
        )
        central_texts.append([members[i].text for i in central[: settings.central_lookups]])
        clusters.append(cluster)
    if docs is not None:
        phrases = DocPhrases(docs.index)
        vectorizer = phrase_vectorizer(texts)
        with batched_queries(docs, [t for texts in central_texts for t in texts]):
            for cluster, texts in zip(clusters, central_texts, strict=True):
                cluster.key_phrases = key_phrases(
                    [q.text for q in cluster.questions], settings.key_phrases, vectorizer
                )
                cluster.coverage = phrases.coverage(cluster.key_phrases)
                nearest = nearest_section(docs, texts)
                if nearest is not None:
                    nearest = replace(
                        nearest,
                        section_coverage=phrases.coverage(cluster.key_phrases, nearest.link),
                    )
                cluster.nearest = nearest
                low = cluster.coverage < settings.no_page_coverage
                cluster.kind = "no_page" if low else "page_mismatch"
    rest = [q for q in questions if q.ticket_id not in clustered]
    return clusters, rest


def _grams(text: str) -> list[str]:
    """Stems and pairs of neighbouring stems."""
    stems = analyze(text)
    return stems + [f"{a} {b}" for a, b in pairwise(stems)]


def phrase_vectorizer(all_texts: list[str]) -> TfidfVectorizer:
    """Stems and stem pairs weighted by how rare they are among all the gap questions."""
    return TfidfVectorizer(analyzer=_grams, sublinear_tf=True).fit(all_texts)


def key_phrases(
    texts: list[str], limit: int, vectorizer: TfidfVectorizer
) -> list[tuple[str, float]]:
    """The cluster's strongest stems and stem pairs with their mean TF-IDF weight."""
    weights = np.asarray(vectorizer.transform(texts).mean(axis=0)).ravel()
    terms = vectorizer.get_feature_names_out()
    chosen = []
    for i in np.argsort(-weights):
        if not set(str(terms[i]).split()) & LABEL_STOP:
            chosen.append((str(terms[i]), float(weights[i])))
        if len(chosen) == limit:
            break
    return chosen


class DocPhrases:
    """Which stems and stem pairs each documentation section contains."""

    def __init__(self, index: DocIndex) -> None:
        self.by_link: dict[str, set[str]] = {}
        for section in index.sections:
            grams = set(_grams(f"{section.page_title} {section.title} {section.text}"))
            self.by_link[section.link] = grams

    def coverage(self, phrases: list[tuple[str, float]], link: str | None = None) -> float:
        """Weighted share of the phrases that one section holds together: ``link``'s, or
        the best of the sections that hold the strongest phrase. A section without it is
        about something else, however many lesser stems it shares: "Смена ключа" holds
        "смен" and "работ" of questions about shift schedules ("график смен"), not
        "график"."""
        total = sum(weight for _, weight in phrases)
        if not total:
            return 0.0
        if link is not None:
            sections = [self.by_link.get(link, set())]
        else:
            sections = [grams for grams in self.by_link.values() if phrases[0][0] in grams]
        return max(
            (
                sum(weight for phrase, weight in phrases if phrase in grams) / total
                for grams in sections
            ),
            default=0.0,
        )


@contextmanager
def batched_queries(docs: DocsAnswerer, texts: list[str]) -> Iterator[None]:
    """Within the block, these questions' embeddings come from a few batched calls."""
    index = docs.index
    embedder = index.embedder
    if embedder is None or isinstance(embedder, QueryCache):
        yield
        return
    cache = QueryCache(embedder)
    cache.prime([index.semantic_query(text) for text in texts])
    index.embedder = cache
    try:
        yield
    finally:
        index.embedder = embedder


def nearest_section(docs: DocsAnswerer, texts: list[str]) -> Nearest | None:
    """The section most often on top for the cluster's central questions, with the
    mean calibrated probability that it answers them."""
    tops: dict[str, list[tuple[float | None, float, str]]] = {}
    for text in texts:
        lookup = docs.lookup(text, k=1)
        if not lookup.hits:
            continue
        hit = lookup.hits[0]
        title = hit.section.title
        if hit.section.page_title and hit.section.page_title != title:
            title = f"{hit.section.page_title} — {title}"
        tops.setdefault(hit.link, []).append((lookup.probability, hit.score, title))
    if not tops:
        return None
    link, seen = max(tops.items(), key=lambda item: len(item[1]))
    probabilities = [p for p, _, _ in seen if p is not None]
    return Nearest(
        link,
        seen[0][2],
        float(np.mean(probabilities)) if probabilities else None,
        float(np.mean([score for _, score, _ in seen])),
    )


def _example(text: str, limit: int = 300) -> str:
    flat = " ".join(mask_personal(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"
