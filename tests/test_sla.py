from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desk.clients_csv import export_clients, import_clients
from triage import TicketStore, TriageError
from triage.settings import SlaSettings
from triage.sla import BusinessClock, Client, assign_plan

MSK = ZoneInfo("Europe/Moscow")
CLOCK = BusinessClock(SlaSettings())
CLIENT = Client(
    1, "ООО «Ромашка»", "7731386419", "", "commercial", ("it@romashka.ru",), ("romashka-hr.ru",)
)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (datetime(2026, 11, 24, 16, 0), 4, datetime(2026, 11, 25, 11, 0)),  # overnight
        (datetime(2026, 11, 27, 17, 0), 4, datetime(2026, 11, 30, 12, 0)),  # over a weekend
        (datetime(2026, 11, 3, 17, 0), 4, datetime(2026, 11, 5, 12, 0)),  # 4 Nov is a holiday
        (datetime(2026, 11, 28, 10, 0), 1, datetime(2026, 11, 30, 10, 0)),  # from a Saturday
        # 31 Dec 2026 is a day off in the production calendar, then 1-8 Jan and a weekend
        (datetime(2026, 12, 31, 12, 0), 8, datetime(2027, 1, 11, 17, 0)),
    ],
)
def test_deadlines_count_business_hours_only(
    start: datetime, hours: float, expected: datetime
) -> None:
    assert CLOCK.add(start.replace(tzinfo=MSK), hours) == expected.replace(tzinfo=MSK)


def test_paused_time_is_measured_in_business_hours() -> None:
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=MSK)
    monday = datetime(2026, 11, 30, 11, 0, tzinfo=MSK)
    assert CLOCK.between(friday, monday) == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("sender", "auth", "plan", "reason"),
    [
        ("it@romashka.ru", [], "commercial", "registered"),
        ("hr@romashka-hr.ru", ["mx; dkim=pass; dmarc=pass"], "commercial", "registered"),
        ("romashka.boss@mail.ru", [], "basic", "not registered"),
        ("hr@romashka-hr.ru", ["mx.empldocs.ru; spf=pass; dmarc=fail (p=reject)"], "basic",
         "dmarc=fail"),
        ("hr@romashka-hr.ru", ["mx; dkim=fail reason=bad signature"], "basic", "dkim=fail"),
    ],
)  # fmt: skip
def test_commercial_plan_only_from_registered_and_authenticated_senders(
    sender: str, auth: list[str], plan: str, reason: str
) -> None:
    assignment = assign_plan(CLIENT, sender, auth)
    assert assignment.plan == plan
    assert reason in assignment.reason


def test_unknown_client_gets_the_basic_plan_with_a_reason() -> None:
    assert assign_plan(None, "a@b.ru", []).reason.startswith("client not identified")


def test_client_registry_round_trips_through_csv(tmp_path: Path) -> None:
    store = TicketStore.open(tmp_path / "desk.sqlite3")
    source = tmp_path / "clients.csv"
    source.write_text(
        "organisation,inn,licence,sla_plan,addresses,domains\n"
        '"ООО «Ромашка»",7731386419,"КОРП, 500",commercial,IT@romashka.ru,romashka-hr.ru\n',
        encoding="utf-8",
    )
    assert import_clients(store, source) == 1
    assert import_clients(store, source) == 1, "a second import updates, never duplicates"
    [client] = store.clients()
    assert client.addresses == ("it@romashka.ru",)
    assert store.client_by_sender("hr@romashka-hr.ru") == client
    assert "7731386419" in export_clients(store)


def test_a_bad_row_stops_the_import_before_anything_is_written(tmp_path: Path) -> None:
    store = TicketStore.open(tmp_path / "desk.sqlite3")
    source = tmp_path / "clients.csv"
    source.write_text(
        "organisation,inn,licence,sla_plan,addresses,domains\n"
        "А,7731386419,,basic,,\nБ,7731386418,,basic,,\n",
        encoding="utf-8",
    )
    with pytest.raises(TriageError, match=r"clients.csv:3: '7731386418' is not a valid INN"):
        import_clients(store, source)
    assert store.clients() == []
