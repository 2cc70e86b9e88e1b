"""Looking inside ZIP attachments without extracting them.

Only the central directory and the first bytes of each member are read, so a
zip bomb costs nothing: entry count, declared total size and compression ratio
are checked before any member is opened, and each member is read at most
``SNIFF_BYTES`` deep to learn its real type.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from mailer.filetypes import sniff_type

SNIFF_BYTES = 64
MAX_ENTRIES = 500
MAX_TOTAL_SIZE = 200 * 1024 * 1024
MAX_RATIO = 200


@dataclass(frozen=True)
class ArchiveMember:
    name: str
    real_type: str
    size: int


@dataclass(frozen=True)
class ArchiveListing:
    members: tuple[ArchiveMember, ...]
    problem: str = ""


def list_zip(content: bytes) -> ArchiveListing:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        return ArchiveListing((), f"unreadable ZIP: {exc}")
    if len(infos) > MAX_ENTRIES:
        return ArchiveListing((), f"{len(infos)} entries, more than {MAX_ENTRIES}")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_SIZE:
        return ArchiveListing((), f"{total} bytes uncompressed, more than {MAX_TOTAL_SIZE}")
    members: list[ArchiveMember] = []
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            return ArchiveListing(tuple(members), f"{info.filename}: compression ratio too high")
        try:
            with archive.open(info) as member:
                head = member.read(SNIFF_BYTES)
        # zlib.error: a corrupt deflate stream (found by atheris, scripts/fuzz_parse.py)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError,
                zlib.error) as exc:  # fmt: skip
            members.append(ArchiveMember(info.filename, "application/octet-stream", info.file_size))
            problem = f"{info.filename}: {exc}"
            return ArchiveListing(tuple(members), problem)
        members.append(ArchiveMember(info.filename, sniff_type(head), info.file_size))
    return ArchiveListing(tuple(members))
