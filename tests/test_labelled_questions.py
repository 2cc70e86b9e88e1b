"""Labelled question files as other teams write them load as they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faq_index import DocIndex, IndexSettings, Section
from faq_index.errors import FaqIndexError, IndexStoreError
from faq_index.evaluate import LabelledQuestion, load_questions, split_of
from faq_index.fitting import fit_index


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_id_and_split_are_optional_and_one_link_may_be_a_string(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"question": f"вопрос {n}", "answers": f"https://d.test/p{n}/"} for n in range(200)
    ]
    rows.append({"question": "а можно по телефону?", "answers": []})
    rows.append({"question": "и ещё", "answers": None, "id": "T-7", "split": "test"})
    questions = load_questions(_write(tmp_path / "help.jsonl", rows))
    assert questions[0].id == "help:1" and questions[0].answers == ("https://d.test/p0/",)
    assert not questions[200].answerable and not questions[201].answerable
    assert questions[201].id == "T-7" and questions[201].split == "test"
    # Without a split, the id fixes it, about half and half, the same on every load.
    splits = [q.split for q in questions[:200]]
    assert splits == [split_of(f"help:{n}") for n in range(1, 201)]
    assert 70 < splits.count("dev") < 130
    assert [q.split for q in load_questions(tmp_path / "help.jsonl")][:200] == splits


@pytest.mark.parametrize(
    "row",
    [
        {"answers": ["https://d.test/"]},  # no question
        {"question": "q"},  # no answers
        {"question": "q", "answers": [], "split": "train"},
    ],
)
def test_a_line_that_is_not_a_labelled_question_names_its_line(
    tmp_path: Path, row: dict[str, object]
) -> None:
    path = _write(tmp_path / "q.jsonl", [{"question": "ok", "answers": []}, row])
    with pytest.raises(FaqIndexError, match=r"q\.jsonl:2: not a labelled question"):
        load_questions(path)


def test_fitting_on_questions_that_label_another_site_says_so() -> None:
    sections = [
        Section("https://d.test/a/", "vhod", "Вход", "Вход", "", "Откройте ссылку из письма."),
        Section("https://d.test/b/", "", "Отпуск", "Отпуск", "", "Заявление на отпуск."),
    ]
    index = DocIndex.build(sections, IndexSettings())
    dev = [
        LabelledQuestion(f"q{n}", "как войти", ("https://padocs.empldocs.app/a/#vhod",), "dev")
        for n in range(20)
    ]
    with pytest.raises(IndexStoreError, match=r"none of the 20 answer links .* another site"):
        fit_index(index, dev, 0.95)
