"""Hostile and broken input: zip bombs built here for real, a huge attachment, a broken
configuration file. Memory is measured with tracemalloc, disk by what lands in the vault."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from desk import services
from desk.cli import main
from desk.config import ConfigError, load_config
from desk.services import with_work_dir
from mailer import parse_mail
from mailer.archives import MAX_ENTRIES, MAX_TOTAL_SIZE, list_zip

MB = 1024 * 1024


def peak_memory(fn: Callable[[], Any]) -> tuple[Any, int]:
    """The result of ``fn`` and the peak of Python memory allocated while it ran."""
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def zeros_bomb(size: int) -> bytes:
    """A real zip bomb: one member of ``size`` zero bytes, deflated to about size/1000."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("report.xlsx", "w", force_zip64=True) as member,
    ):
        chunk = bytes(MB)
        for _ in range(size // MB):
            member.write(chunk)
    return buffer.getvalue()


def nested_bomb(levels: int) -> bytes:
    """A zip of a zip of a zip … around a zeros bomb (the 42.zip pattern)."""
    data = zeros_bomb(16 * MB)
    for level in range(levels):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"level{level}.zip", data)
        data = buffer.getvalue()
    return data


def lying_size(size: int) -> bytes:
    """A small real zip whose central directory claims a member of ``size`` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", "a;b\n" * 100)
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", size)  # uncompressed size
    return bytes(data)


def many_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(count):
            archive.writestr(f"f{n}.txt", b"")
    return buffer.getvalue()


def test_a_zeros_bomb_is_refused_without_inflating_it() -> None:
    bomb = zeros_bomb(256 * MB)
    assert len(bomb) < MB, "a real bomb: 256 MB in well under 1 MB"
    listing, peak = peak_memory(lambda: list_zip(bomb))
    assert "compression ratio too high" in listing.problem or "uncompressed" in listing.problem
    assert peak < 2 * MB, f"listing a bomb allocated {peak / MB:.1f} MB"


def test_a_nested_bomb_is_listed_one_level_deep_only() -> None:
    bomb = nested_bomb(5)
    listing, peak = peak_memory(lambda: list_zip(bomb))
    assert [m.real_type for m in listing.members] == ["application/zip"]
    assert peak < 2 * MB


def test_a_lying_central_directory_and_too_many_entries_are_refused() -> None:
    listing = list_zip(lying_size(MAX_TOTAL_SIZE + 1))
    assert f"more than {MAX_TOTAL_SIZE}" in listing.problem and listing.members == ()
    listing = list_zip(many_entries(MAX_ENTRIES * 4))
    assert f"more than {MAX_ENTRIES}" in listing.problem and listing.members == ()


def mail_with(attachment: bytes, filename: str, n: int = 1) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ольга <o.petrova@stlogistic.ru>"
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = "Ошибка при выгрузке"
    msg["Message-ID"] = f"<bad-input-{n}@stlogistic.ru>"
    msg.set_content("Выгрузка падает с ошибкой, файл во вложении.")
    msg.add_attachment(attachment, maintype="application", subtype="octet-stream",
                       filename=filename)  # fmt: skip
    return msg.as_bytes()


def disk_usage(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_a_bomb_in_a_mail_is_registered_and_kept_at_its_compressed_size(tmp_path: Path) -> None:
    bomb = zeros_bomb(256 * MB)
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    raw = mail_with(bomb, "выгрузка.zip")
    result, peak = peak_memory(lambda: intake.process(raw, "bomb"))
    assert result.outcome == "escalate" and result.ticket_number
    assert peak < 20 * MB, f"the intake of a {len(raw)} byte mail peaked at {peak / MB:.1f} MB"
    assert disk_usage(config.store.attachments_dir) == len(bomb), "stored as received, once"
    [attachment] = store.ticket_attachments(store.ticket(result.ticket_number).id)
    assert attachment.real_type == "application/zip" and attachment.size == len(bomb)
    store.close()


def test_a_huge_attachment_costs_a_bounded_multiple_of_its_size_and_is_stored_once(
    tmp_path: Path,
) -> None:
    size = 20 * MB
    content = bytes(range(256)) * (size // 256)
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    raws = [mail_with(content, "дамп.bin", n) for n in (1, 2)]
    mail, parse_peak = peak_memory(lambda: parse_mail(raws[0]))
    assert mail.attachments[0].size == size
    del mail
    first, intake_peak = peak_memory(lambda: intake.process(raws[0], "huge-1"))
    second = intake.process(raws[1], "huge-2")
    assert first.ticket_number and second.ticket_number
    # Python's email package itself needs about 8x the raw size (one str per line of
    # base64, then the joined payload, then the decoded bytes): 210 MB for this 27 MB
    # mail. That is why mail over imap.max_message_bytes (30 MB) is never downloaded;
    # it bounds a poll to about 250 MB. The intake adds no copy per stage on top.
    raw_size = len(raws[0])
    assert parse_peak < 9 * raw_size, f"parse peaked at {parse_peak / MB:.0f} MB"
    assert intake_peak < parse_peak + 2 * size, f"intake peaked at {intake_peak / MB:.0f} MB"
    assert disk_usage(config.store.attachments_dir) == size, "one copy for both mails"
    assert config.store.database.stat().st_size < MB, "attachment bytes stay out of SQLite"
    store.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe[imap]\n", "is not UTF-8 text"),
        (b"imap = 5\n", "[imap] must be a table of keys"),
        (b"[poll]\nlease_seconds = 1\n", "poll.lease_seconds: expected a number >= 5.0"),
        (b"[imap]\nport = true\n", "imap.port: expected a whole number"),
        (b"[store]\ndatabase = 5\n", "store.database: expected a file or folder path"),
        (b'[smtp]\ntimeout = "fast"\n', "smtp.timeout: expected a number"),
        (b"[index]\ncontent_selectors = [1, 2]\n", "index.content_selectors: expected a list"),
        (b"[poll]\ninterval = inf\n[poll]\n", "is not valid TOML"),
    ],
)
def test_a_malformed_configuration_stops_the_cli_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "desk.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=None) as caught:
        load_config(path, environ={})
    assert message in str(caught.value)
    assert main(["--config", str(path), "tickets"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("configuration error:") and message in err
    assert "Traceback" not in err


def test_a_folder_given_as_the_configuration_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read configuration file"):
        load_config(tmp_path, environ={})


def test_a_broken_encoded_word_in_the_sender_name_keeps_the_mail_readable() -> None:
    """Found by atheris (scripts/fuzz_parse.py): '&' inside a base64 encoded-word made
    the email package raise HeaderParseError out of parse_mail."""
    raw = (
        b"From: =?UTF-8?B?0JTQ&dC90LjRgSDQmtCw0YDQuNC80L7Qsg==?= <karimov.denis88@gmail.com>\r\n"
        b"To: support@empldocs.ru\r\nSubject: test\r\nMessage-ID: <broken-word@x.ru>\r\n\r\n"
        b"body\r\n"
    )
    mail = parse_mail(raw)
    assert mail.sender.email == "karimov.denis88@gmail.com"
    assert mail.sender.name.startswith("=?UTF-8?B?")


def test_a_corrupt_deflate_stream_in_a_zip_attachment_keeps_the_mail(tmp_path: Path) -> None:
    """Found by atheris: zlib.error escaped list_zip and parse_mail, so the mail went to
    quarantine instead of getting its ticket with the archive marked unreadable."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("log.txt", "ошибка при выгрузке\n" * 50)
    data = bytearray(buffer.getvalue())
    data[30 + len("log.txt")] = 0xFF  # first deflate block: reserved block type
    listing = list_zip(bytes(data))
    assert listing.problem.startswith("log.txt:") and "invalid block type" in listing.problem
    config = with_work_dir(load_config(environ={}), tmp_path)
    store = services.open_store(config)
    result = services.intake_service(config, store, services.Models()).process(
        mail_with(bytes(data), "logs.zip"), "corrupt-zip"
    )
    assert result.outcome == "escalate" and result.ticket_number
    store.close()
