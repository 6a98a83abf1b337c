"""keywords.*: per page with a focus keyphrase, Yoast SEO's checks; cannibalization across pages."""

from __future__ import annotations

from collections import defaultdict

from . import Context, quote
from .links import find_suggestions, wants_suggestions

CHECKS = ("title", "h1", "description", "slug", "intro", "subheadings", "img_alt")
_RULE_OF = {check: f"keywords.missing-in-{check.replace('_', '-')}" for check in CHECKS}


def _has_keyword_page(ctx: Context, page) -> bool:
    """Pages expected to have a focus keyword: indexable content pages (not generated lists)."""
    return page.indexable and ctx.is_content_page(page)


def check(ctx: Context) -> None:
    s = ctx.settings
    by_key: dict[str, list] = defaultdict(list)
    for page in ctx.site.html_pages():
        if not _has_keyword_page(ctx, page):
            continue
        phrase = ctx.keyphrase(page)
        if phrase is None:
            why = "its metadata and calendar row name none" if ctx.entries else "there is no reports/manifest.json to read it from (build the site first)"
            ctx.add("keywords.no-focus-keyword", page, f"{page.path} has no focus keyword: {why}.")
            continue
        by_key[phrase.key()].append((page, phrase))
        content_alts = " · ".join(img.alt for img in page.images if img.in_content and img.alt)
        results = {
            "title": phrase.found_in(page.title),
            "h1": phrase.found_in(page.h1[0] if page.h1 else ""),
            "description": phrase.found_in(page.description),
            "slug": phrase.in_slug(page.slug) if page.slug else None,
            "intro": phrase.found_in(page.intro),
            "subheadings": any(phrase.found_in(h) for h in page.subheadings),
            "img_alt": phrase.found_in(content_alts),
        }
        words = ctx.words(page)
        occurrences = phrase.count_in(words)
        if wants_suggestions(ctx, page):  # while its words are at hand (see links.check_topics)
            ctx.suggestions[page.path] = find_suggestions(ctx, page, words.content)
        del words
        density = round(100.0 * occurrences / page.word_count, 2) if page.word_count else 0.0
        shown = quote(phrase.text)
        places = {
            "title": ("title", "<title>", page.title),
            "h1": ("main heading", "<h1>", page.h1[0] if page.h1 else None),
            "description": ("meta description", '<meta name="description">', page.description),
            "slug": ("address (slug)", "URL", page.slug),
            "intro": ("first paragraph", "<p>", page.intro),
            "subheadings": ("subheadings", "<h2>/<h3>", " | ".join(page.subheadings)),
            "img_alt": ("image alt texts", "<img alt>", content_alts),
        }
        for check_name, ok in results.items():
            if ok or ok is None:
                continue
            if check_name == "subheadings" and not page.subheadings:
                continue  # no subheadings at all: nothing to put the keyword in
            if check_name == "img_alt" and not any(img.in_content for img in page.images):
                continue
            label, element, value = places[check_name]
            ctx.add(_RULE_OF[check_name], page,
                    f"The focus keyword {shown} is not in the {label} of {page.path}"
                    + (f": {quote(value, 70)}." if value else "."),
                    element=element, keyword=phrase.text, value=value or None)
        if page.word_count:
            low, high = s["density_min"], s["density_max"]
            rule = "keywords.density-low" if density < low else "keywords.density-high" if density > high else None
            if rule:
                ctx.add(rule, page,
                        f"The focus keyword {shown} appears {occurrences} time{'s' if occurrences != 1 else ''} in "
                        f"{page.word_count} words on {page.path}: a density of {density:.2f} %, outside "
                        f"{low:g}-{high:g} %.",
                        keyword=phrase.text, value=density, limit=f"{low:g}-{high:g} %")
        ctx.keyword_rows.append({
            "url": ctx.site.url_for(page.path), "keyword": phrase.text, **results,
            "density": density, "occurrences": occurrences, "words": page.word_count,
        })
    for pages in by_key.values():
        if len(pages) < 2:
            continue
        for page, phrase in pages:
            others = [p.path for p, _ in pages if p is not page]
            ctx.add("keywords.cannibalization", page,
                    f"{page.path} and {', '.join(others)} all target the focus keyword {quote(phrase.text)}: they "
                    "compete with each other in search results.",
                    keyword=phrase.text, target=ctx.site.url_for(others[0]))
