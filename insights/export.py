"""CSV export: one file per report table, UTF-8 with a header row."""

from __future__ import annotations

import csv
from pathlib import Path

from insights.errors import ReportInputError
from insights.tables import Table


def write_csv(tables: list[Table], directory: Path) -> list[Path]:
    """Write ``<table name>.csv`` for every table into ``directory``; returns the paths."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for table in tables:
            path = directory / f"{table.name}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(table.columns)
                writer.writerows(table.rows)
            paths.append(path)
    except OSError as exc:
        raise ReportInputError(f"cannot write CSV files to {directory}: {exc}") from exc
    return paths
