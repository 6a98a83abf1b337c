"""On-page SEO for every page: one decision per page, used by the head and the sitemap.

* ``seo()`` (a Jinja global) returns the page's title, meta description,
  canonical URL, robots directive and social image, computed from the template
  context. Calling it also records the page, so sitemap.xml lists exactly the
  pages that were rendered as indexable and canonical to themselves.
* Articles and pages get ``meta_description``, ``word_count``,
  ``reading_time``, ``hero`` (the Image metadata with its pixel size),
  ``related_posts`` and ``newer_article`` / ``older_article``.
* Images written as ``{static}/images/...`` in Markdown get width, height,
  ``loading="lazy"`` and ``decoding="async"`` (no layout shift).
* The build writes sitemap.xml, robots.txt and 404.html.

Settings: ``ONPAGE`` (merged over ``DEFAULTS``) and ``PUBLIC_SITEURL``.
"""

from __future__ import annotations

import datetime as dt
import heapq
import html
import logging
import os
import posixpath
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from jinja2 import pass_context
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from contract.images import image_size
from contract.site import public_site_url
from contract.sources import metadata_line, project_path
from contract.state import declare_render_state

logger = logging.getLogger(__name__)

DEFAULTS = {
    "title_pattern": "{title} · {site}",
    "default_image": "",
    "default_image_alt": "",
    "twitter_site": "",
    "noindex_templates": ["tag", "tags", "author", "authors", "archives", "categories"],
    "related_posts": 3,
    "words_per_minute": 230,
    "description_min": 50,
    "description_max": 160,
    "blog_title": "Blog",
    "blog_description": "",
    "sitemap": "sitemap.xml",
    "robots_disallow": [],
}

DESCRIPTION_TARGET = 155
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def onpage_settings(settings) -> dict:
    """ONPAGE merged over DEFAULTS, without touching the user's dict."""
    merged = dict(DEFAULTS)
    merged.update(settings.get("ONPAGE") or {})
    return merged


def public_siteurl(settings) -> str:
    return public_site_url(settings)


def url_for_output_file(output_file: str) -> str:
    """The pretty URL path (no leading slash) of a written file."""
    path = output_file.replace(os.sep, "/")
    if path == "index.html":
        return ""
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


# --- text helpers -------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(Markup(fragment).striptags())).strip()


def shorten(text: str, limit: int = DESCRIPTION_TARGET) -> str:
    """Cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def describe(content, settings) -> str:
    """Description metadata, then Summary, then a clean excerpt of the body."""
    meta = getattr(content, "metadata", {})
    for key in ("description", "summary"):
        value = meta.get(key)
        if value:
            return shorten(plain_text(str(value)))
    body = plain_text(getattr(content, "_content", "") or "")
    return shorten(body)


def count_words(content) -> int:
    return len(plain_text(getattr(content, "_content", "") or "").split())


# --- images -------------------------------------------------------------------


@dataclass
class ImageInfo:
    path: str  # relative to the site root, e.g. images/posts/x.jpg
    url: str  # absolute, for social cards
    alt: str
    width: int | None = None
    height: int | None = None


def image_info(path: str, alt: str, settings, referrer: str = "ONPAGE['default_image']") -> ImageInfo | None:
    """The image at ``path`` (relative to content/), with its size; logs an error if missing."""
    if not path:
        return None
    path = path.replace("{static}", "").lstrip("/")
    width = height = None
    source = os.path.join(settings["PATH"], path)
    if not os.path.exists(source):
        logger.error(
            "%s: image %r not found in content/; check the path (it is relative to content/, "
            "e.g. images/posts/photo.jpg)",
            referrer,
            path,
        )
    else:
        size = image_size(source)
        if size:
            width, height = size
    return ImageInfo(path, f"{public_siteurl(settings)}/{path}", alt, width, height)


class ImageSizeTreeprocessor(Treeprocessor):
    """Adds width/height/loading/decoding to <img> whose file is in content/."""

    def __init__(self, md, content_path: str):
        super().__init__(md)
        self.content_path = content_path

    def run(self, root):
        for img in root.iter("img"):
            src = img.get("src", "")
            if src.startswith("{static}"):
                rel = src[len("{static}") :].lstrip("/")
            elif src.startswith("/"):
                rel = src.lstrip("/")
            else:
                continue
            size = image_size(os.path.join(self.content_path, rel))
            if size and not img.get("width"):
                img.set("width", str(size[0]))
                img.set("height", str(size[1]))
            img.set("loading", img.get("loading", "lazy"))
            img.set("decoding", img.get("decoding", "async"))


class ImageSizeExtension(Extension):
    def __init__(self, content_path: str):
        self.content_path = content_path
        super().__init__()

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.treeprocessors.register(ImageSizeTreeprocessor(md, self.content_path), "image_size", 5)


# --- per-page SEO -------------------------------------------------------------


@dataclass
class PageSeo:
    title: str
    description: str
    canonical: str
    url: str  # this page's own absolute URL
    robots: str
    og_type: str
    image: ImageInfo | None
    kind: str
    lastmod: dt.datetime | None = None
    extra: dict = field(default_factory=dict)

    @property
    def indexable(self) -> bool:
        return "noindex" not in self.robots and self.canonical == self.url


class PageRegistry:
    """Every page rendered in this build, keyed by output file."""

    def __init__(self):
        self.pages: dict[str, PageSeo] = {}

    def clear(self):
        self.pages.clear()


REGISTRY = PageRegistry()


def _truthy(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "noindex"}


def _kind(ctx) -> str:
    """The page's template name without extension ("article", "index", "404", ...).

    seo() must be called from the template Pelican renders (base.html's top level
    counts, as extends keeps the child's name); inside an include the name would be
    the partial's.
    """
    name = (getattr(ctx, "name", None) or "index.html").rsplit("/", 1)[-1]
    return os.path.splitext(name)[0]


def _page_number(ctx) -> int:
    for key in ("articles_page", "dates_page"):
        page = ctx.get(key)
        if page is not None and hasattr(page, "number"):
            return page.number
    return 1


def page_seo(ctx) -> PageSeo:
    """Compute the SEO facts of the page being rendered from its template context."""
    conf = onpage_settings(ctx)
    site = ctx.get("SITENAME", "")
    base = public_siteurl(ctx)
    output_file = ctx.get("output_file", "index.html")
    own_url = f"{base}/{url_for_output_file(output_file)}"
    kind = _kind(ctx)
    number = _page_number(ctx)
    suffix = f" · Page {number}" if number > 1 else ""
    content = None
    if kind not in _LIST_KINDS:
        content = ctx.get("article") if kind == "article" else ctx.get("page")
    if content is not None:
        title = content.title
        description = getattr(content, "meta_description", None) or describe(content, ctx)
        canonical = content.metadata.get("canonical") or own_url
        if not canonical.startswith(("http://", "https://")):
            canonical = f"{base}/{canonical.lstrip('/')}"
        robots = "noindex, follow" if _truthy(content.metadata.get("noindex", "")) else "index, follow"
        image = getattr(content, "hero", None) or _default_image(ctx)
        lastmod = getattr(content, "modified", None) or getattr(content, "date", None)
        og_type = "article" if kind == "article" else "website"
    else:
        title, description = _list_title_and_description(ctx, kind, conf, site)
        title += suffix
        if suffix:
            description = shorten(f"{description.rstrip('.…')}. Page {number}.")
        canonical = own_url
        noindex = kind in conf["noindex_templates"] or kind == "404"
        robots = "noindex, follow" if noindex else "index, follow"
        image = _default_image(ctx)
        articles = ctx.get("articles_page").object_list if ctx.get("articles_page") else ctx.get("articles") or []
        dates = [getattr(a, "modified", None) or a.date for a in articles]
        lastmod = max(dates) if dates else None
        og_type = "website"
    if site and site.lower() not in title.lower():
        full_title = conf["title_pattern"].format(title=title, site=site)
    else:
        full_title = title
    seo = PageSeo(
        title=full_title,
        description=_fit_description(description, ctx, conf),
        canonical=canonical,
        url=own_url,
        robots=robots,
        og_type=og_type,
        image=image,
        kind=kind,
        lastmod=lastmod,
    )
    REGISTRY.pages[output_file] = seo
    return seo


_LIST_KINDS = {"index", "tag", "tags", "category", "categories", "author", "authors", "archives", "404"}


def _default_image(ctx) -> ImageInfo | None:
    conf = onpage_settings(ctx)
    return _cached_default_image(conf["default_image"], conf["default_image_alt"], ctx.get("PATH"), public_siteurl(ctx))


@lru_cache(maxsize=8)
def _cached_default_image(path, alt, content_path, base):
    if not path:
        return None
    return image_info(path, alt, {"PATH": content_path, "PUBLIC_SITEURL": base})


def _list_title_and_description(ctx, kind, conf, site) -> tuple[str, str]:
    blog = conf["blog_title"]
    tagline = ctx.get("SITE_TAGLINE", "")
    if kind == "index":
        return blog, conf["blog_description"] or f"The {site} blog: {tagline}."
    if kind == "category":
        name = str(ctx["category"])
        titles = _latest_titles(ctx)
        return f"{name} · {blog}", f"Articles about {name.lower()} from {site}: {titles}"
    if kind == "tag":
        name = str(ctx["tag"])
        return f"Posts tagged “{name}”", f"Everything {site} has written about {name}: {_latest_titles(ctx)}"
    if kind == "author":
        name = str(ctx["author"])
        return f"Posts by {name}", f"Articles written by {name} at {site}: {_latest_titles(ctx)}"
    if kind == "categories":
        return f"Categories · {blog}", f"Browse the {site} blog by topic. {tagline}."
    if kind == "tags":
        return f"Tags · {blog}", f"Every topic the {site} blog covers, by tag. {tagline}."
    if kind == "authors":
        return f"Authors · {blog}", f"The people who write the {site} blog. {tagline}."
    if kind == "archives":
        return f"Archives · {blog}", f"Every post on the {site} blog, newest first. {tagline}."
    if kind == "404":
        return "Page not found", f"This page does not exist (any more). Find what you need at {site}: {tagline}."
    return site, tagline


def _latest_titles(ctx) -> str:
    articles = ctx.get("articles_page").object_list if ctx.get("articles_page") else ctx.get("articles") or []
    return "; ".join(a.title for a in articles[:3]) + "."


def _fit_description(text: str, ctx, conf) -> str:
    """Keep the description within limits; pad a short one with the tagline."""
    text = shorten(text, min(DESCRIPTION_TARGET, conf["description_max"]))
    if len(text) < conf["description_min"]:
        tagline = ctx.get("SITE_TAGLINE", "")
        text = shorten(f"{text.rstrip('.')}. {ctx.get('SITENAME', '')}: {tagline}.".lstrip(". "))
    return text


# --- content enrichment -------------------------------------------------------


def enrich_content(content, settings) -> None:
    conf = onpage_settings(settings)
    meta = content.metadata
    content.meta_description = describe(content, settings)
    content.word_count = count_words(content)
    content.reading_time = max(1, round(content.word_count / conf["words_per_minute"]))
    image = meta.get("image")
    where = f"{project_path(content.source_path, settings)}:{metadata_line(content.source_path, 'image')}"
    content.hero = image_info(str(image), str(meta.get("image_alt", "")), settings, where) if image else None
    if image and not meta.get("image_alt"):
        logger.warning(
            "%s: Image has no Image_alt; describe the picture for people who cannot see it",
            where,
        )


def enrich_articles(generator) -> None:
    settings = generator.settings
    conf = onpage_settings(settings)
    articles = list(generator.articles)  # newest first
    for article in articles + list(generator.translations):
        enrich_content(article, settings)
    # Each article's tags and category once; candidates come from an index of
    # posts per tag and per category, so the work grows with the posts that
    # share something, not with the square of all posts.
    features = {id(a): _features(a) for a in articles}
    index = _feature_index(articles, features)
    for position, article in enumerate(articles):
        article.newer_article = articles[position - 1] if position > 0 else None
        article.older_article = articles[position + 1] if position + 1 < len(articles) else None
        article.related_posts = related_posts(article, articles, conf["related_posts"], features, index)


def _features(article) -> tuple[frozenset, str]:
    return frozenset(str(t) for t in getattr(article, "tags", [])), str(getattr(article, "category", ""))


def _feature_index(articles, features: dict) -> dict:
    """Posts per tag and per category (positions in ``articles``, newest first), positions, dates."""
    by_key: dict[tuple[str, str], list[int]] = {}
    for position, article in enumerate(articles):
        tags, category = features[id(article)]
        for tag in tags:
            by_key.setdefault(("tag", tag), []).append(position)
        by_key.setdefault(("category", category), []).append(position)
    return {"by_key": by_key, "position": {id(a): i for i, a in enumerate(articles)},
            "dates": [a.date for a in articles]}


def related_posts(article, articles, limit: int, features: dict | None = None, index: dict | None = None) -> list:
    """Posts sharing the most tags (a shared category counts as one), newest first.

    Ties keep the order of ``articles`` for equal dates, as sorting every other
    post by (score, date) would; only the best ``limit`` are ranked.
    """
    features = features or {id(a): _features(a) for a in [article, *articles]}
    index = index if index is not None else _feature_index(articles, features)
    tags, category = features[id(article)]
    scores: Counter = Counter()
    for key in [("tag", tag) for tag in tags] + [("category", category)]:
        scores.update(index["by_key"].get(key, ()))  # counted in C
    own = index["position"].get(id(article))
    if own is not None:
        scores.pop(own, None)
    dates = index["dates"]
    # nlargest is sorted(..., reverse=True)[:limit]: stable, so equal keys keep position order.
    best = heapq.nlargest(limit, sorted(scores), key=lambda position: (scores[position], dates[position]))
    return [articles[position] for position in best]


def enrich_pages(generator) -> None:
    for page in list(generator.pages) + list(generator.translations):
        enrich_content(page, generator.settings)


# --- Jinja filters for the business profile -----------------------------------


def tel_href(number: str) -> str:
    """'+1-802-555-0142' -> 'tel:+18025550142'."""
    digits = re.sub(r"[^\d+]", "", str(number))
    return f"tel:{digits}"


def phone_display(number: str) -> str:
    """'+1-802-555-0142' -> '(802) 555-0142' for North American numbers, else as written."""
    digits = re.sub(r"\D", "", str(number))
    if len(digits) == 11 and digits.startswith("1"):
        return f"({digits[1:4]}) {digits[4:7]}-{digits[7:]}"
    return str(number).replace("-", " ")


def time_display(value: str) -> str:
    """'07:00' -> '7 am', '18:30' -> '6:30 pm'."""
    hours, _, minutes = str(value).partition(":")
    hour = int(hours)
    suffix = "am" if hour < 12 or hour == 24 else "pm"
    hour12 = hour % 12 or 12
    return f"{hour12}:{minutes} {suffix}" if minutes and minutes != "00" else f"{hour12} {suffix}"


def add_jinja_helpers(generator) -> None:
    env = generator.env
    env.globals["seo"] = pass_context(page_seo)
    env.filters["tel_href"] = tel_href
    env.filters["phone_display"] = phone_display
    env.filters["time_display"] = time_display


# --- extra files: 404, sitemap, robots -----------------------------------------


class NotFoundPageGenerator(Generator):
    """Renders the theme's 404.html to /404.html."""

    def generate_output(self, writer):
        writer.write_file(
            "404.html",
            self.get_template("404"),
            self.context,
            relative_urls=False,
            page_name="404",
        )


def get_generators(pelican):
    return NotFoundPageGenerator


def add_markdown_extension(pelican) -> None:
    REGISTRY.clear()
    settings = pelican.settings
    markdown = dict(settings.get("MARKDOWN") or {})
    extensions = list(markdown.get("extensions", []))
    if not any(isinstance(e, ImageSizeExtension) for e in extensions):
        extensions.append(ImageSizeExtension(settings["PATH"]))
    markdown["extensions"] = extensions
    settings["MARKDOWN"] = markdown


def sitemap_xml(pages: dict[str, PageSeo]) -> bytes:
    ET.register_namespace("", SITEMAP_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for seo in sorted((p for p in pages.values() if p.indexable), key=lambda p: p.url):
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = seo.url
        if seo.lastmod:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = seo.lastmod.isoformat()
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(settings) -> str:
    conf = onpage_settings(settings)
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in conf["robots_disallow"]] or ["Disallow:"]
    lines += ["", f"Sitemap: {public_siteurl(settings)}/{conf['sitemap']}", ""]
    return "\n".join(lines)


def write_sitemap_and_robots(pelican) -> None:
    settings = pelican.settings
    conf = onpage_settings(settings)
    output = pelican.output_path
    with open(posixpath.join(output, conf["sitemap"]), "wb") as fh:
        fh.write(sitemap_xml(REGISTRY.pages))
    with open(os.path.join(output, "robots.txt"), "w", encoding="utf-8") as fh:
        fh.write(robots_txt(settings))


def register() -> None:
    # seo() records each page while it renders; with pages rendered in worker
    # processes, the build copies what they recorded back (the engine's parallel writer).
    declare_render_state("onpage.pages", lambda settings: REGISTRY.pages)
    signals.initialized.connect(add_markdown_extension)
    signals.generator_init.connect(add_jinja_helpers)
    signals.article_generator_finalized.connect(enrich_articles)
    signals.page_generator_finalized.connect(enrich_pages)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(write_sitemap_and_robots)
