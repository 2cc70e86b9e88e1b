"""Property-based: whatever bytes arrive, parsing either succeeds or raises MailParseError,
and the intake keeps every mail it cannot read."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from mailer import MailParseError, parse_mail

HEADER_NAMES = st.sampled_from(
    ["To", "Subject", "Message-ID", "Content-Type", "Content-Transfer-Encoding",
     "In-Reply-To", "References", "Date", "Auto-Submitted", "X-Spam-Flag"]
)  # fmt: skip
PART_TYPES = st.sampled_from(
    ["text/plain", "text/html", "application/octet-stream", "message/rfc822", "multipart/mixed",
     "image/png"]
)  # fmt: skip
CHARSETS = st.sampled_from(["utf-8", "koi8-r", "windows-1251", "cp866", "iso-8859-5", "bogus-42"])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_parse_or_raise_a_parse_error(raw: bytes) -> None:
    try:
        mail = parse_mail(raw)
    except MailParseError:
        return
    assert isinstance(mail.text, str) and mail.message_id.startswith("<")


@st.composite
def mime_messages(draw: st.DrawFn) -> bytes:
    """Raw mails as broken clients write them: odd headers, charsets, nesting, truncation."""
    line = st.text(max_size=60).map(lambda t: t.replace("\r", " ").replace("\n", " "))
    charset = draw(CHARSETS)
    headers = [f"From: {draw(st.sampled_from(['a@b.ru', 'Имя <x@y.ru>', 'broken', '']))}"]
    headers += [f"{draw(HEADER_NAMES)}: {draw(line)}" for _ in range(draw(st.integers(0, 4)))]
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(PART_TYPES)
        encoding = draw(st.sampled_from(["8bit", "base64", "quoted-printable", "x-uuencode"]))
        body = draw(st.binary(max_size=200))
        parts.append(
            f"--B\r\nContent-Type: {kind}; charset={charset}; name={draw(line)}\r\n"
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n".encode("utf-8", "replace")
            + body
        )
    if parts:
        headers.append('Content-Type: multipart/mixed; boundary="B"')
        body = b"\r\n".join(parts) + b"\r\n--B--\r\n"
    else:
        headers.append(f"Content-Type: text/plain; charset={charset}")
        text = draw(st.text(max_size=300))
        try:
            body = text.encode(charset, errors="replace")
        except LookupError:
            body = text.encode("utf-8")
    data = "\r\n".join(headers).encode("utf-8", "replace") + b"\r\n\r\n" + body
    cut = draw(st.integers(0, len(data)))
    return data[:cut] if draw(st.booleans()) else data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mime_messages())
def test_random_mime_structures_never_crash_the_parser(raw: bytes) -> None:
    with contextlib.suppress(MailParseError):
        parse_mail(raw)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raws=st.lists(mime_messages(), min_size=1, max_size=5))
def test_intake_never_loses_a_mail(tmp_path: Path, raws: list[bytes]) -> None:
    work = tmp_path / str(abs(hash(tuple(raws))))
    config = with_work_dir(load_config(environ={}), work)
    store = services.open_store(config)
    try:
        intake = services.intake_service(config, store, services.Models())
        for n, raw in enumerate(raws):
            intake.process(raw, f"fuzz:{n}")
        processed = store.db.execute("SELECT count(*) FROM intake").fetchone()[0]
        assert processed == len(raws), "every mail has an outcome recorded"
        kept = store.db.execute(
            "SELECT (SELECT count(*) FROM quarantine) + (SELECT count(*) FROM messages)"
        ).fetchone()[0]
        duplicates = store.db.execute(
            "SELECT count(*) FROM intake WHERE outcome = 'duplicate'"
        ).fetchone()[0]
        assert kept + duplicates == len(raws), "every mail is stored or quarantined"
    finally:
        store.close()
