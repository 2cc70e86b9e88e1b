"""Wiring the packages together from a Config: what the CLI and the demo call."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from desk.config import Config
from desk.intake import IntakeService
from desk.outbox import DeliveryReport, deliver_pending
from desk.poller import PollReport, poll_once
from faq_index import (
    Crawler,
    CrawlReport,
    DocIndex,
    IndexStoreError,
    indexed_source_hash,
    sections_from_crawl,
)
from mailer import Transport, make_transport
from triage import AttachmentVault, TicketStore

log = logging.getLogger(__name__)


def open_store(config: Config) -> TicketStore:
    return TicketStore.open(config.store.database, config.desk.ticket_prefix)


def load_index(config: Config) -> DocIndex | None:
    """The documentation index, or None (said in the log) when none was built yet."""
    try:
        return DocIndex.load(config.index.directory, config.index)
    except IndexStoreError as exc:
        log.warning("answering without documentation: %s", exc)
        return None


def intake_service(config: Config, store: TicketStore, index: DocIndex | None) -> IntakeService:
    return IntakeService(
        store,
        index,
        AttachmentVault(config.store.attachments_dir),
        config.desk,
        config.decision,
    )


def crawl_docs(
    config: Config, url: str | None = None, progress: Callable[[int, int, str], None] | None = None
) -> CrawlReport:
    start = url or config.crawl.start_url
    crawler = Crawler(config.crawl, progress=progress)
    return crawler.crawl(start, config.crawl.directory)


def build_index(config: Config, force: bool = False) -> tuple[DocIndex, bool]:
    """The index of the last crawl, and whether it had to be rebuilt."""
    sections, source_hash = sections_from_crawl(
        config.crawl.directory, config.crawl.public_base_url
    )
    if not force and indexed_source_hash(config.index.directory) == source_hash:
        return DocIndex.load(config.index.directory, config.index), False
    index = DocIndex.build(sections, config.index, source_hash)
    index.save(config.index.directory)
    return index, True


def send_outbox(
    config: Config, store: TicketStore, transport: Transport | None = None
) -> DeliveryReport:
    return deliver_pending(store, transport or make_transport(config.smtp))


def poll(
    config: Config, store: TicketStore, index: DocIndex | None
) -> tuple[PollReport, DeliveryReport | None]:
    report = poll_once(config.imap, intake_service(config, store, index))
    delivery = send_outbox(config, store) if config.poll.send_after_poll else None
    return report, delivery


def with_work_dir(config: Config, work_dir: Path) -> Config:
    """The same configuration with every runtime file under ``work_dir``."""
    return replace(
        config,
        store=replace(
            config.store,
            database=work_dir / "desk.sqlite3",
            attachments_dir=work_dir / "attachments",
        ),
        crawl=replace(config.crawl, directory=work_dir / "crawl"),
        index=replace(config.index, directory=work_dir / "index"),
        smtp=replace(config.smtp, transport="directory", directory=work_dir / "outbox"),
    )
