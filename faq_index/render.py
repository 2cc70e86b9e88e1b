"""Pages that draw their content with scripts, rendered in a headless browser.

Some documentation sites send every page as an empty shell (``<div id="root">`` and a
script bundle) and draw the text in the browser. Fetched as they are, such pages have
nothing to index and no links to follow. When a page looks like that, the crawler asks
a headless Chromium for the page as the browser has drawn it (``--dump-dom``) and works
on that instead. The browser is optional: without one such pages stay empty, and
``triage index`` names them.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from html import unescape
from pathlib import Path

log = logging.getLogger(__name__)

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
RENDER_TIMEOUT = 60.0  # seconds for one page, browser start included
SCRIPT_BUDGET_MS = 5000  # virtual time the page's scripts get to draw it
MIN_TEXT_CHARS = 200  # a page with less text than this, and scripts, is drawn by them
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_HIDDEN = re.compile(r"<(script|style|noscript|template|head)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
# Chromium without its own traffic (on a closed network its background connections
# fail, many at a time). The web UI's browser tests start it the same way.
CHROMIUM_FLAGS = (
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
_FLAGS = (
    "--headless",
    *CHROMIUM_FLAGS,
    "--mute-audio",
    f"--virtual-time-budget={SCRIPT_BUDGET_MS}",
)


def sandbox_flags() -> list[str]:
    """Chromium's sandbox stays on, except for root, whom Chromium refuses it to (in a
    container, say): there it runs without, on pages of the configured site only."""
    return ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def drawn_by_scripts(html: str) -> bool:
    """Whether a page is a shell its scripts fill: scripts, and next to no text.

    Asked of every fetched page, so it reads the markup with two regular expressions
    rather than a parser (a parse of each page doubled the time of a first crawl).
    """
    if _SCRIPT.search(html) is None:
        return False
    visible = _TAG.sub(" ", _HIDDEN.sub(" ", html))
    return len("".join(unescape(visible).split())) < MIN_TEXT_CHARS


class Renderer:
    """A headless Chromium that returns a page's DOM after its scripts ran."""

    def __init__(self, executable: str) -> None:
        self.executable = executable

    @classmethod
    def find(cls, configured: str) -> Renderer | None:
        """The browser ``crawl.browser`` names: "auto" looks for Chromium or Chrome on
        PATH, "off" (or "") uses none, anything else is the browser's path."""
        if configured in ("", "off", "none"):
            return None
        if configured != "auto":
            return cls(configured)
        found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
        return cls(found) if found else None

    def render(self, url: str) -> bytes | None:
        """The page at ``url`` as UTF-8 HTML after its scripts ran; None when the browser
        fails (logged), so that the page is kept as it was fetched."""
        with tempfile.TemporaryDirectory(prefix="triage-render-") as profile:
            command = [
                self.executable, *_FLAGS, *sandbox_flags(), f"--user-data-dir={Path(profile)}"
            ]  # fmt: skip
            try:
                done = subprocess.run(
                    [*command, "--dump-dom", url],
                    capture_output=True,
                    timeout=RENDER_TIMEOUT,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                log.warning("could not render %s in %s: %s", url, self.executable, exc)
                return None
        if done.returncode != 0 or not done.stdout.strip():
            error = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            log.warning("could not render %s (exit %s): %s", url, done.returncode, error)
            return None
        return done.stdout
