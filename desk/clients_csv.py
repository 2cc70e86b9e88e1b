"""The client registry as CSV: what `triage clients import` reads and `export` writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from stdnum.ru import inn as inn_number

from triage import TicketStore, TriageError
from triage.sla import BASIC, COMMERCIAL, Client

COLUMNS = ("organisation", "inn", "licence", "sla_plan", "addresses", "domains")


def import_clients(store: TicketStore, path: Path) -> int:
    """Insert or update every row; a bad row stops the import before anything is written."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TriageError(f"cannot read {path}: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise TriageError(f"{path}: missing columns {', '.join(missing)}; expected {COLUMNS}")
    clients = [_client(row, path, number) for number, row in enumerate(reader, 2)]
    with store.transaction():
        for client in clients:
            store.save_client(client)
    return len(clients)


def _client(row: dict[str, str], path: Path, line: int) -> Client:
    inn = (row["inn"] or "").strip()
    if not inn_number.is_valid(inn):
        raise TriageError(f"{path}:{line}: {inn!r} is not a valid INN (10 or 12 digits)")
    plan = (row["sla_plan"] or BASIC).strip()
    if plan not in (COMMERCIAL, BASIC):
        raise TriageError(f"{path}:{line}: sla_plan must be {COMMERCIAL} or {BASIC}")
    return Client(
        id=0,
        organisation=row["organisation"].strip(),
        inn=inn,
        licence=(row["licence"] or "").strip(),
        sla_plan=plan,
        addresses=tuple(a.lower() for a in (row["addresses"] or "").replace(";", " ").split()),
        domains=tuple(d.lower() for d in (row["domains"] or "").replace(";", " ").split()),
    )


def export_clients(store: TicketStore) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*COLUMNS, "identified"))
    for c in store.clients():
        writer.writerow(
            (c.organisation, c.inn, c.licence, c.sla_plan, " ".join(c.addresses),
             " ".join(c.domains), int(c.identified))
        )  # fmt: skip
    return out.getvalue()
