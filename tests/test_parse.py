"""Data-driven: each tests/data/mail/NAME.eml is checked against NAME.json."""

from __future__ import annotations

import json
import struct
import zlib
from email.message import EmailMessage
from pathlib import Path

import pytest

from desk.prepare import first_mail_content
from mailer import MailParseError, parse_mail
from mailer.filetypes import image_size
from tests.conftest import SAMPLE_MAIL_DIR, TEST_DATA
from triage.rules import PolicySettingsView, check_request

CASES = sorted((TEST_DATA / "mail").glob("*.eml"))
POLICY = PolicySettingsView(("Базовая", "ПРОФ", "КОРП"), "3.4.2", "3.2.0")


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


def png(width: int, height: int) -> bytes:
    """A real (decodable) black PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x00" * width * 3 for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )  # fmt: skip


def test_image_sizes_are_read_from_headers() -> None:
    assert image_size(png(620, 330), "image/png") == (620, 330)
    gif = b"GIF89a" + struct.pack("<HH", 88, 31) + b"\xf7\x00\x00" + b"\x00" * 20
    assert image_size(gif, "image/gif") == (88, 31)
    assert image_size(b"\x89PNG\r\n", "image/png") is None  # cut short
    assert image_size(b"II*\x00" + b"\x00" * 40, "image/tiff") is None  # not read


def test_jpeg_size_is_the_frame_not_an_exif_thumbnail() -> None:
    thumbnail = b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x78\x00\xa0" + b"\x00" * 10  # 160x120
    app1 = b"Exif\x00\x00" + thumbnail
    frame = b"\xff\xc2\x00\x11\x08" + struct.pack(">HH", 2340, 1080) + b"\x03" + b"\x00" * 9
    jpeg = b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + frame + b"\xff\xd9"
    assert image_size(jpeg, "image/jpeg") == (1080, 2340)
    sample = parse_mail((SAMPLE_MAIL_DIR / "14-mobile-login-auth-017.eml").read_bytes())
    assert [a.dimensions for a in sample.attachments] == [(360, 760)]


def outlook_mail(text: str, images: list[tuple[str, bytes, bool]]) -> bytes:
    """An Outlook-style HTML mail; each image (name, PNG, in the body?) is a related
    part shown in the body, or attached."""
    message = EmailMessage()
    message["From"] = "Ирина Лебедева <i.lebedeva@stroyinvest.ru>"
    message["To"] = "support@empldocs.ru"
    message["Subject"] = "Не открывается документ"
    message["Message-ID"] = "<logo-test@stroyinvest.ru>"
    message.set_content(text)
    cids = "".join(f'<img src="cid:{name}">' for name, _, inline in images if inline)
    message.add_alternative(f"<html><body><p>{text}</p>{cids}</body></html>", subtype="html")
    html = message.get_payload()[1]
    for name, data, inline in images:
        if inline:
            html.add_related(
                data, "image", "png", cid=f"<{name}>", filename=name, disposition="inline"
            )
        else:
            message.add_attachment(data, "image", "png", filename=name)
    return message.as_bytes()


def test_a_signature_logo_is_no_screenshot_but_a_pasted_screenshot_is() -> None:
    text = (
        "Открываю документ в разделе Входящие, появляется ошибка «Документ недоступен». "
        "ИНН 7731386419, версия 3.4.2, редакция ПРОФ.\n\nС уважением, Ирина Лебедева"
    )
    logo = ("image001.png", png(160, 48), True)
    only_logo = first_mail_content(parse_mail(outlook_mail(text, [logo])))
    findings = {f.code: f for f in check_request(only_logo, POLICY)}
    assert findings["screenshots"].satisfied is False
    assert "image001.png (160x48)" in findings["screenshots"].detail

    pasted = ("image002.png", png(640, 400), True)
    with_screenshot = first_mail_content(parse_mail(outlook_mail(text, [pasted, logo])))
    assert {f.code: f.satisfied for f in check_request(with_screenshot, POLICY)}["screenshots"]

    small_file = ("ошибка.png", png(160, 48), False)  # attached on purpose: it counts
    attached = first_mail_content(parse_mail(outlook_mail(text, [small_file])))
    assert {f.code: f.satisfied for f in check_request(attached, POLICY)}["screenshots"]


def test_outlooks_signature_images_attached_to_plain_text_are_no_screenshots() -> None:
    """Outlook sending plain text attaches the signature's images as files named by it."""
    text = (
        "Открываю документ в разделе Входящие, появляется ошибка «Документ недоступен». "
        "ИНН 7731386419, версия 3.4.2, редакция ПРОФ.\n\nС уважением, Ирина Лебедева"
    )

    def satisfied(images: list[tuple[str, bytes, bool]]) -> bool:
        content = first_mail_content(parse_mail(outlook_mail(text, images)))
        return {f.code: f.satisfied for f in check_request(content, POLICY)}["screenshots"]

    logos = [("image001.png", png(160, 48), False), ("Outlook-jx3vq2ab.png", png(24, 24), False)]
    assert not satisfied(logos)
    assert satisfied([*logos, ("image003.png", png(1280, 720), False)])  # a pasted screenshot
    assert satisfied([("logo.png", png(160, 48), False)])  # a file of the customer's own


def test_a_promised_screenshot_is_missing_when_only_a_logo_came() -> None:
    text = "При подписании ошибка, скриншот во вложении.\n\nС уважением, Ирина"
    content = first_mail_content(parse_mail(outlook_mail(text, [("logo.png", png(96, 96), True)])))
    codes = {f.code: f.satisfied for f in check_request(content, POLICY)}
    assert codes["promised_attachment_missing"] is False
