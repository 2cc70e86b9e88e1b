"""HTML mail bodies to readable plain text (links kept, no CSS or script)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote")


def html_to_text(html: str) -> str:
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "head", "title", "meta", "noscript"]):
        tag.decompose()
    for link in soup.find_all("a"):
        if not isinstance(link, Tag):
            continue
        href = str(link.get("href") or "")
        label = link.get_text(" ", strip=True)
        if href.startswith(("http://", "https://")) and href not in label:
            link.replace_with(f"{label} ({href})" if label else href)
    for block in soup.find_all(_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    text = soup.get_text()
    text = text.replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
