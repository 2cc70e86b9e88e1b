"""Data-driven: each tests/data/mail/NAME.eml is checked against NAME.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailer import MailParseError, parse_mail
from tests.conftest import SAMPLE_MAIL_DIR, TEST_DATA

CASES = sorted((TEST_DATA / "mail").glob("*.eml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_parsed_mail_matches_expected_values(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    mail = parse_mail(path.read_bytes())
    assert mail.sender.email == expected["from"]
    assert mail.sender.name == expected["name"]
    assert mail.subject == expected["subject"]
    for fragment in expected["text_contains"]:
        assert fragment in mail.text
    for fragment in expected.get("text_excludes", []):
        assert fragment not in mail.text
    assert [
        {"name": a.filename, "type": a.real_type, "size": a.size} for a in mail.attachments
    ] == expected["attachments"]
    assert mail.message_id == expected["message_id"]
    assert mail.in_reply_to == expected["in_reply_to"]
    assert list(mail.references) == expected["references"]


UNPARSEABLE_SAMPLES = {"21-truncated-no-sender"}


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(SAMPLE_MAIL_DIR.glob("*.eml")) if p.stem not in UNPARSEABLE_SAMPLES],
    ids=lambda p: p.stem,
)
def test_every_bundled_sample_mail_parses(path: Path) -> None:
    mail = parse_mail(path.read_bytes())
    assert "@" in mail.sender.email
    assert mail.subject
    assert len(mail.text) > 40
    assert mail.message_id.startswith("<")


@pytest.mark.parametrize("name", sorted(UNPARSEABLE_SAMPLES))
def test_broken_sample_mail_is_refused_with_a_reason(name: str) -> None:
    with pytest.raises(MailParseError, match="no sender"):
        parse_mail((SAMPLE_MAIL_DIR / f"{name}.eml").read_bytes())


def test_attachment_type_comes_from_content_not_name() -> None:
    raw = (TEST_DATA / "mail" / "outlook-cp1251-rfc2231-attachment.eml").read_bytes()
    mail = parse_mail(raw)
    assert mail.attachments[0].declared_type == "application/octet-stream"
    assert mail.attachments[0].real_type == "image/png"


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \r\n", b"\x00\x01\x02 not a mail", b"Subject: no sender\r\n\r\nbody"],
    ids=["empty", "blank", "binary", "no-sender"],
)
def test_unusable_bytes_raise_a_parse_error(raw: bytes) -> None:
    with pytest.raises(MailParseError):
        parse_mail(raw)


def test_missing_message_id_gets_a_stable_synthetic_one() -> None:
    raw = b"From: a@b.ru\r\nSubject: x\r\n\r\nbody text"
    assert parse_mail(raw).message_id == parse_mail(raw).message_id
    assert parse_mail(raw).message_id.endswith("@missing-message-id.invalid>")


def test_memoised_header_parsing_gives_what_the_default_policy_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import email.policy

    import mailer.parse

    raws = [p.read_bytes() for p in sorted((TEST_DATA / "mail_corpus").rglob("*.eml"))]
    raws += [p.read_bytes() for p in sorted(SAMPLE_MAIL_DIR.glob("*.eml"))]
    assert len(raws) > 80

    def parse_all() -> list[object]:
        results: list[object] = []
        for raw in raws:
            try:
                results.append(parse_mail(raw))
            except MailParseError as exc:
                results.append(str(exc))
        return results

    mailer.parse._parsed_header.cache_clear()
    memoised = parse_all()
    assert mailer.parse._parsed_header.cache_info().hits > 0
    monkeypatch.setattr(mailer.parse, "PARSING_POLICY", email.policy.default)
    assert parse_all() == memoised


def test_compressed_rar_members_are_typed_by_name_and_count_as_screenshots() -> None:
    """WinRAR compresses by default, and reading compressed members needs unrar: the
    BMP screenshot packed into a RAR, as the support policy asks, must still count."""
    from desk.prepare import first_mail_content
    from tests.data.mail_corpus.corpus_parts import rar4_stored
    from tests.webui_support import mail as customer_mail
    from triage.rules import PolicySettingsView, check_request

    archive = rar4_stored({"screen1.bmp": b"BM" + b"\x00" * 60, "exchange.log": b"ERR"}, 0x33)
    msg = customer_mail(
        "Ошибка при подписании",
        "При подписании документа УКЭП появляется ошибка «Сертификат не найден».\n"
        "1. Открываю раздел Документы\n2. Нажимаю Подписать\n"
        "ИНН 7731386419, версия 3.4.1, редакция КОРП. Скриншоты в архиве.",
        "<rar-1@stlogistic.ru>",
    )
    msg.add_attachment(archive, maintype="application", subtype="x-rar-compressed",
                       filename="Скрины.rar")  # fmt: skip
    mail = parse_mail(msg.as_bytes())
    (attached,) = mail.attachments
    assert attached.real_type == "application/vnd.rar"
    assert [(m.name, m.real_type) for m in attached.members] == [
        ("screen1.bmp", "image/bmp"),
        ("exchange.log", "application/octet-stream"),
    ]
    policy = PolicySettingsView(("Базовая", "ПРОФ", "КОРП"), "3.4.2", "3.2.0")
    findings = {f.code: f.satisfied for f in check_request(first_mail_content(mail), policy)}
    assert findings["screenshots"] is True


_SIGNED_TEXT = "Сотрудникам не приходит SMS с кодом при входе. Скриншот во вложении."


def signed_or_encrypted_mail(kind: str) -> bytes:
    """A signed (detached), an S/MIME-encrypted, a PGP/MIME and an inline-PGP mail."""
    blob = "MIIBsQYJKoZIhvcNAQcDoIIBojCCAZ4CAQAxggFM\nMIIBSAIBADAwMCQxIjAgBgNVBAMMGVRlc3Qg\n"
    head = (
        "From: Anna <anna@client.ru>\nTo: support@empldocs.ru\nSubject: SMS\n"
        f"Message-ID: <{kind}@client.ru>\nMIME-Version: 1.0\n"
    )
    bodies = {
        "signed": (
            'Content-Type: multipart/signed; protocol="application/pkcs7-signature";'
            ' micalg=sha-256; boundary="s"\n\n--s\nContent-Type: text/plain; charset=utf-8\n'
            f"Content-Transfer-Encoding: 8bit\n\n{_SIGNED_TEXT}\n--s\n"
            'Content-Type: application/pkcs7-signature; name="smime.p7s"\n'
            "Content-Disposition: attachment; filename=smime.p7s\n"
            f"Content-Transfer-Encoding: base64\n\n{blob}--s--\n"
        ),
        "smime": (
            'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\n'
            'Content-Disposition: attachment; filename="smime.p7m"\n'
            f"Content-Transfer-Encoding: base64\n\n{blob}"
        ),
        "pgp-mime": (
            'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";'
            ' boundary="e"\n\n--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n'
            "--e\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n"
            "hQEMA1234\n-----END PGP MESSAGE-----\n--e--\n"
        ),
        "pgp-inline": (
            "Content-Type: text/plain; charset=us-ascii\n\n-----BEGIN PGP MESSAGE-----\n"
            "hQEMA1234\n-----END PGP MESSAGE-----\n"
        ),
    }
    return (head + bodies[kind]).encode()


@pytest.mark.parametrize(
    ("kind", "encrypted"),
    [("signed", ""), ("smime", "S/MIME"), ("pgp-mime", "OpenPGP"), ("pgp-inline", "OpenPGP")],
)
def test_encrypted_mail_is_told_from_signed_mail(kind: str, encrypted: str) -> None:
    mail = parse_mail(signed_or_encrypted_mail(kind))
    assert mail.encrypted == encrypted
    if kind == "signed":
        assert mail.text == _SIGNED_TEXT
