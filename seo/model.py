"""The page model: one shape for both sources (offline files and online crawl).

Pages are keyed by their site-relative path (``/blog/keep-sourdough-fresh/``);
``Site.url_for`` turns a path back into the absolute URL a finding names.
Everything here is plain data: the readers fill it, the rules read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .language import Readability

SEVERITIES = ("error", "warning", "notice")
SEVERITY_RANK = {"error": 3, "warning": 2, "notice": 1}


@dataclass(slots=True)
class Link:
    """One reference from a page: an <a>, an <img>, a stylesheet, a script ..."""

    href: str  # as written in the page
    url: str  # absolute, without the fragment
    fragment: str  # percent-decoded, "" when none
    tag: str  # "a", "img", "link", "script", "iframe", "source", "video", "audio"
    text: str = ""  # anchor text (alt of an image inside a link, aria-label, title)
    rel: str = ""  # lower-cased rel attribute
    internal: bool = False
    path: str | None = None  # site-relative path when internal
    in_content: bool = False  # inside the page's own text (not the menu, header or footer)

    def __reduce__(self):  # a plain tuple: the cheapest hand-off from the reading workers
        return Link, _link_values(self)

    @property
    def nofollow(self) -> bool:
        return "nofollow" in self.rel.split()

    @property
    def element(self) -> str:
        """The element as a person would look for it in the page source."""
        attr = "href" if self.tag in ("a", "link") else "src"
        return f'<{self.tag} {attr}="{self.href}">'


@dataclass(slots=True)
class Image:
    src: str
    alt: str | None  # None: no alt attribute at all; "": decorative (fine only where marked or outside the text)
    in_content: bool = False
    decorative: bool = False  # marked as decoration: role="presentation"/"none", aria-hidden="true", data-decorative

    def __reduce__(self):
        return Image, (self.src, self.alt, self.in_content, self.decorative)


@dataclass(slots=True)
class NapBlock:
    """A visible name/address/phone block (SEO_AUDIT["nap_selectors"])."""

    text: str
    entity: str | None = None  # data-entity / itemid: the @id of its JSON-LD node
    phones: list[str] = field(default_factory=list)  # tel: links inside it


@dataclass(slots=True)
class Page:
    """What the rules know about one fetched or read page."""

    path: str  # site-relative, leading slash
    file: str | None = None  # offline: path relative to the output folder
    status: int = 200
    content_type: str = "text/html"
    is_html: bool = True
    lang: str | None = None
    title: str | None = None  # None: no <title>; "" empty
    description: str | None = None
    robots: str = ""  # meta robots + X-Robots-Tag, lower-cased
    canonical: str | None = None  # as written
    canonical_path: str | None = None  # site-relative when on the site
    canonical_url: str | None = None  # absolute
    meta_refresh: str | None = None  # target of <meta http-equiv=refresh>
    h1: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)  # document order
    subheadings: list[str] = field(default_factory=list)  # h2/h3 in the content
    og: dict[str, str] = field(default_factory=dict)  # og:* and twitter:* and article:*
    links: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)  # fragment targets
    text: str = ""  # the content's text (see SEO_AUDIT["content_selectors"])
    content_selector: str | None = None  # the selector that found the content
    word_count: int = 0
    intro: str = ""  # first paragraph of the content
    readability: Readability | None = None  # measured on the paragraphs of long enough texts
    jsonld: list[str] = field(default_factory=list)  # raw JSON-LD script bodies
    nap: list[NapBlock] = field(default_factory=list)  # visible name/address/phone blocks
    phones: list[str] = field(default_factory=list)  # tel: links
    # online only
    response_ms: float | None = None
    redirects: list[tuple[str, int]] = field(default_factory=list)  # (from_url, status) hops before this page
    requested_url: str | None = None
    error: str | None = None  # the fetch failed (online)

    def __reduce__(self):  # a plain tuple: the cheapest hand-off from the reading workers
        return Page, _page_values(self)

    @property
    def noindex(self) -> bool:
        return "noindex" in self.robots or "none" in self.robots.replace(",", " ").split()

    @property
    def canonical_elsewhere(self) -> bool:
        return self.canonical is not None and self.canonical_path != self.path

    @property
    def indexable(self) -> bool:
        """What a search engine would index: a 200 HTML page, not noindex, canonical to itself."""
        return (
            self.status == 200
            and self.is_html
            and self.error is None
            and self.meta_refresh is None
            and not self.noindex
            and not self.canonical_elsewhere
        )

    @property
    def is_article(self) -> bool:
        return self.og.get("og:type") == "article"

    @property
    def slug(self) -> str:
        parts = [p for p in self.path.split("/") if p]
        if not parts:
            return ""
        last = parts[-1]
        return last.rsplit(".", 1)[0] if last.endswith((".html", ".htm")) else last


_link_values = attrgetter(*(f.name for f in fields(Link)))
_page_values = attrgetter(*(f.name for f in fields(Page)))


@dataclass
class Sitemap:
    """URLs listed in the sitemap(s), by site path; foreign ones kept apart."""

    found: bool = False
    location: str | None = None
    paths: dict[str, str | None] = field(default_factory=dict)  # path -> lastmod
    foreign: list[str] = field(default_factory=list)  # URLs not on this site
    errors: list[str] = field(default_factory=list)


class SiteMatcher:
    """Tells whether a URL is on the site (any of its origins) and returns its path."""

    __slots__ = ("netlocs",)

    def __init__(self, origins):
        self.netlocs = frozenset(urlsplit(o).netloc.lower() for o in origins if o)

    def __call__(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https"):
            return None
        if parts.netloc and parts.netloc.lower() not in self.netlocs:
            return None
        return parts.path or "/"

    def __reduce__(self):  # picklable for worker processes
        return (SiteMatcher, (tuple(f"//{n}" for n in self.netlocs),))


@dataclass
class Site:
    """Every page of one audit, plus what the site says about itself."""

    source: str  # "offline" or "online"
    target: str  # the output folder or the start URL
    origin: str = ""  # where pages live: "https://www.example.com" (no trailing slash) or ""
    aliases: tuple[str, ...] = ()  # other origins that mean this site (public URL when crawling)
    pages: dict[str, Page] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)  # offline: every file path, site-relative
    sitemap: Sitemap = field(default_factory=Sitemap)
    robots_txt: str | None = None
    resources: dict[str, int] = field(default_factory=dict)  # online: checked resource path -> status
    # online: requested path -> every path it went through, ending with where it landed
    redirects: dict[str, list[str]] = field(default_factory=dict)
    hop_status: dict[str, int] = field(default_factory=dict)  # online: redirecting path -> its 3xx status
    bad_filenames: list[str] = field(default_factory=list)  # offline: files whose name is not UTF-8 (skipped)

    def url_for(self, path: str) -> str:
        return f"{self.origin}{path}" if path.startswith("/") else path

    def site_path(self, url: str) -> str | None:
        """The site-relative path of an absolute URL on this site (any alias), else None."""
        return SiteMatcher((self.origin, *self.aliases))(url)

    @property
    def https(self) -> bool:
        """Whether the site (its public address) is served over https."""
        for known in (*self.aliases, self.origin):
            if known.startswith("https://"):
                return True
        return False

    def html_pages(self) -> list[Page]:
        return [p for p in self.pages.values() if p.is_html and p.error is None]


@dataclass(slots=True)
class Finding:
    rule: str
    severity: str
    url: str
    message: str
    hint: str
    extra: dict = field(default_factory=dict)  # target, keyword, value, limit, element, file, source ...

    @property
    def group(self) -> str:
        return self.rule.split(".", 1)[0]

    def to_dict(self) -> dict:
        data = {"rule": self.rule, "severity": self.severity, "url": self.url, "message": self.message, "hint": self.hint}
        data.update({k: v for k, v in self.extra.items() if v is not None})
        return data
