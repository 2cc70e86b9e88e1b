"""The one exception hierarchy of the insights package."""

from __future__ import annotations


class InsightsError(Exception):
    """Base of every error the gap report and the metrics raise."""


class ReportInputError(InsightsError):
    """The report cannot be built from what was given (bad period, unwritable output)."""
