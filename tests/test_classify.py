from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from desk import services
from desk.cli import main
from desk.config import load_config
from faq_index.semantic import (
    Embedder,
    clip_to_tokens,
    content_key,
    embed_queries_with_cache,
    load_embedder,
    load_vector_cache,
    save_vector_cache,
)
from faq_index.settings import IndexSettings
from triage import ModelError, RequestClassifier, load_requests

REQUESTS = load_requests(load_config(environ={}).classifier.training_set)
TRAIN = [r for r in REQUESTS if r.split == "train"]


@pytest.fixture(scope="module")
def model() -> RequestClassifier:
    return RequestClassifier.train(TRAIN)


def test_labelled_set_has_both_splits_and_every_label() -> None:
    assert len(REQUESTS) >= 400
    test = [r for r in REQUESTS if r.split == "test"]
    assert len(test) >= 100
    assert {r.category for r in test} == {r.category for r in TRAIN}
    assert {r.intent for r in test} == {r.intent for r in TRAIN}


def test_artifact_round_trip_gives_identical_predictions(
    model: RequestClassifier, tmp_path: Path
) -> None:
    model.save(tmp_path)
    loaded = RequestClassifier.load(tmp_path)
    texts = [r.text for r in REQUESTS[:40]]
    assert loaded.predict(texts) == model.predict(texts)
    assert not list(tmp_path.glob("*.pkl")) and not list(tmp_path.glob("*.joblib"))


def test_tampered_artifact_is_refused(model: RequestClassifier, tmp_path: Path) -> None:
    model.save(tmp_path)
    coef = tmp_path / "intent.coef.npy"
    data = bytearray(coef.read_bytes())
    data[-1] ^= 0xFF
    coef.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum"):
        RequestClassifier.load(tmp_path)


def test_obvious_requests_are_classified(model: RequestClassifier) -> None:
    how_to = model.predict_one("Вопрос", "Подскажите, как продлить лицензию на следующий год?")
    problem = model.predict_one(
        "Ошибка обмена", "При обмене с 1С выходит ошибка «Не найден сотрудник», всё сломалось"
    )
    assert (how_to.category, how_to.intent) == ("licensing", "how_to")
    assert (problem.category, problem.intent) == ("integration_1c", "problem")


def test_a_worse_model_does_not_replace_the_current_one(tmp_path: Path) -> None:
    config = load_config(environ={})
    config = replace(config, classifier=replace(config.classifier, model_dir=tmp_path / "m"))
    first = services.train_classifier(config)
    assert first.replaced and first.previous is None
    weak = replace(config, classifier=replace(config.classifier, regularisation=0.0001))
    second = services.train_classifier(weak)
    assert not second.replaced
    assert second.previous == pytest.approx(first.scores)
    assert RequestClassifier.load(tmp_path / "m").manifest["c"] == config.classifier.regularisation


def test_eval_classify_prints_json_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIAGE_CLASSIFIER_MODEL_DIR", str(tmp_path / "m"))
    assert main(["train"]) == 0
    capsys.readouterr()
    assert main(["eval", "classify", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["test_size"] == len([r for r in REQUESTS if r.split == "test"])
    assert 0.5 < figures["category"]["macro_f1"] <= 1.0
    assert len(figures["intent"]["confusion"]) == 4


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    loaded, why = load_embedder(IndexSettings().semantic_model)
    if loaded is None:
        pytest.skip(f"sentence embeddings unavailable here: {why}")
    return loaded


def test_semantic_heads_round_trip_and_fall_back_to_lexical(
    embedder: Embedder, tmp_path: Path
) -> None:
    small = TRAIN[::5]  # every label is still present; keeps the embedding cheap
    cache: dict[str, np.ndarray] = {}
    model = RequestClassifier.train(small, embedder=embedder, vector_cache=cache)
    assert model.semantic and len(cache) == len(small)
    model.save(tmp_path)
    assert (tmp_path / "category.semantic.coef.npy").exists()
    texts = [r.text for r in REQUESTS[1::97]]
    loaded = RequestClassifier.load(tmp_path, embedder, cache)
    assert loaded.semantic and loaded.predict(texts) == model.predict(texts)
    lexical = RequestClassifier.load(tmp_path)  # where the model cannot load
    assert not lexical.semantic
    plain = RequestClassifier.train(small)
    assert lexical.predict(texts) == plain.predict(texts)
    # The embedding moves the probabilities: the semantic heads are really used.
    _, with_vectors = loaded.probabilities(texts, "category", loaded_vectors(loaded, texts))
    _, without = lexical.probabilities(texts, "category")
    assert not np.allclose(with_vectors, without)


def test_only_the_first_tokens_of_a_long_request_are_embedded(
    embedder: Embedder, tmp_path: Path
) -> None:
    small = TRAIN[::5]
    model = RequestClassifier.train(small, embedder=embedder, vector_cache={}, semantic_tokens=24)
    model.save(tmp_path)
    loaded = RequestClassifier.load(tmp_path, embedder, {})
    assert loaded.manifest["semantic_tokens"] == 24
    long_text = " ".join(r.text for r in REQUESTS[:6])
    assert embedder.query_tokens(long_text[:1500]) > 100
    loaded.predict([long_text])
    (key,) = loaded.vector_cache
    head = clip_to_tokens(embedder, long_text[:1500], 24)
    assert embedder.query_tokens(head) <= 24 and long_text.startswith(head.split()[0])
    assert key == content_key(embedder.name, f"query: {head}")


def loaded_vectors(model: RequestClassifier, texts: list[str]) -> np.ndarray:
    assert model.embedder is not None
    return embed_queries_with_cache(model.embedder, texts, model.vector_cache)


def test_vector_cache_survives_a_round_trip_and_ignores_damage(tmp_path: Path) -> None:
    cache = {"a": np.ones(4, dtype=np.float32), "b": np.zeros(4, dtype=np.float32)}
    save_vector_cache(tmp_path / "c", cache)
    loaded = load_vector_cache(tmp_path / "c")
    assert set(loaded) == {"a", "b"} and np.array_equal(loaded["a"], cache["a"])
    (tmp_path / "c" / "keys.json").write_text('["a"]', encoding="utf-8")  # out of step
    assert load_vector_cache(tmp_path / "c") == {}
    assert load_vector_cache(tmp_path / "missing") == {}
