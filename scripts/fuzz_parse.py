"""Coverage-guided fuzzing (atheris, libFuzzer) of the parser and the policy rules.

Outside CI: the property-based tests (tests/test_parse_fuzz.py, tests/test_rules_fuzz.py)
run there. Any exception other than MailParseError is a crash and stops the run with
the input saved by libFuzzer (crash-<hash>). Start it with the bundled sample mail as
the corpus:

    .venv/bin/pip install atheris
    mkdir -p var/fuzz && cp data/sample_mail/*.eml var/fuzz/
    .venv/bin/python scripts/fuzz_parse.py var/fuzz -runs=20000 -max_len=20000
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["mailer", "triage"]):
    from mailer import MailParseError, parse_mail
    from triage.rules import AttachedFile, PolicySettingsView, RequestContent, check_request

POLICY = PolicySettingsView(("Базовая", "ПРОФ", "КОРП"), "3.4.2", "3.2.0")


def one_input(data: bytes) -> None:
    try:
        mail = parse_mail(data)
    except MailParseError:
        return
    attached = tuple(
        AttachedFile(
            a.filename, a.real_type, a.size, tuple((m.name, m.real_type) for m in a.members)
        )
        for a in mail.attachments
    )
    check_request(RequestContent(mail.subject, (mail.new_text,), attached), POLICY)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
