"""Customer mail made safe to show: HTML cleaned with nh3, quotes folded away."""

from __future__ import annotations

from dataclasses import dataclass

import nh3

from mailer import forwarded_message, split_reply

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "div", "em", "font", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def clean_html(html: str) -> str:
    """Only inert markup survives: no script, no event handlers, no styles, no images
    (they would call home), links only to http(s) and mailto."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


@dataclass(frozen=True)
class ShownMessage:
    new_text: str
    quoted: str
    signature: str
    html: str | None
    forwarded: bool = False  # the quoted part is a forwarded mail: the request itself


def shown_message(body_text: str, body_html: str | None, subject: str = "") -> ShownMessage:
    parts = split_reply(body_text or "")
    html = clean_html(body_html) if body_html else None
    forwarded = bool(forwarded_message(parts, subject))
    return ShownMessage(parts.new_text, parts.quoted, parts.signature, html, forwarded)
