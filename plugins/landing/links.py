"""Campaign links: UTM parameters added with urllib.parse, never by string pasting.

The author's own query string and fragment survive byte for byte: parameters
are appended after the existing ones (a parameter the author already set, say
``utm_source=flyer``, is kept and not added again), and the ``#fragment``
stays at the end.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")


def with_utm(url: str, params: dict[str, str]) -> str:
    """``url`` with the UTM ``params`` it does not have yet (http(s) and site paths only)."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or (not parts.scheme and not parts.path):
        return url  # mailto:, tel:, a bare #fragment
    present = {key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    extra = urlencode([(key, value) for key, value in params.items() if value and key not in present])
    if not extra:
        return url
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def site_href(url: str, siteurl: str) -> str:
    """A Cta_url as written ('/contact/', 'contact/', 'https://...') as a link of this site."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme or url.startswith(("#", "//")):
        return url
    return f"{siteurl.rstrip('/')}/{url.lstrip('/')}"


def is_outbound(url: str, site_hosts: set[str]) -> bool:
    """A web link to another host than the site's own."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname is not None and parts.hostname not in site_hosts


_LINK = re.compile(r"""<a(?P<attrs>\s[^>]*?\shref=|\shref=)(?P<quote>["'])(?P<url>.*?)(?P=quote)""", re.I | re.S)


def tag_outbound_links(fragment: str, params: dict[str, str], site_hosts: set[str], data_utm: str | None = None) -> str:
    """Add UTM ``params`` to every ``<a href>`` in an HTML fragment that leaves the site.

    With ``data_utm``, a link that got our utm_content also gets a
    ``data-utm`` attribute with that text (the page script fills in the arm).
    """

    def replace(found: re.Match) -> str:
        url = html.unescape(found["url"])
        if not is_outbound(url, site_hosts):
            return found.group(0)
        tagged = with_utm(url, params)
        quote = found["quote"]
        marker = ""
        if data_utm is not None and "utm_content" in params and _adds(url, tagged, "utm_content"):
            marker = f' data-utm="{html.escape(data_utm, quote=True)}"'
        return f"<a{marker}{found['attrs']}{quote}{html.escape(tagged, quote=True)}{quote}"

    return _LINK.sub(replace, fragment)


def _adds(before: str, after: str, key: str) -> bool:
    """Whether ``after`` has the query parameter ``key`` that ``before`` lacked."""
    had = {k for k, _ in parse_qsl(urlsplit(before).query, keep_blank_values=True)}
    has = {k for k, _ in parse_qsl(urlsplit(after).query, keep_blank_values=True)}
    return key in has and key not in had
