"""The TF-IDF index over documentation sections: build, persist, load, search.

Two lexical fields are scored and summed with configurable weights: stemmed
words (morphology) and character n-grams within words (typos, compounds,
Latin look-alikes). Persisted without pickle: per field a sparse matrix
(``.npz``), idf weights (``.npy``) and the vocabulary (JSON), next to the
sections (JSON) and a manifest naming the format version, the parameters and
the hash of the crawl it was built from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from faq_index.crawl import PDF_TYPE, load_crawl
from faq_index.errors import IndexStoreError
from faq_index.extract import Section, extract_sections
from faq_index.pdf import extract_pdf_sections
from faq_index.settings import IndexSettings
from faq_index.text import analyze, normalise

FORMAT_VERSION = 2
FIELDS = ("word", "char")


@dataclass(frozen=True)
class SearchHit:
    section: Section
    score: float
    field_scores: tuple[float, ...] = ()

    @property
    def link(self) -> str:
        return self.section.link

    def excerpt(self, length: int = 220) -> str:
        text = " ".join(self.section.text.split())
        return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


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


def section_document(section: Section, title_weight: int) -> str:
    """The text indexed for a section: headings repeated so that they weigh more."""
    heading = f"{section.page_title} {section.title}" if section.anchor else section.title
    return " ".join([heading] * title_weight + [section.breadcrumb, section.text])


def _vectorizer(field: str, vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    if field == "word":
        return TfidfVectorizer(
            analyzer=analyze, sublinear_tf=True, dtype=np.float32, vocabulary=vocabulary
        )
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        preprocessor=normalise,
        sublinear_tf=True,
        min_df=1,
        dtype=np.float32,
        vocabulary=vocabulary,
    )


class DocIndex:
    def __init__(
        self,
        sections: Sequence[Section],
        vectorizers: dict[str, TfidfVectorizer],
        matrices: dict[str, sp.csr_matrix],
        manifest: dict[str, Any],
        weights: dict[str, float],
    ) -> None:
        self.sections = list(sections)
        self.vectorizers = vectorizers
        self.matrices = matrices
        self.manifest = manifest
        self.weights = weights
        self._terms: dict[str, list[str]] = {}

    @classmethod
    def build(
        cls, sections: Sequence[Section], settings: IndexSettings, source_hash: str = ""
    ) -> DocIndex:
        if not sections:
            raise IndexStoreError("no documentation sections to index")
        documents = [section_document(s, settings.title_weight) for s in sections]
        vectorizers = {field: _vectorizer(field) for field in FIELDS}
        matrices = {
            field: sp.csr_matrix(vectorizer.fit_transform(documents))
            for field, vectorizer in vectorizers.items()
        }
        manifest: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source_hash": source_hash,
            "sections": len(sections),
            "terms": {field: len(v.vocabulary_) for field, v in vectorizers.items()},
            "title_weight": settings.title_weight,
        }
        return cls(sections, vectorizers, matrices, manifest, _weights(settings))

    def with_weights(self, settings: IndexSettings) -> DocIndex:
        return DocIndex(
            self.sections, self.vectorizers, self.matrices, self.manifest, _weights(settings)
        )

    def field_scores(self, query: str) -> dict[str, np.ndarray]:
        """Cosine similarity of the query with every section, per field."""
        scores = {}
        for field, vectorizer in self.vectorizers.items():
            vector = vectorizer.transform([query])
            scores[field] = (
                (self.matrices[field] @ vector.T).toarray().ravel()
                if vector.nnz
                else np.zeros(len(self.sections), dtype=np.float32)
            )
        return scores

    def search(self, query: str, k: int = 5) -> list[SearchHit]:
        per_field = self.field_scores(query)
        total = sum(
            (self.weights[field] * scores for field, scores in per_field.items()),
            start=np.zeros(len(self.sections), dtype=np.float32),
        )
        if per_field["word"].max(initial=0.0) <= 0.0:
            return []
        top = np.argsort(-total, kind="stable")[:k]
        return [
            SearchHit(
                self.sections[i],
                float(total[i]),
                tuple(float(per_field[field][i]) for field in FIELDS),
            )
            for i in top
            if total[i] > 0
        ]

    def explain(self, query: str, section_index: int, limit: int = 8) -> list[tuple[str, float]]:
        """The word-field terms that contributed most to a section's score."""
        vectorizer = self.vectorizers["word"]
        vector = vectorizer.transform([query])
        row = self.matrices["word"][section_index]
        contribution = vector.multiply(row).tocoo()
        terms = self._terms.get("word")
        if terms is None:
            terms = [""] * len(vectorizer.vocabulary_)
            for term, col in vectorizer.vocabulary_.items():
                terms[col] = term
            self._terms["word"] = terms
        pairs = sorted(zip(contribution.col, contribution.data, strict=True), key=lambda p: -p[1])
        return [(terms[col], float(value)) for col, value in pairs[:limit]]

    def index_of(self, section: Section) -> int:
        return self.sections.index(section)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        _write_json(directory / "sections.json", [asdict(s) for s in self.sections])
        for field, vectorizer in self.vectorizers.items():
            vocabulary = {term: int(col) for term, col in vectorizer.vocabulary_.items()}
            _write_json(directory / f"{field}.vocabulary.json", vocabulary)
            np.save(directory / f"{field}.idf.npy", vectorizer.idf_.astype(np.float32))
            sp.save_npz(directory / f"{field}.matrix.npz", self.matrices[field])
        _write_json(directory / "manifest.json", self.manifest)

    @classmethod
    def load(cls, directory: Path, settings: IndexSettings | None = None) -> DocIndex:
        names = ["manifest.json", "sections.json"] + [
            f"{field}.{part}"
            for field in FIELDS
            for part in ("vocabulary.json", "idf.npy", "matrix.npz")
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
                f"this version reads {FORMAT_VERSION}; run `triage index` again"
            )
        sections = [
            Section(**entry)
            for entry in json.loads((directory / "sections.json").read_text(encoding="utf-8"))
        ]
        vectorizers, matrices = {}, {}
        for field in FIELDS:
            vocabulary = json.loads(
                (directory / f"{field}.vocabulary.json").read_text(encoding="utf-8")
            )
            vectorizer = _vectorizer(field, vocabulary)
            vectorizer.idf_ = np.load(directory / f"{field}.idf.npy", allow_pickle=False)
            vectorizers[field] = vectorizer
            matrices[field] = sp.csr_matrix(sp.load_npz(directory / f"{field}.matrix.npz"))
        return cls(sections, vectorizers, matrices, manifest, _weights(settings or IndexSettings()))


def _weights(settings: IndexSettings) -> dict[str, float]:
    return {"word": settings.word_weight, "char": settings.char_weight}


def _write_json(path: Path, data: object) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def sections_from_crawl(crawl_dir: Path, public_base: str) -> tuple[list[Section], str]:
    """All sections of the crawled pages, with public URLs, and a hash of the crawl."""
    start_url, pages = load_crawl(crawl_dir)
    digest = hashlib.sha256()
    sections: list[Section] = []
    seen_urls: set[str] = set()
    for page, body in sorted(pages, key=lambda item: item[0].url):
        digest.update(page.sha256.encode())
        if page.content_type == PDF_TYPE:
            extracted = extract_pdf_sections(body, page.url)
        else:
            extracted = extract_sections(body.decode("utf-8", errors="replace"), page.url)
        for section in extracted:
            url = public_url(section.url, start_url, public_base)
            key = f"{url}#{section.anchor}"
            if key in seen_urls:
                continue
            seen_urls.add(key)
            sections.append(dataclasses.replace(section, url=url))
    return sections, digest.hexdigest()


def indexed_source_hash(directory: Path) -> str | None:
    """The crawl hash the index in ``directory`` was built from, if any."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("format_version") != FORMAT_VERSION:
        return None
    return str(manifest.get("source_hash") or "") or None
