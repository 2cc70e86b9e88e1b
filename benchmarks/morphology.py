"""Which Russian morphology serves the word field best: Snowball stems or pymorphy3 lemmas.

Builds the lexical index of an existing index directory's sections four ways and prints
MRR@10 on the dev questions, word field alone and together with character n-grams:

    .venv/bin/python benchmarks/morphology.py var/demo/index

Uses pymorphy3, which the steps rule needs too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pymorphy3  # noqa: E402

import faq_index.text as text  # noqa: E402
from desk.config import load_config  # noqa: E402
from faq_index import DocIndex, IndexSettings  # noqa: E402
from faq_index.evaluate import index_ranker, load_questions, ranking_metrics  # noqa: E402


def main() -> int:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/demo/index")
    sections = DocIndex.load(directory).sections
    questions = load_config(environ={}).index.questions
    dev = [q for q in load_questions(questions) if q.split == "dev"]
    morph = pymorphy3.MorphAnalyzer()
    snowball = text.stem

    @lru_cache(maxsize=200_000)
    def lemma(token: str) -> str:
        if text._CYRILLIC_RE.search(token):
            return str(morph.parse(token)[0].normal_form).replace("ё", "е")
        return snowball(token)

    variants: dict[str, Callable[[str], str]] = {
        "Snowball stems (PyStemmer)": snowball,
        "pymorphy3 lemmas": lemma,
        "no morphology": lambda token: token,
    }
    print(f"{'morphology':28} {'word field':>11} {'word + char':>12}   (MRR@10, dev)")
    for name, function in variants.items():
        text.stem = function  # type: ignore[assignment]
        scores = []
        for settings in (IndexSettings(char_weight=0.0), IndexSettings()):
            index = DocIndex.build(sections, settings)
            scores.append(ranking_metrics(index_ranker(index), dev).mrr_at_10)
        print(f"{name:28} {scores[0]:11.4f} {scores[1]:12.4f}")
    text.stem = snowball  # type: ignore[assignment]
    return 0


if __name__ == "__main__":
    sys.exit(main())
