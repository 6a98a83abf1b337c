"""One HTML document -> one Page, with selectolax (the Lexbor engine).

Both sources use this: the offline reader on each file of output/, the crawler
on each page's HTML as fetched. Each document is parsed once and dropped as soon
as its Page is filled in, so memory stays flat however large the site is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from .language import language_of, readability
from .model import Image, Link, NapBlock, Page

# Elements that are not the page's own text (menus, page furniture, code).
NOISE = "nav, header, footer, aside, script, style, noscript, template, svg, form, button"
# rel values of <link> that do not reference a resource to check.
_SKIP_LINK_REL = {"canonical", "preconnect", "dns-prefetch", "prefetch", "prerender", "shortlink", "pingback"}
_NOT_LINKS = ("mailto:", "tel:", "sms:", "javascript:", "data:", "about:", "blob:", "callto:", "geo:")
_REFRESH = re.compile(r"^\s*\d+(?:\.\d+)?\s*[;,]\s*(?:url\s*=\s*)?['\"]?([^'\"]+)", re.IGNORECASE)


def squash(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def count_words(text: str) -> int:
    """Words as Yoast counts them: runs of text between spaces."""
    return len(text.split())


def split_url(url: str) -> tuple[str, str]:
    """(URL without fragment, percent-decoded fragment)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment="")), unquote(parts.fragment)


def extract_page(
    html: bytes | str,
    page_url: str,
    site_path: Callable[[str], str | None],
    settings: dict,
    page: Page,
    shared_links: dict | None = None,
) -> Page:
    """Fill ``page`` from the document; ``page_url`` is the page's absolute URL.

    ``site_path(url)`` returns the site-relative path of a URL on this site, or
    None for another site; it decides which links are internal. Links whose
    target does not depend on the page (root-relative or absolute) are shared
    through ``shared_links`` (one dict per site): the same menu link on 3,000
    pages is one object. Repeated strings (meta tag names and values, heading texts,
    ids) are shared through it too.
    """
    shared = {} if shared_links is None else shared_links
    tree = LexborHTMLParser(html)
    root = tree.root
    if root is not None and root.tag == "html":
        page.lang = (root.attributes.get("lang") or "").strip() or None
    base = page_url
    head = tree.head
    if head is not None:
        base = _read_head(head, page_url, site_path, page, shared)
    if tree.body is None:
        return page

    seen: set[int] = set()
    for node in tree.css(_BODY_SELECTOR):
        if node.mem_id in seen:
            continue  # Lexbor returns a node once per selector of the list it matches
        seen.add(node.mem_id)
        tag = node.tag
        attrs = node.attributes
        if tag == "script":
            if (attrs.get("type") or "").strip().lower() == "application/ld+json":
                page.jsonld.append(node.text() or "")
            continue
        if tag == "title":
            if page.title is None:  # a <title> outside <head> still counts for browsers
                page.title = squash(node.text())
            continue
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            text = squash(node.text(separator=" "))
            page.headings.append(_share(shared, (int(tag[1]), text)))
            if tag == "h1":
                page.h1.append(text)
        if "id" in attrs:
            page.ids.add(_share(shared, attrs["id"] or ""))
        if tag == "a" and "name" in attrs:
            page.ids.add(_share(shared, attrs["name"] or ""))

    page.content_selector, content = _content_node(tree, settings["content_selectors"])
    in_content = {n.mem_id for n in content.css("img, a[href]")} if content is not None else set()
    _read_links(tree, base, site_path, page, in_content, shared)
    if settings["nap_selectors"]:
        for node in tree.css(", ".join(settings["nap_selectors"])):
            text = squash(node.text(separator=" "))
            if not text or any(text in known.text for known in page.nap):
                continue  # nested in a block already read
            attrs = node.attributes
            phones = [unquote((a.attributes.get("href") or "")[4:]) for a in node.css('a[href^="tel:"]')]
            page.nap.append(NapBlock(text, attrs.get("data-entity") or attrs.get("itemid"), phones))

    if content is not None:
        for node in content.css(NOISE):
            node.decompose()
        paragraphs = []
        for node in content.css("h2, h3, p"):
            text = squash(node.text(separator=" "))
            if node.tag == "p":
                if text:
                    paragraphs.append(text)
            else:
                page.subheadings.append(text)
        page.intro = paragraphs[0] if paragraphs else ""
        page.text = squash(content.text(separator=" "))
        page.word_count = count_words(page.text)
        written = page.og.get("og:type") == "article" or page.content_selector not in ("main", "body")
        if written and page.word_count >= settings["readability_min_words"]:
            # measured here, so the paragraphs need not be kept; generated lists are not judged
            page.readability = readability(paragraphs, language_of(page.lang), settings["long_sentence_words"],
                                           settings["long_paragraph_words"], bool(settings["transition_min_share"]))
    return page


# What the body contributes besides links: headings, fragment targets, JSON-LD.
_BODY_SELECTOR = "h1, h2, h3, h4, h5, h6, [id], a[name], script[type], body title"


def _content_node(tree, selectors):
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            return selector, node
    return "body", tree.body


def _read_head(head, page_url, site_path, page: Page, shared: dict | None = None) -> str:
    """Title, meta tags and the canonical URL; returns the base URL for links."""
    base = page_url
    robots = []
    canonical = None
    for node in head.css("title, meta, link[rel], base[href]"):
        tag = node.tag
        attrs = node.attributes  # one dict: cheaper than the lazy .attrs for several lookups
        if tag == "title":
            if page.title is None:
                page.title = squash(node.text())
            continue
        if tag == "base":
            base = urljoin(page_url, attrs.get("href") or "")
            continue
        if tag == "link":
            if canonical is None and "canonical" in (attrs.get("rel") or "").lower().split():
                canonical = (attrs.get("href") or "").strip()
            continue
        name = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        content = attrs.get("content")
        if content is None:
            continue
        if name == "description" and page.description is None:
            page.description = squash(content)
        elif name in ("robots", "googlebot"):
            robots.append(content.lower())
        elif name.startswith(("og:", "twitter:", "article:")) and name not in page.og:
            content = content.strip()
            page.og[_share(shared, name)] = _share(shared, content)
        elif (attrs.get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH.match(content)
            if match:
                page.meta_refresh = match.group(1).strip()
    if page.meta_refresh:
        page.meta_refresh = urljoin(base, page.meta_refresh)
    if robots:
        page.robots = ", ".join(filter(None, [page.robots, *robots]))
    if canonical is not None:
        page.canonical = canonical
        absolute, _ = split_url(urljoin(base, canonical))
        page.canonical_url = absolute
        path = site_path(absolute)
        page.canonical_path = unquote(path) if path is not None else None
    return base


_LINK_TAGS = ("a", "area", "link", "img", "script", "iframe", "source", "video", "audio")


def _link_nodes(tree):
    """Elements that reference a URL (by tag name: Lexbor's tag index beats a selector list)."""
    for tag in _LINK_TAGS:
        yield from tree.tags(tag)


_SHARED_MAX = 200_000


def _share(shared: dict | None, value):
    """The equal value already seen on the site if there is one (kept once in memory and in the
    workers' hand-off), else ``value``."""
    if shared is None:
        return value
    known = shared.get(value)
    if known is not None:
        return known
    if len(shared) < _SHARED_MAX:
        shared[value] = value
    return value


_HREF_TAGS = frozenset({"a", "area", "link"})


def _resolve(href: str, base: str, site_path) -> tuple[str, str, str | None]:
    """(absolute URL without fragment, decoded fragment, decoded site path or None)."""
    if href.startswith("/") and not href.startswith("//") and "/." not in href:
        # root-relative: the common case, resolved without urljoin
        rest, _, fragment = href.partition("#")
        origin_end = base.find("/", base.find("//") + 2)
        absolute = (base[:origin_end] if origin_end > 0 else base) + rest
        path = rest.partition("?")[0] or "/"
        return absolute, unquote(fragment), unquote(path) if "%" in path else path
    try:
        absolute, fragment = split_url(urljoin(base, href))
    except ValueError:  # e.g. an invalid IPv6 host: a broken link all the same
        return href, "", None
    path = site_path(absolute)
    return absolute, fragment, unquote(path) if path is not None else None


def _decorative(attrs) -> bool:
    """Whether an <img> says it is decoration, so an empty alt is right for it."""
    role = (attrs.get("role") or "").strip().lower()
    hidden = (attrs.get("aria-hidden") or "").strip().lower()
    return role in ("presentation", "none") or hidden == "true" or "data-decorative" in attrs


def _read_links(tree, base, site_path, page: Page, in_content: set[int], shared_links: dict) -> None:
    links = page.links
    origin = base[: base.find("/", base.find("//") + 2)]
    for node in _link_nodes(tree):
        tag = node.tag
        attrs = node.attributes
        rel = attrs.get("rel")
        rel = rel.lower() if rel else ""
        if rel and tag == "link" and not _SKIP_LINK_REL.isdisjoint(rel.split()):
            continue
        href = attrs.get("href") if tag in _HREF_TAGS else attrs.get("src")
        href = href.strip() if href else ""
        if tag == "img":
            page.images.append(Image(href, attrs.get("alt"), node.mem_id in in_content, _decorative(attrs)))
        if not href:
            continue
        lowered = href[:12].lower()
        if lowered.startswith(_NOT_LINKS):
            if lowered.startswith("tel:"):
                page.phones.append(unquote(href[4:]))
            continue
        text = ""
        if tag in ("a", "area"):
            text = squash(node.text(separator=" "))
            if not text:
                labels = [attrs.get("aria-label"), attrs.get("title")]
                labels += [img.attributes.get("alt") for img in node.css("img")]
                labels += [n.text() for n in node.css("svg title")]
                text = squash(next((label for label in labels if label and label.strip()), ""))
        contextual = tag == "a" and node.mem_id in in_content
        shared = href.startswith("/") or "://" in href[:10]
        key = (tag, href, rel, text, contextual, origin) if shared else None
        if key is not None:
            link = shared_links.get(key)
            if link is not None:
                links.append(link)
                continue
        absolute, fragment, path = _resolve(href, base, site_path)
        link = Link(href=href, url=absolute, fragment=fragment, tag=tag, text=text, rel=rel,
                    internal=path is not None, path=path, in_content=contextual)
        if key is not None and len(shared_links) < _SHARED_MAX:
            shared_links[key] = link
        links.append(link)
