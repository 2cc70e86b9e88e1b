"""A burst of mail prepared by worker processes ends exactly as one mail at a time does."""

from __future__ import annotations

import json
import os
import signal
from dataclasses import replace
from email.message import EmailMessage
from itertools import islice
from pathlib import Path

from imap_tools import MailBoxUnencrypted

from desk import services
from desk.config import Config
from desk.intake import IntakeService
from mailer import read_eml_folder
from triage import TicketStore

ROOT = Path(__file__).resolve().parent.parent


def _burst(count: int) -> list[bytes]:
    """The sample mails as they are, then customers' requests from the labelled set."""
    raws = [eml.raw for eml in read_eml_folder(ROOT / "data" / "sample_mail")]
    lines = (ROOT / "data" / "labelled" / "requests.jsonl").read_text(encoding="utf-8")
    for n, line in enumerate(lines.splitlines()[: max(count - len(raws), 0)]):
        request = json.loads(line)
        msg = EmailMessage()
        msg["From"] = f"Клиент {n} <client{n}@company{n % 7}.ru>"
        msg["To"] = "support@empldocs.ru"
        msg["Subject"] = request["subject"]
        msg["Date"] = "Tue, 24 Nov 2026 10:15:00 +0300"
        msg["Message-ID"] = f"<burst-{n}@company{n % 7}.ru>"
        msg.set_content(request["body"])
        raws.append(msg.as_bytes())
    return raws[:count]


def _config(base: Config, tmp_path: Path, name: str) -> Config:
    return replace(
        base,
        store=replace(
            base.store,
            database=tmp_path / f"{name}.sqlite3",
            attachments_dir=tmp_path / f"{name}-attachments",
        ),
        poll=replace(base.poll, workers=2, parallel_from=10),
    )


def _outcomes(store: TicketStore) -> dict[str, tuple[object, ...]]:
    """Per source mail: outcome, classification, decision reasons and queued reply kinds."""
    rows = store.db.execute(
        "SELECT i.source_key, i.outcome, t.category, t.intent,"
        " (SELECT group_concat(d.reasons, '|') FROM decisions d WHERE d.ticket_id = t.id),"
        " (SELECT group_concat(o.kind) FROM outbox o WHERE o.ticket_id = t.id)"
        " FROM intake i LEFT JOIN tickets t ON t.id = i.ticket_id"
    ).fetchall()
    return {str(row[0]).split(":", 1)[1]: tuple(row[1:]) for row in rows}


def _intake(config: Config) -> tuple[IntakeService, services.Models]:
    models = services.load_models(config)
    return services.intake_service(config, services.open_store(config), models), models


def test_a_burst_through_workers_ends_as_one_mail_at_a_time(
    indexed_config: Config, tmp_path: Path
) -> None:
    raws = _burst(60)
    single, _ = _intake(_config(indexed_config, tmp_path, "single"))
    for n, raw in enumerate(raws):
        single.process(raw, f"one:{n}")
    burst_config = _config(indexed_config, tmp_path, "burst")
    burst, models = _intake(burst_config)
    with services.prepare_pool(burst_config, models) as pool:
        stream = pool.stream((raw, f"burst:{n}") for n, raw in enumerate(raws))
        while group := list(islice(stream, 25)):
            burst.process_batch(group)
        assert pool.started  # the workers did the preparing
    expected, got = _outcomes(single.store), _outcomes(burst.store)
    assert len(expected) == len(raws)
    assert got == expected
    outcomes = {row[0] for row in got.values()}
    assert {"escalate", "clarify", "quarantined"} <= outcomes


def test_a_dead_worker_costs_time_not_mail(indexed_config: Config, tmp_path: Path) -> None:
    config = _config(indexed_config, tmp_path, "dead")
    models = services.load_models(config)
    raws = _burst(40)
    with services.prepare_pool(config, models) as pool:
        list(pool.stream((raw, f"warm:{n}") for n, raw in enumerate(raws)))
        assert pool._executor is not None
        for pid in list(pool._executor._processes):  # the OOM killer, say
            os.kill(pid, signal.SIGKILL)
        prepared = list(pool.stream((raw, f"after:{n}") for n, raw in enumerate(raws)))
    assert [p.source_key for p in prepared] == [f"after:{n}" for n in range(len(raws))]
    new_requests = [p for p in prepared if p.evaluated is not None]
    assert len(new_requests) >= 20
    assert all(p.evaluated and p.evaluated.lookup for p in new_requests)


def test_a_burst_in_the_mailbox_is_polled_through_workers(
    desk_config: Config, tmp_path: Path
) -> None:
    config = replace(desk_config, poll=replace(desk_config.poll, workers=2, parallel_from=10))
    raws = _burst(45)
    imap = config.imap
    with MailBoxUnencrypted(imap.host, imap.port).login(imap.username, imap.password) as box:
        for raw in raws:
            box.append(raw, "INBOX")
    store = services.open_store(config)
    models = services.load_models(config)
    try:
        with services.prepare_pool(config, models) as pool:
            report, delivery = services.poll(config, store, models, pool)
            assert pool.started
        again, _ = services.poll(config, store, models)
    finally:
        store.close()
    assert report.moved == len(raws) == len(report.results)
    assert len({r.source_key for r in report.results}) == len(raws)
    assert again.results == []
    assert delivery is not None and not delivery.failed
    with MailBoxUnencrypted(imap.host, imap.port).login(imap.username, imap.password) as box:
        assert int(box.folder.status("INBOX", ["MESSAGES"])["MESSAGES"]) == 0
