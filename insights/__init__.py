"""Documentation gaps and support metrics, read from the ticket store.

Library first: ``build_report`` gathers the figures, ``render_report`` (and the view
functions of ``insights.report_html``) turn them into HTML, ``write_csv`` exports the
tables. ``triage report`` is a thin command over ``write_report``.
"""

from insights.errors import InsightsError, ReportInputError
from insights.export import write_csv
from insights.gaps import GapSettings
from insights.report import Report, build_report, report_period
from insights.report_html import render_report
from insights.writer import write_report

__all__ = [
    "GapSettings",
    "InsightsError",
    "Report",
    "ReportInputError",
    "build_report",
    "render_report",
    "report_period",
    "write_csv",
    "write_report",
]
