"""Load test (outside CI): a burst of mail in a real mailbox, processed end to end.

Starts Dovecot and an SMTP sink on loopback, APPENDs N distinct mails (copies of the
bundled sample mailbox, each with its own Message-ID) to the inbox, then runs one
`triage poll` as a separate process: fetch, triage, commit, move, and send every
reply over SMTP. Reports the throughput, the poller's peak memory (max RSS of the
child process) and checks that every mail has exactly one outcome, was moved, and
that every queued reply reached the SMTP server. Several sizes in one run show
whether memory grows with the burst. Run from the repository root:

    .venv/bin/python benchmarks/load.py                  # 1,000 then 10,000 mails
    .venv/bin/python benchmarks/load.py --mails 500 --json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from imap_tools import MailBoxUnencrypted

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import unique_copies  # noqa: E402

from desk import services  # noqa: E402
from desk.config import Config, load_config  # noqa: E402
from desk.docs_server import SnapshotServer  # noqa: E402
from mailer import read_eml_folder  # noqa: E402
from tests.servers import Dovecot, SmtpSink  # noqa: E402


def build_models(work: Path) -> Config:
    """Crawl, lexical index, fit and classifier in ``work`` (no embeddings: fast)."""
    config = services.with_work_dir(load_config(environ={}), work)
    config = replace(
        config,
        crawl=replace(config.crawl, delay=0.0),
        index=replace(config.index, semantic_model="off"),
    )
    with SnapshotServer(config.demo.snapshot_dir) as server:
        services.crawl_docs(config, server.url)
    services.build_index(config, force=True)
    services.fit_retrieval(config)
    services.train_classifier(config)
    return config


def poller_env(
    config: Config, dovecot: Dovecot, user: str, sink: SmtpSink, db: Path
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIAGE_")}
    env.update(
        TRIAGE_IMAP_HOST="127.0.0.1",
        TRIAGE_IMAP_PORT=str(dovecot.port),
        TRIAGE_IMAP_SECURITY="plain",
        TRIAGE_IMAP_USERNAME=user,
        TRIAGE_IMAP_PASSWORD="secret",
        TRIAGE_SMTP_TRANSPORT="smtp",
        TRIAGE_SMTP_HOST="127.0.0.1",
        TRIAGE_SMTP_PORT=str(sink.port),
        TRIAGE_SMTP_SECURITY="plain",
        TRIAGE_STORE_DATABASE=str(db),
        TRIAGE_STORE_ATTACHMENTS_DIR=str(db.parent / "attachments"),
        TRIAGE_INDEX_DIRECTORY=str(config.index.directory),
        TRIAGE_INDEX_SEMANTIC_MODEL=config.index.semantic_model,
        TRIAGE_CLASSIFIER_MODEL_DIR=str(config.classifier.model_dir),
        # A burst from one robot would hit the per-sender limits; these are people.
        TRIAGE_LIMITS_PER_SENDER_IN_WINDOW="100000",
        TRIAGE_LIMITS_PER_SENDER_DAILY="100000",
    )
    return env


def run_burst(config: Config, dovecot: Dovecot, sink: SmtpSink, user: str, count: int,
              work: Path) -> dict[str, float]:  # fmt: skip
    samples = [eml.raw for eml in read_eml_folder(config.demo.mailbox_dir)]
    raws = unique_copies(samples, count)
    start = time.perf_counter()
    with MailBoxUnencrypted("127.0.0.1", dovecot.port).login(user, "secret") as box:
        for raw in raws:
            box.append(raw, "INBOX")
    append_s = time.perf_counter() - start
    sink.received.clear()
    db = work / f"load-{count}.sqlite3"
    for old in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        old.unlink(missing_ok=True)  # a fresh store: the same Message-IDs as a last run
    env = poller_env(config, dovecot, user, sink, db)
    start = time.perf_counter()
    log = work / f"load-{count}.log"  # a file: a pipe nobody reads would fill and block
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "desk.cli", "poll"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=out,
        )  # fmt: skip
        _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"poll failed ({status}): {log.read_text()[-2000:]}")
    with sqlite3.connect(db) as conn:
        outcomes = conn.execute(
            "SELECT count(*), count(DISTINCT source_key) FROM intake"
        ).fetchone()
        queued = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        sent = conn.execute("SELECT count(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
    with MailBoxUnencrypted("127.0.0.1", dovecot.port).login(user, "secret") as box:
        left = int(box.folder.status("INBOX", ["MESSAGES"])["MESSAGES"])
        moved = int(box.folder.status("Processed", ["MESSAGES"])["MESSAGES"])
    checks = {
        "every mail has one outcome": outcomes == (count, count),
        "every mail moved": left == 0 and moved == count,
        "every queued reply sent once": sent == queued == len(sink.received),
    }
    for label, ok in checks.items():
        if not ok:
            raise SystemExit(f"{count} mails: NOT {label} ({outcomes}, {left}/{moved}, "
                             f"{sent}/{queued}/{len(sink.received)})")  # fmt: skip
    return {
        "mails": float(count),
        "append_s": append_s,
        "poll_s": seconds,
        "mails_per_s": count / seconds,
        "replies_sent": float(sent),
        "poller_peak_rss_mb": usage.ru_maxrss / 1024.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mails", default="1000,10000", help="burst sizes, comma-separated")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--work", type=Path, help="keep the models here (reused if built)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.mails.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="wa-load-"))
    if (work / "model" / "manifest.json").exists():
        config = services.with_work_dir(load_config(environ={}), work)
        config = replace(config, index=replace(config.index, semantic_model="off"))
    else:
        config = build_models(work)
    dovecot = Dovecot()
    users = [f"load{n}@example.test" for n in range(len(sizes))]
    dovecot.add_users(users, "secret")
    dovecot.start()
    sink = SmtpSink()
    sink.start()
    results = []
    try:
        for user, count in zip(users, sizes, strict=True):
            results.append(run_burst(config, dovecot, sink, user, count, work))
    finally:
        sink.stop()
        dovecot.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(
        f"{'mails':>7} {'APPEND s':>9} {'poll s':>8} {'mails/s':>8} {'sent':>6} {'peak RSS MB':>12}"
    )
    for r in results:
        print(f"{r['mails']:7.0f} {r['append_s']:9.1f} {r['poll_s']:8.1f} {r['mails_per_s']:8.1f} "
              f"{r['replies_sent']:6.0f} {r['poller_peak_rss_mb']:12.0f}")  # fmt: skip
    print("lexical index, classifier, one `triage poll` process; every mail checked once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
