"""links.*: broken links and anchors, redirects, orphans, nofollow, anchor text, topic clusters."""

from __future__ import annotations

from collections import defaultdict
from itertools import compress, count
from urllib.parse import unquote, urlsplit

from ..resolve import Target, resolve
from . import Context, plural, quote

_KIND = {"a": "link", "area": "link", "img": "image", "script": "script", "link": "file", "iframe": "embedded page",
         "source": "media file", "video": "video", "audio": "audio file"}  # fmt: skip
_IGNORED_FRAGMENTS = {"", "top"}


def _what(link) -> str:
    if link.tag in ("a", "area"):
        return f"The link {quote(link.text)}" if link.text else "A link without text"
    if link.tag == "link":
        rel = link.rel or "file"
        return f"The {rel} file"
    return f"The {_KIND.get(link.tag, link.tag)}"


def check(ctx: Context) -> None:
    site, settings = ctx.site, ctx.settings
    targets: dict[str, Target] = {}
    inlinks: dict[str, set[str]] = defaultdict(set)
    https = site.https
    for page in site.html_pages():
        if page.status >= 400:
            continue
        seen: set[tuple] = set()
        outlinks: set[str] = set()
        contextual: set[str] = set()
        anchors = 0
        for link in page.links:
            is_anchor = link.tag in ("a", "area")
            anchors += is_anchor
            if https and link.href[:7].lower() == "http://" and ("insecure", link.url) not in seen:
                seen.add(("insecure", link.url))
                ctx.add("links.insecure-http", page,
                        f"{_what(link)} on {page.path} uses an insecure http:// address: {link.href}.",
                        element=link.element, target=link.url)
            if is_anchor and not link.text and ("empty", link.href) not in seen:
                seen.add(("empty", link.href))
                ctx.add("links.empty-anchor-text", page,
                        f"A link on {page.path} to {link.href} has no text, image alt text or aria-label.",
                        element=link.element, target=link.url)
            if not link.internal:
                continue
            if link.path not in targets:
                targets[link.path] = resolve(site, link.path)
            target = targets[link.path]
            if is_anchor and target.path != page.path:
                inlinks[target.path].add(page.path)
                outlinks.add(target.path)
                if link.in_content:
                    contextual.add(target.path)
            if is_anchor and link.nofollow and ("nofollow", link.path) not in seen:
                seen.add(("nofollow", link.path))
                ctx.add("links.nofollow-internal", page,
                        f"{_what(link)} on {page.path} to {link.path} has rel=\"{link.rel}\".",
                        element=link.element, target=site.url_for(link.path))
            _check_target(ctx, page, link, target, seen)
        ctx.outlinks[page.path] = outlinks
        ctx.content_outlinks[page.path] = contextual
        if anchors > settings["too_many_links"]:
            ctx.add("links.too-many-links", page, f"{page.path} has {anchors} links (more than {settings['too_many_links']}).",
                    value=anchors, limit=settings["too_many_links"])
    ctx.inlinks = inlinks
    for page in site.html_pages():
        if page.indexable and page.path != "/" and not inlinks.get(page.path):
            ctx.add("links.orphan-page", page,
                    f"No page of the site links to {page.path}; people and search engines can only find it "
                    "through the sitemap or a direct address.")
    if ctx.external is not None:
        _check_external(ctx)


def _check_target(ctx: Context, page, link, target: Target, seen: set) -> None:
    site = ctx.site
    key = (link.path, link.fragment)
    if key in seen:
        return
    seen.add(key)
    shown = link.path + (f"#{link.fragment}" if link.fragment else "")
    if target.loop:
        ctx.add("links.broken-internal", page,
                f"{_what(link)} on {page.path} points to {shown}, which redirects in a loop.",
                element=link.element, target=site.url_for(link.path), value="redirect loop")
        return
    if target.status is None:
        return  # not crawled (online): nothing known
    if target.status >= 400:
        how = "does not exist" if target.status == 404 else f"answers HTTP {target.status}"
        ctx.add("links.broken-internal", page,
                f"{_what(link)} on {page.path} points to {link.path}, which {how}.",
                element=link.element, target=site.url_for(link.path), value=target.status)
        return
    if target.hops:
        chain = " → ".join([*target.hops, target.leaves_site or target.path])
        ctx.add("links.redirect-chain", page,
                f"{_what(link)} on {page.path} points to {link.path}, which redirects "
                f"{'through ' + plural(len(target.hops), 'hop') if len(target.hops) > 1 else 'once'}: {chain}.",
                severity="warning" if len(target.hops) > 1 else None,
                element=link.element, target=site.url_for(target.path), value=len(target.hops), limit=0)
    fragment = link.fragment
    if fragment not in _IGNORED_FRAGMENTS and target.page is not None and target.page.is_html:
        if fragment not in target.page.ids and unquote(fragment) not in target.page.ids:
            where = "this page" if target.path == page.path else target.path
            ctx.add("links.broken-anchor", page,
                    f"{_what(link)} on {page.path} points to #{fragment} on {where}, which has no element "
                    f"with id=\"{fragment}\".",
                    element=link.element, target=site.url_for(target.path) + "#" + fragment)


def _check_external(ctx: Context) -> None:
    from ..external import BLOCKED, BROKEN, OK

    for page in ctx.site.html_pages():
        reported = set()
        for link in page.links:
            if link.internal or link.url in reported or urlsplit(link.url).scheme not in ("http", "https"):
                continue
            result = ctx.external.get(link.url)
            if result is None or result.outcome == OK:
                continue
            reported.add(link.url)
            if result.outcome == BROKEN:
                ctx.add("links.broken-external", page,
                        f"{_what(link)} on {page.path} points to {link.url}, which {result.reason}.",
                        element=link.element, target=link.url, value=result.status)
            else:
                ctx.add("links.external-unverified", page,
                        f"{_what(link)} on {page.path} points to {link.url}, which could not be checked: "
                        f"{result.reason}.",
                        severity="warning" if result.outcome == BLOCKED else None,
                        element=link.element, target=link.url, value=result.status)


def pillar_path(ctx: Context, pillar: str) -> str | None:
    """The path of the page a Pillar value names (a path, a URL or a slug)."""
    pillar = pillar.strip()
    if not pillar:
        return None
    path = ctx.site.site_path(pillar) if "://" in pillar else pillar if pillar.startswith("/") else None
    if path is not None:
        path = unquote(path)
        return path if path in ctx.site.pages else path + "/" if path + "/" in ctx.site.pages else path
    for entry in ctx.entries.values():
        if entry.slug == pillar or entry.url.rstrip("/").rsplit("/", 1)[-1] == pillar:
            return entry.url
    return None


def check_topics(ctx: Context) -> None:
    """Topic clusters (Pillar metadata) and internal link suggestions (needs the manifest)."""
    if not ctx.entries:
        return
    site = ctx.site
    for entry in ctx.entries.values():
        if not entry.pillar or entry.url not in site.pages:
            continue
        page = site.pages[entry.url]
        path = pillar_path(ctx, entry.pillar)
        if path is None or path not in site.pages:
            ctx.add("links.cluster-unlinked", page,
                    f"{page.path} names {entry.pillar!r} as its pillar page, but the site has no such page.",
                    target=entry.pillar, hint="Set Pillar to the slug or address of a published pillar page.")
            continue
        if path == page.path:
            continue
        if path not in ctx.content_outlinks.get(page.path, set()):
            ctx.add("links.cluster-unlinked", page,
                    f"The cluster post {page.path} does not link to its pillar page {path} from its text.",
                    target=site.url_for(path))
        if page.path not in ctx.content_outlinks.get(path, set()):
            ctx.add("links.cluster-unlinked", path,
                    f"The pillar page {path} does not link to its cluster post {page.path}.",
                    target=site.url_for(page.path))
    _suggest_links(ctx)


def _suggestion_targets(ctx: Context) -> tuple[dict, dict]:
    """Keyphrase stems -> [(phrase, page path)] of the pages one could link to, and their lengths by first stem."""
    if ctx.suggestion_targets is None:
        site = ctx.site
        targets: dict[tuple, list] = defaultdict(list)
        for path in ctx.entries:
            page = site.pages.get(path)
            phrase = ctx.keyphrase(page) if page else None
            if page is not None and phrase and page.indexable:
                targets[phrase.stems].append((phrase, path))
        lengths: dict[str, set[int]] = defaultdict(set)
        for stems in targets:
            lengths[stems[0]].add(len(stems))
        # first stem -> the lengths of the keyphrases that start with it, shortest first
        ctx.suggestion_targets = (targets, {first: sorted(found) for first, found in lengths.items()})
    return ctx.suggestion_targets


def wants_suggestions(ctx: Context, page) -> bool:
    """Pages that get internal link suggestions: indexable pages with text that the manifest lists."""
    return page.indexable and bool(page.text) and page.path in ctx.entries


def find_suggestions(ctx: Context, page, stream: list[str], per_page: int = 3) -> list[tuple[str, object]]:
    """(path, keyphrase) of up to ``per_page`` pages whose focus keyword the page's words mention
    (``stream``: its content words' stems) but that it does not link to from its text."""
    targets, starts = _suggestion_targets(ctx)
    linked = ctx.content_outlinks.get(page.path, set())
    suggested: dict[str, object] = {}
    for i in compress(count(), map(starts.__contains__, stream)):  # where a keyphrase could start
        for n in starts[stream[i]]:
            for phrase, path in targets.get(tuple(stream[i : i + n]), ()):
                if path != page.path and path not in linked and path not in suggested:
                    suggested[path] = phrase
        if len(suggested) >= per_page:
            break
    return list(suggested.items())[:per_page]


def _suggest_links(ctx: Context, per_page: int = 3) -> None:
    site = ctx.site
    if not _suggestion_targets(ctx)[0]:
        return
    for page in site.html_pages():
        if not wants_suggestions(ctx, page):
            continue
        found = ctx.suggestions.pop(page.path, None)  # found while its keyword was checked
        if found is None:
            found = find_suggestions(ctx, page, ctx.words(page).content, per_page)
        for path, phrase in found:
            ctx.add("links.internal-suggestion", page,
                    f"{page.path} mentions {quote(phrase.text)}, the focus keyword of {path}, but does not link to it.",
                    target=site.url_for(path), keyword=phrase.text)
