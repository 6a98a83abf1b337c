"""UTM parameters on links to the business's own site."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_HREF = re.compile(r'href="(https?://[^"]+)"')
_TEXT_URL = re.compile(r"https?://[^\s<>\"')\]]+")


def with_utm(url: str, params: dict[str, str]) -> str:
    """``url`` with the UTM ``params`` added; UTM values already in the URL are kept."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {k for k, _ in query}
    query += [(k, v) for k, v in params.items() if k not in present and v]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _tagged(url: str, params: dict, hosts: set[str], skip: set[str]) -> str:
    if url in skip or (urlsplit(url).hostname or "").lower() not in hosts:
        return url
    return with_utm(url, params)


def tag_html(markup: str, params: dict, hosts: set[str], skip: set[str] = frozenset()) -> str:
    """Every ``href="https://own-host/..."`` in ``markup`` with UTM parameters (``skip``: URLs left alone)."""

    def replace(match):
        url = html.unescape(match.group(1))
        return f'href="{html.escape(_tagged(url, params, hosts, skip), quote=True)}"'

    return _HREF.sub(replace, markup)


def tag_text(text: str, params: dict, hosts: set[str], skip: set[str] = frozenset()) -> str:
    """Every own-host URL written out in plain ``text`` with UTM parameters."""
    return _TEXT_URL.sub(lambda m: _tagged(m.group(0), params, hosts, skip), text)


def links_in_html(markup: str) -> list[str]:
    return [html.unescape(m) for m in _HREF.findall(markup)]
