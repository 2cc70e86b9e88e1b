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

from mailer.filetypes import sniff_type, type_from_name

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
        members.append(ArchiveMember(_zip_name(info), sniff_type(head), info.file_size))
    return ArchiveListing(tuple(members))


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Windows' own "Send to ZIP" writes names in the OEM code page (cp866 on Russian
    Windows) without the UTF-8 flag; zipfile then reads them as cp437 mojibake."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("cp866")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def list_rar(content: bytes) -> ArchiveListing:
    """RAR members from the headers (rarfile reads them in pure Python).

    Contents are only sniffed for members stored without compression, which rarfile
    reads itself. Compressed members (WinRAR's default) would need an external unrar;
    their type is the one their name implies. Without that, the BMP screenshots the
    support policy asks to be packed into a RAR counted as no screenshots at all.
    """
    try:
        import rarfile
    except ImportError:  # pragma: no cover - rarfile is a declared dependency
        return ArchiveListing((), "RAR listing needs the rarfile package")
    try:
        archive = rarfile.RarFile(io.BytesIO(content))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (rarfile.Error, ValueError, OSError, EOFError) as exc:
        return ArchiveListing((), f"unreadable RAR: {exc}")
    problem = _limits_problem(
        len(infos),
        [(info.filename, info.file_size or 0, info.compress_size or 0) for info in infos],
    )
    if problem:
        return ArchiveListing((), problem)
    members = []
    for info in infos:
        real = type_from_name(info.filename)
        if info.compress_type == rarfile.RAR_M0 and not info.needs_password():
            try:
                with archive.open(info) as member:
                    real = sniff_type(member.read(SNIFF_BYTES), "application/octet-stream")
            except (rarfile.Error, OSError, EOFError):
                pass
        members.append(ArchiveMember(info.filename, real, info.file_size or 0))
    return ArchiveListing(tuple(members))


def list_tnef(content: bytes) -> ArchiveListing:
    """The files inside Outlook's winmail.dat (TNEF), by their long names when present."""
    from tnefparse.tnef import TNEF

    try:
        tnef = TNEF(content)
    except Exception as exc:  # noqa: BLE001 - tnefparse raises anything on bad input
        return ArchiveListing((), f"unreadable TNEF: {type(exc).__name__}: {exc}")
    sizes = [(_tnef_name(att), len(att.data), len(att.data)) for att in tnef.attachments]
    problem = _limits_problem(len(sizes), sizes)
    if problem:
        return ArchiveListing((), problem)
    return ArchiveListing(
        tuple(
            ArchiveMember(name, sniff_type(att.data[:SNIFF_BYTES]), size)
            for (name, size, _), att in zip(sizes, tnef.attachments, strict=True)
        )
    )


def _tnef_name(attachment: object) -> str:
    from mailer.charsets import decode_text

    try:
        name = str(attachment.long_filename())  # type: ignore[attr-defined]
    except UnicodeDecodeError:  # tnefparse decodes the 8.3 title as UTF-8
        raw = getattr(attachment, "_name", b"")
        name = decode_text(raw, "windows-1251") if isinstance(raw, bytes) else str(raw)
    return name.strip("\x00").replace("\\", "/").rsplit("/", 1)[-1] or "attachment"


def _limits_problem(count: int, sizes: list[tuple[str, int, int]]) -> str:
    """The first archive limit these members break (name, unpacked, packed); "" if none."""
    if count > MAX_ENTRIES:
        return f"{count} entries, more than {MAX_ENTRIES}"
    total = sum(size for _, size, _ in sizes)
    if total > MAX_TOTAL_SIZE:
        return f"{total} bytes uncompressed, more than {MAX_TOTAL_SIZE}"
    for name, size, packed in sizes:
        if packed and size / packed > MAX_RATIO:
            return f"{name}: compression ratio too high"
    return ""


def list_archive(content: bytes, real_type: str) -> ArchiveListing | None:
    """The listing of a ZIP, RAR or TNEF attachment; None for any other type."""
    if real_type == "application/zip":
        return list_zip(content)
    if real_type == "application/vnd.rar":
        return list_rar(content)
    if real_type == "application/ms-tnef":
        return list_tnef(content)
    return None
