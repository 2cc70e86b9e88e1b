"""Building the report and writing it to files: what `triage report` calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from faq_index import DocsAnswerer
from insights.errors import ReportInputError
from insights.export import write_csv
from insights.gaps import GapSettings
from insights.report import Report, build_report
from insights.report_html import render_report
from triage import TicketStore


@dataclass(frozen=True)
class WrittenReport:
    report: Report
    html: Path
    csv: list[Path]


def write_report(
    store: TicketStore,
    out: Path,
    since: datetime,
    until: datetime,
    docs: DocsAnswerer | None = None,
    csv_dir: Path | None = None,
    settings: GapSettings | None = None,
) -> WrittenReport:
    report = build_report(store, since, until, docs, settings)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_report(report), encoding="utf-8")
    except OSError as exc:
        raise ReportInputError(f"cannot write the report to {out}: {exc}") from exc
    paths = write_csv(list(report.tables.values()), csv_dir) if csv_dir else []
    return WrittenReport(report, out, paths)
