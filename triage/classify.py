"""Category and intent of a request: a scikit-learn pipeline and its artifact.

Training uses a TF-IDF feature union (stemmed words + character n-grams) and
one logistic regression per label. Where the sentence-embedding model loads
(faq_index.semantic), each head is trained a second time on the same features
plus the request's embedding, scaled by a per-head weight; prediction uses those
heads while the model is available and the lexical ones where it is not.

The artifact holds no pickle: vocabularies and labels as JSON, idf vectors and
coefficients as ``.npy``, and a manifest with a sha256 per file that is checked
before anything is loaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix, f1_score

from faq_index.semantic import MAX_PASSAGE_CHARS, Embedder, clip_to_tokens, embed_queries_with_cache
from faq_index.text import analyze, normalise
from triage.errors import TriageError

ARTIFACT_VERSION = 1
HEADS = ("category", "intent")
CATEGORIES = (
    "access_login",
    "e_signature",
    "documents_routes",
    "integration_1c",
    "install_update",
    "licensing",
    "mobile_app",
    "other",
)
INTENTS = ("how_to", "problem", "feature_request", "other")
SEMANTIC = "semantic"  # suffix of the heads that also read the request's embedding
# Scale of the embedding block beside the TF-IDF block, per head: chosen by 5-fold
# cross-validation on the training split (both 2 of 0-4; see README).
DEFAULT_SEMANTIC_WEIGHTS = {"category": 2.0, "intent": 2.0}
# The embedded part of a request, in model tokens (0: its first 1,500 characters). Cost
# grows with tokens (a 254-token mail took 185 ms on 2 cores, 364 on one), and mail
# runs long: the sample mails' median is 144 tokens. On 5-fold cross-validation of the
# training split, macro-F1 was the same at every cap from 48 tokens up (category
# 0.879-0.888, intent 0.898-0.906; uncapped 0.886 / 0.898); 96 had the best sum.
DEFAULT_SEMANTIC_TOKENS = 96


class ModelError(TriageError):
    """The classifier artifact is missing, damaged or of another version."""


@dataclass(frozen=True)
class LabelledRequest:
    id: str
    subject: str
    body: str
    category: str
    intent: str
    split: str
    # Problem reports only: whether the mail tells how the problem comes about (P7).
    steps: bool | None = None
    several: bool = False  # raises more than one separate problem or question (P5)

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}"


@dataclass(frozen=True)
class Prediction:
    category: str
    category_confidence: float
    intent: str
    intent_confidence: float


def load_requests(path: Path) -> list[LabelledRequest]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            optional = {"steps": data.get("steps"), "several": bool(data.get("several", False))}
            fields = {k: data[k] for k in LabelledRequest.__annotations__ if k not in optional}
            rows.append(LabelledRequest(**fields, **optional))
        except (ValueError, KeyError, TypeError) as exc:
            raise TriageError(f"{path}:{number}: not a labelled request: {exc}") from exc
    return rows


# Per head, the feature fields it reads; chosen by 5-fold cross-validation on the
# training split: topic words help the category but drown the intent, which lives
# in phrasing and punctuation ("как", "?", "не работает", "добавьте").
HEAD_FIELDS = {"category": ("word", "charwb"), "intent": ("char",)}
FIELDS = ("word", "charwb", "char")


def _vectorizer(field: str, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    min_df = 2 if vocabulary is None else 1
    if field == "word":
        return TfidfVectorizer(analyzer=analyze, sublinear_tf=True, vocabulary=vocabulary)
    return TfidfVectorizer(
        analyzer="char_wb" if field == "charwb" else "char",
        ngram_range=(2, 5) if field == "charwb" else (1, 5),
        preprocessor=normalise,
        sublinear_tf=True,
        min_df=min_df,
        vocabulary=vocabulary,
    )


class RequestClassifier:
    def __init__(
        self,
        vectorizers: dict[str, TfidfVectorizer],
        heads: dict[str, tuple[list[str], np.ndarray, np.ndarray]],
        manifest: dict[str, Any],
        embedder: Embedder | None = None,
        vector_cache: dict[str, np.ndarray] | None = None,
    ) -> None:
        self.vectorizers = vectorizers
        self.heads = heads
        self.manifest = manifest
        self.embedder = embedder
        # Embeddings by content: training, evaluation and re-training share them.
        self.vector_cache = vector_cache if vector_cache is not None else {}

    @classmethod
    def train(
        cls,
        requests: Sequence[LabelledRequest],
        c: float = 10.0,
        embedder: Embedder | None = None,
        semantic_weights: dict[str, float] | None = None,
        vector_cache: dict[str, np.ndarray] | None = None,
        semantic_tokens: int = DEFAULT_SEMANTIC_TOKENS,
    ) -> RequestClassifier:
        if not requests:
            raise TriageError("no training requests")
        texts = [r.text for r in requests]
        weights = {**DEFAULT_SEMANTIC_WEIGHTS, **(semantic_weights or {})}
        cache = vector_cache if vector_cache is not None else {}
        vectors = (
            embed_queries_with_cache(embedder, _embedded(embedder, texts, semantic_tokens), cache)
            if embedder
            else None
        )
        vectorizers = {field: _vectorizer(field) for field in FIELDS}
        fitted = {field: v.fit_transform(texts) for field, v in vectorizers.items()}
        heads = {}
        for head in HEADS:
            features = sp.hstack([fitted[field] for field in HEAD_FIELDS[head]]).tocsr()
            labels = [getattr(r, head) for r in requests]
            heads[head] = _fit_head(features, labels, c)
            if vectors is not None:
                features = _with_vectors(features, vectors, weights[head])
                heads[f"{head}.{SEMANTIC}"] = _fit_head(features, labels, c)
        manifest = {
            "version": ARTIFACT_VERSION,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_requests": len(requests),
            "c": c,
            "semantic_model": embedder.name if embedder else None,
            "semantic_weights": weights if embedder else None,
            "semantic_tokens": semantic_tokens if embedder else None,
        }
        return cls(vectorizers, heads, manifest, embedder, cache)

    @property
    def semantic(self) -> bool:
        """Whether predictions read the embedding (the model is loaded and was trained with it)."""
        return (
            self.embedder is not None
            and self.manifest.get("semantic_model") == self.embedder.name
            and all(f"{head}.{SEMANTIC}" in self.heads for head in HEADS)
        )

    def _features(
        self, texts: Sequence[str], head: str, vectors: np.ndarray | None
    ) -> sp.csr_matrix:
        lexical = sp.hstack([self.vectorizers[f].transform(texts) for f in HEAD_FIELDS[head]])
        if vectors is None:
            return lexical.tocsr()
        return _with_vectors(lexical, vectors, float(self.manifest["semantic_weights"][head]))

    def probabilities(
        self, texts: Sequence[str], head: str, vectors: np.ndarray | None = None
    ) -> tuple[list[str], np.ndarray]:
        classes, coef, intercept = self.heads[head if vectors is None else f"{head}.{SEMANTIC}"]
        scores = np.asarray(self._features(texts, head, vectors) @ coef.T) + intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return classes, exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        vectors = None
        if self.semantic and self.embedder is not None and texts:
            embedded = _embedded(self.embedder, texts, self.manifest.get("semantic_tokens") or 0)
            vectors = embed_queries_with_cache(self.embedder, embedded, self.vector_cache)
            if len(self.vector_cache) > 20_000:  # a long-running poller: keep it bounded
                self.vector_cache.clear()
        results: dict[str, list[tuple[str, float]]] = {}
        for head in HEADS:
            classes, probs = self.probabilities(texts, head, vectors)
            best = probs.argmax(axis=1)
            results[head] = [(classes[i], float(probs[n, i])) for n, i in enumerate(best)]
        return [
            Prediction(cat, cat_p, intent, intent_p)
            for (cat, cat_p), (intent, intent_p) in zip(
                results["category"], results["intent"], strict=True
            )
        ]

    def predict_one(self, subject: str, body: str) -> Prediction:
        return self.predict([f"{subject}\n{body}"])[0]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        files: dict[str, bytes] = {}
        for name, vectorizer in self.vectorizers.items():
            vocab = {term: int(col) for term, col in vectorizer.vocabulary_.items()}
            files[f"{name}.vocabulary.json"] = json.dumps(vocab, ensure_ascii=False).encode()
            files[f"{name}.idf.npy"] = _npy(np.asarray(vectorizer.idf_))
        for head, (classes, coef, intercept) in self.heads.items():
            files[f"{head}.classes.json"] = json.dumps(classes, ensure_ascii=False).encode()
            files[f"{head}.coef.npy"] = _npy(coef)
            files[f"{head}.intercept.npy"] = _npy(intercept)
        for name, content in files.items():
            (directory / name).write_bytes(content)
        manifest = {
            **self.manifest,
            "files": {name: hashlib.sha256(content).hexdigest() for name, content in files.items()},
        }
        (directory / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")

    @classmethod
    def load(
        cls,
        directory: Path,
        embedder: Embedder | None = None,
        vector_cache: dict[str, np.ndarray] | None = None,
    ) -> RequestClassifier:
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"no classifier in {directory}; run `triage train`") from exc
        if manifest.get("version") != ARTIFACT_VERSION:
            raise ModelError(f"classifier in {directory} is of another version; retrain it")
        content: dict[str, bytes] = {}
        for name, digest in manifest.get("files", {}).items():
            try:
                data = (directory / name).read_bytes()
            except OSError as exc:
                raise ModelError(f"classifier file {name} missing in {directory}") from exc
            if hashlib.sha256(data).hexdigest() != digest:
                raise ModelError(f"classifier file {name} in {directory} fails its checksum")
            content[name] = data
        try:
            vectorizers = {
                name: _vectorizer(name, json.loads(content[f"{name}.vocabulary.json"]))
                for name in FIELDS
            }
            for name, vectorizer in vectorizers.items():
                vectorizer.idf_ = _load_npy(content[f"{name}.idf.npy"])
            names = [*HEADS, *(f"{h}.{SEMANTIC}" for h in HEADS)]
            heads = {
                head: (
                    json.loads(content[f"{head}.classes.json"]),
                    _load_npy(content[f"{head}.coef.npy"]),
                    _load_npy(content[f"{head}.intercept.npy"]),
                )
                for head in names
                if head in HEADS or f"{head}.classes.json" in content
            }
        except (KeyError, ValueError) as exc:
            raise ModelError(f"classifier in {directory} is incomplete: {exc}") from exc
        return cls(vectorizers, heads, manifest, embedder, vector_cache)


def _embedded(embedder: Embedder, texts: Sequence[str], max_tokens: int) -> list[str]:
    """The part of each request that is embedded: the model's first ``max_tokens``."""
    if not max_tokens:
        return list(texts)
    return [clip_to_tokens(embedder, t[:MAX_PASSAGE_CHARS], max_tokens) for t in texts]


def _fit_head(
    features: sp.csr_matrix, labels: list[str], c: float
) -> tuple[list[str], np.ndarray, np.ndarray]:
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(features, labels)
    coef = model.coef_.astype(np.float32)
    intercept = model.intercept_.astype(np.float32)
    if len(model.classes_) == 2:  # binary models keep one row; make it two
        coef = np.vstack([-coef, coef])
        intercept = np.concatenate([-intercept, intercept])
    return [str(c) for c in model.classes_], coef, intercept


def _with_vectors(lexical: sp.spmatrix, vectors: np.ndarray, weight: float) -> sp.csr_matrix:
    return sp.hstack([lexical, sp.csr_matrix(vectors * weight)]).tocsr()


def _npy(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _load_npy(data: bytes) -> np.ndarray:
    import io

    return np.asarray(np.load(io.BytesIO(data), allow_pickle=False))


@dataclass(frozen=True)
class HeadReport:
    macro_f1: float
    report: dict[str, Any]
    labels: list[str]
    confusion: list[list[int]]


def evaluate(
    model: RequestClassifier, requests: Sequence[LabelledRequest]
) -> dict[str, HeadReport]:
    texts = [r.text for r in requests]
    predictions = model.predict(texts)
    reports = {}
    for head in HEADS:
        truth = [getattr(r, head) for r in requests]
        predicted = [getattr(p, head) for p in predictions]
        labels = list(CATEGORIES if head == "category" else INTENTS)
        reports[head] = HeadReport(
            macro_f1=float(f1_score(truth, predicted, labels=labels, average="macro")),
            report=classification_report(
                truth, predicted, labels=labels, output_dict=True, zero_division=0
            ),
            labels=labels,
            confusion=confusion_matrix(truth, predicted, labels=labels).tolist(),
        )
    return reports
