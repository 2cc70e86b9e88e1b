"""The documentation index on real data: PDF manuals, embeddings cache, persistence."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from desk import services
from desk.config import Config
from faq_index import DocIndex, IndexSettings, Section
from faq_index.index import load_embedding_cache
from faq_index.pdf import extract_pdf_sections
from faq_index.semantic import load_embedder
from tests.conftest import SNAPSHOT_DIR

SECTIONS = [
    Section("https://d.test/a/", "vosstanovlenie", "Восстановление доступа", "Вход", "",
            "Нажмите «Забыли пароль?» и введите номер телефона из профиля."),
    Section("https://d.test/b/", "unep", "Ошибки при подписании УНЭП", "Подписание", "",
            "Если подпись не ставится, проверьте срок действия сертификата."),
]  # fmt: skip


def test_pdf_manual_is_split_into_page_linked_sections() -> None:
    pdf = next((SNAPSHOT_DIR / "downloads").glob("*.pdf"))
    sections = extract_pdf_sections(pdf.read_bytes(), "https://padocs.empldocs.app/x.pdf")
    assert len(sections) >= 3
    assert all(s.anchor.startswith("page=") for s in sections)
    assert any("резерв" in s.text.lower() for s in sections)


def test_crawled_snapshot_index_links_to_the_pdf_manual_and_public_urls(
    indexed_config: Config,
) -> None:
    index = services.load_index(indexed_config)
    assert index is not None
    links = [s.link for s in index.sections]
    assert any(".pdf#page=" in link for link in links)
    assert all(link.startswith("https://padocs.empldocs.app/") for link in links)
    assert not any("/internal/" in link for link in links), "robots.txt excludes /internal/"


def test_index_round_trips_without_pickle(tmp_path: Path) -> None:
    index = DocIndex.build(SECTIONS, IndexSettings())
    index.save(tmp_path)
    assert not list(tmp_path.glob("*.pkl"))
    loaded = DocIndex.load(tmp_path)
    question = "не могу зайти, забыла пароль"
    assert [h.link for h in loaded.search(question)] == [h.link for h in index.search(question)]
    assert loaded.search(question)[0].section.anchor == "vosstanovlenie"


def test_unchanged_sections_are_not_embedded_again(tmp_path: Path) -> None:
    embedder, why = load_embedder(IndexSettings().semantic_model)
    if embedder is None:
        pytest.skip(why)
    first = DocIndex.build(SECTIONS, IndexSettings(), embedder=embedder, cache={})
    assert first.manifest["embedded"] == 4  # heading and passage of each section
    first.save(tmp_path)
    again = DocIndex.build(
        SECTIONS, IndexSettings(), embedder=embedder, cache=load_embedding_cache(tmp_path)
    )
    assert again.manifest["embedded"] == 0
    changed = [SECTIONS[0], dataclasses.replace(SECTIONS[1], text="Новый текст раздела.")]
    third = DocIndex.build(
        changed, IndexSettings(), embedder=embedder, cache=load_embedding_cache(tmp_path)
    )
    assert third.manifest["embedded"] == 1  # the heading is unchanged, the passage is not


def test_semantic_signal_matches_meaning_without_shared_words(tmp_path: Path) -> None:
    embedder, why = load_embedder(IndexSettings().semantic_model)
    if embedder is None:
        pytest.skip(why)
    index = DocIndex.build(SECTIONS, IndexSettings(), embedder=embedder, cache={})
    scores = index.scores("подпись не получается поставить")
    assert scores.semantic is not None
    assert int(scores.semantic.argmax()) == 1


def test_every_labelled_answer_link_exists_in_the_index_of_the_snapshot(
    indexed_config: Config,
) -> None:
    from faq_index.evaluate import load_questions

    index = services.load_index(indexed_config)
    assert index is not None
    links = {s.link for s in index.sections}
    pages = {s.url for s in index.sections}
    answers = {a for q in load_questions(indexed_config.index.questions) for a in q.answers}
    missing = sorted(a for a in answers if a not in links and a not in pages)
    assert missing == []
