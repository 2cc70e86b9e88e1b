"""Attachment size limits per file and per mail: what is over a limit is not stored, and said."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

from desk import services
from desk.config import load_config
from desk.services import with_work_dir
from triage import AttachmentVault
from triage.attachment_vault import DEFAULT_MAX_FILE_BYTES

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "9c6360000002000154a24f5d0000000049454e44ae426082"
)


def item(name: str, content: bytes) -> tuple[str, str, bytes]:
    return name, hashlib.sha256(content).hexdigest(), content


def test_vault_keeps_what_fits_and_names_what_does_not(tmp_path: Path) -> None:
    vault = AttachmentVault(tmp_path, max_file_bytes=1000, max_mail_bytes=1500)
    small, big, second = b"a" * 800, b"b" * 1001, b"c" * 800
    skipped = vault.put_mail(
        [item("small.png", small), item("big.zip", big), item("more.png", second)]
    )
    assert skipped == [
        "big.zip: 1001 bytes, over 1000",
        "more.png: the mail's attachments exceed 1500 bytes",
    ]
    assert vault.get(hashlib.sha256(small).hexdigest()) == small
    assert not vault.path_for(hashlib.sha256(big).hexdigest()).exists()
    assert AttachmentVault(tmp_path).max_file_bytes == DEFAULT_MAX_FILE_BYTES


def test_intake_records_an_attachment_over_the_limit_on_the_ticket(tmp_path: Path) -> None:
    config = with_work_dir(load_config(environ={}), tmp_path)
    config = replace(config, store=replace(config.store, max_attachment_bytes=1000))
    store = services.open_store(config)
    intake = services.intake_service(config, store, services.Models())
    msg = EmailMessage()
    msg["From"] = "Ольга Петрова <o.petrova@stlogistic.ru>"
    msg["To"] = "support@empldocs.ru"
    msg["Subject"] = "Ошибка при импорте"
    msg["Message-ID"] = "<limits-1@stlogistic.ru>"
    msg.set_content("Ошибка при импорте сотрудников, скриншот и выгрузка во вложении.")
    msg.add_attachment(PNG, maintype="image", subtype="png", filename="screen.png")
    msg.add_attachment(b"x" * 5000, maintype="application", subtype="zip", filename="dump.zip")
    result = intake.process(msg.as_bytes(), "k1")
    ticket = store.ticket(result.ticket_number or "")
    [event] = [e for e in store.events(ticket.id) if e["kind"] == "attachments_not_stored"]
    assert "dump.zip: 5000 bytes, over 1000" in str(event)
    stored = sorted(p.name for p in config.store.attachments_dir.rglob("*") if p.is_file())
    assert stored == [hashlib.sha256(PNG).hexdigest()]
