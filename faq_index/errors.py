"""Exceptions raised by the faq_index package.

FaqIndexError
├── CrawlError          the documentation site could not be crawled
└── IndexStoreError     the index on disk is missing, incomplete or of another format
"""


class FaqIndexError(Exception):
    """Base class for every error of the faq_index package."""


class CrawlError(FaqIndexError):
    """The crawl could not start or fetched nothing usable."""


class IndexStoreError(FaqIndexError):
    """The persisted index cannot be used; rebuild it with `triage index`."""
