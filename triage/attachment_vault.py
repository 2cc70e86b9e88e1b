"""Attachment bytes on disk, addressed by their sha256 (never by their filename)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from triage.errors import StoreError

_SHA256_RE = re.compile(r"[0-9a-f]{64}")


DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_MAIL_BYTES = 50 * 1024 * 1024


class AttachmentVault:
    """Content-addressed storage with a size limit per file and per mail.

    An attachment beyond a limit is not written; the mail itself stays whole in the
    mailbox's processed folder, so nothing is lost, and the caller records what was
    left out so that an agent sees it.
    """

    def __init__(
        self,
        directory: Path,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        max_mail_bytes: int = DEFAULT_MAX_MAIL_BYTES,
    ) -> None:
        self.directory = directory
        self.max_file_bytes = max_file_bytes
        self.max_mail_bytes = max_mail_bytes

    def put_mail(self, attachments: Sequence[tuple[str, str, bytes]]) -> list[str]:
        """Store one mail's attachments (filename, sha256, content) within the limits;
        return why each left-out attachment was not stored."""
        skipped: list[str] = []
        total = 0
        for filename, sha256, content in attachments:
            if len(content) > self.max_file_bytes:
                skipped.append(f"{filename}: {len(content)} bytes, over {self.max_file_bytes}")
                continue
            if total + len(content) > self.max_mail_bytes:
                skipped.append(
                    f"{filename}: the mail's attachments exceed {self.max_mail_bytes} bytes"
                )
                continue
            total += len(content)
            self.put(sha256, content)
        return skipped

    def path_for(self, sha256: str) -> Path:
        if not _SHA256_RE.fullmatch(sha256):
            raise StoreError(f"not a sha256 digest: {sha256!r}")
        return self.directory / sha256[:2] / sha256

    def put(self, sha256: str, content: bytes) -> Path:
        path = self.path_for(sha256)
        if path.exists():
            return path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(content)
            tmp.replace(path)
        except OSError as exc:
            raise StoreError(f"cannot store attachment {sha256}: {exc}") from exc
        return path

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()
