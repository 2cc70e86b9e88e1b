"""Wiring the packages together from a Config: what the CLI and the demo call."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from desk.actions import close_ticket
from desk.config import Config
from desk.feedback import FeedbackLinks
from desk.intake import IntakeService
from desk.lease import MailboxLease
from desk.outbox import DeliveryReport, deliver_pending
from desk.poller import PollReport, poll_once
from desk.prepare import Preparer
from desk.workers import PreparePool, worker_count
from faq_index import (
    Crawler,
    CrawlReport,
    DocIndex,
    DocsAnswerer,
    IndexStoreError,
    indexed_source_hash,
    sections_from_crawl,
)
from faq_index.confidence import ConfidenceModel
from faq_index.evaluate import load_questions
from faq_index.extract import ExtractionRules
from faq_index.fitting import FitReport, fit_index, save_fit
from faq_index.index import indexed_site, load_embedding_cache, site_of
from faq_index.releases import ReleaseInfo, release_info
from faq_index.render import Renderer
from faq_index.semantic import Embedder, load_embedder, load_vector_cache, save_vector_cache
from mailer import Transport, make_transport
from triage import (
    AttachmentVault,
    LabelledRequest,
    ModelError,
    RequestClassifier,
    StoreError,
    TicketStore,
    evaluate,
    load_requests,
)
from triage.clock import utc_now
from triage.credentials import SecretBox
from triage.rules import PolicySettingsView

log = logging.getLogger(__name__)


def open_store(config: Config) -> TicketStore:
    return TicketStore.open(config.store.database, config.desk.ticket_prefix)


def load_index(
    config: Config, embedder: Embedder | None = None, status: str | None = None
) -> DocIndex | None:
    """The documentation index, or None (said in the log) when none was built yet."""
    if status is None:
        embedder, status = load_embedder(config.index.semantic_model)
    if status:
        log.warning("%s", status)
    try:
        return DocIndex.load(config.index.directory, config.index, embedder, status)
    except IndexStoreError as exc:
        log.warning("answering without documentation: %s", exc)
        return None


def load_classifier(config: Config, embedder: Embedder | None = None) -> RequestClassifier | None:
    """The trained request classifier, or None (said in the log) when none was trained."""
    try:
        model = RequestClassifier.load(config.classifier.model_dir, embedder)
    except ModelError as exc:
        log.warning("no automatic answers without a classifier: %s", exc)
        return None
    trained_with = model.manifest.get("semantic_model")
    if trained_with and embedder is not None and trained_with != embedder.name:
        log.warning(
            "the classifier was trained with %s and the desk loads %s; it reads no "
            "embeddings until `triage train` trains it again",
            trained_with,
            embedder.name,
        )
    return model


@dataclass(frozen=True)
class TrainingResult:
    scores: dict[str, float]
    previous: dict[str, float] | None
    replaced: bool


def train_classifier(config: Config, force: bool = False) -> TrainingResult:
    """Train on the labelled training split; keep the new model only if it is not worse."""
    requests = load_requests(config.classifier.training_set)
    train = [r for r in requests if r.split == "train"] + agent_corrections(config)
    test = [r for r in requests if r.split == "test"]
    embedder, status = load_embedder(config.index.semantic_model)
    if status:
        log.warning("classifier without sentence embeddings: %s", status)
    cache = load_vector_cache(config.classifier.embedding_cache)
    model = RequestClassifier.train(
        train,
        c=config.classifier.regularisation,
        embedder=embedder,
        semantic_weights={
            "category": config.classifier.semantic_weight_category,
            "intent": config.classifier.semantic_weight_intent,
        },
        vector_cache=cache,
        semantic_tokens=config.classifier.semantic_tokens,
    )
    scores = {head: report.macro_f1 for head, report in evaluate(model, test).items()}
    previous = None
    try:
        old = RequestClassifier.load(config.classifier.model_dir, embedder, cache)
        previous = {head: report.macro_f1 for head, report in evaluate(old, test).items()}
    except ModelError:
        pass
    if embedder is not None:
        save_vector_cache(config.classifier.embedding_cache, cache)
    better = previous is None or sum(scores.values()) >= sum(previous.values())
    if better or force:
        model.manifest["test_macro_f1"] = scores
        model.save(config.classifier.model_dir)
    return TrainingResult(scores, previous, better or force)


@dataclass(frozen=True)
class Models:
    """What the desk loaded from disk; each part may be missing (and the log says so)."""

    index: DocIndex | None = None
    classifier: RequestClassifier | None = None
    confidence: ConfidenceModel | None = None


def load_models(config: Config) -> Models:
    embedder, status = load_embedder(config.index.semantic_model)
    index = load_index(config, embedder, status)
    models = Models(index, load_classifier(config, embedder), load_confidence(config, index))
    freeze_heap()
    return models


def freeze_heap() -> None:
    """Take what the process has loaded so far out of the garbage collector's scans.

    The index and the models live as long as the process, and they are hundreds of
    thousands of objects (137,000 with a 10,000-section index). Every older-generation
    collection walked them again, in the middle of some query: the fused ``ask`` p99 at
    10,000 sections was 22.8 and 24.5 ms without this and 20.5 and 21.5 ms with it
    (same runs, idle machine). Garbage is collected first, so no cycle is kept forever.
    """
    gc.collect()
    gc.freeze()


def agent_corrections(config: Config) -> list[LabelledRequest]:
    """Labels agents corrected in the ticket store: extra training data."""
    if not config.store.database.exists():
        return []
    store = TicketStore.open_read_only(config.store.database, config.desk.ticket_prefix)
    try:
        return [
            LabelledRequest(
                f"correction-{row['id']}",
                row["subject"],
                row["body"],
                row["category"],
                row["intent"],
                "train",
            )
            for row in store.corrections()
        ]
    finally:
        store.close()


def close_quiet_tickets(config: Config, store: TicketStore) -> list[str]:
    """Close automatically answered tickets that stayed quiet; returns their numbers."""
    days = config.lifecycle.auto_close_after_days
    if days <= 0:
        return []
    before = (utc_now() - timedelta(days=days)).isoformat(timespec="seconds")
    closed = []
    for ticket in store.quiet_answered(before):
        close_ticket(config, store, ticket.number, by="auto-close")
        closed.append(ticket.number)
    return closed


def docs_answerer(models: Models) -> DocsAnswerer | None:
    """The documentation answerer of the loaded models, if an index was loaded."""
    return DocsAnswerer(models.index, models.confidence) if models.index is not None else None


def intake_service(config: Config, store: TicketStore, models: Models) -> IntakeService:
    index, classifier, confidence = models.index, models.classifier, models.confidence
    docs = DocsAnswerer(index, confidence) if index is not None else None
    return IntakeService(
        store,
        docs,
        AttachmentVault(
            config.store.attachments_dir,
            config.store.max_attachment_bytes,
            config.store.max_mail_attachments_bytes,
        ),
        config.desk,
        config.decision,
        policy_view(config, index),
        classifier,
        sla=config.sla,
        secret_box=SecretBox(config.store.secrets_key),
        limits=config.limits,
        feedback=feedback_links(config),
    )


def feedback_links(config: Config) -> FeedbackLinks | None:
    """Signed "Вопрос решён" / "Не помогло" links for answer mail, when a web key is set."""
    if not config.web.secret_key:
        return None
    return FeedbackLinks(
        config.web.secret_key, config.web.public_url, config.web.feedback_link_days
    )


def policy_view(config: Config, index: DocIndex | None) -> PolicySettingsView:
    """Editions from the configuration; versions from it or else from the release notes."""
    releases = release_info(index.sections) if index is not None else ReleaseInfo()
    return PolicySettingsView(
        editions=config.policy.editions,
        current_version=config.policy.current_version or releases.current,
        minimum_supported_version=(
            config.policy.minimum_supported_version or releases.minimum_supported
        ),
    )


def crawl_docs(
    config: Config, url: str | None = None, progress: Callable[[int, int, str], None] | None = None
) -> CrawlReport:
    start = url or config.crawl.start_url
    renderer = Renderer.find(config.crawl.browser)
    crawler = Crawler(config.crawl, progress=progress, renderer=renderer)
    return crawler.crawl(start, config.crawl.directory)


def build_index(
    config: Config, force: bool = False, progress: Callable[[int, int], None] | None = None
) -> tuple[DocIndex, bool]:
    """The index of the last crawl, and whether it had to be rebuilt.

    Embeddings of sections whose text did not change are taken from the previous
    index, so a rebuild embeds only what is new.
    """
    rules = ExtractionRules(config.index.content_selectors, config.index.boilerplate_selectors)
    sections, source_hash = sections_from_crawl(
        config.crawl.directory, config.crawl.public_base_url, rules, config.index.language
    )
    embedder, status = load_embedder(config.index.semantic_model)
    if status:
        log.warning("%s", status)
    if not force and indexed_source_hash(config.index.directory) == source_hash:
        return DocIndex.load(config.index.directory, config.index, embedder, status), False
    cache = load_embedding_cache(config.index.directory)
    index = DocIndex.build(
        sections, config.index, source_hash, embedder, cache, progress, semantic_status=status
    )
    index.save(config.index.directory)
    return index, True


def load_confidence(config: Config, index: DocIndex | None = None) -> ConfidenceModel | None:
    """The answer confidence `triage fit` made for this index (``index``, if already
    loaded, names its site without reading the index folder again), or None."""
    try:
        model = ConfidenceModel.load(config.index.directory)
    except IndexStoreError as exc:
        log.warning("%s", exc)
        return None
    if model is None:
        log.warning("no answer confidence fitted (run `triage fit`): no automatic answers")
        return None
    if not model.site:
        return model  # fitted before the site was recorded
    if index is not None:
        site = site_of([section.url for section in index.sections])
    else:
        site = indexed_site(config.index.directory)
    if model.site != site:
        # `triage crawl URL && triage index` on another site keeps the fit of the last one.
        log.warning(
            "the answer confidence was fitted for %s, the index links to %s: no automatic "
            "answers until `triage fit` with questions labelled for this site",
            model.site, site,
        )  # fmt: skip
        return None
    return model


def fit_retrieval(config: Config, progress: Callable[[int, int], None] | None = None) -> FitReport:
    """Fit fusion and confidence on the dev split and store them next to the index."""
    index = load_index(config)
    if index is None:
        raise IndexStoreError("no index to fit; run `triage crawl` and `triage index`")
    dev = [q for q in load_questions(config.index.questions) if q.split == "dev"]
    report = fit_index(index, dev, config.index.target_precision, progress)
    save_fit(report, config.index.directory)
    return report


def send_outbox(
    config: Config,
    store: TicketStore,
    transport: Transport | None = None,
    retry_uncertain: bool = False,
) -> DeliveryReport:
    return deliver_pending(store, transport or make_transport(config.smtp), retry_uncertain)


def mailbox_lease(config: Config, store: TicketStore) -> MailboxLease:
    imap = config.imap
    name = f"poll:{imap.username}@{imap.host}:{imap.port}/{imap.folder}"
    return MailboxLease(store, name, config.poll.lease_seconds)


def prepare_pool(config: Config, models: Models) -> PreparePool:
    """Worker processes for bursts of mail (``poll.workers``), started on first need."""
    workers = worker_count(config.poll.workers)
    return PreparePool(config, preparer(config, models), workers, config.poll.parallel_from)


def preparer(config: Config, models: Models) -> Preparer:
    """The store-free first half of intake, over the loaded models."""
    return Preparer(
        docs_answerer(models),
        models.classifier,
        config.desk,
        policy_view(config, models.index),
        k=max(5, config.decision.max_links),
    )


def poll(
    config: Config, store: TicketStore, models: Models, pool: PreparePool | None = None
) -> tuple[PollReport, DeliveryReport | None]:
    """One poll under the mailbox lease; skipped when another poller holds it."""
    lease = mailbox_lease(config, store)
    holder = lease.acquire()
    if holder is not None:
        log.info("%s is held by another poller (%s); skipping this poll", lease.name, holder)
        return PollReport(busy_by=holder), None
    try:
        intake = intake_service(config, store, models)
        report = poll_once(config.imap, intake, lease.keep_alive, pool)
        report.closed = close_quiet_tickets(config, store)
        delivery = send_outbox(config, store) if config.poll.send_after_poll else None
    finally:
        with contextlib.suppress(StoreError):  # an unreleased lease still expires
            lease.release()
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
        classifier=replace(config.classifier, model_dir=work_dir / "model"),
        smtp=replace(config.smtp, transport="directory", directory=work_dir / "outbox"),
    )
