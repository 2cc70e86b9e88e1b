"""The report as data: gap clusters, pages, FAQ candidates and metrics, as tables.

``build_report`` is the library entry point (the CLI and, later, the web UI call it);
rendering (``insights.report_html``) and CSV export (``insights.export``) read the
``Report`` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from faq_index import DocsAnswerer
from insights.data import ReportData, load_report_data
from insights.errors import ReportInputError
from insights.faq import FaqCandidate, faq_candidates
from insights.gaps import GapCluster, GapQuestion, GapSettings, build_clusters, gap_questions
from insights.metrics import Metrics, compute_metrics, percentile
from insights.pages import PageStats, page_stats, pages_never_matched
from insights.tables import Table
from triage import TicketStore

KIND_RU = {
    "no_page": "нет страницы",
    "page_mismatch": "страница есть, но не отвечает так, как спрашивают",
    "": "не сравнивалось (нет индекса)",
}
WHY_RU = {
    "unconfident": "бот не уверен",
    "escalated_how_to": "вопрос «как сделать» передан агенту",
    "not_helpful:unrelated": "«не про мой вопрос»",
    "not_helpful:not_answered": "«про мой вопрос, но не ответили»",
    "not_helpful:unspecified": "«не помогло» без причины",
}


@dataclass
class Report:
    since: datetime
    until: datetime
    data: ReportData
    questions: list[GapQuestion]
    clusters: list[GapCluster]
    unclustered: list[GapQuestion]
    pages: list[PageStats]
    never_matched: list[tuple[str, str]]
    faq: list[FaqCandidate]
    metrics: Metrics
    index_available: bool
    tables: dict[str, Table] = field(default_factory=dict)


def report_period(
    until: datetime | None = None, days: int | None = None, since: datetime | None = None
) -> tuple[datetime, datetime]:
    """[since, until): by default the 30 days up to now."""
    until = until or datetime.now(UTC)
    if since is None:
        since = until - timedelta(days=days if days is not None else 30)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    if since >= until:
        raise ReportInputError(
            f"the period is empty: {since:%Y-%m-%d} is not before {until:%Y-%m-%d}"
        )
    return since, until


def build_report(
    store: TicketStore,
    since: datetime,
    until: datetime,
    docs: DocsAnswerer | None = None,
    settings: GapSettings | None = None,
) -> Report:
    data = load_report_data(store, since, until)
    questions = gap_questions(data)
    clusters, rest = build_clusters(questions, data, docs, settings)
    index = docs.index if docs is not None else None
    report = Report(
        since,
        until,
        data,
        questions,
        clusters,
        rest,
        page_stats(data, index),
        pages_never_matched(data, index),
        faq_candidates(clusters, data),
        compute_metrics(data),
        docs is not None,
    )
    report.tables = {t.name: t for t in report_tables(report)}
    return report


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _hours(minutes: float | None) -> str:
    return "—" if minutes is None else f"{minutes / 60:.1f} ч"


def report_tables(report: Report) -> list[Table]:
    """Every table of the report; the HTML shows them and the CSV export writes them."""
    m = report.metrics
    tables = [
        Table(
            "gap_clusters",
            "Кластеры вопросов без ответа в документации",
            (
                "cluster",
                "label",
                "size",
                "trend_per_week",
                "trend",
                "why",
                "key_phrases",
                "docs_coverage",
                "nearest_section",
                "nearest_title",
                "nearest_probability",
                "nearest_coverage",
                "gap_kind",
                "examples",
            ),
            [
                (
                    c.number,
                    c.label,
                    c.size,
                    " ".join(map(str, c.trend)),
                    c.trend_word,
                    "; ".join(f"{WHY_RU.get(k, k)}: {v}" for k, v in c.why.most_common()),
                    ", ".join(phrase for phrase, _ in c.key_phrases),
                    "" if c.coverage is None else round(c.coverage, 3),
                    c.nearest.link if c.nearest else "",
                    c.nearest.title if c.nearest else "",
                    ""
                    if not c.nearest or c.nearest.probability is None
                    else round(c.nearest.probability, 3),
                    round(c.nearest.section_coverage, 3) if c.nearest else "",
                    KIND_RU[c.kind],
                    " | ".join(c.examples),
                )
                for c in report.clusters
            ],
            note=f"{len(report.questions)} вопросов на входе, {len(report.unclustered)} "
            "не попали ни в один кластер (меньше трёх похожих).",
        ),
        Table(
            "pages",
            "Страницы документации: сколько раз предложены и сколько раз не помогли",
            (
                "page",
                "title",
                "offered_in_answers",
                "suggested",
                "solved",
                "failed_unrelated",
                "failed_not_answered",
                "failed_unspecified",
            ),
            [
                (
                    p.page,
                    p.title,
                    p.offered_in_answers,
                    p.suggested,
                    p.solved,
                    p.failed["unrelated"],
                    p.failed["not_answered"],
                    p.failed["unspecified"],
                )
                for p in report.pages
            ],
        ),
        Table(
            "pages_never_matched",
            "Страницы, которые ни разу не подошли ни к одному вопросу",
            ("page", "title"),
            list(report.never_matched),
            note="" if report.index_available else "Индекс документации не загружен.",
        ),
        Table(
            "faq_candidates",
            "Кандидаты в FAQ: частые вопросы с хорошим ответом агента",
            ("cluster", "label", "size", "good_answers", "question", "agent_answer"),
            [
                (
                    f.cluster.number,
                    f.cluster.label,
                    f.cluster.size,
                    f.good_answers,
                    f.question,
                    f.answer,
                )
                for f in report.faq
            ],
        ),
        Table(
            "metrics_summary",
            "Показатели поддержки",
            ("metric", "value", "detail"),
            [
                ("Новых обращений", m.new_tickets, ""),
                (
                    "Отвечено автоматически (deflection)",
                    _pct(m.deflection),
                    f"{m.answered} из {m.new_tickets}",
                ),
                ("Из них переоткрыто", _pct(m.reopened_share), f"{m.reopened} из {m.answered}"),
                (
                    "Первый ответ, медиана",
                    _hours(percentile(m.first_response_minutes, 50)),
                    f"{len(m.first_response_minutes)} обращений",
                ),
                (
                    "Первый ответ, 90-й процентиль",
                    _hours(percentile(m.first_response_minutes, 90)),
                    "",
                ),
                (
                    "Первый ответ агента, медиана",
                    _hours(percentile(m.agent_response_minutes, 50)),
                    f"{len(m.agent_response_minutes)} обращений у агентов",
                ),
                (
                    "Нарушения SLA первого ответа",
                    _pct(m.sla_breach_share),
                    f"{m.sla_breached} из {m.sla_eligible}",
                ),
                (
                    "Запрошены уточнения",
                    _pct(m.clarification_rate),
                    f"{m.clarified} из {m.new_tickets}",
                ),
                (
                    "Уточнение удалось",
                    _pct(m.clarification_success),
                    f"{m.clarification_succeeded} из {m.clarified}; ещё неполные: "
                    f"{m.clarification_still_incomplete}",
                ),
            ],
        ),
        Table(
            "volume_per_day",
            "Обращения по дням",
            ("day", "total", "answer", "clarify", "escalate"),
            [
                (day, sum(c.values()), c["answer"], c["clarify"], c["escalate"])
                for day, c in m.per_day.items()
            ],
        ),
        Table(
            "volume_per_category",
            "Обращения по категориям",
            ("category", "total", "answer", "clarify", "escalate", "deflection"),
            [
                (
                    cat,
                    sum(c.values()),
                    c["answer"],
                    c["clarify"],
                    c["escalate"],
                    _pct(c["answer"] / sum(c.values())),
                )
                for cat, c in m.per_category.items()
            ],
        ),
        Table(
            "sla_by_plan",
            "Нарушения SLA первого ответа по планам",
            ("plan", "tickets", "breached", "share"),
            [
                (plan, n, b, _pct(b / n if n else None))
                for plan, (n, b) in m.breaches_by_plan.items()
            ],
        ),
    ]
    return tables
