"""The support metrics, page statistics, masking, HTML and CSV of the report, on a
small store built by hand through the store's own API with the desk's clock set."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from insights import build_report, render_report, report_period, write_csv, write_report
from insights.errors import ReportInputError
from insights.gaps import GapQuestion, build_clusters
from insights.masking import mask_personal
from insights.metrics import percentile
from insights.report import report_tables
from triage import NewMessage, TicketStore
from triage.clock import frozen_at
from triage.sla import BASIC, SlaAssignment

DOCS = "https://padocs.empldocs.app"
PAGE_A = f"{DOCS}/employees/vacation/"
PAGE_B = f"{DOCS}/hr/routes/"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


class Builder:
    def __init__(self, store: TicketStore) -> None:
        self.store = store
        self.count = 0

    def ticket(
        self,
        when: datetime,
        outcome: str,
        text: str,
        intent: str = "how_to",
        extra_reasons: list[dict[str, object]] | None = None,
        links: tuple[str, ...] = (),
        due: datetime | None = None,
        first_mail: str | None = None,
    ) -> int:
        self.count += 1
        with frozen_at(when), self.store.transaction():
            ticket = self.store.create_ticket(f"Вопрос {self.count}", "c@example.ru", "Клиент")
            if due is not None:
                assignment = SlaAssignment(BASIC, "test", None)
                self.store.set_sla(ticket.id, assignment, due.isoformat(), due.isoformat())
            row = self.store.add_message(
                ticket.id,
                NewMessage(f"<m{self.count}@t>", None, (), "c@example.ru", "Клиент",
                           f"Вопрос {self.count}", text, None, None, f"k{self.count}", "x"),
                [],
            )  # fmt: skip
            reasons = [
                {"code": "classified", "category": "documents_routes", "intent": intent},
                *(extra_reasons or []),
                *({"code": "doc_candidate", "link": link, "score": 1.0} for link in links),
            ]
            self.store.record_decision(ticket.id, row, outcome, reasons)
            self.store.set_classification(ticket.id, "documents_routes", intent, "classifier")
            if first_mail:
                self.mail(ticket.id, first_mail, when)
        return ticket.id

    def mail(self, ticket_id: int, kind: str, when: datetime) -> None:
        with frozen_at(when), self.store.transaction():
            self.store.enqueue_mail(
                ticket_id, kind, f"<out{ticket_id}{kind}{when:%H%M}@t>", "s@t", "c@example.ru",
                "s", b"Subject: s\n\nHello!\n\nThe agent's answer.\n",
            )  # fmt: skip

    def decision(self, ticket_id: int, when: datetime, outcome: str, code: str) -> None:
        with frozen_at(when), self.store.transaction():
            row = self.store.messages(ticket_id)[0]["id"]
            self.store.record_decision(ticket_id, row, outcome, [{"code": code}])


@pytest.fixture
def small_store(tmp_path: Path) -> TicketStore:
    store = TicketStore.open(tmp_path / "desk.sqlite3")
    b = Builder(store)
    t1 = b.ticket(at(2, 9), "answer", "как отменить отпуск", links=(f"{PAGE_A}#a",),
                  first_mail="answer")  # fmt: skip
    with frozen_at(at(2, 15)), store.transaction():
        store.set_status(t1, "answered_automatically")
        store.record_feedback(t1, "solved", None, "link", [f"{PAGE_A}#a"])
    with frozen_at(at(2, 16)), store.transaction():
        store.set_status(t1, "open", "customer replied to the automatic answer")
    t2 = b.ticket(at(2, 10), "answer", "перенос отпуска", links=(f"{PAGE_A}#b", PAGE_B),
                  first_mail="answer")  # fmt: skip
    with frozen_at(at(2, 11)), store.transaction():
        store.set_status(t2, "answered_automatically")
        store.record_feedback(t2, "not_helpful", "unrelated", "link", [f"{PAGE_A}#b", PAGE_B])
    t3 = b.ticket(at(3, 10), "clarify", "ошибка при подписании", intent="problem",
                  first_mail="clarification", due=at(3, 13))  # fmt: skip
    b.decision(t3, at(3, 12), "escalate", "clarified")
    b.mail(t3, "reply", at(3, 14))
    t4 = b.ticket(
        at(3, 11), "escalate",
        "Как оформить командировку? Пишите на ivan.petrov@example.ru, тел. +7 912 345-67-89",
        extra_reasons=[{"code": "low_confidence", "probability": 0.1, "threshold": 0.9}],
        links=(PAGE_B,), due=at(3, 15), first_mail="acknowledgment",
    )  # fmt: skip
    b.mail(t4, "reply", at(3, 12))
    b.ticket(at(4, 9), "clarify", "не работает", intent="problem", first_mail="clarification")
    b.ticket(at(4, 10), "escalate", "сбой обмена", intent="problem", due=at(4, 12),
             first_mail="acknowledgment")  # fmt: skip
    return store


def test_metrics_on_a_hand_built_store(small_store: TicketStore) -> None:
    report = build_report(small_store, at(1, 0), at(5, 0))
    m = report.metrics
    assert m.new_tickets == 6
    assert (m.answered, m.deflection) == (2, pytest.approx(2 / 6))
    assert (m.reopened, m.reopened_share) == (1, 0.5)
    assert (m.clarified, m.clarification_rate) == (2, pytest.approx(2 / 6))
    assert (m.clarification_succeeded, m.clarification_success) == (1, 0.5)
    # T3 answered at 14:00 after a 13:00 deadline; T6 never answered, deadline passed.
    assert (m.sla_eligible, m.sla_breached) == (3, 2)
    assert sorted(m.first_response_minutes) == [0, 0, 0, 0, 60]
    assert sorted(m.agent_response_minutes) == [60, 240]
    assert percentile(m.agent_response_minutes, 50) == 150
    assert {day: dict(c) for day, c in m.per_day.items()} == {
        "2026-11-02": {"answer": 2},
        "2026-11-03": {"clarify": 1, "escalate": 1},
        "2026-11-04": {"clarify": 1, "escalate": 1},
    }
    pages = {p.page: p for p in report.pages}
    assert pages[PAGE_A].offered_in_answers == 2
    assert pages[PAGE_A].solved == 1
    assert dict(pages[PAGE_A].failed) == {"unrelated": 1}
    assert dict(pages[PAGE_B].failed) == {"unrelated": 1}
    # Gap input: the unconfident how-to (T4) and the answer rated unhelpful (T2).
    assert {q.number: q.why for q in report.questions} == {
        "WA-000002": ("not_helpful:unrelated",),
        "WA-000004": ("unconfident", "escalated_how_to"),
    }


def test_period_outside_the_tickets_counts_nothing(small_store: TicketStore) -> None:
    assert build_report(small_store, at(10, 0), at(12, 0)).metrics.new_tickets == 0
    with pytest.raises(ReportInputError):
        report_period(until=at(1, 0), since=at(2, 0))


def test_personal_data_and_credentials_are_masked() -> None:
    text = ("Пишите на o.smirnova@sklad-nord.ru, звоните +7 921 000-11-22 или 89031234567; "
            "ИНН 7707083893, СНИЛС 123-456-789 01, пароль: Qwe123!!")  # fmt: skip
    masked = mask_personal(text)
    for secret in ("o.smirnova", "921", "89031234567", "7707083893", "123-456", "Qwe123"):
        assert secret not in masked
    assert "[e-mail]" in masked and "[телефон]" in masked and "[ИНН]" in masked


class _Resources(HTMLParser):
    """Everything in a page that would make a browser fetch something or run code."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        names = {name for name, _ in attrs}
        if tag in ("script", "link", "iframe", "img", "object", "embed"):
            self.found.append(tag)
        if names & {"src", "srcset", "data"} or any(n.startswith("on") for n in names):
            self.found.append(f"{tag}{sorted(names)}")
        for name, value in attrs:
            if name == "href" and value and not value.startswith(("https://", "#")):
                self.found.append(f"href={value}")


def test_html_is_self_contained_and_csv_exports_every_table(
    small_store: TicketStore, tmp_path: Path
) -> None:
    written = write_report(
        small_store, tmp_path / "r.html", at(1, 0), at(5, 0), csv_dir=tmp_path / "csv"
    )
    page = written.html.read_text(encoding="utf-8")
    assert page == render_report(written.report)
    parser = _Resources()
    parser.feed(page)
    assert parser.found == []
    assert {"svg", "style", "table"} <= parser.tags
    assert "url(" not in page and "@import" not in page
    assert "ivan.petrov" not in page and "345-67" not in page
    names = sorted(p.name for p in written.csv)
    assert names == sorted(f"{name}.csv" for name in written.report.tables)
    for table in written.report.tables.values():
        with (tmp_path / "csv" / f"{table.name}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == table.columns
        assert len(rows) == len(table.rows) + 1
        assert all(len(row) == len(table.columns) for row in rows)
    summary = {row[0]: row[2] for row in written.report.tables["metrics_summary"].rows}
    assert summary["Нарушения SLA первого ответа"] == "2 из 3"
    assert written.report.tables["gap_clusters"].as_dicts() == []  # 2 questions: no cluster


def test_csv_export_reports_an_unwritable_directory(
    small_store: TicketStore, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    report = build_report(small_store, at(1, 0), at(5, 0))
    with pytest.raises(ReportInputError):
        write_csv(list(report.tables.values()), blocker / "csv")


def test_report_command_writes_html_and_csv(
    small_store: TicketStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from desk.cli import main

    database = Path(small_store.db.conn.execute("PRAGMA database_list").fetchone()[2])
    small_store.close()
    monkeypatch.setenv("TRIAGE_STORE_DATABASE", str(database))
    out = tmp_path / "out" / "report.html"
    code = main(["report", "--out", str(out), "--csv", str(tmp_path / "csv"),
                 "--since", "2026-11-01", "--until", "2026-11-05", "--no-docs"])  # fmt: skip
    assert code == 0
    assert "6 new tickets" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "csv" / "metrics_summary.csv").exists()
    assert main(["report", "--out", str(out), "--since", "2026-11-05", "--until", "2026-11-01",
                 "--no-docs"]) == 1  # fmt: skip


def test_similar_questions_form_a_labelled_cluster(small_store: TicketStore) -> None:
    report = build_report(small_store, at(1, 0), at(5, 0))
    texts = [
        "Как оформить командировку сотруднику?",
        "Командировка: где оформить приказ о командировке?",
        "оформление командировки через кабинет",
        "Не приходит СМС с кодом при входе",
    ]
    questions = [
        GapQuestion(
            100 + i, f"WA-{i}", "2026-11-02T10:00:00+00:00", text, ("unconfident",), None, None
        )
        for i, text in enumerate(texts)
    ]
    clusters, rest = build_clusters(questions, report.data)
    assert [c.size for c in clusters] == [3]
    assert "командировку" in clusters[0].label or "командировки" in clusters[0].label
    assert [q.text for q in rest] == [texts[3]]
    assert sum(clusters[0].trend) == 3 and clusters[0].trend[0] == 3
    report.clusters = clusters
    table = {t.name: t for t in report_tables(report)}["gap_clusters"]
    (row,) = table.as_dicts()
    assert row["size"] == 3 and row["gap_kind"] == "не сравнивалось (нет индекса)"


def test_pages_never_matched_are_indexed_pages_no_question_had(small_store: TicketStore) -> None:
    from types import SimpleNamespace

    from faq_index.extract import Section
    from insights.data import load_report_data
    from insights.pages import pages_never_matched

    data = load_report_data(small_store, at(1, 0), at(5, 0))
    sections = [
        Section(PAGE_A, "a", "Отмена", "Отпуск", "", "текст"),
        Section(PAGE_B, "", "Маршруты", "Маршруты", "", "текст"),
        Section(f"{DOCS}/admin/backup/", "", "Резервные копии", "Резервные копии", "", "текст"),
    ]
    index = SimpleNamespace(sections=sections)
    assert pages_never_matched(data, index) == [(f"{DOCS}/admin/backup/", "Резервные копии")]  # type: ignore[arg-type]
