"""Which answers match meaning rather than words: stems a question shares with its section.

    .venv/bin/python scripts/shared_words.py [--config FILE] [--mail DIR] [--labelled]

Needs a built and fitted index (`bash scripts/demo.sh` makes one in var/demo; point
TRIAGE_INDEX_DIRECTORY at it). For every sample mail it prints the answer probability,
the top section, and the stems of the customer's words that the section's heading (its
title and page title) and its text also contain. With ``--labelled`` it counts, over
the labelled questions, how many share 0, 1, 2... stems with their top section, and how
many of those are answered (at the fitted threshold) and right.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from desk import services
from desk.config import load_config
from desk.prepare import question_text
from faq_index.answerer import DocsAnswerer
from faq_index.evaluate import is_correct, load_questions, resolve_answers
from faq_index.extract import Section
from faq_index.text import analyze, prepare_query
from mailer.errors import MailParseError
from mailer.parse import parse_mail


def shared(question: str, section: Section) -> tuple[set[str], set[str]]:
    """The question's stems found in the section's heading, and in its text."""
    stems = set(analyze(prepare_query(question)))
    heading = set(analyze(f"{section.page_title} {section.title}"))
    return stems & heading, stems & set(analyze(section.text))


def print_mails(answerer: DocsAnswerer, folder: Path) -> None:
    print(f"{'mail':36} {'p':>6}  top section | shared with heading | with text")
    for path in sorted(folder.glob("*.eml")):
        try:
            question = question_text(parse_mail(path.read_bytes()))
        except MailParseError as exc:
            print(f"{path.stem[:36]:36} not parsed: {exc}")
            continue
        lookup = answerer.lookup(question)
        if not lookup.hits:
            print(f"{path.stem[:36]:36} no section")
            continue
        top = lookup.hits[0].section
        heading, text = shared(question, top)
        print(
            f"{path.stem[:36]:36} {lookup.probability:6.3f}  {top.title[:40]} | "
            f"{', '.join(sorted(heading)) or '-'} | {len(text)}"
        )


def print_labelled(answerer: DocsAnswerer, questions_file: Path, threshold: float) -> None:
    index = answerer.index
    questions, _ = resolve_answers(index.sections, load_questions(questions_file))
    counts: Counter[tuple[int, str]] = Counter()
    for question in questions:
        lookup = answerer.lookup(question.question)
        if not lookup.hits:
            continue
        top = lookup.hits[0].section
        heading, text = shared(question.question, top)
        common = len(heading | text)
        right = question.answerable and is_correct(top.link, question.answers)
        counts[common, "questions"] += 1
        counts[common, "right"] += right
        counts[common, "answered"] += lookup.probability >= threshold
        counts[common, "answered right"] += right and lookup.probability >= threshold
    print("stems shared with the top section: questions, top right, answered, answered right")
    columns = ("questions", "right", "answered", "answered right")
    for common in sorted({key for key, _ in counts}):
        row = [counts[common, name] for name in columns]
        print(f"  {common:3d}: " + ", ".join(str(n) for n in row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--mail", type=Path, help="folder of .eml files (default: the demo's)")
    parser.add_argument("--labelled", action="store_true", help="count over index.questions")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    models = services.load_models(config)
    answerer = services.docs_answerer(models)
    if answerer is None or models.confidence is None:
        print("no fitted index: run `triage crawl`, `triage index` and `triage fit`")
        return 1
    print_mails(answerer, args.mail or config.demo.mailbox_dir)
    if args.labelled:
        print_labelled(answerer, config.index.questions, models.confidence.threshold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
