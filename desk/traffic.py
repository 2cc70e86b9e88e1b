"""A month of realistic customer traffic, run through the real intake at the times it happens.

The demo uses it so that the gap report and the support metrics have something to show:
customers' mails (labelled requests, answerable documentation questions and the
hand-written questions about topics the documentation lacks, `data/traffic/gaps.jsonl`)
arrive over ``days`` days in business hours; customers rate automatic answers, answer
clarification requests or stay silent; agents reply, and resolve tickets. Every step
goes through the same code as production (``IntakeService.process``, ``desk.actions``,
``TicketStore.record_feedback``, the outbox) with the desk's clock set to the moment
it happens (``triage.clock.frozen_at``).
"""

from __future__ import annotations

import heapq
import json
import random
import struct
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Any

from desk import actions
from desk.config import DATA_DIR, Config
from desk.intake import IntakeService
from desk.prepare import question_text
from desk.services import close_quiet_tickets, send_outbox
from faq_index.semantic import QueryCache
from mailer import parse_mail
from triage import TicketStore, TriageError
from triage.clock import frozen_at
from triage.store import FEEDBACK_NOT_HELPFUL, FEEDBACK_SOLVED

TRAFFIC_DIR = DATA_DIR / "traffic"
CUSTOMER_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru")
_FIRST_NAMES = ("Анна", "Мария", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Юлия",
                "Алексей", "Дмитрий", "Сергей", "Андрей", "Игорь", "Павел", "Михаил")  # fmt: skip
_LAST_NAMES = ("Иванова", "Петрова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Лебедева",
               "Козлов", "Новиков", "Морозов", "Волков", "Зайцев", "Орлов", "Фёдоров")  # fmt: skip
_LATIN = str.maketrans("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                       "abvgdeezziiklmnoprstufhccss_y_eua")  # fmt: skip
_VERSIONS = ("3.4.2", "3.3.5", "3.4.1")
_EDITIONS = ("ПРОФ", "КОРП", "Базовая")


@dataclass(frozen=True)
class Customer:
    email: str
    name: str
    inn: str


@dataclass(frozen=True)
class PlannedMail:
    at: datetime
    customer: Customer
    subject: str
    body: str
    topic: str = ""  # a planted gap topic, else empty
    source: str = ""  # where the text comes from (request id, question id, gap)


@dataclass
class TrafficReport:
    mails: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    feedback: Counter[str] = field(default_factory=Counter)
    agent_replies: int = 0
    follow_ups: int = 0
    closed: int = 0

    def summary(self) -> str:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        feedback = ", ".join(f"{k} {v}" for k, v in sorted(self.feedback.items()))
        return (
            f"{self.mails} new mails ({outcomes}); {self.follow_ups} customer follow-ups; "
            f"{self.agent_replies} agent replies; feedback: {feedback or 'none'}; "
            f"{self.closed} quiet tickets closed"
        )


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _customers(rng: random.Random, clients_file: Path, count: int) -> list[Customer]:
    """Senders: registered client addresses and colleagues on their domains, and strangers."""
    import csv

    with clients_file.open(encoding="utf-8") as handle:
        clients = list(csv.DictReader(handle))
    people = []
    for n in range(count):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        local = f"{first[0]}.{last}".lower().translate(_LATIN)
        client = clients[n % len(clients)] if n % 3 else None
        if client and client["addresses"] and n % 2:
            email = rng.choice(client["addresses"].split())
        elif client and client["domains"]:
            email = f"{local}{n}@{client['domains'].split()[0]}"
        else:
            email = f"{local}{n}@{rng.choice(CUSTOMER_DOMAINS)}"
        people.append(Customer(email, f"{first} {last}", client["inn"] if client else ""))
    return people


def _moment(rng: random.Random, day: datetime) -> datetime:
    """A time in Moscow business hours, mostly (UTC+3: 09–19 local is 06–16 UTC)."""
    hour = rng.choice((6, 6, 7, 7, 8, 8, 9, 10, 11, 11, 12, 13, 14, 15, 16, 18))
    return day + timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))


def _day_weights(days: int, start: datetime, trend: Callable[[float], float]) -> list[float]:
    weights = []
    for d in range(days):
        weekday = (start + timedelta(days=d)).weekday()
        weights.append(trend(d / max(days - 1, 1)) * (0.2 if weekday >= 5 else 1.0))
    return weights


# How each planted gap develops over the month (x: 0 at the start, 1 at the end).
GAP_TRENDS: dict[str, Callable[[float], float]] = {
    "sick_leave": lambda x: 1.6 - 1.2 * x,  # a flu wave that passes
    "bitrix24": lambda x: 0.2 + 1.6 * x,  # a growing wish once a big client moved to Bitrix24
    "business_trips": lambda x: 1.0,
    "shift_schedules": lambda x: 0.6 + 1.2 * max(0.0, x - 0.5) * 2,  # schedules before month end
}


def plan_month(
    end: datetime,
    days: int = 30,
    seed: int = 7,
    requests: int = 220,
    questions: int = 120,
    data_dir: Path = DATA_DIR,
) -> list[PlannedMail]:
    """New customer mails over the ``days`` days before ``end``, oldest first."""
    rng = random.Random(seed)
    start = (end - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    people = _customers(rng, data_dir / "clients.csv", 160)
    flat = _day_weights(days, start, lambda x: 1.0)
    planned: list[PlannedMail] = []

    def add(subject: str, body: str, weights: list[float], topic: str, source: str) -> None:
        day = start + timedelta(days=rng.choices(range(days), weights)[0])
        planned.append(
            PlannedMail(_moment(rng, day), rng.choice(people), subject, body, topic, source)
        )

    labelled = _jsonl(data_dir / "labelled" / "requests.jsonl")
    for row in rng.sample(labelled, min(requests, len(labelled))):
        add(row["subject"], row["body"], flat, "", row["id"])
    answerable = [q for q in _jsonl(data_dir / "labelled" / "questions.jsonl") if q["answers"]]
    for row in rng.sample(answerable, min(questions, len(answerable))):
        subject = row["question"].partition("\n")[0]
        add(subject[:80], row["question"], flat, "", row["id"])
    for row in _jsonl(data_dir / "traffic" / "gaps.jsonl"):
        weights = _day_weights(days, start, GAP_TRENDS[row["topic"]])
        add(row["subject"], row["body"], weights, row["topic"], f"gap:{row['topic']}")
    planned = [p for p in planned if p.at < end]
    return sorted(planned, key=lambda p: p.at)


def tiny_png() -> bytes:
    """A valid 2x2 grey PNG: the "screenshot" a customer attaches."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def to_eml(
    customer: Customer,
    to: str,
    subject: str,
    body: str,
    at: datetime,
    message_id: str,
    in_reply_to: str | None = None,
    screenshot: bool = False,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"{customer.name} <{customer.email}>"
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(at.astimezone(UTC))
    mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    mail.set_content(f"Здравствуйте!\n\n{body}\n\nС уважением,\n{customer.name}\n")
    if screenshot:
        mail.add_attachment(tiny_png(), maintype="image", subtype="png", filename="screenshot.png")
    return mail.as_bytes()


class TrafficSimulator:
    """Runs planned mails and everyone's reactions in time order through the desk."""

    def __init__(
        self, config: Config, store: TicketStore, intake: IntakeService, seed: int = 7
    ) -> None:
        self.config = config
        self.store = store
        self.intake = intake
        self.rng = random.Random(seed)
        self.replies = json.loads((TRAFFIC_DIR / "replies.json").read_text(encoding="utf-8"))
        self.report = TrafficReport()
        self._queue: list[tuple[datetime, int, Callable[[], None]]] = []
        self._seq = 0
        self._topic: dict[int, str] = {}  # ticket id → planted gap topic ("" for others)
        self._customer: dict[int, Customer] = {}
        self.now = datetime.now(UTC)

    @property
    def ticket_topics(self) -> dict[int, str]:
        """Which planted gap each ticket's first mail was about ("" for ordinary mail)."""
        return dict(self._topic)

    def at(self, moment: datetime, action: Callable[[], None]) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (moment, self._seq, action))

    def run(self, plan: list[PlannedMail], end: datetime) -> TrafficReport:
        index = self.intake.docs.index if self.intake.docs is not None else None
        embedder = index.embedder if index is not None else None
        if index is not None and embedder is not None:
            cache = QueryCache(embedder)
            cache.prime([index.semantic_query(self._question(mail)) for mail in plan])
            index.embedder = cache
        try:
            return self._run(plan, end)
        finally:
            if index is not None:
                index.embedder = embedder

    def _question(self, mail: PlannedMail) -> str:
        """The question the intake will search for (its text as parsed from the mail)."""
        raw = to_eml(mail.customer, self.config.desk.support_address, mail.subject, mail.body,
                     mail.at, "<question@traffic>")  # fmt: skip
        return question_text(parse_mail(raw))

    def _run(self, plan: list[PlannedMail], end: datetime) -> TrafficReport:
        for mail in plan:
            self.at(mail.at, partial(self._new_mail, mail))
        if plan:
            day = plan[0].at.replace(hour=20, minute=0, second=0)
            while day < end:
                self.at(day, self._housekeeping)
                day += timedelta(days=1)
        while self._queue:
            moment, _, action = heapq.heappop(self._queue)
            if moment >= end:
                continue  # reactions that would happen after "now" have not happened yet
            self.now = moment
            with frozen_at(moment):
                action()
                send_outbox(self.config, self.store)
        return self.report

    # -- customers -----------------------------------------------------------------

    def _new_mail(self, mail: PlannedMail) -> None:
        self.report.mails += 1
        domain = mail.customer.email.split("@")[1]
        message_id = f"<traffic-{self.report.mails}.{self.rng.randrange(10**9)}@{domain}>"
        raw = to_eml(mail.customer, self.config.desk.support_address, mail.subject, mail.body,
                     mail.at, message_id)  # fmt: skip
        result = self.intake.process(raw, f"traffic:{self.report.mails}")
        self.report.outcomes[result.outcome] += 1
        if result.ticket_number is None:
            return
        ticket = self.store.ticket(result.ticket_number)
        self._topic[ticket.id] = mail.topic
        self._customer[ticket.id] = mail.customer
        self._react(ticket.id, result.outcome)

    def _react(self, ticket_id: int, outcome: str) -> None:
        rng = self.rng
        if outcome == "answer":
            self._rate_answer(ticket_id)
        elif outcome == "clarify":
            roll = rng.random()
            if roll < 0.65:
                self.at(self._later(2, 30), lambda: self._clarify(ticket_id, complete=True))
            elif roll < 0.8:
                self.at(self._later(2, 30), lambda: self._clarify(ticket_id, complete=False))
        elif outcome == "escalate":
            self._agent_will_answer(ticket_id)

    def _rate_answer(self, ticket_id: int) -> None:
        rng, gap = self.rng, bool(self._topic.get(ticket_id))
        roll = rng.random()
        verdict: tuple[str, str | None]
        if gap:
            verdict = (FEEDBACK_NOT_HELPFUL, "unrelated" if roll < 0.7 else "not_answered")
        elif roll < 0.55:
            verdict = (FEEDBACK_SOLVED, None)
        elif roll < 0.63:
            verdict = (FEEDBACK_NOT_HELPFUL, "not_answered")
        elif roll < 0.68:
            verdict = (FEEDBACK_NOT_HELPFUL, "unrelated")
        else:
            return  # most customers never rate
        self.at(self._later(0.2, 20), lambda: self._feedback(ticket_id, *verdict))

    def _feedback(self, ticket_id: int, verdict: str, reason: str | None) -> None:
        links = [
            str(r["link"])
            for d in self.store.decisions(ticket_id)[:1]
            for r in json.loads(d["reasons"])
            if r.get("code") == "doc_candidate"
        ]
        with self.store.transaction():
            self.store.record_feedback(ticket_id, verdict, reason, "link", links)
        self.report.feedback[f"{verdict}/{reason}" if reason else verdict] += 1
        if verdict == FEEDBACK_NOT_HELPFUL and self.rng.random() < 0.6:
            text = self.rng.choice(self.replies["not_helpful_replies"][reason or "not_answered"])
            self._customer_writes(ticket_id, text)

    def _clarify(self, ticket_id: int, complete: bool) -> None:
        customer = self._customer[ticket_id]
        key = "clarification_answers" if complete else "incomplete_clarification_answers"
        text = self.rng.choice(self.replies[key]).format(
            inn=customer.inn or "7707083893",
            version=self.rng.choice(_VERSIONS),
            edition=self.rng.choice(_EDITIONS),
        )
        outcome = self._customer_writes(ticket_id, text, screenshot=complete)
        if outcome == "escalate":
            self._agent_will_answer(ticket_id)

    def _customer_writes(self, ticket_id: int, text: str, screenshot: bool = False) -> str:
        """A reply on the ticket's thread, through the intake like any mail."""
        ticket = self.store.ticket_by_id(ticket_id)
        if ticket.status == "closed":
            return "ignored"
        customer = self._customer[ticket_id]
        sent = [m for m in self.store.outbox(ticket_id) if m.status == "sent"]
        last = sent[-1] if sent else None
        subject = f"Re: {last.subject}" if last else f"Re: [{ticket.number}] {ticket.subject}"
        self.report.follow_ups += 1
        message_id = f"<traffic-reply-{self.report.follow_ups}@{customer.email.split('@')[1]}>"
        raw = to_eml(customer, self.config.desk.support_address, subject, text, self.now,
                     message_id, last.message_id if last else None, screenshot)  # fmt: skip
        result = self.intake.process(raw, f"traffic-reply:{self.report.follow_ups}")
        if result.outcome == "follow_up" and self.store.ticket_by_id(ticket_id).status == "open":
            self._agent_will_answer(ticket_id)
        return result.outcome

    # -- agents --------------------------------------------------------------------

    def _later(self, low_hours: float, high_hours: float) -> datetime:
        return self.now + timedelta(hours=self.rng.uniform(low_hours, high_hours))

    def _agent_will_answer(self, ticket_id: int) -> None:
        ticket = self.store.ticket_by_id(ticket_id)
        fast = ticket.sla_plan == "commercial"
        delay = self._later(0.3, 6) if fast or self.rng.random() < 0.6 else self._later(6, 60)
        self.at(delay, lambda: self._agent_replies(ticket_id))

    def _agent_replies(self, ticket_id: int) -> None:
        ticket = self.store.ticket_by_id(ticket_id)
        if ticket.status != "open":
            return
        try:
            actions.reply(self.config, self.store, ticket.number, self._answer(ticket_id), "Ольга")
        except TriageError:
            return
        self.report.agent_replies += 1
        roll = self.rng.random()
        if roll < 0.15:
            text = self.rng.choice(self.replies["customer_still_open"])
            self.at(self._later(1, 30), lambda: self._customer_writes_later(ticket_id, text))
        elif roll < 0.35:
            text = self.rng.choice(self.replies["customer_thanks"])
            self.at(self._later(0.5, 10), lambda: self._customer_writes_later(ticket_id, text))
        else:
            self.at(self._later(24, 72), lambda: self._resolve(ticket_id))

    def _customer_writes_later(self, ticket_id: int, text: str) -> None:
        self._customer_writes(ticket_id, text)
        if "Спасибо" in text or "Благодарим" in text:
            self.at(self._later(0.5, 8), lambda: self._resolve(ticket_id))

    def _resolve(self, ticket_id: int) -> None:
        ticket = self.store.ticket_by_id(ticket_id)
        if ticket.status in ("waiting_for_customer", "open"):
            actions.resolve(self.store, ticket.number, "Ольга")

    def _answer(self, ticket_id: int) -> str:
        topic = self._topic.get(ticket_id, "")
        if topic:
            return str(self.replies["agent_topic_replies"][topic])
        first = self.store.decisions(ticket_id)[0]
        reasons = json.loads(first["reasons"])
        intent = next((r.get("intent") for r in reasons if r.get("code") == "classified"), "")
        links = [r["link"] for r in reasons if r.get("code") == "doc_candidate"]
        if intent == "how_to" and links:
            return str(self.replies["agent_reply_with_link"]).format(link=links[0])
        summary = self.rng.choice(self.replies["agent_generic_summaries"])
        return str(self.replies["agent_reply_generic"]).format(summary=summary)

    def _housekeeping(self) -> None:
        self.report.closed += len(close_quiet_tickets(self.config, self.store))


def run_traffic(
    config: Config,
    store: TicketStore,
    intake: IntakeService,
    end: datetime | None = None,
    days: int = 30,
    seed: int = 7,
) -> TrafficReport:
    """Plan and run ``days`` days of traffic ending at ``end`` (default: now)."""
    end = end or datetime.now(UTC)
    plan = plan_month(end, days, seed)
    return TrafficSimulator(config, store, intake, seed).run(plan, end)
