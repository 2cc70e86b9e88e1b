"""The documentation index: crawl the docs site, split it into sections, search it."""

from faq_index.answerer import DocsAnswerer, Lookup
from faq_index.confidence import ConfidenceModel
from faq_index.crawl import Crawler, CrawlReport, crawl_progress_bar, load_crawl
from faq_index.errors import CrawlError, FaqIndexError, IndexStoreError
from faq_index.extract import Section, extract_sections
from faq_index.index import (
    DocIndex,
    SearchHit,
    indexed_source_hash,
    public_url,
    sections_from_crawl,
)
from faq_index.settings import CrawlSettings, IndexSettings

__all__ = [
    "ConfidenceModel",
    "CrawlError",
    "CrawlReport",
    "CrawlSettings",
    "Crawler",
    "DocIndex",
    "DocsAnswerer",
    "FaqIndexError",
    "IndexSettings",
    "IndexStoreError",
    "Lookup",
    "SearchHit",
    "Section",
    "crawl_progress_bar",
    "extract_sections",
    "indexed_source_hash",
    "load_crawl",
    "public_url",
    "sections_from_crawl",
]
