"""Labelled questions from the desk's own history: what `triage fit` needs on any site.

The confidence that lets the desk answer by itself is fitted on labelled questions of the
documentation it links to (`index.questions`). The bundled set labels the bundled
snapshot; a desk serving another documentation site learns its own from its work:

- an agent's reply that links sections of the documentation labels the customer's first
  question with those links (the agent chose them);
- a customer who marked an automatic answer as solving the problem labels the question
  with the links that answer offered;
- an agent's reply that links nothing, on a ticket no answer solved, marks the question
  as one the documentation does not answer, which the confidence must learn to refuse.

Each question keeps its ticket number as id and its source, so the documentation team can
review the file before fitting. The split into dev and test is fixed by the ticket
number, so a later export keeps every earlier question on its side.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from faq_index.evaluate import LabelledQuestion, split_of
from faq_index.links import host_key
from insights.data import ReportData
from insights.errors import ReportInputError
from mailer.html_body import urls_in
from triage.store import FEEDBACK_SOLVED

SOURCE_AGENT_LINKS = "agent_links"
SOURCE_CUSTOMER_SOLVED = "customer_solved"
SOURCE_AGENT_NO_LINK = "agent_reply_without_docs_link"


@dataclass(frozen=True)
class HistoryQuestion:
    labelled: LabelledQuestion
    source: str  # which part of the history labelled it (SOURCE_*)


def docs_links(text: str, docs_base_url: str) -> list[str]:
    """The links in ``text`` that point into the documentation at ``docs_base_url``
    (``http`` or ``https``, with or without ``www.``)."""
    base = urlsplit(docs_base_url)
    prefix = base.path if base.path.endswith("/") else base.path + "/"
    found = []
    for _, link in urls_in(text):
        parts = urlsplit(link)
        same_site = host_key(parts.netloc) == host_key(base.netloc)
        if same_site and (parts.path + "/").startswith(prefix):
            found.append(link)
    return list(dict.fromkeys(found))


def history_questions(data: ReportData, docs_base_url: str) -> list[HistoryQuestion]:
    """The first questions of the period's tickets that the desk's history labels."""
    solved: dict[int, list[str]] = {}
    unsolved: set[int] = set()
    for verdict in data.feedback:
        ticket_id = int(verdict["ticket_id"])
        if verdict["verdict"] == FEEDBACK_SOLVED:
            solved.setdefault(ticket_id, []).extend(str(link) for link in verdict["links"])
        else:
            unsolved.add(ticket_id)
    labelled = []
    for ticket_id, decision in sorted(data.first.items()):
        question = f"{decision.subject}\n{decision.text}".strip()
        replies = data.agent_answers.get(ticket_id, [])
        linked = [link for reply in replies for link in docs_links(reply, docs_base_url)]
        if linked:
            answers, source = linked, SOURCE_AGENT_LINKS
        elif ticket_id in solved and ticket_id not in unsolved:
            answers, source = solved[ticket_id], SOURCE_CUSTOMER_SOLVED
        elif replies and ticket_id not in solved:
            answers, source = [], SOURCE_AGENT_NO_LINK
        else:
            continue
        labelled.append(
            HistoryQuestion(
                LabelledQuestion(
                    decision.number,
                    question,
                    tuple(dict.fromkeys(answers)),
                    split_of(decision.number),
                ),
                source,
            )
        )
    return labelled


def write_questions(questions: Iterable[HistoryQuestion], path: Path) -> int:
    """Write the questions as JSON lines in the format of `index.questions`."""
    lines = [
        json.dumps({**asdict(q.labelled), "source": q.source}, ensure_ascii=False)
        for q in questions
    ]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    except OSError as exc:
        raise ReportInputError(f"cannot write {path}: {exc}") from exc
    return len(lines)
