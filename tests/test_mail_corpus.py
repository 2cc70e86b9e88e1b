"""The test mail corpus: each mail of tests/data/mail_corpus is parsed as its manifest says.

The mails are written as the named clients write them (see the corpus README and
generate.py); the manifest states by hand what each must give: sender, subject, decoded
filenames with their real types and archive members, new text against quote and signature,
the automatic/bounce/spam verdicts, the ticket tag and the reply language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mailer import automatic_reasons, parse_mail, reply_language, spam_verdict, split_reply
from mailer.dsn import parse_dsn
from tests.conftest import TEST_DATA
from triage.ticket_tags import find_ticket_number

CORPUS = TEST_DATA / "mail_corpus"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))


def test_corpus_has_at_least_60_mails_and_every_file_is_in_the_manifest() -> None:
    on_disk = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.eml"))
    assert on_disk == sorted(entry["file"] for entry in MANIFEST)
    assert len(on_disk) >= 60


@pytest.mark.parametrize("case", MANIFEST, ids=[Path(e["file"]).stem for e in MANIFEST])
def test_corpus_mail_parses_as_the_manifest_says(case: dict[str, Any]) -> None:
    raw = (CORPUS / case["file"]).read_bytes()
    mail = parse_mail(raw)

    assert mail.sender.email == case["sender"]
    if "name" in case:
        assert mail.sender.name == case["name"]
    assert mail.subject == case["subject"]
    assert find_ticket_number(mail.subject, "WA") == case.get("tag")

    expected_attachments = case.get("attachments", [])
    assert [(a.filename, a.real_type) for a in mail.attachments] == [
        (a["name"], a["type"]) for a in expected_attachments
    ]
    for attachment, expected in zip(mail.attachments, expected_attachments, strict=True):
        if "members" in expected:
            assert [[m.name, m.real_type] for m in attachment.members] == expected["members"]
        assert expected.get("archive_problem", "") in attachment.archive_problem
        assert bool(expected.get("archive_problem")) == bool(attachment.archive_problem)
        if "inline" in expected:
            assert attachment.inline is expected["inline"]

    parts = split_reply(mail.text)
    for fragment in case.get("new_text", []):
        assert fragment in mail.new_text, (fragment, mail.new_text)
    for fragment in case.get("quoted", []):
        assert fragment in parts.quoted, (fragment, parts.quoted)
        assert fragment not in mail.new_text
    for fragment in case.get("signature", []):
        assert fragment in parts.signature, (fragment, parts.signature)
        assert fragment not in mail.new_text
    if case.get("forward_only"):  # nothing of their own: the whole forward is the request
        assert parts.new_text == "" and mail.new_text == mail.text
    for fragment in case.get("text_contains", []):
        assert fragment in mail.text
    for fragment in case.get("text_excludes", []):
        assert fragment not in mail.text
    assert "\ufffd" not in mail.text and "\ufffd" not in mail.subject

    reasons = automatic_reasons(mail, "empldocs.ru", "support@empldocs.ru")
    if case.get("automatic"):
        assert any(case["automatic"] in reason for reason in reasons), reasons
    else:
        assert reasons == []

    bounce = parse_dsn(raw)
    if case.get("bounce"):
        assert bounce is not None
        assert (bounce.status, bounce.recipient, bounce.original_message_id) == (
            case["bounce"]["status"], case["bounce"]["recipient"], case["bounce"]["original"],
        )  # fmt: skip
    else:
        assert bounce is None

    assert spam_verdict(mail).is_spam is case.get("spam", False)
    assert reply_language(f"{mail.subject}\n{mail.new_text}") == case.get("language", "ru")


def test_corpus_readme_table_matches_the_manifest() -> None:
    readme = (CORPUS / "README.md").read_text("utf-8")
    counts: dict[str, int] = {}
    for entry in MANIFEST:
        counts[entry["category"]] = counts.get(entry["category"], 0) + 1
    for category, count in counts.items():
        assert f"| `{category}/` | {count} |" in readme
    assert f"| **total** | **{len(MANIFEST)}** |" in readme
