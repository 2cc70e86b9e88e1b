"""A report table: the one shape that both the HTML views and the CSV export read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Table:
    name: str  # file name of its CSV export, e.g. "gap_clusters"
    title: str  # heading in the HTML report (Russian: the report's readers are)
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    note: str = ""

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]
