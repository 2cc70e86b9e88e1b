"""The TF-IDF index over documentation sections: build, persist, load, search.

Persisted without pickle: the section matrix as ``matrix.npz``, the idf
weights as ``idf.npy`` and everything else as JSON, next to a manifest that
names the format version and the hash of the crawl it was built from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from faq_index.crawl import PDF_TYPE, load_crawl
from faq_index.errors import IndexStoreError
from faq_index.extract import Section, extract_sections
from faq_index.pdf import extract_pdf_sections
from faq_index.settings import IndexSettings
from faq_index.text import analyze

FORMAT_VERSION = 1
_FILES = ("manifest.json", "sections.json", "vocabulary.json", "idf.npy", "matrix.npz")


@dataclass(frozen=True)
class SearchHit:
    section: Section
    score: float

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


def _document(section: Section, title_weight: int) -> str:
    heading = f"{section.page_title} {section.title}" if section.anchor else section.title
    return " ".join([heading] * title_weight + [section.breadcrumb, section.text])


class DocIndex:
    def __init__(
        self,
        sections: Sequence[Section],
        vectorizer: TfidfVectorizer,
        matrix: sp.csr_matrix,
        manifest: dict[str, object],
    ) -> None:
        self.sections = list(sections)
        self.vectorizer = vectorizer
        self.matrix = matrix
        self.manifest = manifest

    @classmethod
    def build(
        cls, sections: Sequence[Section], settings: IndexSettings, source_hash: str = ""
    ) -> DocIndex:
        if not sections:
            raise IndexStoreError("no documentation sections to index")
        vectorizer = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, dtype=np.float32)
        matrix = vectorizer.fit_transform([_document(s, settings.title_weight) for s in sections])
        manifest: dict[str, object] = {
            "format_version": FORMAT_VERSION,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source_hash": source_hash,
            "sections": len(sections),
            "terms": len(vectorizer.vocabulary_),
            "title_weight": settings.title_weight,
        }
        return cls(sections, vectorizer, sp.csr_matrix(matrix), manifest)

    def search(self, query: str, k: int = 5) -> list[SearchHit]:
        vector = self.vectorizer.transform([query])
        if vector.nnz == 0:
            return []
        scores = (self.matrix @ vector.T).toarray().ravel()
        top = np.argsort(-scores, kind="stable")[:k]
        return [SearchHit(self.sections[i], float(scores[i])) for i in top if scores[i] > 0]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        vocabulary = {term: int(col) for term, col in self.vectorizer.vocabulary_.items()}
        _write_json(directory / "sections.json", [asdict(s) for s in self.sections])
        _write_json(directory / "vocabulary.json", vocabulary)
        np.save(directory / "idf.npy", self.vectorizer.idf_.astype(np.float32))
        sp.save_npz(directory / "matrix.npz", self.matrix)
        _write_json(directory / "manifest.json", self.manifest)

    @classmethod
    def load(cls, directory: Path) -> DocIndex:
        missing = [name for name in _FILES if not (directory / name).exists()]
        if missing:
            raise IndexStoreError(
                f"no usable index in {directory} (missing {', '.join(missing)}); "
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
        vocabulary = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
        vectorizer = TfidfVectorizer(
            analyzer=analyze, sublinear_tf=True, dtype=np.float32, vocabulary=vocabulary
        )
        vectorizer.idf_ = np.load(directory / "idf.npy", allow_pickle=False)
        matrix = sp.csr_matrix(sp.load_npz(directory / "matrix.npz"))
        return cls(sections, vectorizer, matrix, manifest)


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
