"""Pages addressed by a hash route (``https://site/#/hr/routes``), as single-page
documentation sites have them (Docsify, Docute, and sites built on their pattern).

There the server sends one shell for every page; the fragment after ``#/`` names the
page, and its scripts draw it. Such a fragment is part of the page's address, unlike an
ordinary ``#section`` fragment, and a section inside the page is addressed by an ``id``
parameter of the route (``#/hr/routes?id=замещение``), since the fragment is taken.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urldefrag, urlencode

_ROUTE_STARTS = ("/", "!/")  # "#/page"; "#!/page", the older "hashbang" spelling
SECTION_PARAMETER = "id"


def hash_route(fragment: str) -> str:
    """The route a fragment names, without the section it scrolls to: "/hr/routes" for
    "/hr/routes?id=x"; "" for an ordinary fragment, and for "/" (the home page, which is
    the shell's own address)."""
    if not fragment.startswith(_ROUTE_STARTS):
        return ""
    path, _, query = fragment.partition("?")
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != SECTION_PARAMETER]
    route = f"{path}?{urlencode(pairs)}" if pairs else path
    return "" if route.lstrip("!") == "/" else route


def split_link(link: str) -> tuple[str, str]:
    """A link as (the page's address, the section it points at), the route kept in the
    page's address: ("https://s/#/hr/routes", "x") for "https://s/#/hr/routes?id=x",
    ("https://s/a/", "x") for "https://s/a/#x"."""
    url, fragment = urldefrag(link)
    route = hash_route(fragment)
    if not route:
        return url, fragment
    _, _, query = fragment.partition("?")
    section = dict(parse_qsl(query, keep_blank_values=True)).get(SECTION_PARAMETER, "")
    return f"{url}#{route}", section


def deep_link(page: str, anchor: str) -> str:
    """The link to the section ``anchor`` of ``page``: ``page#anchor``, or for a page
    addressed by a hash route, the route with the section as its ``id`` parameter. A
    scroll-to-text anchor cannot follow a route: there the link is the page's."""
    if not anchor:
        return page
    url, fragment = urldefrag(page)
    if not hash_route(fragment):
        return f"{page}#{anchor}"
    if anchor.startswith(":~:"):
        return page
    joiner = "&" if "?" in fragment else "?"
    return f"{url}#{fragment}{joiner}{SECTION_PARAMETER}={unquote(anchor)}"


def with_route_of(url: str, page: str) -> str:
    """``url`` (a page's canonical address, say) with the hash route of ``page`` when
    ``url`` has none: a shell declares one canonical address for every route it draws."""
    route = hash_route(urldefrag(page)[1])
    address, fragment = urldefrag(url)
    if not route or hash_route(fragment):
        return url
    return f"{address}#{route}"
