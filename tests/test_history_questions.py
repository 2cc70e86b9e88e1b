"""Labelled questions from the desk's history: agents' links, customers' verdicts, and
replies that link nothing, exported by `triage questions` in the format `triage fit` reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desk import actions, services
from desk.cli import main
from desk.config import Config
from faq_index.evaluate import load_questions, split_of
from insights.labels import (
    SOURCE_AGENT_LINKS,
    SOURCE_AGENT_NO_LINK,
    SOURCE_CUSTOMER_SOLVED,
    docs_links,
)
from tests.webui_support import mail, seed, web_config
from triage.store import FEEDBACK_NOT_HELPFUL, FEEDBACK_SOLVED

DOCS = "https://padocs.empldocs.app/"


def test_links_into_the_documentation_are_found_in_an_agents_words() -> None:
    text = (
        "Ольга, добрый день! Замещение описано здесь: "
        "https://padocs.empldocs.app/hr/routes/#замещение. Также см. "
        "(https://padocs.empldocs.app/faq/hr/), https://example.com/hr/routes/ и "
        "https://padocs.empldocs.app.evil.test/x/ — и снова https://padocs.empldocs.app/hr/routes/#замещение"
    )
    assert docs_links(text, DOCS) == [
        "https://padocs.empldocs.app/hr/routes/#замещение",
        "https://padocs.empldocs.app/faq/hr/",
    ]
    assert docs_links(
        "https://docs.test/v2/a/ https://docs.test/v1/b/", "https://docs.test/v2"
    ) == ["https://docs.test/v2/a/"]
    # A hash-routed site (Docsify): the route and its section are the link's.
    assert docs_links(
        "См. https://docs.test/#/hr/routes?id=Замещение, и https://docs.test/#/hr/routes.",
        "https://docs.test/",
    ) == ["https://docs.test/#/hr/routes?id=Замещение", "https://docs.test/#/hr/routes"]
    # As agents paste them: the other scheme, www., a percent-encoded anchor.
    pasted = "http://www.padocs.empldocs.app/hr/routes/#%D0%B7%D0%B0%D0%BC%D0%B5%D1%89"
    assert docs_links(f"См. {pasted}", DOCS) == [pasted]


def test_the_split_is_fixed_by_the_ticket_number() -> None:
    splits = [split_of(f"WA-{n:06d}") for n in range(1, 201)]
    assert splits == [split_of(f"WA-{n:06d}") for n in range(1, 201)]
    assert 70 <= splits.count("dev") <= 130


def test_triage_questions_exports_what_agents_and_customers_labelled(
    indexed_config: Config,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = web_config(indexed_config, tmp_path)
    store = services.open_store(config)
    try:
        asked = {
            "linked": ("Замещение согласующего", "Руководитель в отпуске, кто согласует?"),
            "solved": ("Пароль", "Как сменить пароль в личном кабинете?"),
            "no_link": ("Выгрузка в Excel", "Можно ли выгрузить журнал событий в Excel?"),
            "other_site": ("КЭП", "Где купить токен для КЭП?"),
            "both_verdicts": ("SMS", "Не приходит SMS с кодом"),
            "untouched": ("Отпуск", "Как подать заявление на отпуск?"),
        }
        numbers = {
            key: seed(config, store, mail(subject, f"Добрый день!\n{text}", f"<{key}@test>"), key)
            for key, (subject, text) in asked.items()
        }
        ids = {key: store.ticket(number).id for key, number in numbers.items()}
        actions.reply(
            config, store, numbers["linked"],
            f"Настройте замещение: {DOCS}hr/routes/#замещение.", "Ольга",
        )  # fmt: skip
        actions.reply(
            config, store, numbers["no_link"], "Такой выгрузки пока нет, передали запрос.", "Ольга"
        )
        actions.reply(
            config, store, numbers["other_site"], "Токены продают УЦ: https://example.com/", "Ольга"
        )
        solving = [f"{DOCS}employees/password-recovery/#как-сбросить-пароль"]
        store.record_feedback(ids["solved"], FEEDBACK_SOLVED, None, "link", solving)
        for verdict in (FEEDBACK_SOLVED, FEEDBACK_NOT_HELPFUL):
            store.record_feedback(ids["both_verdicts"], verdict, None, "link", [f"{DOCS}x/"])
    finally:
        store.close()

    out = tmp_path / "history.jsonl"
    monkeypatch.setenv("TRIAGE_STORE_DATABASE", str(config.store.database))
    assert main(["questions", "--out", str(out)]) == 0
    assert f"{out}: 4 labelled questions" in capsys.readouterr().out

    rows = {row["id"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    by_key = {key: rows.get(number) for key, number in numbers.items()}
    assert by_key["linked"] is not None and by_key["linked"]["answers"] == [
        f"{DOCS}hr/routes/#замещение"
    ]
    assert by_key["linked"]["source"] == SOURCE_AGENT_LINKS
    assert "Руководитель в отпуске, кто согласует?" in by_key["linked"]["question"]
    assert by_key["solved"] is not None and by_key["solved"]["source"] == SOURCE_CUSTOMER_SOLVED
    assert by_key["solved"]["answers"] == [
        f"{DOCS}employees/password-recovery/#как-сбросить-пароль"
    ]
    for key in ("no_link", "other_site"):
        assert by_key[key] is not None and by_key[key]["answers"] == [], key
        assert by_key[key]["source"] == SOURCE_AGENT_NO_LINK
    # A customer who said both "solved" and "not helpful", and a ticket nobody answered,
    # label nothing.
    assert by_key["both_verdicts"] is None and by_key["untouched"] is None
    assert all(row["split"] == split_of(row["id"]) for row in rows.values())
    # The file is in the format `index.questions` reads.
    assert {q.id for q in load_questions(out)} == set(rows)
