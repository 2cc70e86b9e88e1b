"""Per documentation page: how often it was offered, how often it failed and why.

A page is offered when an automatic answer links to it or an acknowledgment suggests
it ("may help"). It failed when the customer said the answer did not help, split by
the customer's reason: not about my question (``unrelated``) or about it but did not
answer it (``not_answered``). Pages never matched are the indexed pages that no
question ever had among its candidates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from faq_index import DocIndex
from insights.data import ReportData


@dataclass
class PageStats:
    page: str
    title: str = ""
    offered_in_answers: int = 0
    suggested: int = 0
    solved: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # reason → count

    @property
    def offered(self) -> int:
        return self.offered_in_answers + self.suggested

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())


def page_of(link: str) -> str:
    return link.split("#", 1)[0]


def page_titles(index: DocIndex | None) -> dict[str, str]:
    if index is None:
        return {}
    titles: dict[str, str] = {}
    for section in index.sections:
        titles.setdefault(page_of(section.link), section.page_title or section.title)
    return titles


def page_stats(data: ReportData, index: DocIndex | None = None) -> list[PageStats]:
    """Pages that were offered or rated, most failed first."""
    titles = page_titles(index)
    stats: dict[str, PageStats] = {}

    def entry(link: str) -> PageStats:
        page = page_of(link)
        if page not in stats:
            stats[page] = PageStats(page, titles.get(page, ""))
        return stats[page]

    for first in data.first.values():
        if first.outcome == "answer":
            for page in dict.fromkeys(page_of(link) for link, _ in first.candidates()):
                entry(page).offered_in_answers += 1
    for events in data.events.values():
        for event in events:
            if event["kind"] == "links_suggested":
                for page in dict.fromkeys(page_of(str(x)) for x in event["detail"]["links"]):
                    entry(page).suggested += 1
    for verdict in data.feedback:
        for page in dict.fromkeys(page_of(str(link)) for link in verdict.get("links", [])):
            if verdict["verdict"] == "solved":
                entry(page).solved += 1
            else:
                entry(page).failed[verdict.get("reason") or "unspecified"] += 1
    return sorted(stats.values(), key=lambda s: (-s.failed_total, -s.offered, s.page))


def pages_never_matched(data: ReportData, index: DocIndex | None) -> list[tuple[str, str]]:
    """Indexed pages (link, title) that were never among any question's candidates."""
    if index is None:
        return []
    matched = {
        page_of(str(reason["link"]))
        for decision in data.decisions
        for reason in decision["reasons"]
        if reason.get("code") == "doc_candidate"
    }
    titles = page_titles(index)
    return sorted((page, title) for page, title in titles.items() if page not in matched)
