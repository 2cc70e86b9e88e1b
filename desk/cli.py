"""The `triage` command: a thin layer over desk.services and the packages."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import insights
from desk import actions, services
from desk.accounts import ROLES, AccountError, add_user
from desk.actions import close_ticket, reveal_secrets
from desk.clients_csv import export_clients, import_clients
from desk.config import Config, ConfigError, load_config
from desk.demo import DemoError, run_demo
from faq_index import FaqIndexError, IndexStoreError, crawl_progress_bar
from faq_index.answerer import DocsAnswerer
from faq_index.evaluate import evaluate_retrieval, load_questions
from faq_index.index import indexed_site
from faq_index.semantic import load_embedder, load_vector_cache
from insights import InsightsError
from insights.data import load_report_data
from insights.labels import history_questions, write_questions
from mailer import MailerError, TemplateRenderer, parse_mail, read_eml_folder
from mailer.compose import SAMPLE_CONTEXT, template_names
from mailer.imap_watch import MailWatcher
from triage import RequestClassifier, TicketStore, TriageError, evaluate, load_requests
from triage.classify import CATEGORIES, INTENTS
from triage.errors import StoreError
from triage.rules import PolicySettingsView, RequestContent, StepsRule
from triage.rules.agreement import LabelledCase, measure_rule

log = logging.getLogger("triage")
MAX_RETRY_DELAY = 900.0  # seconds; an unreachable mail server is retried at least this often
USER_PASSWORD_ENV = "TRIAGE_USER_PASSWORD"  # `triage users add` without a prompt


def _cmd_poll(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    models = services.load_models(config)
    interval = args.interval or config.poll.interval
    failures = 0
    watcher = MailWatcher(config.imap)
    pool = services.prepare_pool(config, models)
    try:
        while True:
            delay = interval
            try:
                report, delivery = services.poll(config, store, models, pool)
            except (MailerError, StoreError) as exc:
                if not args.watch:
                    raise
                failures += 1
                delay = min(interval * 2 ** (failures - 1), MAX_RETRY_DELAY)
                log.error("poll failed (%d in a row), retrying in %.0f s: %s", failures, delay, exc)
            else:
                failures = 0
                if report.busy_by:
                    print(f"skipped: another poller holds the mailbox ({report.busy_by})")
                sent = len(delivery.sent) if delivery else 0
                print(
                    f"polled: {len(report.new)} new, {len(report.results)} seen, {sent} mail sent"
                )
                for result in report.new:
                    print(
                        f"  {result.ticket_number or '-':10} {result.outcome:18} {result.subject}"
                    )
            if not args.watch:
                return 0
            if failures:
                time.sleep(delay)
            else:
                _wait_for_mail(watcher, delay)
    finally:
        pool.close()
        store.close()


def _wait_for_mail(watcher: MailWatcher, interval: float) -> None:
    """IMAP IDLE until new mail or the interval passes; a plain sleep without IDLE."""
    try:
        watcher.wait(interval)
    except MailerError as exc:  # the next poll reports it and backs off
        log.warning("waiting for mail failed: %s", exc)


def _cmd_import(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        intake = services.intake_service(config, store, services.load_models(config))
        for eml in read_eml_folder(Path(args.folder)):
            result = intake.process(eml.raw, eml.source_key)
            print(f"{eml.path.name}: {result.ticket_number or '-'} {result.outcome}")
    finally:
        store.close()
    return 0


def _cmd_crawl(config: Config, args: argparse.Namespace) -> int:
    progress = None if args.quiet else crawl_progress_bar()
    report = services.crawl_docs(config, args.url, progress=progress)
    if progress:
        print(file=sys.stderr)
    print(f"crawl: {report.summary()} -> {config.crawl.directory}")
    for url in report.removed:
        print(f"  removed: {url}")
    groups = (("kept", report.kept), ("failed", report.failed), ("skipped", report.skipped))
    for label, reasons in groups:
        for url, reason in reasons.items():
            print(f"  {label}: {url} ({reason})")
    return 0


def _cmd_index(config: Config, args: argparse.Namespace) -> int:
    index, rebuilt = services.build_index(config, force=args.force)
    state = "built" if rebuilt else "unchanged since the last crawl, kept"
    print(f"index {state}: {len(index.sections)} sections -> {config.index.directory}")
    return 0


def _cmd_ask(config: Config, args: argparse.Namespace) -> int:
    index = services.load_index(config)
    if index is None:
        raise IndexStoreError("no index; run `triage crawl` and `triage index`")
    print(f"retrieval: {index.semantic_status}")
    confidence = services.load_confidence(config, index)
    lookup = DocsAnswerer(index, confidence).lookup(args.question, args.k or config.index.top_k)
    hits = lookup.hits
    if not hits:
        print("no matching documentation section")
        return 1
    if lookup.probability is None or lookup.threshold is None:
        print("answer confidence: none for this index (run `triage fit`); no automatic answers")
    else:
        verdict = "met" if lookup.probability >= lookup.threshold else "not met"
        print(
            f"answer confidence: p={lookup.probability:.3f} that the first section answers "
            f"(an automatic answer needs p >= {lookup.threshold:.3f}: {verdict})"
        )
        if args.explain:
            inputs = ", ".join(f"{name} {value:.3f}" for name, value in lookup.signals.items())
            print(f"   its inputs: {inputs}")
    for rank, hit in enumerate(hits, 1):
        fields = " ".join(f"{name}={value:.3f}" for name, value in hit.signals.items())
        print(f"{rank}. {hit.score:.3f}  {hit.link}")
        print(f"   {hit.section.title}   ({fields})")
        if args.explain:
            terms = index.explain(args.question, index.index_of(hit.section))
            print("   matched terms: " + ", ".join(f"{t} {w:.3f}" for t, w in terms))
    return 0


def _cmd_send(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        report = services.send_outbox(config, store, retry_uncertain=args.retry_uncertain)
        uncertain = store.uncertain_mail()
    finally:
        store.close()
    print(f"sent {len(report.sent)}, deferred {len(report.deferred)}, failed {len(report.failed)}")
    for mail in uncertain:
        print(f"  uncertain: #{mail.id} {mail.kind} to {mail.recipient} (sending was interrupted)")
    return 0 if not report.failed else 1


def _cmd_parse(config: Config, args: argparse.Namespace) -> int:
    mail = parse_mail(Path(args.file).read_bytes())
    if args.json:
        print(
            json.dumps(
                {
                    "from": {"email": mail.sender.email, "name": mail.sender.name},
                    "subject": mail.subject,
                    "date": mail.date.isoformat() if mail.date else None,
                    "text": mail.text,
                    "attachments": [
                        {"name": a.filename, "type": a.real_type, "size": a.size}
                        for a in mail.attachments
                    ],
                    "message_id": mail.message_id,
                    "in_reply_to": mail.in_reply_to,
                    "references": list(mail.references),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"From:        {mail.sender.formatted()}")
    print(f"Subject:     {mail.subject}")
    print(f"Date:        {mail.date.isoformat() if mail.date else '-'}")
    print(f"Message-ID:  {mail.message_id}")
    print(f"In-Reply-To: {mail.in_reply_to or '-'}")
    print(f"References:  {' '.join(mail.references) or '-'}")
    for a in mail.attachments:
        print(f"Attachment:  {a.filename} ({a.real_type}, {a.size} bytes)")
    print()
    print(mail.text)
    return 0


def _cmd_train(config: Config, args: argparse.Namespace) -> int:
    result = services.train_classifier(config, force=args.force)
    scores = ", ".join(f"{head} {f1:.3f}" for head, f1 in result.scores.items())
    print(f"test macro-F1: {scores}")
    if result.previous is not None:
        old = ", ".join(f"{head} {f1:.3f}" for head, f1 in result.previous.items())
        print(f"current model: {old}")
    if result.replaced:
        print(f"saved -> {config.classifier.model_dir}")
        return 0
    print("kept the current model: the new one scores worse (use --force to replace it)")
    return 1


def _cmd_eval(config: Config, args: argparse.Namespace) -> int:
    if args.what == "classify":
        return print_classifier_eval(config, args.json)
    if args.what == "steps":
        return print_steps_eval(config, args.json)
    return print_retrieval_eval(config, args.json)


def _cmd_fit(config: Config, args: argparse.Namespace) -> int:
    report = services.fit_retrieval(config)
    c = report.confidence
    print(
        f"fusion: {report.fusion}, semantic weight {report.semantic_weight} "
        f"(dev MRR@10 {report.dev_mrr:.3f})"
    )
    print(
        f"answer confidence: threshold {c.threshold:.3f} for {c.target_precision:.0%} "
        f"precision; dev coverage {c.dev_coverage:.1%} of {c.dev_questions} questions"
    )
    _print_unresolved(report.unresolved_answers, "dev")
    print(f"saved -> {config.index.directory}")
    return 0


def _print_unresolved(links: list[str], split: str) -> None:
    """Answer links of the labelled set that name no indexed section: stale labels, or
    pages and ids the site no longer has. Their questions count as missed."""
    if not links:
        return
    shown = ", ".join(links[:3]) + (", ..." if len(links) > 3 else "")
    print(
        f"warning: {len(links)} answer link(s) of the {split} split name no indexed section "
        f"(their questions count as missed): {shown}"
    )


def print_retrieval_eval(config: Config, as_json: bool) -> int:
    index = services.load_index(config)
    if index is None:
        raise IndexStoreError("no index; run `triage crawl` and `triage index`")
    questions = [q for q in load_questions(config.index.questions) if q.split == "test"]
    confidence = services.load_confidence(config, index)
    report = evaluate_retrieval(index, confidence, questions, config.index.title_weight)
    if as_json:
        print(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=1))
        return 0
    print(
        f"test split: {report.questions} questions ({report.answerable} answerable) "
        f"from {config.index.questions}"
    )
    print(f"retrieval: {report.semantic_status}; fusion {report.fusion}")
    _print_unresolved(report.unresolved_answers, "test")
    print(f"\n  {'ranker':24} {'hit@1':>6} {'hit@3':>6} {'MRR@10':>7}")
    for name, m in report.rankings.items():
        print(f"  {name:24} {m.hit_at_1:6.3f} {m.hit_at_3:6.3f} {m.mrr_at_10:7.3f}")
    c = report.confidence
    if c is None:
        print("\nno answer confidence fitted: run `triage fit`")
        return 0
    print(f"\nconfident answers at the fitted threshold p >= {c.threshold:.3f}:")
    print(
        f"  answered {c.answered}, correct {c.correct_answers}, precision {c.precision:.3f}, "
        f"coverage {c.coverage_of_answerable:.1%} of answerable, "
        f"unanswerable answered {c.unanswerable_answered}"
    )
    print(
        f"  best reachable on this split: coverage {c.coverage_at_95:.1%} at 95% precision, "
        f"{c.coverage_at_90:.1%} at 90%; "
        f"precision at 50% coverage {c.precision_at_half_coverage:.3f}"
    )
    print("  reliability (predicted vs observed):")
    for row in c.reliability:
        print(
            f"    p in [{row['bin']:.1f}, {row['bin'] + 0.1:.1f}): {int(row['questions']):4d} "
            f"questions, predicted {row['predicted']:.2f}, observed {row['observed']:.2f}"
        )
    return 0


def print_steps_eval(config: Config, as_json: bool) -> int:
    """The steps rule (P7) against the hand labels of the test split's problem reports."""
    requests = load_requests(config.classifier.training_set)
    cases = [
        LabelledCase(r.id, RequestContent(r.subject, (r.body,)), r.steps)
        for r in requests
        if r.split == "test" and r.steps is not None
    ]
    policy = PolicySettingsView(config.policy.editions, "", "")
    result = measure_rule(StepsRule(), cases, policy)
    figures = {
        "problem_reports": result.cases,
        "with_steps": result.true_positive + result.false_negative,
        "precision": result.precision,
        "recall": result.recall,
        "accuracy": result.accuracy,
        "asked_although_given": list(result.missed),
        "passed_although_missing": list(result.passed),
    }
    if as_json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return 0
    print(
        f"steps rule (P7), test split: {result.cases} problem reports from "
        f"{config.classifier.training_set}, {figures['with_steps']} of them with steps"
    )
    print(
        f"  steps found: precision {result.precision:.3f}, recall {result.recall:.3f}, "
        f"accuracy {result.accuracy:.3f}"
    )
    print(
        f"  asked for steps they gave: {result.false_negative} "
        f"({', '.join(result.missed) or 'none'})"
    )
    print(f"  passed without steps: {result.false_positive} ({', '.join(result.passed) or 'none'})")
    return 0


def print_classifier_eval(config: Config, as_json: bool) -> int:
    embedder, status = load_embedder(config.index.semantic_model)
    cache = load_vector_cache(config.classifier.embedding_cache)
    model = RequestClassifier.load(config.classifier.model_dir, embedder, cache)
    requests = load_requests(config.classifier.training_set)
    test = [r for r in requests if r.split == "test"]
    reports = evaluate(model, test)
    features = (
        f"TF-IDF + {model.embedder.name} sentence embeddings"
        if model.semantic and model.embedder
        else "TF-IDF only" + (f" ({status})" if status else " (model trained without embeddings)")
    )
    lexical = None
    if model.semantic:  # the same run, without the embeddings: what they add
        plain = RequestClassifier(model.vectorizers, model.heads, model.manifest)
        lexical = {head: r.macro_f1 for head, r in evaluate(plain, test).items()}
    if as_json:
        print(
            json.dumps(
                {
                    "test_size": len(test),
                    "features": features,
                    "lexical_only_macro_f1": lexical,
                    **{
                        head: {
                            "macro_f1": r.macro_f1,
                            "per_class": {k: r.report[k] for k in r.labels},
                            "labels": r.labels,
                            "confusion": r.confusion,
                        }
                        for head, r in reports.items()
                    },
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    print(f"test split: {len(test)} requests from {config.classifier.training_set}")
    print(f"features: {features}")
    for head, r in reports.items():
        baseline = f" (TF-IDF only: {lexical[head]:.3f})" if lexical else ""
        print(f"\n{head}: macro-F1 {r.macro_f1:.3f}{baseline}")
        print(f"  {'label':18} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7}")
        for label in r.labels:
            row = r.report[label]
            print(
                f"  {label:18} {row['precision']:9.3f} {row['recall']:7.3f} "
                f"{row['f1-score']:6.3f} {int(row['support']):7d}"
            )
        width = max(len(label) for label in r.labels)
        print("  confusion (rows: truth, columns: predicted, in the order above)")
        for label, row in zip(r.labels, r.confusion, strict=True):
            print(f"  {label:{width}} " + " ".join(f"{n:3d}" for n in row))
    return 0


def _cmd_explain(config: Config, args: argparse.Namespace) -> int:
    store = TicketStore.open_read_only(config.store.database, config.desk.ticket_prefix)
    try:
        intake = services.intake_service(config, store, services.load_models(config))
        assessment = intake.assess(parse_mail(Path(args.file).read_bytes()))
    finally:
        store.close()
    report = assessment.as_dict()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(
        f"decision: {report['outcome']}"
        + (f" (joins {report['ticket']})" if report["ticket"] else "")
    )
    print(f"why:      {report['summary']}")
    for reason in report["reasons"]:
        print(f"  reason  {reason['code']}: {reason['detail']}")
    for finding in report["findings"]:
        mark = "ok  " if finding["satisfied"] else ("MISS" if finding["blocking"] else "note")
        print(f"  {mark}    {finding['code']}: {finding['detail']}")
    for link in report["links"]:
        print(f"  link    {link['score']:.3f}  {link['link']}")
    print("nothing was stored or sent")
    return 0


def _cmd_demo(config: Config, args: argparse.Namespace) -> int:
    run_demo(config)
    return 0


def _cmd_close(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        purged = close_ticket(config, store, args.ticket, args.by)
        delivery = services.send_outbox(config, store)
    finally:
        store.close()
    print(
        f"{args.ticket} closed by {args.by}; {purged} credentials purged; "
        f"closure mail sent: {len(delivery.sent)}"
    )
    return 0


def _cmd_reveal(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        secrets = reveal_secrets(config, store, args.ticket, args.by)
    finally:
        store.close()
    print(f"revealed to {args.by} (logged on {args.ticket}):")
    for line in secrets or ["no credentials kept for this ticket"]:
        print(f"  {line}")
    return 0


def _cmd_templates(config: Config, args: argparse.Namespace) -> int:
    renderer = TemplateRenderer()
    for name in template_names():
        base, _, language = name.partition(".")
        rendered = renderer.render(base, SAMPLE_CONTEXT, language or "ru")
        print(f"===== {name}.txt.j2\nSubject: {rendered.subject}\n\n{rendered.text}")
    return 0


def _cmd_act(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        if args.command == "reply":
            actions.reply(config, store, args.ticket, args.text, args.by)
        elif args.command == "resolve":
            actions.resolve(store, args.ticket, args.by)
        elif args.command == "defer":
            actions.defer(config, store, args.ticket, args.reason, args.comment, args.by)
        else:
            actions.reject(config, store, args.ticket, args.reason, args.comment, args.by)
        delivery = services.send_outbox(config, store)
        status = store.ticket(args.ticket).status
    finally:
        store.close()
    print(f"{args.ticket}: {status}; mail sent: {len(delivery.sent)}")
    return 0


def _cmd_correct(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        ticket = store.ticket(args.ticket)
        category = args.category or ticket.category or "other"
        intent = args.intent or ticket.intent or "other"
        store.correct_classification(ticket.id, category, intent, args.by)
    finally:
        store.close()
    print(f"{args.ticket}: {category} / {intent} (by {args.by}); used by the next `triage train`")
    return 0


def _cmd_housekeeping(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        closed = services.close_quiet_tickets(config, store)
        services.send_outbox(config, store)
    finally:
        store.close()
    print(f"closed {len(closed)} quiet automatically answered tickets: {' '.join(closed)}")
    return 0


def _cmd_release(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        intake = services.intake_service(config, store, services.load_models(config))
        result = intake.release(args.id)
        if config.poll.send_after_poll:
            services.send_outbox(config, store)
    finally:
        store.close()
    print(f"quarantine #{args.id}: {result.outcome} {result.ticket_number or ''} {result.detail}")
    return 0 if result.outcome != "quarantined" else 1


def _cmd_reprocess(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        ids = list(args.id)
        if args.all:
            ids += [
                int(row["id"])
                for row in store.quarantined()
                if not row["released_at"]
                and str(row["reason"]).startswith(("unparseable", "processing error"))
            ]
        if not ids:
            print("nothing to reprocess: give quarantine numbers or --all")
            return 1
        intake = services.intake_service(config, store, services.load_models(config))
        results = [(number, intake.reprocess(number)) for number in dict.fromkeys(ids)]
        if config.poll.send_after_poll:
            services.send_outbox(config, store)
    finally:
        store.close()
    for number, result in results:
        ticket = result.ticket_number or ""
        print(f"quarantine #{number}: {result.outcome} {ticket} {result.detail}")
    return 0 if all(r.outcome != "quarantined" for _, r in results) else 1


def _cmd_clients(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        if args.action == "import":
            count = import_clients(store, Path(args.file))
            print(f"imported {count} clients from {args.file}")
        else:
            text = export_clients(store)
            if args.file:
                Path(args.file).write_text(text, encoding="utf-8")
            else:
                print(text, end="")
    finally:
        store.close()
    return 0


def _cmd_tickets(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    now = datetime.now(UTC).isoformat()
    try:
        if args.search:
            for hit in store.search_messages(args.search):
                print(f"{hit['number']}  {hit['from_email']:32} {hit['snippet']}")
            return 0
        tickets = store.queue() if args.queue else store.list_tickets()
        for ticket in tickets:
            acknowledged = "ack" if ticket.acknowledged_at else "NOT CONFIRMED"
            due = ticket.first_response_due or ""
            breach = "BREACHED" if due and due < now and ticket.status == "open" else ""
            print(
                f"{ticket.number}  {ticket.status:24} {acknowledged:13} "
                f"{(ticket.sla_plan or '-'):10} {due[:16]:16} {breach:8} "
                f"{ticket.requester_email:32} {ticket.subject}"
            )
        for row in store.quarantined():
            print(f"quarantine #{row['id']}  {row['source_key']}  {row['reason']}")
    finally:
        store.close()
    return 0


def _cmd_serve(config: Config, args: argparse.Namespace) -> int:
    """The agents' web UI and the customers' feedback links (webui sits on top of desk)."""
    import uvicorn

    from webui import create_app
    from webui.errors import WebError

    try:
        app = create_app(config)
    except WebError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    host, port = args.host or config.web.host, args.port or config.web.port
    print(f"triage serve: http://{host}:{port}/ (feedback links: {config.web.public_url})")
    uvicorn.run(app, host=host, port=port, log_level="info" if args.verbose else "warning")
    return 0


def _cmd_users(config: Config, args: argparse.Namespace) -> int:
    store = services.open_store(config)
    try:
        if args.action == "list":
            for user in store.users():
                print(f"{user['username']:24} {user['role']:10} {user['created_at']}")
            return 0
        if not args.username:
            print("error: triage users add USERNAME --role ROLE", file=sys.stderr)
            return 2
        password = os.environ.get(USER_PASSWORD_ENV) or ""
        if not password:
            password = getpass.getpass(f"password for {args.username}: ")
            if password != getpass.getpass("again: "):
                print("error: the passwords differ", file=sys.stderr)
                return 2
        try:
            add_user(store, args.username, password, args.role)
        except AccountError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    finally:
        store.close()
    print(f"user {args.username} ({args.role}) saved")
    return 0


def _cmd_report(config: Config, args: argparse.Namespace) -> int:
    until = _report_date(args.until) if args.until else _now_inclusive()
    since = _report_date(args.since) if args.since else None
    period = insights.report_period(until=until, days=args.days, since=since)
    models = services.load_models(config) if not args.no_docs else services.Models()
    store = TicketStore.open_read_only(config.store.database, config.desk.ticket_prefix)
    try:
        written = insights.write_report(
            store,
            Path(args.out),
            *period,
            docs=services.docs_answerer(models),
            csv_dir=Path(args.csv) if args.csv else None,
        )
    finally:
        store.close()
    report = written.report
    print(
        f"{written.html}: {len(report.questions)} questions in {len(report.clusters)} gap "
        f"clusters, {report.metrics.new_tickets} new tickets "
        f"({period[0]:%Y-%m-%d} to {period[1]:%Y-%m-%d})"
    )
    for cluster in report.clusters:
        nearest = cluster.nearest
        score = f"{nearest.probability:.2f}" if nearest and nearest.probability is not None else "-"
        coverage = f"{cluster.coverage:.2f}" if cluster.coverage is not None else "-"
        line = f"#{cluster.number:<3} {cluster.size:4} p={score:5} cov={coverage:5} {cluster.kind}"
        print(f"  {line} {cluster.label}")
    for path in written.csv:
        print(f"  csv: {path}")
    return 0


def _cmd_questions(config: Config, args: argparse.Namespace) -> int:
    until = _report_date(args.until) if args.until else _now_inclusive()
    since = _report_date(args.since) if args.since else None
    period = insights.report_period(until=until, days=args.days or 365, since=since)
    store = TicketStore.open_read_only(config.store.database, config.desk.ticket_prefix)
    try:
        data = load_report_data(store, *period)
    finally:
        store.close()
    site = (
        indexed_site(config.index.directory)
        or config.crawl.public_base_url
        or config.crawl.start_url
    )
    questions = history_questions(data, site)
    written = write_questions(questions, Path(args.out))
    counts = Counter((q.labelled.split, q.source) for q in questions)
    span = f"{period[0]:%Y-%m-%d} to {period[1]:%Y-%m-%d}"
    print(f"{args.out}: {written} labelled questions ({span})")
    for (split, source), count in sorted(counts.items()):
        print(f"  {split:4} {source:30} {count}")
    print(f"fit on them: TRIAGE_INDEX_QUESTIONS={args.out} triage fit")
    return 0


def _now_inclusive() -> datetime:
    """Now, as the end of a period that includes this very second (the store keeps
    times to the second, and the period's end is exclusive)."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)


def _report_date(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise insights.ReportInputError(f"not a date (YYYY-MM-DD): {text!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="triage",
        description="WiseAdvice support desk: mail intake, triage and documentation answers.",
    )
    parser.add_argument("--config", type=Path, help="TOML configuration file (or $TRIAGE_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("poll", help="fetch new mail from IMAP, triage it, send the replies")
    p.add_argument("--watch", action="store_true", help="keep polling until interrupted")
    p.add_argument("--interval", type=float, help="seconds between polls (default poll.interval)")
    p.set_defaults(func=_cmd_poll)

    p = sub.add_parser("import", help="triage every .eml file of a folder (replays, tests)")
    p.add_argument("folder", help="folder with .eml files")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("crawl", help="crawl the documentation site into crawl.directory")
    p.add_argument("url", nargs="?", help="start URL (default crawl.start_url)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_crawl)

    p = sub.add_parser("index", help="build the search index from the last crawl")
    p.add_argument("--force", action="store_true", help="rebuild even if the crawl is unchanged")
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("ask", help="print the documentation sections that answer a question")
    p.add_argument("question")
    p.add_argument("-k", type=int, help="how many sections (default index.top_k)")
    p.add_argument(
        "--explain",
        action="store_true",
        help="show the terms that matched and the inputs of the answer confidence",
    )
    p.set_defaults(func=_cmd_ask)

    p = sub.add_parser("send", help="deliver pending outbox mail over SMTP")
    p.add_argument(
        "--retry-uncertain",
        action="store_true",
        help="resend mail whose sending was interrupted (it may reach the customer twice)",
    )
    p.set_defaults(func=_cmd_send)

    p = sub.add_parser("parse", help="print how a .eml file is parsed")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="one JSON object instead of text")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser(
        "explain", help="show what the desk would decide for a mail, and why; changes nothing"
    )
    p.add_argument("file", help="the .eml file")
    p.add_argument("--json", action="store_true", help="one JSON object instead of text")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("close", help="close a ticket: closure mail, credentials purged (P9)")
    p.add_argument("ticket", help="ticket number, e.g. WA-000123")
    p.add_argument("--by", required=True, help="who closes it (logged)")
    p.set_defaults(func=_cmd_close)

    p = sub.add_parser("reveal", help="show a ticket's masked credentials; the reveal is logged")
    p.add_argument("ticket", help="ticket number, e.g. WA-000123")
    p.add_argument("--by", required=True, help="who asks (logged)")
    p.set_defaults(func=_cmd_reveal)

    p = sub.add_parser("templates", help="render every customer mail template with sample data")
    p.add_argument("action", choices=["preview"])
    p.set_defaults(func=_cmd_templates)

    p = sub.add_parser("reply", help="answer a ticket (the ticket then waits for the customer)")
    p.add_argument("ticket")
    p.add_argument("--text", required=True, help="the answer, in the customer's language")
    p.add_argument("--by", required=True, help="the agent's name (signs the mail)")
    p.set_defaults(func=_cmd_act)

    p = sub.add_parser("resolve", help="mark a ticket resolved")
    p.add_argument("ticket")
    p.add_argument("--by", required=True)
    p.set_defaults(func=_cmd_act)

    p = sub.add_parser("defer", help="postpone a ticket with a reason from the policy (P15)")
    p.add_argument("ticket")
    p.add_argument("--reason", required=True, choices=actions.DEFERRAL_REASONS)
    p.add_argument("--comment", default="", help="a note for the customer")
    p.add_argument("--by", required=True)
    p.set_defaults(func=_cmd_act)

    p = sub.add_parser("reject", help="refuse consultation: etiquette or misuse (P2)")
    p.add_argument("ticket")
    p.add_argument("--reason", required=True, choices=actions.REJECTION_REASONS)
    p.add_argument("--comment", default="", help="a note for the customer")
    p.add_argument("--by", required=True)
    p.set_defaults(func=_cmd_act)

    p = sub.add_parser("correct", help="correct a ticket's category or intent (feeds training)")
    p.add_argument("ticket", help="ticket number, e.g. WA-000123")
    p.add_argument("--category", choices=CATEGORIES)
    p.add_argument("--intent", choices=INTENTS)
    p.add_argument("--by", required=True, help="who corrects it (logged)")
    p.set_defaults(func=_cmd_correct)

    p = sub.add_parser(
        "housekeeping",
        help="close quiet automatically answered tickets (also done by every poll)",
    )
    p.set_defaults(func=_cmd_housekeeping)

    p = sub.add_parser(
        "release",
        help="process a quarantined mail as a person's mail (spam false positive, fixed parser)",
    )
    p.add_argument("id", type=int, help="quarantine number, as `triage tickets` shows it")
    p.set_defaults(func=_cmd_release)

    p = sub.add_parser(
        "reprocess",
        help="run quarantined mail through every check again (after a parser fix)",
    )
    p.add_argument("id", type=int, nargs="*", help="quarantine numbers (`triage tickets`)")
    p.add_argument(
        "--all", action="store_true", help="every unparseable or failed mail still in quarantine"
    )
    p.set_defaults(func=_cmd_reprocess)

    p = sub.add_parser("clients", help="import or export the client registry (CSV)")
    p.add_argument("action", choices=["import", "export"])
    p.add_argument("file", nargs="?", help="CSV file (export: default standard output)")
    p.set_defaults(func=_cmd_clients)

    p = sub.add_parser("tickets", help="list tickets and quarantined mail")
    p.add_argument("--queue", action="store_true", help="open tickets by SLA deadline")
    p.add_argument("--search", metavar="WORDS", help="full-text search over all mail")
    p.set_defaults(func=_cmd_tickets)

    p = sub.add_parser("train", help="train the category and intent classifier")
    p.add_argument("--force", action="store_true", help="replace the model even if it scores worse")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("fit", help="fit fusion and answer confidence on the dev questions")
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser(
        "eval", help="measure the classifier, the retrieval or the steps rule on the test split"
    )
    p.add_argument("what", choices=["classify", "retrieval", "steps"], help="what to evaluate")
    p.add_argument("--json", action="store_true", help="the figures as one JSON object")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("serve", help="run the agents' web UI and the customers' feedback links")
    p.add_argument("--host", help="listen address (default web.host)")
    p.add_argument("--port", type=int, help="listen port (default web.port)")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("users", help="web UI accounts: add (or change) one, or list them")
    p.add_argument("action", choices=["add", "list"])
    p.add_argument("username", nargs="?")
    p.add_argument("--role", choices=ROLES, default="agent")
    p.set_defaults(func=_cmd_users)

    p = sub.add_parser(
        "report", help="documentation gaps and support metrics as one HTML file (and CSV)"
    )
    p.add_argument("--out", required=True, help="the HTML file to write")
    p.add_argument("--csv", metavar="DIR", help="also write one CSV file per table into DIR")
    p.add_argument("--days", type=int, help="the period: this many days up to --until (30)")
    p.add_argument("--since", help="the period's first day, YYYY-MM-DD (instead of --days)")
    p.add_argument("--until", help="the day after the period, YYYY-MM-DD (default: now)")
    p.add_argument(
        "--no-docs", action="store_true", help="skip loading the index (no nearest sections)"
    )
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "questions", help="labelled questions from the desk's history, for `triage fit`"
    )
    p.add_argument("--out", required=True, help="the JSON-lines file to write")
    p.add_argument("--days", type=int, help="the period: this many days up to --until (365)")
    p.add_argument("--since", help="the period's first day, YYYY-MM-DD (instead of --days)")
    p.add_argument("--until", help="the day after the period, YYYY-MM-DD (default: now)")
    p.set_defaults(func=_cmd_questions)

    p = sub.add_parser(
        "demo",
        help="serve the bundled docs, crawl and index them, triage the sample mailbox",
    )
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    try:
        config = load_config(args.config)
        return int(args.func(config, args))
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except (FaqIndexError, MailerError, TriageError, DemoError, InsightsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
