"""content.*: posts that need a refresh, and text that is hard to read (Yoast's readability checks)."""

from __future__ import annotations

import datetime as dt

from ..language import language_of
from . import Context, plural


def _parse_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _is_post(ctx: Context, page) -> bool:
    entry = ctx.entry(page)
    return entry.kind == "article" if entry else page.is_article


def check(ctx: Context) -> None:
    s = ctx.settings
    for page in ctx.site.html_pages():
        if not page.indexable:
            continue
        entry = ctx.entry(page)
        if _is_post(ctx, page):
            _stale(ctx, page, entry)
        if page.word_count >= s["readability_min_words"] and ctx.is_content_page(page):
            _readability(ctx, page)


def _stale(ctx: Context, page, entry) -> None:
    months = ctx.settings["stale_months"]
    if not months:
        return
    candidates = [entry.modified, entry.date] if entry else []
    candidates += [page.og.get("article:modified_time"), page.og.get("article:published_time"),
                   ctx.site.sitemap.paths.get(page.path)]
    when = next((d for d in map(_parse_date, candidates) if d), None)
    if when is None:
        return
    age_days = (ctx.now - when).days
    if age_days > months * 30.44:
        ctx.add("content.stale-content", page,
                f"{page.path} was last updated on {when.date().isoformat()}, {round(age_days / 30.44)} months ago.",
                value=when.date().isoformat(), limit=f"{months} months")


def _readability(ctx: Context, page) -> None:
    s = ctx.settings
    language = language_of(page.lang)
    r = page.readability
    if r is None or not r.sentences:
        return
    long_share = r.share(r.long_sentences)
    if long_share > s["long_sentences_max_share"]:
        ctx.add("content.readability", page,
                f"{long_share:.0f} % of the sentences on {page.path} have more than {s['long_sentence_words']} words "
                f"({r.long_sentences} of {r.sentences}).",
                check="long-sentences", value=round(long_share, 1), limit=f"≤ {s['long_sentences_max_share']} %")
    if r.long_paragraphs:
        ctx.add("content.readability", page,
                f"{page.path} has {plural(r.long_paragraphs, 'paragraph')} of more than {s['long_paragraph_words']} "
                f"words (the longest has {r.longest_paragraph}).",
                check="long-paragraphs", value=r.longest_paragraph, limit=f"≤ {s['long_paragraph_words']} words")
    if r.passive is not None:
        passive_share = r.share(r.passive)
        if passive_share > s["passive_max_share"]:
            ctx.add("content.readability", page,
                    f"{passive_share:.0f} % of the sentences on {page.path} are in the passive voice "
                    f"({r.passive} of {r.sentences}).",
                    check="passive-voice", value=round(passive_share, 1), limit=f"≤ {s['passive_max_share']} %")
    if s["transition_min_share"] and language == "en":
        transition_share = r.share(r.transitions)
        if transition_share < s["transition_min_share"]:
            ctx.add("content.readability", page,
                    f"Only {transition_share:.0f} % of the sentences on {page.path} use a transition word "
                    "(however, because, for example ...).",
                    check="transition-words", value=round(transition_share, 1), limit=f"≥ {s['transition_min_share']} %")
