"""sitemap.*, robots.* and url.*: the sitemap lists exactly the indexable pages; robots.txt blocks none;
every file has a name an address can hold."""

from __future__ import annotations

import os
from urllib.parse import quote as urlquote

from protego import Protego

from ..resolve import resolve
from . import Context

ROBOTS_AGENTS = ("Googlebot", "Bingbot", "*")


def check(ctx: Context) -> None:
    site = ctx.site
    sitemap = site.sitemap
    for error in sitemap.errors:
        ctx.add("sitemap.invalid", None, f"The sitemap cannot be used: {error}.", value=error)
    if not sitemap.found:
        if not sitemap.errors:
            ctx.add("sitemap.page-missing", None,
                    "The site has no sitemap.xml, so search engines must find every page through links.",
                    hint="Publish a sitemap.xml listing every indexable page and name it in robots.txt.")
    else:
        for page in site.html_pages():
            if page.indexable and page.path not in sitemap.paths:
                ctx.add("sitemap.page-missing", page, f"{page.path} is indexable but not listed in {sitemap.location}.",
                        target=site.url_for(sitemap.location))
        for url in sitemap.foreign:
            ctx.add("sitemap.unknown-url", None, f"{sitemap.location} lists {url}, which is on another site.",
                    target=url)
        for path in sitemap.paths:
            target = resolve(site, path)
            if target.status is None and not target.loop:
                continue  # online: not crawled
            if target.loop or target.status >= 400:
                ctx.add("sitemap.unknown-url", path,
                        f"{sitemap.location} lists {path}, which {'redirects in a loop' if target.loop else 'does not exist'}.",
                        target=site.url_for(path), value=target.status, file=None)
            elif target.hops:
                ctx.add("sitemap.unknown-url", path,
                        f"{sitemap.location} lists {path}, which redirects to {target.path}; list the final address.",
                        severity="warning", target=site.url_for(target.path), file=None)
            elif target.page is not None and target.page.is_html and target.page.noindex:
                ctx.add("onpage.noindex-in-sitemap", target.page,
                        f"{sitemap.location} lists {path}, but the page says noindex ({target.page.robots}).",
                        element='<meta name="robots">', target=site.url_for(sitemap.location))
    _robots(ctx)
    _filenames(ctx)


def _filenames(ctx: Context) -> None:
    for name in ctx.site.bad_filenames:
        raw = os.fsencode(name)
        shown = raw.decode("utf-8", errors="backslashreplace")
        path = urlquote(raw)
        ctx.add("url.filename-not-utf8", path,
                f"The file {shown} ({path}) has a name that is not UTF-8, so no address can name it reliably; "
                "the audit skipped it.", file=shown.lstrip("/"), value=shown)


def _robots(ctx: Context) -> None:
    site = ctx.site
    if site.robots_txt is None:
        ctx.add("robots.missing", None,
                "The site has no /robots.txt: search engines may fetch every page, and they are not told where "
                "the sitemap is.", element="robots.txt", target=site.url_for("/robots.txt"))
        return
    if not site.robots_txt.strip():
        return
    parser = Protego.parse(site.robots_txt)
    origin = site.origin or "https://site.invalid"
    for page in site.html_pages():
        if not page.indexable:
            continue
        url = origin + urlquote(page.path, safe="/:@!$&'()*+,;=-._~%")
        blocked = [agent for agent in ROBOTS_AGENTS if not parser.can_fetch(url, agent)]
        if blocked:
            ctx.add("robots.blocks-page", page,
                    f"robots.txt does not let {blocked[0] if blocked[0] != '*' else 'search engines'} fetch "
                    f"{page.path}, so it cannot be indexed properly.",
                    element="robots.txt", target=site.url_for("/robots.txt"))
