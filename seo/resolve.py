"""Where an internal link lands: like a static host (offline) or as crawled (online).

Offline, a path resolves the way GitHub Pages, Netlify or nginx with
``try_files $uri $uri/ $uri.html`` serve a folder: ``/a/`` is ``a/index.html``,
``/a`` redirects to ``/a/`` when that folder has an index, ``/a`` is also
``a.html``; ``<meta http-equiv="refresh">`` pages count as redirects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

from .model import Page, Site

MAX_HOPS = 20


@dataclass
class Target:
    status: int | None  # 200 found, 404 missing, other HTTP statuses online; None: not known
    path: str  # where the link finally lands
    hops: list[str] = field(default_factory=list)  # paths redirected through, in order
    page: Page | None = None
    loop: bool = False
    leaves_site: str | None = None  # a redirect that ends on another site


def resolve(site: Site, path: str) -> Target:
    if site.source == "online":
        return _resolve_online(site, path)
    return _resolve_offline(site, path)


def _lookup(site: Site, path: str) -> tuple[str, str | None]:
    pages = site.pages
    if path in pages:
        return "page", path
    if path.endswith("/"):
        return ("file", path + "index.htm") if path + "index.htm" in site.files else ("missing", None)
    if path in site.files:
        return "file", path
    if path + "/" in pages:
        return "redirect", path + "/"
    if path + ".html" in pages:
        return "page", path + ".html"
    if path.endswith("/index.html") and path[: -len("index.html")] in pages:
        return "page", path[: -len("index.html")]
    return "missing", None


def _resolve_offline(site: Site, path: str) -> Target:
    hops: list[str] = []
    current = path
    for _ in range(MAX_HOPS):
        if current in hops:
            return Target(None, current, hops, None, loop=True)
        kind, where = _lookup(site, current)
        if kind == "missing":
            return Target(404, current, hops)
        if kind == "redirect":
            hops.append(current)
            current = where
            continue
        page = site.pages.get(where)
        if page is not None and page.meta_refresh:
            hops.append(where)
            target = site.site_path(page.meta_refresh)
            if target is None:
                return Target(200, where, hops, None, leaves_site=page.meta_refresh)
            current = unquote(target)
            continue
        return Target(200, where, hops, page)
    return Target(None, current, hops, None, loop=True)


def _resolve_online(site: Site, path: str) -> Target:
    chain = site.redirects.get(path)
    hops, final = (chain[:-1], chain[-1]) if chain else ([], path)
    page = site.pages.get(final)
    if page is not None:
        if page.meta_refresh:
            target = site.site_path(page.meta_refresh)
            if target is not None and unquote(target) not in hops and unquote(target) != final:
                further = _resolve_online(site, unquote(target))
                return Target(further.status, further.path, hops + [final] + further.hops, further.page, further.loop)
        return Target(page.status if page.error is None else None, final, hops, page)
    if final in site.resources:
        return Target(site.resources[final], final, hops)
    return Target(None, final, hops)
