"""The documentation team's pages: the gap report and the desk's metrics, the same
views as `triage report`, built from the store on request and kept for a few minutes."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from insights import Report, build_report, report_period
from insights.report_html import STYLE, faq_view, gaps_view, metrics_view, pages_view
from webui.auth import User
from webui.errors import WebError
from webui.web import WebState, page, render

CACHE_SECONDS = 300.0
DAY_CHOICES = (7, 30, 90)


class NoSuchTableError(WebError):
    status = 404


def _days(request: Request) -> int:
    try:
        days = int(request.query_params.get("days", "30"))
    except ValueError:
        days = 30
    return days if days in DAY_CHOICES else 30


def _report(state: WebState, days: int) -> Report:
    """Building clusters costs seconds: one report per period, reused for a few minutes."""
    cached = state.reports.get(days)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    since, until = report_period(datetime.now(UTC), days)
    docs = state.intake().docs
    report = build_report(state.store, since, until, docs)
    state.reports[days] = (time.monotonic(), report)
    return report


@page()
async def report_page(request: Request, state: WebState, user: User) -> Response:
    days = _days(request)
    report = _report(state, days)
    sections = {
        "gaps": gaps_view(report),
        "faq": faq_view(report),
        "pages": pages_view(report),
        "metrics": metrics_view(report),
    }
    context = {
        "title": "Пробелы в документации",
        "days": days,
        "day_choices": DAY_CHOICES,
        "period": f"{report.since:%d.%m.%Y} — {report.until:%d.%m.%Y}",
        "sections": sections,
        "tables": list(report.tables.values()),
        "index_available": report.index_available,
    }
    return render(request, user, "report.html", context)


@page()
async def report_csv(request: Request, state: WebState, user: User) -> Response:
    days = _days(request)
    table = _report(state, days).tables.get(request.path_params["table"])
    if table is None:
        raise NoSuchTableError("такой таблицы в отчёте нет")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{table.name}.csv"'},
    )


async def report_css(request: Request) -> Response:
    """The report's own style sheet (inline in the file report; a file here, for the CSP)."""
    return Response(STYLE.replace("body{", ".report{", 1), media_type="text/css")
