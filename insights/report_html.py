"""The report as one self-contained HTML page: inline CSS, inline SVG, no script.

Each view is a function returning an HTML fragment (``gaps_view``, ``pages_view``,
``faq_view``, ``metrics_view``), so that the web UI can show the same views as pages of
its own, with ``STYLE`` in its layout. ``render_report`` puts them into one document.
"""

from __future__ import annotations

from html import escape
from typing import Any

from insights.charts import horizontal_bars, sparkline, stacked_bars
from insights.metrics import NEW_OUTCOMES
from insights.report import KIND_RU, WHY_RU, Report
from insights.tables import Table

STYLE = """
body{font-family:-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;max-width:1100px;
padding:16px 24px;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:2px solid #1565c0;padding-bottom:4px;margin-top:2em}
h3{margin:0 0 .3em}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em;font-size:.9em}
th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef3fb}td.num{text-align:right;white-space:nowrap}
.card{border:1px solid #ccc;border-radius:6px;padding:10px 14px;margin:12px 0}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:.85em;color:#fff}
.no_page{background:#c62828}.page_mismatch{background:#ef6c00}.unknown{background:#757575}
.muted{color:#666;font-size:.9em}.axis{font-size:11px;fill:#444}
.examples li{margin:.2em 0}.kpis{display:flex;flex-wrap:wrap;gap:10px}
.kpi{border:1px solid #ccc;border-radius:6px;padding:8px 12px;min-width:150px}
.kpi b{display:block;font-size:1.4em}
"""


def _cell(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{escape(str(value))}</td>'
    text = str(value)
    if text.startswith(("http://", "https://")):
        return f'<td><a href="{escape(text)}">{escape(text)}</a></td>'
    return f"<td>{escape(text)}</td>"


def table_html(
    table: Table, columns: dict[str, str] | None = None, limit: int | None = None
) -> str:
    """A table with Russian column headings where given; ``limit`` rows at most."""
    columns = columns or {}
    head = "".join(f"<th>{escape(columns.get(c, c))}</th>" for c in table.columns)
    rows = table.rows if limit is None else table.rows[:limit]
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(table.columns)}" class="muted">нет данных</td></tr>'
    more = ""
    if limit is not None and len(table.rows) > limit:
        more = f'<p class="muted">Показано {limit} из {len(table.rows)}; все строки — в CSV.</p>'
    note = f'<p class="muted">{escape(table.note)}</p>' if table.note else ""
    return f"<table><tr>{head}</tr>{body}</table>{more}{note}"


def gaps_view(report: Report) -> str:
    parts = [
        "<h2>Пробелы в документации</h2>",
        '<p class="muted">Вопросы, на которые бот не ответил уверенно, ответы, которые '
        "клиенты оценили «не помогло», и вопросы «как сделать», переданные агентам, "
        f"сгруппированы по смыслу. Всего вопросов: {len(report.questions)}, кластеров: "
        f"{len(report.clusters)}. Вероятность — откалиброванная оценка того, что ближайший "
        "раздел отвечает на вопросы кластера. «Нет страницы» — ни один раздел не содержит "
        "и 40% ключевых слов темы (по весу).</p>",
    ]
    for cluster in report.clusters:
        kind = cluster.kind or "unknown"
        nearest = "<p>Ближайший раздел: не найден</p>"
        if cluster.nearest is not None:
            p = cluster.nearest.probability
            shown = "—" if p is None else f"{p:.2f}"
            nearest = (
                f'<p>Ближайший раздел: <a href="{escape(cluster.nearest.link)}">'
                f"{escape(cluster.nearest.title)}</a> — вероятность ответа {shown}, "
                f"в нём {cluster.nearest.section_coverage:.0%} ключевых слов темы</p>"
            )
        if cluster.coverage is not None:
            phrases = ", ".join(phrase for phrase, _ in cluster.key_phrases)
            nearest += (
                f'<p class="muted">Ключевые слова темы (основы): {escape(phrases)}; '
                f"лучший раздел документации содержит {cluster.coverage:.0%} из них</p>"
            )
        why = ", ".join(f"{escape(WHY_RU.get(k, k))}: {v}" for k, v in cluster.why.most_common())
        examples = "".join(f"<li>{escape(e)}</li>" for e in cluster.examples)
        parts.append(
            f'<div class="card" id="cluster-{cluster.number}">'
            f"<h3>#{cluster.number} {escape(cluster.label)} "
            f'<span class="badge {kind}">{escape(KIND_RU[cluster.kind])}</span></h3>'
            f"<p>Вопросов: <b>{cluster.size}</b>. По неделям: "
            f"{sparkline(cluster.trend, 'вопросов по неделям')} "
            f"{' / '.join(map(str, cluster.trend))} ({cluster.trend_word})</p>"
            f'<p class="muted">Почему попали: {why}</p>{nearest}'
            f'<ul class="examples">{examples}</ul></div>'
        )
    return "".join(parts)


PAGE_COLUMNS = {
    "page": "страница", "title": "заголовок", "offered_in_answers": "в ответах",
    "suggested": "предложена в подтверждении", "solved": "помогла",
    "failed_unrelated": "«не про мой вопрос»", "failed_not_answered": "«не ответили»",
    "failed_unspecified": "«не помогло» без причины",
}  # fmt: skip


def pages_view(report: Report) -> str:
    return (
        "<h2>Страницы документации</h2>"
        + table_html(report.tables["pages"], PAGE_COLUMNS, limit=40)
        + "<h3>Ни разу не подошли ни к одному вопросу</h3>"
        + table_html(report.tables["pages_never_matched"], PAGE_COLUMNS)
    )


def faq_view(report: Report) -> str:
    columns = {"cluster": "кластер", "label": "тема", "size": "вопросов",
               "good_answers": "хороших ответов агента", "question": "вопрос",
               "agent_answer": "ответ агента"}  # fmt: skip
    return (
        "<h2>Кандидаты в FAQ</h2>"
        '<p class="muted">Кластеры, где один ответ агента закрыл обращение (решено без '
        "повторных вопросов) хотя бы дважды.</p>"
        + table_html(report.tables["faq_candidates"], columns)
    )


def metrics_view(report: Report) -> str:
    m = report.metrics
    summary = report.tables["metrics_summary"]
    kpis = "".join(
        f'<div class="kpi">{escape(str(name))}<b>{escape(str(value))}</b>'
        f'<span class="muted">{escape(str(detail))}</span></div>'
        for name, value, detail in summary.rows
    )
    names = {"answer": "ответ из документации", "clarify": "запрос уточнений",
             "escalate": "передано агенту"}  # fmt: skip
    days = stacked_bars(
        list(m.per_day.items()),
        [(o, names[o]) for o in NEW_OUTCOMES],
        "Новые обращения по дням",
    )
    categories = horizontal_bars(
        [(cat, sum(c.values()), str(sum(c.values()))) for cat, c in m.per_category.items()],
        "Обращения по категориям",
    )
    deflection = horizontal_bars(
        [
            (cat, c["answer"] / sum(c.values()), f"{c['answer'] / sum(c.values()):.0%}")
            for cat, c in m.per_category.items()
        ],
        "Доля отвеченных автоматически по категориям",
    )
    return (
        "<h2>Показатели поддержки</h2>"
        f'<div class="kpis">{kpis}</div>'
        f"<h3>Новые обращения по дням</h3>{days}"
        f"<h3>По категориям</h3>{categories}"
        f"<h3>Доля отвеченных автоматически по категориям</h3>{deflection}"
        + table_html(report.tables["volume_per_category"])
        + "<h3>SLA первого ответа по планам</h3>"
        + table_html(report.tables["sla_by_plan"])
        + '<p class="muted">Определения. Новое обращение — первое письмо, на которое бот '
        "ответил, запросил уточнения или передал агенту. Первый ответ — первое письмо, "
        "отвечающее по существу (ответ, запрос уточнений, ответ агента), подтверждение "
        "получения не считается. Нарушение SLA — первый ответ агента позже срока первого "
        "ответа (срок сдвигается на время ожидания клиента) или его нет, а срок прошёл. "
        "Уточнение удалось — после ответа клиента обращение стало полным и ушло агенту.</p>"
    )


def render_report(report: Report) -> str:
    """The whole report as one HTML document."""
    period = f"{report.since:%d.%m.%Y} — {report.until:%d.%m.%Y}"
    index_note = (
        ""
        if report.index_available
        else '<p class="muted">Индекс документации не загружен: ближайшие разделы и '
        "неиспользуемые страницы не рассчитаны.</p>"
    )
    return (
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
        f"<title>Отчёт поддержки WiseAdvice, {period}</title><style>{STYLE}</style></head><body>"
        f"<h1>Пробелы в документации и показатели поддержки</h1><p>Период: {period} (UTC).</p>"
        f"{index_note}{gaps_view(report)}{faq_view(report)}{pages_view(report)}"
        f"{metrics_view(report)}</body></html>"
    )
