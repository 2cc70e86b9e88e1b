"""The documentation index: lexical fields plus an optional semantic signal.

Lexical: two sparse fields, stemmed words (morphology) weighted by BM25, and
TF-IDF character n-grams within words (typos, compounds, Latin look-alikes),
each standardised per query and summed with configurable weights. A cosine
TF-IDF word field measured 0.55 MRR@10 on the dev questions against 0.63 for
BM25 weighting of the same stems, so the word field uses the latter.

Semantic: sentence embeddings of each section's heading and of its full passage
(the better match counts, so an FAQ question is matched on its own). Lexical and
semantic scores are fused per query (z-score or min-max normalised weighted sum,
or reciprocal-rank fusion), with the method and weight `triage fit` chose on the
dev split.

Persisted without pickle: per lexical field a term-major sparse matrix (``.npz``), idf
weights (``.npy``) and the vocabulary (JSON); the embeddings as ``.npy`` with
their content keys (JSON), so a rebuild embeds only changed sections; the
sections as JSON; a manifest naming the format version, the parameters, the
model and the hash of the crawl it was built from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from faq_index.crawl import FILE_TYPES, PDF_TYPE, CrawledPage, load_crawl
from faq_index.docx import DOCX_TYPE, extract_docx_sections
from faq_index.errors import IndexStoreError
from faq_index.extract import (
    GENERIC_RULES,
    ExtractionRules,
    Section,
    decode_html,
    drop_repeated_lines,
    extract_sections,
)
from faq_index.pdf import extract_pdf_sections
from faq_index.semantic import (
    Embedder,
    clip_to_tokens,
    content_key,
    embed_with_cache,
    passage_continuations,
)
from faq_index.settings import IndexSettings
from faq_index.text import analyze, normalise, prepare_query

log = logging.getLogger(__name__)

FORMAT_VERSION = 7  # 7: sections list the ids inside them (links to them resolve)
FIELDS = ("word", "char")
RRF_K = 60.0
FITTED_NAME = "fitted.json"
DEFAULT_FUSION = ("zscore", 0.6)


@dataclass(frozen=True)
class SearchHit:
    section: Section
    score: float
    signals: dict[str, float] = field(default_factory=dict)

    @property
    def link(self) -> str:
        return self.section.link

    def excerpt(self, length: int = 220) -> str:
        text = " ".join(self.section.text.split())
        text = text.replace(" ,", ",").replace(" .", ".").replace(" :", ":").replace(" »", "»")
        return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Continuations:
    """Vectors of the parts of long sections beyond their passage, and whose parts they are."""

    vectors: np.ndarray  # (parts, dim)
    owners: np.ndarray  # (parts,) section index of each part
    keys: list[str]  # content keys, for the embedding cache


@dataclass(frozen=True)
class QueryScores:
    """Every section's scores for one query; what fusion and confidence read."""

    lexical: np.ndarray
    semantic: np.ndarray | None
    fused: np.ndarray
    query_terms: int
    # The query's embedding (None lexical-only): the confidence compares it with the top
    # section's heading alone.
    query_vector: np.ndarray | None = None


def public_url(url: str, crawl_root: str, public_base: str) -> str:
    """Rewrite a URL of a crawled mirror (e.g. a local snapshot) to the public site."""
    if not public_base:
        return url
    root = urlsplit(crawl_root)
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (root.scheme, root.netloc):
        return url
    base = urlsplit(public_base)
    return parts._replace(scheme=base.scheme, netloc=base.netloc).geturl()


def section_heading(section: Section) -> str:
    if section.anchor and section.title != section.page_title:
        return f"{section.page_title}. {section.title}"
    return section.title


def section_document(section: Section, title_weight: int) -> str:
    """The text indexed lexically: headings repeated so that they weigh more."""
    heading = f"{section.page_title} {section.title}" if section.anchor else section.title
    return " ".join([heading] * title_weight + [section.breadcrumb, section.text])


def _vocabulary(vectorizer: CountVectorizer | TfidfVectorizer) -> dict[str, int]:
    """Term to column: fitted, or given when the index was loaded."""
    fitted = getattr(vectorizer, "vocabulary_", None)
    vocabulary = fitted if fitted is not None else vectorizer.vocabulary
    assert isinstance(vocabulary, dict)
    return vocabulary  # shared, not copied: a 10,000-section char vocabulary is large


def _passage(section: Section) -> str:
    return f"{section_heading(section)}\n{section.text}"


BM25_K1 = 1.2
BM25_B = 0.75


def _vectorizer(
    field_name: str, vocabulary: dict[str, int] | None = None
) -> CountVectorizer | TfidfVectorizer:
    if field_name == "word":
        return CountVectorizer(analyzer=analyze, dtype=np.float32, vocabulary=vocabulary)
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        preprocessor=normalise,
        sublinear_tf=True,
        dtype=np.float32,
        vocabulary=vocabulary,
    )


def bm25_weights(counts: sp.csr_matrix) -> sp.csr_matrix:
    """Per section and term, the BM25 weight a matching query term contributes.

    Stored as a sparse matrix, so that scoring a query is one sparse product, as
    for the TF-IDF field; k1 and b are the usual 1.2 and 0.75.
    """
    counts = sp.csr_matrix(counts, dtype=np.float32)
    sections = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
    idf = np.log1p((sections - df + 0.5) / (df + 0.5))
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    average = float(lengths.mean()) or 1.0
    rows = np.repeat(np.arange(sections), np.diff(counts.indptr))
    norm = BM25_K1 * (1.0 - BM25_B + BM25_B * lengths[rows] / average)
    weights = counts.copy()
    weights.data = idf[counts.indices] * counts.data * (BM25_K1 + 1.0) / (counts.data + norm)
    return weights


def _minmax(scores: np.ndarray) -> np.ndarray:
    low, high = float(scores.min(initial=0.0)), float(scores.max(initial=0.0))
    if high - low < 1e-9:
        return np.zeros_like(scores)
    return (scores - low) / (high - low)


def _zscore(scores: np.ndarray) -> np.ndarray:
    spread = float(scores.std())
    return (scores - float(scores.mean())) / spread if spread > 1e-9 else np.zeros_like(scores)


def fuse(lexical: np.ndarray, semantic: np.ndarray, method: str, weight: float) -> np.ndarray:
    """One score per section from the lexical and the semantic scores."""
    if method == "rrf":
        return 1.0 / (RRF_K + _ranks(lexical)) + 1.0 / (RRF_K + _ranks(semantic))
    normalise = _minmax if method == "minmax" else _zscore
    return (1.0 - weight) * normalise(lexical) + weight * normalise(semantic)


def fitted_fusion(directory: Path) -> tuple[str, float]:
    """The fusion `triage fit` chose for the index in ``directory`` (a default before any fit)."""
    try:
        data = json.loads((directory / FITTED_NAME).read_text(encoding="utf-8"))
        return str(data["fusion"]), float(data["semantic_weight"])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_FUSION


_EMBED_NOISE = re.compile(r"[«»\"'()\[\]{}:;,!?…—–\-/\\|*#@№%^&+=<>~`]+")
SPLIT_PRODUCT_FROM = 2000  # sections; below it a second thread costs more than it saves
_side: ThreadPoolExecutor | None = None


def _side_thread() -> ThreadPoolExecutor:
    """One thread for work that overlaps a query's own (created on first use, and anew
    in a forked child, where the parent's thread does not exist)."""
    global _side
    if _side is None:
        _side = ThreadPoolExecutor(1, thread_name_prefix="index-side")
    return _side


def _forget_side_thread() -> None:
    global _side
    _side = None


os.register_at_fork(after_in_child=_forget_side_thread)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first, ties in index order: the same as
    a stable full sort's first ``k``, without sorting 10,000 scores for five."""
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    threshold = np.partition(scores, len(scores) - k)[len(scores) - k]
    candidates = np.flatnonzero(scores >= threshold)
    return candidates[np.argsort(-scores[candidates], kind="stable")][:k]


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1, dtype=np.float32)
    return ranks


class DocIndex:
    def __init__(
        self,
        sections: Sequence[Section],
        vectorizers: dict[str, CountVectorizer | TfidfVectorizer],
        matrices: dict[str, sp.csr_matrix],
        manifest: dict[str, Any],
        settings: IndexSettings,
        vectors: np.ndarray | None = None,
        vector_keys: list[list[str]] | None = None,
        embedder: Embedder | None = None,
        semantic_status: str = "",
        continuations: Continuations | None = None,
    ) -> None:
        self.sections = list(sections)
        self.vectorizers = vectorizers
        self.matrices = matrices
        self.manifest = manifest
        self.settings = settings
        # Held as (2, sections, dim), headings then passages, each a contiguous matrix
        # for one BLAS product: numpy's product of the (sections, 2, dim) array with a
        # vector does not use BLAS (4.3 ms at 10,000 sections, against 1.3 for the two
        # products on two threads). ``vectors`` is a (sections, 2, dim) view of it.
        self._by_kind = (
            None if vectors is None else np.ascontiguousarray(vectors.transpose(1, 0, 2))
        )
        self.vectors = None if self._by_kind is None else self._by_kind.transpose(1, 0, 2)
        self.vector_keys = vector_keys or []
        # A section's passage embeds its first MAX_PASSAGE_CHARS characters; the rest of a
        # long one is embedded in parts, and the section scores its best part.
        self.continuations = continuations if vectors is not None else None
        self.embedder = embedder if vectors is not None else None
        self.semantic_status = semantic_status or (
            "semantic retrieval on" if self.embedder is not None else "lexical only"
        )
        self._terms: list[str] | None = None
        hubs = np.array([s.link_share >= settings.hub_link_share for s in self.sections], bool)
        self._hubs = hubs if hubs.any() else None
        self._analyzers: dict[str, tuple[Callable[[str], list[str]], dict[str, int]]] | None = None
        self.fusion: tuple[str, float] = (
            settings.fusion if settings.fusion != "fitted" else DEFAULT_FUSION[0],
            settings.semantic_weight if settings.semantic_weight >= 0 else DEFAULT_FUSION[1],
        )

    @property
    def semantic(self) -> bool:
        return self.embedder is not None and self.vectors is not None

    # -- building -------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        sections: Sequence[Section],
        settings: IndexSettings,
        source_hash: str = "",
        embedder: Embedder | None = None,
        cache: dict[str, np.ndarray] | None = None,
        progress: Callable[[int, int], None] | None = None,
        semantic_status: str = "",
    ) -> DocIndex:
        if not sections:
            raise IndexStoreError("no documentation sections to index")
        documents = [section_document(s, settings.title_weight) for s in sections]
        vectorizers = {name: _vectorizer(name) for name in FIELDS}
        matrices = {
            name: sp.csr_matrix(vectorizer.fit_transform(documents))
            for name, vectorizer in vectorizers.items()
        }
        matrices["word"] = bm25_weights(matrices["word"])
        # Term-major (terms x sections): a query reads only the rows of its own terms,
        # 20x faster than a section-major product at 10,000 sections.
        matrices = {name: sp.csr_matrix(matrix.T) for name, matrix in matrices.items()}
        manifest: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source_hash": source_hash,
            "sections": len(sections),
            "terms": {name: len(v.vocabulary_) for name, v in vectorizers.items()},
            "title_weight": settings.title_weight,
            "semantic_model": None,
            "embedded": 0,
        }
        vectors = None
        keys: list[list[str]] = []
        continuations = None
        if embedder is not None:
            cache = cache if cache is not None else {}
            texts = [t for s in sections for t in (section_heading(s), _passage(s))]
            flat, embedded = embed_with_cache(embedder, texts, cache, progress)
            vectors = flat.reshape(len(sections), 2, -1)
            flat_keys = [content_key(embedder.name, text) for text in texts]
            keys = [flat_keys[i : i + 2] for i in range(0, len(flat_keys), 2)]
            manifest["semantic_model"] = embedder.name
            parts = [
                (i, piece)
                for i, s in enumerate(sections)
                for piece in passage_continuations(section_heading(s), s.text)
            ]
            if parts:
                pieces = [piece for _, piece in parts]
                more, embedded_more = embed_with_cache(embedder, pieces, cache)
                continuations = Continuations(
                    more,
                    np.array([i for i, _ in parts], dtype=np.intp),
                    [content_key(embedder.name, piece) for piece in pieces],
                )
                embedded += embedded_more
            manifest["embedded"] = embedded
        return cls(
            sections, vectorizers, matrices, manifest, settings, vectors, keys, embedder,
            semantic_status, continuations,
        )  # fmt: skip

    def with_settings(self, settings: IndexSettings) -> DocIndex:
        """The same index searched with other weights (for fitting and evaluation)."""
        return DocIndex(
            self.sections, self.vectorizers, self.matrices, self.manifest, settings,
            self.vectors, self.vector_keys, self.embedder, self.semantic_status,
            self.continuations,
        )  # fmt: skip

    def with_fusion(self, method: str, weight: float) -> DocIndex:
        index = self.with_settings(self.settings)
        index.fusion = (method, weight)
        return index

    # -- searching ------------------------------------------------------------------

    def lexical_scores(self, query: str) -> dict[str, np.ndarray]:
        """Per lexical field, every section's score: BM25 for words, cosine for n-grams."""
        scores = {}
        for name in self.vectorizers:
            columns, weights = self.query_terms(name, query)
            scores[name] = (
                # The rows of the query's own terms, summed into a dense vector: 0.4 ms
                # at 10,000 sections against 0.66 for a sparse product made dense.
                self.matrices[name][columns].T @ weights
                if len(columns)
                else np.zeros(len(self.sections), dtype=np.float32)
            )
        return scores

    def query_terms(self, name: str, query: str) -> tuple[np.ndarray, np.ndarray]:
        """The query's term columns in field ``name`` and their weights: 1 for each
        distinct stem (BM25 weights are in the postings), sublinear TF-IDF with L2
        norm for n-grams. What the field's vectorizer's ``transform`` gives, without
        its input validation, which took most of a 10,000-section query's lexical time."""
        if self._analyzers is None:
            self._analyzers = {
                field_name: (v.build_analyzer(), _vocabulary(v))
                for field_name, v in self.vectorizers.items()
            }
        analyzer, vocabulary = self._analyzers[name]
        # Counted in C first, filtered by distinct term after: a mail's thousands of
        # character n-grams made the filtering generator a tenth of a burst's time.
        counts = {t: n for t, n in Counter(analyzer(query)).items() if t in vocabulary}
        columns = np.fromiter((vocabulary[t] for t in counts), dtype=np.intp, count=len(counts))
        order = np.argsort(columns)
        columns = columns[order]
        vectorizer = self.vectorizers[name]
        if not isinstance(vectorizer, TfidfVectorizer):
            return columns, np.ones(len(columns), dtype=np.float32)
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))[order]
        weights = (np.log(tf) + 1.0) * vectorizer.idf_[columns]
        norm = float(np.sqrt(weights @ weights))
        return columns, (weights / norm if norm else weights).astype(np.float32)

    def scores(self, query: str) -> QueryScores:
        prepared = prepare_query(query)
        semantic = query_vector = None
        if self.semantic and self._by_kind is not None and self.embedder is not None:
            query_vector = self.embedder.queries([self._semantic_head(prepared or query)])[0]
            semantic = self._semantic_scores(query_vector)
        per_field = self.lexical_scores(prepared)
        lexical = self.settings.word_weight * _zscore(
            per_field["word"]
        ) + self.settings.char_weight * _zscore(per_field["char"])
        terms = len(analyze(prepared))
        if terms == 0 and semantic is None:
            fused = np.zeros_like(lexical)
        else:
            fused = self.fused_scores(lexical, semantic, *self.fusion)
        return QueryScores(lexical, semantic, fused, terms, query_vector)

    def fused_scores(
        self, lexical: np.ndarray, semantic: np.ndarray | None, method: str, weight: float
    ) -> np.ndarray:
        """One score per section (``fuse`` of the two, or the lexical alone), with the
        sections that are lists of links (``hub_link_share``) put last."""
        fused = lexical if semantic is None else fuse(lexical, semantic, method, weight)
        if self._hubs is None:
            return fused
        return np.where(self._hubs, float(fused.min()) - 1.0, fused)

    def _semantic_scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Per section, the better cosine of its heading's and its passage's vector."""
        assert self._by_kind is not None
        headings, passages = self._by_kind
        if len(headings) < SPLIT_PRODUCT_FROM:
            scores = np.maximum(headings @ query_vector, passages @ query_vector)
        else:
            # Bound by memory (30 MB at 10,000 sections: 2.6 ms on one core), so the two
            # products go to both cores: BLAS releases the GIL, and the side thread sleeps
            # when idle (BLAS's own pool spins, and fought the embedding engine's threads).
            pending = _side_thread().submit(np.dot, headings, query_vector)
            scores = np.maximum(passages @ query_vector, pending.result())
        if self.continuations is not None:
            parts = self.continuations
            np.maximum.at(scores, parts.owners, parts.vectors @ query_vector)
        return np.asarray(scores)

    def semantic_query(self, query: str) -> str:
        """The part of a question that ``scores`` embeds."""
        return self._semantic_head(prepare_query(query) or query)

    def _semantic_head(self, text: str) -> str:
        head = text[: self.settings.semantic_query_chars]
        # Punctuation and symbols cost tokens and carry little meaning: without them
        # the dev split's fused MRR@10 was 0.7260 at 28 tokens, against 0.7235 with them
        # at 32, and the slowest query embeds 4 tokens fewer.
        head = " ".join(_EMBED_NOISE.sub(" ", head).split())
        if self.embedder is None:
            return head
        return clip_to_tokens(self.embedder, head, self.settings.semantic_query_tokens)

    def hits(self, scores: QueryScores, k: int) -> list[SearchHit]:
        order = top_k(scores.fused, k)
        return [
            SearchHit(
                self.sections[i],
                float(scores.fused[i]),
                {
                    "lexical": float(scores.lexical[i]),
                    **(
                        {"semantic": float(scores.semantic[i])}
                        if scores.semantic is not None
                        else {}
                    ),
                },
            )
            for i in order
            if scores.fused[i] > 0
        ]

    def search(self, query: str, k: int = 5) -> list[SearchHit]:
        return self.hits(self.scores(query), k)

    def explain(self, query: str, section_index: int, limit: int = 8) -> list[tuple[str, float]]:
        """The stemmed terms that contributed most to a section's word-field score."""
        vectorizer = self.vectorizers["word"]
        vector = vectorizer.transform([prepare_query(query)])
        vector.data[:] = 1.0
        column = self.matrices["word"][:, [section_index]].T
        contribution = vector.multiply(column).tocoo()
        if self._terms is None:
            terms = [""] * len(vectorizer.vocabulary_)
            for term, col in vectorizer.vocabulary_.items():
                terms[col] = term
            self._terms = terms
        pairs = sorted(zip(contribution.col, contribution.data, strict=True), key=lambda p: -p[1])
        return [(self._terms[col], float(value)) for col, value in pairs[:limit]]

    def index_of(self, section: Section) -> int:
        return self.sections.index(section)

    # -- persistence ----------------------------------------------------------------

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        _write_json(directory / "sections.json", [asdict(s) for s in self.sections])
        for name, vectorizer in self.vectorizers.items():
            vocabulary = {term: int(col) for term, col in vectorizer.vocabulary_.items()}
            _write_json(directory / f"{name}.vocabulary.json", vocabulary)
            if isinstance(vectorizer, TfidfVectorizer):
                np.save(directory / f"{name}.idf.npy", vectorizer.idf_.astype(np.float32))
            sp.save_npz(directory / f"{name}.postings.npz", self.matrices[name])
        if self.vectors is not None:
            np.save(directory / "semantic.npy", self.vectors.astype(np.float32))
            _write_json(directory / "semantic.keys.json", self.vector_keys)
        else:
            for stale in ("semantic.npy", "semantic.keys.json"):
                (directory / stale).unlink(missing_ok=True)
        if self.continuations is not None:
            parts = self.continuations
            np.save(directory / "semantic.parts.npy", parts.vectors.astype(np.float32))
            owners = [int(i) for i in parts.owners]
            _write_json(directory / "semantic.parts.json", {"owners": owners, "keys": parts.keys})
        else:
            for stale in ("semantic.parts.npy", "semantic.parts.json"):
                (directory / stale).unlink(missing_ok=True)
        _write_json(directory / "manifest.json", self.manifest)

    @classmethod
    def load(
        cls,
        directory: Path,
        settings: IndexSettings | None = None,
        embedder: Embedder | None = None,
        embedder_status: str = "",
    ) -> DocIndex:
        settings = settings or IndexSettings()
        names = ["manifest.json", "sections.json", "char.idf.npy"] + [
            f"{name}.{part}" for name in FIELDS for part in ("vocabulary.json", "postings.npz")
        ]
        missing = [name for name in names if not (directory / name).exists()]
        if missing:
            raise IndexStoreError(
                f"no usable index in {directory} (missing {', '.join(missing[:3])}); "
                "run `triage crawl` and `triage index`"
            )
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexStoreError(
                f"index in {directory} has format {manifest.get('format_version')}, "
                f"this version reads {FORMAT_VERSION}; run `triage index --force`"
            )
        sections = [
            Section(**{**entry, "ids": tuple(entry.get("ids", ()))})
            for entry in json.loads((directory / "sections.json").read_text(encoding="utf-8"))
        ]
        vectorizers, matrices = {}, {}
        for name in FIELDS:
            vocabulary = json.loads(
                (directory / f"{name}.vocabulary.json").read_text(encoding="utf-8")
            )
            vectorizer = _vectorizer(name, vocabulary)
            if isinstance(vectorizer, TfidfVectorizer):
                vectorizer.idf_ = np.load(directory / f"{name}.idf.npy", allow_pickle=False)
            vectorizers[name] = vectorizer
            matrices[name] = sp.csr_matrix(sp.load_npz(directory / f"{name}.postings.npz"))
        vectors, keys, status = None, [], embedder_status
        model = manifest.get("semantic_model")
        continuations = None
        if model and embedder is not None and embedder.name == model:
            vectors = np.load(directory / "semantic.npy", allow_pickle=False)
            keys = json.loads((directory / "semantic.keys.json").read_text(encoding="utf-8"))
            continuations = _load_continuations(directory)
        elif model and embedder is None:
            status = embedder_status or f"{model} not loaded; lexical only"
        elif model and embedder is not None:
            status = (
                f"the index was embedded with {model} and the desk loads {embedder.name}; "
                "lexical only until `triage index` embeds the sections again"
            )
        elif not model:
            status = "index built without embeddings; lexical only"
        index = cls(
            sections, vectorizers, matrices, manifest, settings, vectors, keys, embedder, status,
            continuations,
        )  # fmt: skip
        fitted_method, fitted_weight = fitted_fusion(directory)
        index.fusion = (
            settings.fusion if settings.fusion != "fitted" else fitted_method,
            settings.semantic_weight if settings.semantic_weight >= 0 else fitted_weight,
        )
        return index


def load_embedding_cache(directory: Path) -> dict[str, np.ndarray]:
    """Embeddings of the index in ``directory`` by content key, to skip re-embedding."""
    try:
        vectors = np.load(directory / "semantic.npy", allow_pickle=False)
        keys = json.loads((directory / "semantic.keys.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    cache = {}
    for pair, vector_pair in zip(keys, vectors, strict=False):
        for key, vector in zip(pair, vector_pair, strict=False):
            cache[str(key)] = np.asarray(vector)
    try:
        parts = _load_continuations(directory)
    except IndexStoreError:
        parts = None  # a cache, not the index: what cannot be read is embedded again
    if parts is not None:
        cache.update(zip(parts.keys, parts.vectors, strict=True))
    return cache


def _load_continuations(directory: Path) -> Continuations | None:
    """The vectors of long sections' further parts, if the index has any."""
    try:
        vectors = np.load(directory / "semantic.parts.npy", allow_pickle=False)
        data = json.loads((directory / "semantic.parts.json").read_text(encoding="utf-8"))
        owners = np.array(data["owners"], dtype=np.intp)
        keys = [str(key) for key in data["keys"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexStoreError(
            f"{directory} has damaged semantic parts ({exc}); run `triage index --force`"
        ) from exc
    if not len(vectors) == len(owners) == len(keys):
        raise IndexStoreError(f"{directory} has damaged semantic parts; run `triage index --force`")
    return Continuations(vectors, owners, keys)


def _write_json(path: Path, data: object) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def sections_from_crawl(
    crawl_dir: Path,
    public_base: str,
    rules: ExtractionRules = GENERIC_RULES,
    language: str = "ru",
) -> tuple[list[Section], str]:
    """All sections of the crawled pages, with public URLs, and a hash of the crawl.

    URLs of the crawled host are rewritten to ``public_base`` only when the crawl is of
    that site or of a mirror of it: a mirror's pages name the public site in their
    canonical links, as generated sites do. A crawl of another site keeps its own URLs,
    so that ``triage crawl URL`` works on any site with the configuration as it is.

    A site in several languages (``<html lang>``) keeps the pages in ``language`` (the
    customers'), when it has any; "any" keeps every language.
    """
    start_url, pages = load_crawl(crawl_dir)
    digest = hashlib.sha256()
    extracted_pages: list[tuple[CrawledPage, list[Section]]] = []
    empty: list[str] = []
    languages: dict[str, str] = {}  # page URL -> its declared language
    for page, body in sorted(pages, key=lambda item: item[0].url):
        digest.update(page.sha256.encode())
        read_file = _FILE_EXTRACTORS.get(page.content_type)
        if read_file is not None:
            extracted = read_file(body, page.url)
        else:
            html = decode_html(body, page.charset)
            languages[page.url] = _declared_language(html)
            extracted = extract_sections(html, page.url, rules)
        if not extracted:
            empty.append(page.url)
        extracted_pages.append((page, extracted))
    extracted_pages = _in_language(extracted_pages, languages, language.lower())
    public_host = urlsplit(public_base).netloc
    mirrored = urlsplit(start_url).netloc == public_host or any(
        urlsplit(section.url).netloc == public_host
        for _page, extracted in extracted_pages
        for section in extracted
    )
    if public_base and not mirrored:
        log.info(
            "%s is not a mirror of %s (no page names it as canonical): links keep its URLs",
            start_url, public_base,
        )  # fmt: skip
    sections: list[Section] = []
    seen_urls: set[str] = set()
    files: set[str] = set()
    for page, extracted in extracted_pages:
        for section in extracted:
            url = public_url(section.url, start_url, public_base if mirrored else "")
            key = f"{url}#{section.anchor}#{section.title}"
            if key in seen_urls:
                continue
            seen_urls.add(key)
            sections.append(dataclasses.replace(section, url=url))
            if page.content_type in FILE_TYPES:
                files.add(url)
    if empty:
        log.warning(
            "%d of %d crawled pages have no text to index (%s%s): a page drawn by scripts "
            "in the browser with no browser to render it (crawl.browser), or a scanned PDF, "
            "cannot be read",
            len(empty), len(pages), ", ".join(empty[:3]), ", ..." if len(empty) > 3 else "",
        )  # fmt: skip
    return drop_repeated_lines(sections, frozenset(files)), digest.hexdigest()


# Manuals the pages link to (crawl.FILE_TYPES), by content type.
_FILE_EXTRACTORS: dict[str, Callable[[bytes, str], list[Section]]] = {
    PDF_TYPE: extract_pdf_sections,
    DOCX_TYPE: extract_docx_sections,
}
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)


def _declared_language(html: str) -> str:
    """The primary language subtag of ``<html lang>`` ("ru" of "ru-RU"); "" if none."""
    found = _HTML_LANG.search(html[:5000])
    return found.group(1).lower() if found else ""


def _in_language(
    pages: list[tuple[CrawledPage, list[Section]]], languages: dict[str, str], wanted: str
) -> list[tuple[CrawledPage, list[Section]]]:
    """The pages in ``wanted`` and those that declare no language, if the site has pages
    in it; else every page (a site in another language is indexed as it is)."""
    declared = Counter(lang for lang in languages.values() if lang)
    if wanted in ("", "any") or not declared.get(wanted) or len(declared) < 2:
        return pages
    kept = [(p, s) for p, s in pages if languages.get(p.url, "") in ("", wanted)]
    others = ", ".join(f"{lang} {n}" for lang, n in declared.items() if lang != wanted)
    log.info("left out %d pages in other languages than %s (%s)", len(pages) - len(kept),
             wanted, others)  # fmt: skip
    return kept


def indexed_site(directory: Path) -> str:
    """The documentation site the index in ``directory`` links to: the host most of its
    sections are on and the folder they all share ("" without an index)."""
    try:
        entries = json.loads((directory / "sections.json").read_text(encoding="utf-8"))
        urls = [str(entry["url"]) for entry in entries]
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    return site_of(urls)


def site_of(section_urls: Sequence[str]) -> str:
    """The host most of these section URLs are on and the folder they all share."""
    urls = [urlsplit(url) for url in section_urls]
    if not urls:
        return ""
    site = Counter((u.scheme, u.netloc) for u in urls).most_common(1)[0][0]
    folders = [u.path.rsplit("/", 1)[0] or "/" for u in urls if (u.scheme, u.netloc) == site]
    common = posixpath.commonpath([f if f.startswith("/") else "/" + f for f in folders])
    return f"{site[0]}://{site[1]}{common.rstrip('/')}/"


def indexed_source_hash(directory: Path) -> str | None:
    """The crawl hash the index in ``directory`` was built from, if any."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("format_version") != FORMAT_VERSION:
        return None
    return str(manifest.get("source_hash") or "") or None
