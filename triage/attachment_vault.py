"""Attachment bytes on disk, addressed by their sha256 (never by their filename)."""

from __future__ import annotations

import re
from pathlib import Path

from triage.errors import StoreError

_SHA256_RE = re.compile(r"[0-9a-f]{64}")


class AttachmentVault:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

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
