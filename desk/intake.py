"""One incoming mail, from raw bytes to a committed ticket and outbox row.

The stages run in one direction: parse → thread → decide → store and outbox.
Everything a mail changes is committed in one transaction together with the
record that its source was processed, so a repeated poll is a no-op and a
crash leaves either all of it or none of it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desk.feedback import VIA_MAIL, FeedbackLinks, apply_feedback, detect_verdict
from desk.prepare import (
    Evaluated,
    PreparedMail,
    Preparer,
    attached_files,
    attachment_records,
    customer_text,
    first_mail_content,
    own_text,
    question_text,
)
from desk.replies import ReplyWriter, Thread
from faq_index import DocsAnswerer, Lookup, SearchHit
from mailer import (
    MailParseError,
    ParsedMail,
    TemplateRenderer,
    automatic_reasons,
    parse_mail,
    reply_language,
    spam_verdict,
    ticket_tag_from_message_id,
)
from mailer.dsn import Bounce, parse_dsn
from triage import (
    AttachmentVault,
    Decision,
    DecisionSettings,
    DeskSettings,
    Evidence,
    NewMessage,
    Outcome,
    Reason,
    RequestClassifier,
    StoreError,
    Ticket,
    TicketStore,
    decide,
    find_ticket_number,
)
from triage.clock import utc_now
from triage.credentials import Secret, SecretBox, mask_credentials
from triage.decision import near_best
from triage.etiquette import rude_words
from triage.rules import PolicySettingsView, RequestContent, check_request
from triage.settings import LimitSettings, SlaSettings
from triage.sla import BASIC, BusinessClock, Client, assign_plan, deadlines
from triage.store import (
    STATUS_ANSWERED,
    STATUS_AWAITING_CLARIFICATION,
    STATUS_NEW,
    STATUS_OPEN,
    now_iso,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeResult:
    source_key: str
    outcome: str
    ticket_number: str | None = None
    sender: str = ""
    subject: str = ""
    top_link: str | None = None
    top_score: float | None = None
    detail: str = ""
    probability: float | None = None
    why: str = ""

    @property
    def changed_anything(self) -> bool:
        return self.outcome not in ("already_processed", "duplicate")


@dataclass(frozen=True)
class Assessment:
    """What the desk concluded about one mail, before anything is stored or sent."""

    ticket: Ticket | None
    evidence: Evidence
    decision: Decision
    lookup: Lookup

    def as_dict(self) -> dict[str, Any]:
        decision, evidence = self.decision, self.evidence
        return {
            "outcome": decision.outcome.value,
            "ticket": self.ticket.number if self.ticket else None,
            "summary": decision.summary(),
            "reasons": [reason.as_dict() for reason in decision.reasons],
            "findings": [finding.as_dict() for finding in decision.findings or evidence.findings],
            "prediction": dataclasses.asdict(evidence.prediction) if evidence.prediction else None,
            "answer_probability": self.lookup.probability,
            "probability_threshold": self.lookup.threshold,
            "links": [
                {"link": hit.link, "title": hit.section.title, "score": hit.score, **hit.signals}
                for hit in decision.links or evidence.hits
            ],
        }


# A customer's reply puts these tickets back in the queue (rejected ones stay rejected).
_REOPENING = {
    STATUS_ANSWERED: "customer replied to the automatic answer",
    "waiting_for_customer": "customer answered",
    "resolved": "customer wrote again after resolution",
    "deferred": "customer sent new information",
    "closed": "customer wrote again after closure",
}


def _utc_now() -> datetime:
    return utc_now()


class IntakeService:
    def __init__(
        self,
        store: TicketStore,
        docs: DocsAnswerer | None,
        vault: AttachmentVault,
        desk: DeskSettings,
        decision: DecisionSettings,
        policy: PolicySettingsView,
        classifier: RequestClassifier | None = None,
        renderer: TemplateRenderer | None = None,
        sla: SlaSettings | None = None,
        secret_box: SecretBox | None = None,
        limits: LimitSettings | None = None,
        feedback: FeedbackLinks | None = None,
    ) -> None:
        self.store = store
        self.feedback = feedback
        self.docs = docs
        self.vault = vault
        self.desk = desk
        self.decision_settings = decision
        self.policy = policy
        self.sla = sla or SlaSettings()
        self.secret_box = secret_box or SecretBox("")
        self.clock = BusinessClock(self.sla)
        self.classifier = classifier
        self.preparer = Preparer(docs, classifier, desk, policy, k=max(5, decision.max_links))
        self.replies = ReplyWriter(store, desk, limits or LimitSettings(), renderer)

    def process(self, raw: bytes, source_key: str, released: bool = False) -> IntakeResult:
        """Run one raw mail through the desk. ``released``: an agent vouched for it, so
        spam and machine-mail verdicts are not applied."""
        prepared = self.preparer.prepare([(raw, source_key)], released, evaluate=False)[0]
        return self.process_prepared(prepared, released)

    def process_batch(self, batch: Sequence[PreparedMail]) -> list[IntakeResult]:
        """Mails prepared ahead, in order, under one commit; each in a savepoint of its
        own, so a mail that fails is quarantined without undoing the others."""
        with self.store.write_batch():
            return [self.process_prepared(prepared) for prepared in batch]

    def process_prepared(self, prepared: PreparedMail, released: bool = False) -> IntakeResult:
        """The store half of intake for a mail parsed (and perhaps evaluated) ahead:
        thread, decide, store and queue the reply, in one transaction."""
        raw, source_key = prepared.raw, prepared.source_key
        if self.store.source_processed(source_key):
            return IntakeResult(source_key, "already_processed")
        if prepared.mail is None:
            return self._quarantine(raw, source_key, f"unparseable: {prepared.parse_error}")
        try:
            return self._process_parsed(
                prepared.mail, raw, source_key, released, prepared.evaluated
            )
        except MailParseError as exc:
            return self._quarantine(raw, source_key, f"unparseable: {exc}")
        except StoreError:
            raise  # the store itself failed: stop, the mail stays in the mailbox
        except Exception as exc:
            log.exception("intake failed for %s", source_key)
            detail = "".join(traceback.format_exception_only(exc)).strip()
            return self._quarantine(raw, source_key, f"processing error: {detail}")

    def _quarantine(self, raw: bytes, source_key: str, reason: str) -> IntakeResult:
        with self.store.transaction():
            self.store.quarantine(source_key, reason, raw, hashlib.sha256(raw).hexdigest())
            self.store.mark_source_processed(source_key, None, "quarantined", None)
        log.warning("quarantined %s: %s", source_key, reason)
        return IntakeResult(source_key, "quarantined", detail=reason)

    def process_oversized(self, headers: bytes, size: int, source_key: str) -> IntakeResult:
        """A mail too big to download: a ticket from its headers and a short notice.

        The mail itself stays on the server (the poller moves it to a folder of its own),
        so nothing is lost and an agent can still open it.
        """
        if self.store.source_processed(source_key):
            return IntakeResult(source_key, "already_processed")
        try:
            mail = parse_mail(headers + b"\r\n")
        except MailParseError as exc:
            return self._quarantine(headers, source_key, f"oversized ({size} bytes), {exc}")
        note = f"[письмо размером {size / 1048576:.1f} МБ не загружено: превышен лимит]"
        mail = dataclasses.replace(mail, text=note, html=None, attachments=())
        decision = Decision(
            Outcome.ESCALATE, (Reason("oversized", f"{size} bytes, not downloaded"),)
        )
        with self.store.transaction():
            ticket = self._new_ticket(mail)
            self._assign_sla(ticket, mail, decision)
            message = _masked_message(mail, source_key)[0]
            row = self.store.add_message(ticket.id, message, [])
            self.store.record_decision(ticket.id, row, "escalate", [decision.reasons[0].as_dict()])
            self._enqueue(ticket, mail, "oversized", {"size_mb": f"{size / 1048576:.1f}"})
            self.store.set_status(ticket.id, STATUS_OPEN, "oversized mail")
            self.store.mark_source_processed(source_key, mail.message_id, "oversized", ticket.id)
        return IntakeResult(
            source_key, "oversized", ticket.number, mail.sender.email, mail.subject,
            why=f"{size} bytes, not downloaded",
        )  # fmt: skip

    def release(self, quarantine_id: int) -> IntakeResult:
        """Process a quarantined mail as a person's mail (P16: a false positive)."""
        return self._from_quarantine(quarantine_id, released=True)

    def reprocess(self, quarantine_id: int) -> IntakeResult:
        """Run a quarantined mail through the whole desk again, every check included
        (unlike ``release``, which vouches for it): for mail the parser once failed on.

        The raw bytes stay in quarantine untouched. A mail that still cannot be parsed
        keeps its entry with the new reason; otherwise the entry is closed and the mail
        has its outcome now (a new quarantine entry if it turns out spam or machine mail).
        """
        return self._from_quarantine(quarantine_id, released=False)

    def _from_quarantine(self, quarantine_id: int, released: bool) -> IntakeResult:
        """Process a quarantined mail again: vouched for (``released``) or fully checked.

        A released mail that is quarantined again keeps its entry open; a reprocessed
        one closes it either way (any new verdict has an entry of its own).
        """
        entry = self.store.quarantine_entry(quarantine_id)
        if entry["released_at"]:
            return IntakeResult(str(entry["source_key"]), "already_processed")
        try:
            parse_mail(entry["raw"])
        except MailParseError as exc:
            with self.store.transaction():
                self.store.update_quarantine_reason(quarantine_id, f"unparseable: {exc}")
            return IntakeResult(str(entry["source_key"]), "quarantined", detail=str(exc))
        prefix = "release" if released else "reprocess"
        result = self.process(entry["raw"], f"{prefix}:{quarantine_id}", released=released)
        if not released or result.outcome != "quarantined":
            with self.store.transaction():
                self.store.mark_released(quarantine_id, result.ticket_number)
        return result

    def _process_parsed(
        self,
        mail: ParsedMail,
        raw: bytes,
        source_key: str,
        released: bool = False,
        evaluated: Evaluated | None = None,
    ) -> IntakeResult:
        if self.store.message_known(mail.message_id):
            with self.store.transaction():
                self.store.mark_source_processed(source_key, mail.message_id, "duplicate", None)
            return IntakeResult(
                source_key, "duplicate", sender=mail.sender.email, subject=mail.subject
            )
        # Only a multipart/report is parsed a second time, as a delivery report.
        is_report = "multipart/report" in (mail.header("Content-Type") or "").lower()
        bounce = parse_dsn(raw) if is_report and not released else None
        if bounce is not None:
            return self._bounce(mail, raw, source_key, bounce)
        if not released:
            verdict = spam_verdict(mail)
            if verdict.is_spam:
                reasons = "; ".join(verdict.reasons)
                return self._quarantine(
                    raw, source_key, f"spam (score {verdict.score:g}): {reasons}"
                )
        assessment = self.assess(mail, released, evaluated)
        ticket, evidence, decision = assessment.ticket, assessment.evidence, assessment.decision
        prediction, lookup = evidence.prediction, assessment.lookup
        if decision.outcome is Outcome.IGNORE:
            reason = decision.reasons[0].detail
            return self._quarantine(raw, source_key, f"automatic mail: {reason}")
        stored = [(a.filename, a.sha256, a.content) for a in mail.attachments]
        left_out = self.vault.put_mail(stored)
        with self.store.transaction():
            ticket = self._apply(mail, source_key, ticket, decision)
            if left_out:
                self.store.record_event(ticket.id, "attachments_not_stored", {"why": left_out})
            if prediction is not None:
                self.store.set_classification(
                    ticket.id, prediction.category, prediction.intent, "classifier"
                )
            self.store.mark_source_processed(
                source_key, mail.message_id, decision.outcome.value, ticket.id
            )
        top = decision.links[0] if decision.links else None
        return IntakeResult(
            source_key,
            decision.outcome.value,
            ticket.number,
            mail.sender.email,
            mail.subject,
            top.link if top else None,
            top.score if top else None,
            "; ".join(reason.detail for reason in decision.reasons),
            lookup.probability,
            decision.summary(),
        )

    def _bounce(
        self, mail: ParsedMail, raw: bytes, source_key: str, bounce: Bounce
    ) -> IntakeResult:
        """A delivery report: kept on the ticket whose mail bounced; a hard bounce stops
        automatic mail to that address for a while."""
        ids = (bounce.original_message_id,) if bounce.original_message_id else ()
        ticket = self.store.find_ticket_by_message_ids(ids) if ids else None
        why = f"bounce {bounce.status} for {bounce.recipient}"
        if ticket is None:
            with self.store.transaction():
                self.store.record_bounce(bounce.recipient, bounce.status, bounce.permanent, None)
            return self._quarantine(raw, source_key, f"automatic mail: {why}, no ticket found")
        decision = Decision(Outcome.RECORD, (Reason("bounce", why),))
        with self.store.transaction():
            self._apply(mail, source_key, ticket, decision)
            self.store.record_bounce(bounce.recipient, bounce.status, bounce.permanent, ticket.id)
            self.store.mark_source_processed(source_key, mail.message_id, "record", ticket.id)
        return IntakeResult(
            source_key, "record", ticket.number, mail.sender.email, mail.subject, why=why
        )

    def assess(
        self, mail: ParsedMail, released: bool = False, evaluated: Evaluated | None = None
    ) -> Assessment:
        """Everything the desk would conclude about this mail; reads the store, writes nothing.

        ``evaluated``: the question's lookup and prediction, computed ahead (by
        ``desk.prepare``); used only if the mail opens a new ticket."""
        ticket, matched_by, foreign = self._thread(mail)
        automatic = (
            ()
            if released
            else tuple(
                automatic_reasons(mail, self.desk.message_id_domain, self.desk.support_address)
            )
        )
        lookup = Lookup([], None, None)
        prediction = None
        # What the customer wrote, read once (an attached letter, a forwarded mail).
        own = evaluated.own if evaluated is not None else None
        if own is None:
            own = own_text(mail, self.desk.support_address)
        if ticket is None and not automatic:
            if evaluated is None:
                evaluated = self.preparer.evaluate([question_text(mail, own)])[0]
            lookup = evaluated.lookup or lookup
            prediction = evaluated.prediction
        if ticket is None and evaluated is not None and evaluated.findings is not None:
            findings = evaluated.findings
        else:
            findings = tuple(check_request(self._content(mail, ticket, own), self.policy))
        evidence = Evidence(
            ticket_number=ticket.number if ticket else None,
            matched_by=matched_by,
            automatic=automatic,
            hits=tuple(lookup.hits),
            prediction=prediction,
            index_available=self.docs is not None,
            answer_probability=lookup.probability,
            probability_threshold=lookup.threshold,
            retrieval_signals=lookup.signals,
            findings=findings,
            ticket_status=ticket.status if ticket else None,
            foreign_ticket=foreign.number if foreign else None,
            encrypted=mail.encrypted,
            rude=() if automatic else tuple(rude_words(f"{mail.subject}\n{own}")),
        )
        return Assessment(ticket, evidence, decide(evidence, self.decision_settings), lookup)

    def _content(self, mail: ParsedMail, ticket: Ticket | None, own: str) -> RequestContent:
        """The customer's side of the thread, this mail included (``own``: its
        ``own_text``), for the policy rules."""
        if ticket is None:
            return first_mail_content(mail, own)
        address = self.desk.support_address
        texts = [
            customer_text(m["body_text"], m["subject"], address)
            for m in self.store.messages(ticket.id)
        ]
        texts.append(own)
        records = self.store.ticket_attachments(ticket.id) + attachment_records(mail)
        return RequestContent(ticket.subject, (*texts,), attached_files(records))

    def _thread(self, mail: ParsedMail) -> tuple[Ticket | None, str, Ticket | None]:
        """The ticket this mail continues, how it was found, and a ticket it named but may
        not join: a tag from someone who is neither a participant nor of the same
        registered organisation opens a new ticket instead (no data leaks into a thread)."""
        number = find_ticket_number(mail.subject, self.desk.ticket_prefix)
        found, how = None, ""
        if number is not None:
            found, how = self.store.find_ticket_number(number), "subject tag"
        if found is None:
            found = self.store.find_ticket_by_message_ids(mail.thread_ids())
            how = "In-Reply-To/References"
        if found is None:
            found, how = self._signed_reference(mail), "signed Message-ID in In-Reply-To/References"
        if found is None:
            return None, "", None
        if self._entitled(found, mail.sender.email):
            return found, how, None
        return None, "", found

    def _signed_reference(self, mail: ParsedMail) -> Ticket | None:
        for message_id in mail.thread_ids():
            tag = ticket_tag_from_message_id(
                message_id, self.desk.message_id_domain, self.desk.message_id_secret
            )
            number = find_ticket_number(f"[{tag}]", self.desk.ticket_prefix) if tag else None
            ticket = self.store.find_ticket_number(number) if number else None
            if ticket is not None:
                return ticket
        return None

    def _entitled(self, ticket: Ticket, sender: str) -> bool:
        sender = sender.lower()
        if sender in self.store.participants(ticket.id) | {ticket.requester_email.lower()}:
            return True
        client = self.store.client_by_sender(sender)
        return client is not None and ticket.client_id == client.id

    def _new_ticket(self, mail: ParsedMail) -> Ticket:
        """A ticket for ``mail``, its requester the address replies go to: the Reply-To of
        a web form's relay or a shared mailbox, else the sender. The client, and so the
        SLA, is still told by the sender (P8)."""
        requester = mail.reply_address(self.desk.support_address)
        return self.store.create_ticket(mail.subject, requester.email, requester.name)

    def _apply(
        self, mail: ParsedMail, source_key: str, ticket: Ticket | None, decision: Decision
    ) -> Ticket:
        if ticket is None:
            ticket = self._new_ticket(mail)
            self._assign_sla(ticket, mail, decision)
            for reason in decision.reasons:
                if reason.code == "foreign_thread":
                    self.store.link_tickets(ticket, str(reason.data["ticket"]), mail.sender.email)
        message, secrets = _masked_message(mail, source_key)
        message_row = self.store.add_message(ticket.id, message, attachment_records(mail))
        if secrets:
            self.store.record_event(
                ticket.id,
                "credentials_masked",
                {"count": len(secrets), "kept": self.secret_box.keeps_secrets},
            )
        if self.secret_box.keeps_secrets:
            for secret in secrets:
                self.store.add_secret(
                    ticket.id, message_row, secret.kind, self.secret_box.seal(secret.value)
                )
        self.store.record_decision(
            ticket.id,
            message_row,
            decision.outcome.value,
            [reason.as_dict() for reason in decision.reasons]
            + [
                {"code": "doc_candidate", "link": h.link, "score": round(h.score, 4)}
                for h in decision.links
            ],
            [finding.as_dict() for finding in decision.findings],
        )
        if decision.outcome is Outcome.RECORD:
            return ticket
        if decision.outcome is Outcome.FOLLOW_UP:
            verdict = detect_verdict(mail.new_text) if ticket.status == STATUS_ANSWERED else None
            if verdict is not None:  # "Вопрос решён" / "Не помогло" given by reply
                apply_feedback(self.store, ticket.number, *verdict, VIA_MAIL)
                return ticket
            reopening = _REOPENING.get(ticket.status)
            if reopening:
                self._resume_sla(self.store.ticket_by_id(ticket.id))
                self.store.set_status(ticket.id, STATUS_OPEN, reopening)
            if decision.missing:  # an encrypted follow-up: ask for it again, status as it is
                context = {**_asks(decision), **_notices(decision), "first_request": False}
                self._enqueue(ticket, mail, "clarification", context)
            return ticket
        if decision.outcome is Outcome.ANSWER:
            links = self.feedback.for_ticket(ticket.number) if self.feedback else None
            answer = {
                "links": _link_context(decision.links),
                "feedback": links,
                **_notices(decision),
            }
            self._enqueue(ticket, mail, "answer", answer)
            self.store.set_status(ticket.id, STATUS_ANSWERED, "answered from the documentation")
        elif decision.outcome is Outcome.CLARIFY:
            context = {
                **_asks(decision),
                **_notices(decision),
                "first_request": ticket.status == STATUS_NEW,
            }
            self._enqueue(ticket, mail, "clarification", context)
            if ticket.status != STATUS_AWAITING_CLARIFICATION:
                self.store.pause_sla(ticket.id, now_iso())
            self.store.set_status(
                ticket.id, STATUS_AWAITING_CLARIFICATION, "required information missing"
            )
        elif ticket.status == STATUS_AWAITING_CLARIFICATION:
            self._enqueue(ticket, mail, "accepted", _notices(decision))
            self._resume_sla(self.store.ticket_by_id(ticket.id))
            self.store.set_status(ticket.id, STATUS_OPEN, "clarification received")
        else:
            suggestions = self._suggestions(decision)
            context = {**_notices(decision), "suggestions": _link_context(suggestions)}
            self._enqueue(ticket, mail, "acknowledgment", context)
            if suggestions:
                self.store.record_event(
                    ticket.id, "links_suggested", {"links": [hit.link for hit in suggestions]}
                )
            self.store.set_status(ticket.id, STATUS_OPEN, "escalated to an agent")
        return ticket

    def _assign_sla(self, ticket: Ticket, mail: ParsedMail, decision: Decision) -> None:
        """P1/P8: identify the client by INN or sender, and set the plan and deadlines."""
        inns = [
            inn
            for finding in decision.findings
            if finding.code == "inn" and finding.satisfied
            for inn in finding.data.get("inn", [])
        ]
        client = self.store.client_by_inn(inns[0]) if inns else None
        if client is None and inns:
            client = self.store.save_client(
                Client(0, "клиент не идентифицирован", inns[0], "", BASIC, (), (), False)
            )
        if client is None:
            client = self.store.client_by_sender(mail.sender.email)
        results = [v for k, v in mail.headers if k.lower() == "authentication-results"]
        assignment = assign_plan(client, mail.sender.email, results)
        first, resolution = deadlines(self.clock, self.sla, assignment.plan, _utc_now())
        self.store.set_sla(ticket.id, assignment, first.isoformat(), resolution.isoformat())

    def _resume_sla(self, ticket: Ticket) -> None:
        """The SLA clock stood still while the ticket waited for the customer."""
        if not ticket.sla_paused_at:
            return
        paused = self.clock.between(datetime.fromisoformat(ticket.sla_paused_at), _utc_now())

        def shift(due: str | None) -> str | None:
            if not due:
                return due
            return self.clock.add(datetime.fromisoformat(due), paused).isoformat()

        self.store.resume_sla(
            ticket.id, shift(ticket.first_response_due), shift(ticket.resolution_due)
        )

    def _suggestions(self, decision: Decision) -> tuple[SearchHit, ...]:
        """Links offered as "may help" in the acknowledgment of an unconfident how-to question."""
        settings = self.decision_settings
        if not settings.suggest_links:
            return ()
        unconfident = [r for r in decision.reasons if r.code == "low_confidence"]
        if not unconfident:
            return ()
        if float(unconfident[0].data.get("probability", 0.0)) < settings.min_suggestion_probability:
            return ()  # more likely than not, none of them would help
        return near_best(decision.links[: settings.max_suggestions], settings.link_score_ratio)

    def _enqueue(self, ticket: Ticket, mail: ParsedMail, kind: str, extra: dict[str, Any]) -> None:
        received = mail.date.strftime("%d.%m.%Y %H:%M") if mail.date else ticket.created_at
        thread = Thread(
            recipient=mail.reply_address(self.desk.support_address),
            in_reply_to=mail.message_id,
            references=(*mail.references, mail.message_id),
            language=reply_language(f"{mail.subject}\n{mail.new_text}"),
        )
        context = {"original_subject": mail.subject, "received_at": received, **extra}
        self.replies.queue(ticket, thread, kind, context)


def _masked_message(mail: ParsedMail, source_key: str) -> tuple[NewMessage, list[Secret]]:
    """The message as it is stored: credentials masked in the text and the HTML (P9)."""
    text, secrets = mask_credentials(mail.text)
    html = mail.html
    if html is not None:
        for secret in secrets:
            html = html.replace(secret.value, "[скрыто]")
    message = NewMessage(
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
        from_email=mail.sender.email,
        from_name=mail.sender.name,
        subject=mail.subject,
        body_text=text,
        body_html=html,
        date_header=mail.date.isoformat() if mail.date else None,
        source_key=source_key,
        raw_sha256=mail.raw_sha256,
    )
    return message, secrets


def _asks(decision: Decision) -> dict[str, list[str]]:
    """What a clarification asks for: the Russian wording and the codes (English mail)."""
    return {
        "missing": [f.request_ru for f in decision.missing],
        "missing_codes": [f.code for f in decision.missing],
    }


def _notices(decision: Decision) -> dict[str, list[str]]:
    """What a mail to the customer points out besides: in Russian, and the codes."""
    return {
        "notices": [f.request_ru for f in decision.notices],
        "notice_codes": [f.code for f in decision.notices],
    }


def _link_context(hits: tuple[SearchHit, ...]) -> list[dict[str, str]]:
    return [
        {
            "title": (
                f"{hit.section.page_title} — {hit.section.title}"
                if hit.section.anchor and hit.section.title != hit.section.page_title
                else hit.section.title
            ),
            "breadcrumb": hit.section.breadcrumb,
            "url": hit.link,
            "excerpt": hit.excerpt(),
        }
        for hit in hits
    ]
