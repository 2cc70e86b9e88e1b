"""What a mail's greeting and sign-off cost retrieval: labelled questions written as mails.

    .venv/bin/python scripts/written_as_mail.py [--config FILE]

Needs a built index (`bash scripts/demo.sh` makes one in var/demo; point
TRIAGE_INDEX_DIRECTORY at it). Takes the labelled answerable questions written on one
line, and searches each as it is and inside the shapes customers' mails take: the
greeting on the question's line, and a name, position or thanks below it, with and
without a sign-off marker. Prints fused hit@1 for each shape beside the bare questions'.
A shape far below the bare questions means the mail's own words leak into the query.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desk import services
from desk.config import load_config
from faq_index.evaluate import is_correct, load_questions, resolve_answers
from faq_index.index import DocIndex, top_k

SHAPES = {
    "bare question": "{q}",
    "greeting on its line": "Добрый день, {q}",
    "greeting, name and company below": "Добрый день, {q}\nИванова Мария, ООО «Вектор»",
    "greeting, name after a blank line": "Здравствуйте!\n{q}\n\nМария",
    "С уважением, name": "Добрый день!\n{q}\n\nС уважением,\nИванова Мария\nтел. 8 912 345-67-89",
    "English thanks and name": "Hello,\n{q}\nThank you in advance!\nMaria",
}


def hit_at_1(index: DocIndex, text: str, answers: tuple[str, ...]) -> bool:
    top = top_k(index.scores(text).fused, 1)
    return len(top) > 0 and is_correct(index.sections[top[0]].link, answers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="TOML configuration file")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    index = services.load_index(config)
    if index is None:
        print("no index; run `triage crawl` and `triage index`", file=sys.stderr)
        return 1
    questions, _ = resolve_answers(index.sections, load_questions(config.index.questions))
    one_line = [q for q in questions if q.answers and "\n" not in q.question.strip()]
    print(f"{len(one_line)} answerable one-line questions; retrieval: {index.semantic_status}")
    for shape, template in SHAPES.items():
        right = sum(
            hit_at_1(index, template.format(q=q.question.strip()), q.answers) for q in one_line
        )
        print(f"  {shape:36} hit@1 {right / max(len(one_line), 1):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
