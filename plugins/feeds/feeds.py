"""Atom and RSS feeds of every published post, written with feedgen.

Pelican's own feed writer is turned off in the settings: this plugin is the one
feed writer. Entries carry the full content with absolute links, the summary,
author, category and tags, published and updated dates, a stable id, and the
hero image as an enclosure (so RSS-to-email tools show it).

Settings: ``FEEDS`` (merged over ``DEFAULTS``); URLs use ``PUBLIC_SITEURL``.
"""

from __future__ import annotations

import logging
import mimetypes
import os

from pelican import signals

logger = logging.getLogger(__name__)

DEFAULTS = {
    "atom": "feeds/all.atom.xml",
    "rss": "feeds/all.rss.xml",
    "max_items": 50,
}


def feeds_settings(settings) -> dict:
    merged = dict(DEFAULTS)
    merged.update(settings.get("FEEDS") or {})
    return merged


def _base(settings) -> str:
    return (settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").rstrip("/")


def _aware(moment, settings):
    from zoneinfo import ZoneInfo

    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(settings.get("TIMEZONE") or "UTC"))
    return moment


def build_feed(articles, settings, self_path: str):
    """A feedgen FeedGenerator holding ``articles`` (newest first), served at ``self_path``."""
    from feedgen.feed import FeedGenerator

    conf = feeds_settings(settings)
    base = _base(settings)
    fg = FeedGenerator()
    fg.id(f"{base}/")
    fg.title(settings.get("SITENAME", ""))
    fg.subtitle(settings.get("SITE_TAGLINE") or settings.get("SITENAME", ""))
    fg.link(href=f"{base}/", rel="alternate")
    fg.link(href=f"{base}/{self_path}", rel="self")
    fg.language(settings.get("DEFAULT_LANG", "en"))
    fg.author({"name": settings.get("AUTHOR") or settings.get("SITENAME", "")})
    fg.generator("Mainstreet")
    items = list(articles)[: conf["max_items"]]
    if items:
        fg.updated(max(_aware(getattr(a, "modified", None) or a.date, settings) for a in items))
    # feedgen prepends entries; add oldest first so the feed reads newest first.
    for article in reversed(items):
        add_entry(fg, article, settings)
    return fg


def add_entry(fg, article, settings) -> None:
    base = _base(settings)
    url = f"{base}/{article.url}"
    entry = fg.add_entry()
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(article.title)
    entry.link(href=url, rel="alternate")
    entry.published(_aware(article.date, settings))
    entry.updated(_aware(getattr(article, "modified", None) or article.date, settings))
    entry.description(getattr(article, "meta_description", None) or article.title)
    entry.content(article.get_content(base), type="CDATA")
    for author in getattr(article, "authors", []) or []:
        entry.author({"name": str(author)})
    terms = []
    if getattr(article, "category", None):
        terms.append({"term": str(article.category), "label": str(article.category)})
    terms += [{"term": str(tag), "label": str(tag)} for tag in getattr(article, "tags", []) or []]
    if terms:
        entry.category(terms)
    hero = getattr(article, "hero", None)
    if hero:
        source = os.path.join(settings["PATH"], hero.path)
        length = str(os.path.getsize(source)) if os.path.exists(source) else "0"
        mime = mimetypes.guess_type(hero.path)[0] or "image/jpeg"
        entry.enclosure(hero.url, length, mime)


ATOM_NS = "{http://www.w3.org/2005/Atom}"


def atom_bytes(fg) -> bytes:
    """The Atom document of ``fg``, with the rel/type/length of entry links kept.

    feedgen 1.0.0 drops every attribute but href from an entry's <link> elements
    (a variable shadowing bug in FeedEntry.atom_entry), which turns the enclosure
    into a second "alternate" link. Re-apply them from the entries' own link data.
    """
    from lxml import etree

    root = etree.fromstring(fg.atom_str(pretty=True))
    for element, entry in zip(root.iter(f"{ATOM_NS}entry"), fg.entry(), strict=True):
        links = element.findall(f"{ATOM_NS}link")
        for link_element, data in zip(links, entry.link() or [], strict=True):
            for key in ("rel", "type", "hreflang", "title", "length"):
                if data.get(key):
                    link_element.set(key, str(data[key]))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_feeds(generator, writer=None) -> None:
    settings = generator.settings
    conf = feeds_settings(settings)
    output = settings["OUTPUT_PATH"]
    for key in ("atom", "rss"):
        if not conf.get(key):
            continue
        fg = build_feed(generator.articles, settings, conf[key])
        path = os.path.join(output, conf[key])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if key == "atom":
            with open(path, "wb") as fh:
                fh.write(atom_bytes(fg))
        else:
            fg.rss_file(path, pretty=True)
        logger.debug("feeds: wrote %s", path)


def register() -> None:
    signals.article_writer_finalized.connect(write_feeds)
