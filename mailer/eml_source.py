"""Raw mail from a folder of .eml files, for replays, tests and the demo."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mailer.errors import MailerError


@dataclass(frozen=True)
class EmlFile:
    path: Path
    raw: bytes

    @property
    def source_key(self) -> str:
        """Identifies the file by content, so a renamed copy is still the same mail."""
        return f"eml:{hashlib.sha256(self.raw).hexdigest()}"


def read_eml_folder(folder: Path) -> Iterator[EmlFile]:
    """Every *.eml file in the folder, in name order."""
    if not folder.is_dir():
        raise MailerError(f"mail folder not found: {folder}")
    for path in sorted(folder.glob("*.eml")):
        yield EmlFile(path=path, raw=path.read_bytes())
