"""Atom, RSS and JSON feeds of the published posts, written with feedgen.

Pelican's own feed writer is turned off in the settings: this plugin is the one
feed writer. It writes

* all posts: Atom, RSS 2.0 and a JSON Feed 1.1 (``FEEDS["json"]``);
* one Atom and one RSS feed per category (``feeds/category/<slug>.*``);
* one Atom and one RSS feed per segment of ``SEGMENTS``
  (``feeds/segment/<key>.*``): the segment's own posts plus the general ones
  (no Segment, or ``all``), which is what that audience should read.

Entries carry the full content with absolute links, the summary (the meta
description), author, category and tags, published and updated dates, a stable
id (the post's public URL, which no edit, reordering or rebuild changes), and
the hero image both as an enclosure and as Media RSS ``media:content`` (so
RSS-to-email tools such as Mailchimp's show it). Only the posts the build
publishes appear: drafts, hidden and future posts never reach a feed.

Settings: ``FEEDS`` (merged over ``DEFAULTS``, validated at start-up); URLs use
``PUBLIC_SITEURL``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import mimetypes
import os

from pelican import signals

from contract.site import FEED_PATHS, public_site_url
from contract.state import build_clock

logger = logging.getLogger(__name__)

DEFAULTS = {**FEED_PATHS, "max_items": 50}
# Path settings and the placeholder each must contain ("" = none needed).
PATH_KEYS = {
    "atom": "",
    "rss": "",
    "json": "",
    "category_atom": "{slug}",
    "category_rss": "{slug}",
    "segment_atom": "{segment}",
    "segment_rss": "{segment}",
}
GENERAL_SEGMENTS = ("", "all")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def feeds_settings(settings) -> dict:
    """FEEDS merged over DEFAULTS, without touching the user's dict."""
    merged = dict(DEFAULTS)
    merged.update(settings.get("FEEDS") or {})
    return merged


def settings_problems(conf: dict) -> list[str]:
    """What is wrong with a merged FEEDS dict, one message per key."""
    problems = []
    for key in conf:
        if key not in DEFAULTS:
            problems.append(f"FEEDS[{key!r}] is not a feeds setting; expected one of: {', '.join(DEFAULTS)}")
    for key, placeholder in PATH_KEYS.items():
        value = conf.get(key)
        if value in (None, "", False):
            continue  # that feed is turned off
        if not isinstance(value, str) or value.startswith("/") or ".." in value.split("/"):
            problems.append(
                f"FEEDS[{key!r}] is {value!r}; expected a path inside the output folder such as "
                f"{DEFAULTS[key]!r}, or None to turn that feed off"
            )
        elif placeholder and placeholder not in value:
            problems.append(f"FEEDS[{key!r}] is {value!r}; expected a path containing {placeholder}, e.g. {DEFAULTS[key]!r}")
    limit = conf.get("max_items")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        problems.append(f"FEEDS['max_items'] is {limit!r}; expected a whole number of 1 or more, e.g. 50")
    return problems


def check_settings(pelican) -> None:
    for problem in settings_problems(feeds_settings(pelican.settings)):
        logger.error("feeds: %s", problem)


def _base(settings) -> str:
    return public_site_url(settings)


def _aware(moment, settings):
    from zoneinfo import ZoneInfo

    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(settings.get("TIMEZONE") or "UTC"))
    return moment


def _updated(article, settings) -> dt.datetime:
    return _aware(getattr(article, "modified", None) or article.date, settings)


def segment_of(article) -> str:
    """The article's segment key; "" for a general post (no Segment, or ``all``)."""
    value = getattr(article, "segment", None) or article.metadata.get("segment") or ""
    value = str(value).strip().lower()
    return "" if value in GENERAL_SEGMENTS else value


def build_feed(articles, settings, self_path: str, title: str | None = None, subtitle: str | None = None):
    """A feedgen FeedGenerator holding ``articles`` (newest first), served at ``self_path``.

    The all-posts Atom feed keeps the site URL as its id (as it always had); every
    other feed is identified by its own URL.
    """
    from feedgen.feed import FeedGenerator

    conf = feeds_settings(settings)
    base = _base(settings)
    site = settings.get("SITENAME", "")
    fg = FeedGenerator()
    fg.load_extension("media", atom=True, rss=True)
    fg.id(f"{base}/" if self_path == conf["atom"] else f"{base}/{self_path}")
    fg.title(title or site)
    fg.subtitle(subtitle or settings.get("SITE_TAGLINE") or site)
    fg.link(href=f"{base}/", rel="alternate", type="text/html")
    fg.link(href=f"{base}/{self_path}", rel="self")
    fg.language(settings.get("DEFAULT_LANG", "en"))
    fg.author({"name": settings.get("AUTHOR") or site})
    fg.generator("Mainstreet")
    items = list(articles)[: conf["max_items"]]
    # An empty feed still needs a fixed <updated> (feedgen would use the wall clock).
    fg.updated(max((_updated(a, settings) for a in items), default=None) or _build_now(settings))
    fg.lastBuildDate(fg.updated())
    # feedgen prepends entries; add oldest first so the feed reads newest first.
    for article in reversed(items):
        add_entry(fg, article, settings)
    return fg


def _build_now(settings) -> dt.datetime:
    now = build_clock(settings)
    if isinstance(now, dt.datetime):
        return _aware(now, settings)
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _hero(article, settings) -> dict | None:
    """URL, MIME type, byte size and pixel size of the article's hero image."""
    hero = getattr(article, "hero", None)
    if not hero:
        return None
    source = os.path.join(settings["PATH"], hero.path)
    return {
        "url": hero.url,
        "type": mimetypes.guess_type(hero.path)[0] or "image/jpeg",
        "length": os.path.getsize(source) if os.path.exists(source) else 0,
        "width": hero.width,
        "height": hero.height,
        "alt": hero.alt,
    }


def add_entry(fg, article, settings) -> None:
    base = _base(settings)
    url = f"{base}/{article.url}"
    entry = fg.add_entry()
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(article.title)
    entry.link(href=url, rel="alternate", type="text/html")
    entry.published(_aware(article.date, settings))
    entry.updated(_updated(article, settings))
    entry.summary(getattr(article, "meta_description", None) or article.title)
    entry.content(article.get_content(base), type="html")
    for author in getattr(article, "authors", []) or []:
        entry.author({"name": str(author)})
    terms = []
    if getattr(article, "category", None):
        terms.append({"term": str(article.category), "label": str(article.category)})
    terms += [{"term": str(tag), "label": str(tag)} for tag in getattr(article, "tags", []) or []]
    if terms:
        entry.category(terms)
    hero = _hero(article, settings)
    if hero:
        entry.enclosure(hero["url"], str(hero["length"]), hero["type"])
        media = {"url": hero["url"], "type": hero["type"], "medium": "image", "fileSize": str(hero["length"])}
        if hero["width"] and hero["height"]:
            media.update(width=str(hero["width"]), height=str(hero["height"]))
        entry.media.content(media, group=None)


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


def json_feed(articles, settings, self_path: str) -> dict:
    """A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1) of ``articles``."""
    conf = feeds_settings(settings)
    base = _base(settings)
    site = settings.get("SITENAME", "")
    feed = {
        "version": JSON_FEED_VERSION,
        "title": site,
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/{self_path}",
        "description": settings.get("SITE_TAGLINE") or site,
        "language": settings.get("DEFAULT_LANG", "en"),
        "authors": [{"name": settings.get("AUTHOR") or site}],
        "items": [],
    }
    for article in list(articles)[: conf["max_items"]]:
        url = f"{base}/{article.url}"
        item = {
            "id": url,
            "url": url,
            "title": article.title,
            "content_html": article.get_content(base),
            "summary": getattr(article, "meta_description", None) or article.title,
            "date_published": _aware(article.date, settings).isoformat(),
            "date_modified": _updated(article, settings).isoformat(),
        }
        authors = [{"name": str(a)} for a in getattr(article, "authors", []) or []]
        if authors:
            item["authors"] = authors
        tags = [str(t) for t in getattr(article, "tags", []) or []]
        if tags:
            item["tags"] = tags
        hero = _hero(article, settings)
        if hero:
            item["image"] = hero["url"]
            item["attachments"] = [{"url": hero["url"], "mime_type": hero["type"], "size_in_bytes": hero["length"]}]
        # Extension keys start with "_" (JSON Feed 1.1, "Extensions").
        item["_mainstreet"] = {
            "slug": article.slug,
            "segment": segment_of(article) or None,
            "category": str(article.category) if getattr(article, "category", None) else None,
        }
        feed["items"].append(item)
    return feed


def _write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
    logger.debug("feeds: wrote %s", path)


def _write_pair(conf, atom_key, rss_key, articles, settings, values, title=None, subtitle=None) -> None:
    output = settings["OUTPUT_PATH"]
    for key in (atom_key, rss_key):
        if not conf.get(key):
            continue
        self_path = conf[key].format(**values)
        fg = build_feed(articles, settings, self_path, title, subtitle)
        data = atom_bytes(fg) if key == atom_key else fg.rss_str(pretty=True)
        _write(os.path.join(output, self_path), data)


def write_feeds(generator, writer=None) -> None:
    settings = generator.settings
    conf = feeds_settings(settings)
    if settings_problems(conf):
        return  # reported at start-up; the build fails
    site = settings.get("SITENAME", "")
    articles = list(generator.articles)  # published only, newest first
    _write_pair(conf, "atom", "rss", articles, settings, {})
    if conf.get("json"):
        data = json.dumps(json_feed(articles, settings, conf["json"]), ensure_ascii=False, indent=1)
        _write(os.path.join(settings["OUTPUT_PATH"], conf["json"]), data.encode("utf-8"))

    for category, posts in generator.categories:
        posts = sorted(posts, key=lambda a: a.date, reverse=True)
        _write_pair(
            conf, "category_atom", "category_rss", posts, settings, {"slug": category.slug},
            title=f"{site}: {category}", subtitle=f"Posts in {category} from {site}",
        )

    segments = settings.get("SEGMENTS") or {}
    for key, info in segments.items():
        label = (info or {}).get("label", key) if isinstance(info, dict) else key
        posts = [a for a in articles if segment_of(a) in ("", key)]
        _write_pair(
            conf, "segment_atom", "segment_rss", posts, settings, {"segment": key},
            title=f"{site} for {label}", subtitle=f"Posts for {label} from {site}",
        )


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.article_writer_finalized.connect(write_feeds)
