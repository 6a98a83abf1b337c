"""onpage.*: titles, descriptions, headings, canonical URLs, images, text, language, social tags."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

from ..language import title_width_px
from ..resolve import resolve
from . import Context, plural, quote

OG_REQUIRED = ("og:title", "og:description", "og:image", "og:url")


def check(ctx: Context) -> None:
    site, s = ctx.site, ctx.settings
    titles: dict[str, list] = defaultdict(list)
    descriptions: dict[str, list] = defaultdict(list)
    for page in site.html_pages():
        if page.status != 200:
            continue
        _title(ctx, page, titles)
        _headings(ctx, page)
        if page.lang is None:
            ctx.add("onpage.lang-missing", page, f"{page.path} does not say its language: <html> has no lang attribute.",
                    element="<html>")
        missing_alt = [img.src for img in page.images if img.alt is None]
        for src in dict.fromkeys(missing_alt):
            ctx.add("onpage.img-alt-missing", page, f"The image {src} on {page.path} has no alt text.",
                    element=f'<img src="{src}">', target=src)
        # ![](photo.jpg) in a post gives alt="": in the page's own text that is a missing description,
        # unless the image is marked as decoration (outside the text, a theme's ornaments may have alt="").
        empty_alt = [img.src for img in page.images
                     if img.alt is not None and not img.alt.strip() and img.in_content and not img.decorative]
        for src in dict.fromkeys(empty_alt):
            if src in missing_alt:
                continue
            ctx.add("onpage.img-alt-missing", page,
                    f'The image {src} in the text of {page.path} has an empty alt text (alt=""): say what it shows, '
                    'e.g. ![Rye loaf on a board](photo.jpg), or mark a pure decoration with role="presentation".',
                    element=f'<img src="{src}" alt="">', target=src)
        _canonical(ctx, page)
        if page.meta_refresh or page.noindex:
            continue
        if not page.indexable:
            continue
        _description(ctx, page, descriptions)
        if page.word_count < s["thin_content_words"] and ctx.is_content_page(page):
            ctx.add("onpage.thin-content", page,
                    f"{page.path} has only {page.word_count} words of its own text (at least {s['thin_content_words']} "
                    "expected for a page meant to rank).",
                    value=page.word_count, limit=s["thin_content_words"])
        missing_og = [prop for prop in OG_REQUIRED if not page.og.get(prop)]
        if missing_og:
            ctx.add("onpage.og-missing", page,
                    f"{page.path} has no {', '.join(missing_og)}: shared on social media it shows without a proper "
                    "card.", element=", ".join(f'<meta property="{p}">' for p in missing_og))
    for groups, rule, what in ((titles, "onpage.title-duplicate", "title"),
                               (descriptions, "onpage.meta-description-duplicate", "meta description")):
        for pages in groups.values():
            if len(pages) < 2:
                continue
            for page in pages:
                others = [p.path for p in pages if p is not page]
                text = page.title if what == "title" else page.description
                ctx.add(rule, page,
                        f"{page.path} has the same {what} as {', '.join(others[:3])}"
                        f"{' and ' + plural(len(others) - 3, 'more page') if len(others) > 3 else ''}: {quote(text, 80)}.",
                        target=site.url_for(others[0]), value=text)


def _title(ctx: Context, page, titles) -> None:
    s = ctx.settings
    if not page.title:
        ctx.add("onpage.title-missing", page,
                f"{page.path} has {'an empty' if page.title == '' else 'no'} <title>: search results and browser tabs "
                "show its address instead.", element="<title>")
        return
    if page.indexable:
        titles[page.title.casefold()].append(page)
        chars, px = len(page.title), title_width_px(page.title)
        if px > s["title_max_px"] or chars > s["title_max_chars"]:
            ctx.add("onpage.title-length", page,
                    f"The title of {page.path} is {chars} characters (about {px} px) long; Google shows about "
                    f"{s['title_max_px']} px and cuts the rest: {quote(page.title, 90)}.",
                    element="<title>", value=f"{chars} chars / {px} px",
                    limit=f"≤ {s['title_max_chars']} chars / {s['title_max_px']} px")
        elif chars < s["title_min_chars"]:
            ctx.add("onpage.title-length", page,
                    f"The title of {page.path} is only {chars} characters long: {quote(page.title)}.",
                    element="<title>", value=f"{chars} chars / {px} px", limit=f"≥ {s['title_min_chars']} chars")


def _description(ctx: Context, page, descriptions) -> None:
    s = ctx.settings
    if not page.description:
        ctx.add("onpage.meta-description-missing", page,
                f"{page.path} has no meta description: search engines make up a snippet from the page text.",
                element='<meta name="description">')
        return
    descriptions[page.description.casefold()].append(page)
    n = len(page.description)
    if n > s["description_max_chars"]:
        ctx.add("onpage.meta-description-length", page,
                f"The meta description of {page.path} is {n} characters long; search results cut it after about "
                f"{s['description_max_chars']}.", element='<meta name="description">',
                value=n, limit=f"{s['description_min_chars']}-{s['description_max_chars']}")
    elif n < s["description_min_chars"]:
        ctx.add("onpage.meta-description-length", page,
                f"The meta description of {page.path} is only {n} characters long: {quote(page.description, 80)}.",
                element='<meta name="description">', value=n,
                limit=f"{s['description_min_chars']}-{s['description_max_chars']}")


def _headings(ctx: Context, page) -> None:
    if not page.h1:
        ctx.add("onpage.h1-missing", page, f"{page.path} has no main heading (h1).", element="<h1>")
    elif len(page.h1) > 1:
        ctx.add("onpage.h1-multiple", page,
                f"{page.path} has {len(page.h1)} main headings (h1): {', '.join(quote(h, 40) for h in page.h1[:4])}.",
                element="<h1>", value=len(page.h1), limit=1)
    previous = None
    for level, text in page.headings:
        if previous is not None and level > previous[0] + 1:
            ctx.add("onpage.heading-skip", page,
                    f"On {page.path} the h{previous[0]} {quote(previous[1], 40)} is followed by the h{level} "
                    f"{quote(text, 40)}, skipping h{previous[0] + 1}.",
                    element=f"<h{level}>", value=f"h{previous[0]} → h{level}")
            break
        previous = (level, text)


def _canonical(ctx: Context, page) -> None:
    site = ctx.site
    if page.canonical is None:
        if not page.noindex and not page.meta_refresh:
            ctx.add("onpage.canonical-missing", page, f"{page.path} has no canonical URL.",
                    element='<link rel="canonical">')
        return
    element = f'<link rel="canonical" href="{page.canonical}">'
    parts = urlsplit(page.canonical)
    if not parts.scheme or not parts.netloc:
        ctx.add("onpage.canonical-mismatch", page,
                f"The canonical URL of {page.path} is relative ({page.canonical!r}); it must be a full address.",
                element=element, target=page.canonical_url)
        return
    if page.canonical_path is None:
        ctx.add("onpage.canonical-mismatch", page,
                f"The canonical URL of {page.path} points to another site: {page.canonical}.",
                element=element, target=page.canonical)
        return
    if site.https and parts.scheme == "http":
        ctx.add("onpage.canonical-mismatch", page,
                f"The canonical URL of {page.path} uses http:// on an https site: {page.canonical}.",
                element=element, target=page.canonical)
        return
    if page.canonical_path == page.path:
        return
    target = resolve(site, page.canonical_path)
    if target.loop or (target.status is not None and target.status >= 400):
        ctx.add("onpage.canonical-mismatch", page,
                f"The canonical URL of {page.path} points to {page.canonical_path}, which does not exist.",
                severity="error", element=element, target=page.canonical)
    elif target.page is not None and (target.hops or not target.page.indexable):
        why = "redirects" if target.hops else "is not indexable itself (noindex or canonical elsewhere)"
        ctx.add("onpage.canonical-mismatch", page,
                f"The canonical URL of {page.path} points to {page.canonical_path}, which {why}.",
                element=element, target=page.canonical)
    elif page.path in site.sitemap.paths:
        ctx.add("onpage.canonical-mismatch", page,
                f"{page.path} names {page.canonical_path} as its canonical URL but is listed in the sitemap itself.",
                element=element, target=page.canonical)
