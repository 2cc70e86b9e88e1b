"""The demo: the whole desk on bundled data, on loopback, in one command."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from desk.accounts import add_user
from desk.clients_csv import import_clients
from desk.config import Config
from desk.docs_server import SnapshotServer
from desk.intake import IntakeResult
from desk.services import (
    build_index,
    crawl_docs,
    docs_answerer,
    fit_retrieval,
    intake_service,
    load_models,
    open_store,
    send_outbox,
    train_classifier,
    with_work_dir,
)
from desk.traffic import run_traffic
from insights import report_period, write_report
from mailer import read_eml_folder

DEMO_USER = "demo"  # an admin of the web UI, with a fresh password each run
_DEMO_ENTRIES = {"desk.sqlite3", "desk.sqlite3-wal", "desk.sqlite3-shm", "attachments", "crawl",
                 "index", "model", "outbox", "report.html", "report"}  # fmt: skip


class DemoError(Exception):
    """The demo cannot run as configured."""


@dataclass(frozen=True)
class DemoRow:
    file: str
    result: IntakeResult


def _reset(work_dir: Path) -> None:
    if not work_dir.exists():
        return
    foreign = sorted(p.name for p in work_dir.iterdir() if p.name not in _DEMO_ENTRIES)
    if foreign:
        raise DemoError(
            f"{work_dir} holds files the demo did not make ({', '.join(foreign[:3])}); "
            "set demo.work_dir to another folder"
        )
    shutil.rmtree(work_dir)


def run_demo(config: Config, say: Callable[[str], None] = print) -> list[DemoRow]:
    work_dir = config.demo.work_dir.resolve()
    _reset(work_dir)
    demo = with_work_dir(config, work_dir)
    demo = replace(demo, crawl=replace(demo.crawl, delay=0.0))
    with SnapshotServer(config.demo.snapshot_dir) as server:
        say(f"Serving the documentation snapshot at {server.url}")
        report = crawl_docs(demo, server.url)
    say(f"Crawled: {report.summary()}")
    index, _rebuilt = build_index(demo)
    say(f"Indexed {len(index.sections)} documentation sections ({index.semantic_status})")
    fit = fit_retrieval(demo)
    say(
        f"Fitted fusion on the dev questions ({fit.fusion}, semantic weight "
        f"{fit.semantic_weight}) and the answer confidence (answer at p >= "
        f"{fit.confidence.threshold:.3f} for {fit.confidence.target_precision:.0%} precision)"
    )
    training = train_classifier(demo)
    scores = ", ".join(f"{head} {f1:.3f}" for head, f1 in training.scores.items())
    say(f"Trained the request classifier (test macro-F1: {scores})")
    store = open_store(demo)
    try:
        clients = import_clients(store, config.sla.clients_file)
        say(f"Imported {clients} clients from {config.sla.clients_file}")
        demo_password = secrets.token_urlsafe(12)
        add_user(store, DEMO_USER, demo_password, "admin")
        models = load_models(demo)
        intake = intake_service(demo, store, models)
        rows = [
            DemoRow(eml.path.name, intake.process(eml.raw, eml.source_key))
            for eml in read_eml_folder(config.demo.mailbox_dir)
        ]
        delivery = send_outbox(demo, store)
        if config.demo.traffic_days > 0:
            traffic = run_traffic(
                demo, store, intake, end=datetime.now(UTC), days=config.demo.traffic_days
            )
            say(f"A month of traffic before today: {traffic.summary()}")
            written = write_report(
                store,
                work_dir / "report.html",
                *report_period(days=config.demo.traffic_days),
                docs=docs_answerer(models),
                csv_dir=work_dir / "report",
            )
            say(
                f"Gap report: {len(written.report.clusters)} clusters of "
                f"{len(written.report.questions)} questions -> {written.html}"
            )
    finally:
        store.close()
    say("")
    say(format_table(rows))
    say("")
    say(f"Outgoing mail: {len(delivery.sent)} written to {demo.smtp.directory}/")
    say(f"Ticket store:  {demo.store.database}  (open with: sqlite3 {demo.store.database})")
    say("")
    say(f"Web UI: log in as {DEMO_USER} / {demo_password} (admin) after starting it with")
    say(f"  TRIAGE_STORE_DATABASE={demo.store.database} \\")
    say(f"  TRIAGE_STORE_ATTACHMENTS_DIR={demo.store.attachments_dir} \\")
    key = "$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
    say(f"  TRIAGE_WEB_SECRET_KEY={key} \\")
    say("  .venv/bin/triage serve     # then open http://127.0.0.1:8080/")
    return rows


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_link(link: str | None, width: int = 70) -> str:
    if not link:
        return "-"
    return _shorten(link.removeprefix("https://").removeprefix("http://"), width)


def format_table(rows: list[DemoRow]) -> str:
    header = ("mail", "ticket", "decision", "why", "top documentation link")
    lines = [
        (
            row.file.removesuffix(".eml"),
            row.result.ticket_number or "-",
            row.result.outcome,
            _shorten(row.result.why or row.result.detail, 90),
            _short_link(row.result.top_link),
        )
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    return "\n".join([fmt(header), fmt(tuple("-" * w for w in widths)), *map(fmt, lines)])
