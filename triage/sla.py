"""SLA deadlines in business hours (Russian production calendar) and the plan a mail earns.

P8: the commercial plan applies only when the mail comes from an address or domain
registered for the client, and the receiving server did not record a DMARC or DKIM
failure for it (matching the From domain alone is spoofable). Everything else gets
the basic plan, with the reason kept on the ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from triage.settings import SlaSettings

COMMERCIAL = "commercial"
BASIC = "basic"


@dataclass(frozen=True)
class Client:
    id: int
    organisation: str
    inn: str
    licence: str
    sla_plan: str
    addresses: tuple[str, ...]
    domains: tuple[str, ...]
    identified: bool = True


@dataclass(frozen=True)
class SlaAssignment:
    plan: str
    reason: str
    client: Client | None


_AUTH_FAIL = re.compile(r"\b(dmarc|dkim)\s*=\s*(fail|permerror)\b", re.IGNORECASE)


def authentication_failures(authentication_results: list[str]) -> list[str]:
    """The failed checks ("dmarc=fail", "dkim=fail") in Authentication-Results headers."""
    found = []
    for header in authentication_results:
        found += [f"{m.group(1).lower()}={m.group(2).lower()}" for m in _AUTH_FAIL.finditer(header)]
    return found


def assign_plan(
    client: Client | None, sender: str, authentication_results: list[str]
) -> SlaAssignment:
    if client is None or not client.identified:
        return SlaAssignment(BASIC, "client not identified (no registered INN or address)", client)
    if client.sla_plan != COMMERCIAL:
        return SlaAssignment(BASIC, f"the client's plan is {client.sla_plan}", client)
    address = sender.lower()
    domain = address.rsplit("@", 1)[-1]
    if address not in client.addresses and domain not in client.domains:
        return SlaAssignment(
            BASIC, f"{address} is not registered for INN {client.inn} (P8)", client
        )
    failures = authentication_failures(authentication_results)
    if failures:
        return SlaAssignment(
            BASIC, f"sender authentication failed ({', '.join(failures)}): not trusted", client
        )
    return SlaAssignment(COMMERCIAL, f"{address} is registered for INN {client.inn}", client)


@lru_cache(maxsize=16)
def _holidays(year: int) -> holidays.HolidayBase:
    calendar: holidays.HolidayBase = holidays.country_holidays("RU", years=year)
    return calendar


@lru_cache(maxsize=4096)
def _workday(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


class BusinessClock:
    """Adds working time to a moment, skipping nights, weekends and public holidays."""

    def __init__(self, settings: SlaSettings) -> None:
        self.zone = ZoneInfo(settings.timezone)
        self.start = time.fromisoformat(settings.workday_start)
        self.end = time.fromisoformat(settings.workday_end)

    def is_workday(self, moment: datetime) -> bool:
        return _workday(moment.date())

    def add(self, moment: datetime, hours: float) -> datetime:
        current = moment.astimezone(self.zone)
        remaining = timedelta(hours=hours)
        while True:
            if not self.is_workday(current) or current.time() >= self.end:
                current = self._next_morning(current)
                continue
            if current.time() < self.start:
                current = current.replace(
                    hour=self.start.hour, minute=self.start.minute, second=0, microsecond=0
                )
            day_end = current.replace(hour=self.end.hour, minute=self.end.minute, second=0)
            available = day_end - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self._next_morning(current)

    def between(self, start: datetime, end: datetime) -> float:
        """Working hours between two moments."""
        if end <= start:
            return 0.0
        total = timedelta()
        current = start.astimezone(self.zone)
        end = end.astimezone(self.zone)
        while current < end:
            if self.is_workday(current):
                day_start = current.replace(
                    hour=self.start.hour, minute=self.start.minute, second=0, microsecond=0
                )
                day_end = current.replace(
                    hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0
                )
                lo, hi = max(current, day_start), min(end, day_end)
                if hi > lo:
                    total += hi - lo
            current = (current + timedelta(days=1)).replace(hour=0, minute=0, second=0)
        return total.total_seconds() / 3600.0

    def _next_morning(self, moment: datetime) -> datetime:
        following = (moment + timedelta(days=1)).replace(
            hour=self.start.hour, minute=self.start.minute, second=0, microsecond=0
        )
        while not self.is_workday(following):
            following += timedelta(days=1)
        return following


def deadlines(
    clock: BusinessClock, settings: SlaSettings, plan: str, received: datetime
) -> tuple[datetime, datetime]:
    """First-response and resolution deadlines of a plan for a request received then."""
    if plan == COMMERCIAL:
        first, resolution = (
            settings.commercial_first_response_hours,
            settings.commercial_resolution_hours,
        )
    else:
        first, resolution = settings.basic_first_response_hours, settings.basic_resolution_hours
    return clock.add(received, first), clock.add(received, resolution)
