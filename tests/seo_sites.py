"""Hand-made HTML sites for the SEO audit's tests: a clean site, and defects planted in it.

``clean_site()`` describes a small bakery site that passes every rule (with its
manifest). A test changes one thing in it (a missing title, a broken link ...),
writes it into a temporary folder and audits it. Text is made from fixed
sentences, so the measures (words, density, readability) are known.
"""

from __future__ import annotations

import copy
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from contract.manifest import Manifest, ManifestEntry, write_manifest

BASE = "https://clean.example"
NOW = "2026-11-24T12:00:00+00:00"
BUSINESS = {
    "@context": "https://schema.org",
    "@type": "Bakery",
    "name": "Clean Bakery",
    "telephone": "+1-802-555-0100",
    "address": {"@type": "PostalAddress", "streetAddress": "1 Main Street", "addressLocality": "Alder Falls",
                "postalCode": "05701"},
}
NAP = ('<address class="nap">1 Main Street, Alder Falls, VT 05701 '
       '<a href="tel:+18025550100">(802) 555-0100</a></address>')

# Short, active sentences about nothing in particular (no keyword of any page).
FILLER = [
    "We open the shop at seven and the first loaves come out soon after.",
    "Our bakers weigh every ingredient on a scale before they start.",
    "A warm kitchen makes dough rise faster than a cool one.",
    "Customers often ask us how long a loaf stays good at home.",
    "We keep our recipes simple and our flour local.",
    "Most mornings the line reaches the door before eight.",
    "Good butter gives pastry its flaky layers and rich smell.",
    "Our team tastes each batch before it goes on the shelf.",
    "A sharp knife and a steady hand make clean slices.",
    "We bake smaller batches on quiet days to avoid waste.",
    "Children love to watch the mixer through the window.",
    "The oven needs an hour to reach full heat each day.",
]


def filler(count: int, start: int = 0) -> list[str]:
    return [FILLER[(start + i) % len(FILLER)] for i in range(count)]


def paragraph(*sentences: str) -> str:
    return "<p>" + " ".join(html.escape(s) for s in sentences) + "</p>"


@dataclass
class PageSpec:
    path: str
    title: str
    description: str
    h1: str
    keyword: str | None
    body: str  # HTML of the page's own text (inside .post-body)
    kind: str = "article"
    lang: str | None = "en"
    canonical: str | None = "self"
    robots: str = "index, follow"
    og: bool = True
    in_sitemap: bool = True
    jsonld: list[str] = field(default_factory=list)
    head_extra: str = ""
    date: str = "2026-09-01T08:00:00+00:00"
    modified: str | None = "2026-10-01T08:00:00+00:00"
    pillar: str | None = None
    in_nav: bool = True


def post_body(keyword: str, topic: str, image: str, start: int) -> str:
    """About 380 words: the keyword in the intro, a subheading, an image alt and twice more."""
    k = keyword
    return "\n".join([
        paragraph(f"This guide shows how we handle {k} in our own kitchen.", *filler(4, start)),
        f"<h2>Why {html.escape(k)} matters</h2>",
        paragraph(*filler(6, start + 4)),
        paragraph(f"Good {k} starts with patience and clean tools.", *filler(5, start + 10)),
        f'<figure><img src="{image}" alt="A tray of {html.escape(k)} on our counter" width="800" height="450"></figure>',
        "<h3>Tools for the job</h3>",
        "<ul><li>A digital kitchen scale</li><li>A large mixing bowl</li><li>A clean linen towel</li></ul>",
        paragraph(*filler(6, start + 3)),
        f"<h2>Our {html.escape(topic)} routine</h2>",
        paragraph(*filler(6, start + 7)),
        paragraph(f"We hope this helps with your {k} at home.", *filler(5, start + 1)),
        paragraph(*filler(6, start + 5)),
    ])


def clean_site() -> SiteSpec:
    site = SiteSpec()
    site.add(PageSpec(
        path="/", kind="page",
        title="Alder Falls Bakery for Fresh Bread and Cakes",
        description=("Alder Falls bakery with naturally leavened bread, custom cakes and office breakfast boxes, "
                     "baked fresh every morning on Main Street."),
        h1="Alder Falls bakery with fresh bread every day",
        keyword="alder falls bakery",
        body=post_body("alder falls bakery", "daily baking", "/images/home.jpg", 0),
        jsonld=[json.dumps(BUSINESS)], date="2026-01-10T08:00:00+00:00", modified="2026-10-01T08:00:00+00:00",
    ))
    site.add(PageSpec(
        path="/blog/sourdough-starter/",
        title="How We Feed a Sourdough Starter · Clean Bakery",
        description=("How we feed a sourdough starter every morning: the flour, the water, the jar and the timing "
                     "that keep it lively for years at home."),
        h1="How we feed a sourdough starter",
        keyword="sourdough starter",
        body=post_body("sourdough starter", "feeding", "/images/starter.jpg", 1),
    ))
    site.add(PageSpec(
        path="/blog/rye-bread/",
        title="Baking Dark Rye Bread at Home · Clean Bakery",
        description=("Baking dark rye bread at home with our recipe: a sour rye starter, a long rest and a slow "
                     "bake that gives a moist crumb and a deep flavour."),
        h1="Baking dark rye bread at home",
        keyword="rye bread",
        body=post_body("rye bread", "rye", "/images/rye.jpg", 2),
    ))
    site.add(PageSpec(
        path="/blog/cinnamon-rolls/",
        title="Soft Cinnamon Rolls for a Slow Sunday · Clean Bakery",
        description=("Soft cinnamon rolls for a slow Sunday: an enriched dough, a brown sugar filling and a cream "
                     "cheese glaze, with the timings we use in the shop."),
        h1="Soft cinnamon rolls for a slow Sunday",
        keyword="cinnamon rolls",
        body=post_body("cinnamon rolls", "Sunday", "/images/rolls.jpg", 3),
    ))
    return site


@dataclass
class SiteSpec:
    pages: dict[str, PageSpec] = field(default_factory=dict)
    robots: str | None = f"User-agent: *\nAllow: /\n\nSitemap: {BASE}/sitemap.xml\n"
    sitemap: str | None = None  # None: made from the pages; else the file's text
    sitemap_extra: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    extra_html: dict[str, str] = field(default_factory=dict)  # path -> raw HTML file (redirect pages ...)
    held_back: list[ManifestEntry] = field(default_factory=list)

    def add(self, spec: PageSpec) -> None:
        self.pages[spec.path] = spec

    def copy(self) -> SiteSpec:
        return copy.deepcopy(self)

    def page(self, path: str) -> PageSpec:
        return self.pages[path]

    # --- writing ---------------------------------------------------------------------------

    def render(self, spec: PageSpec) -> str:
        url = BASE + spec.path
        head = [f"<title>{html.escape(spec.title)}</title>" if spec.title is not None else ""]
        if spec.description is not None:
            head.append(f'<meta name="description" content="{html.escape(spec.description)}">')
        if spec.canonical == "self":
            head.append(f'<link rel="canonical" href="{url}">')
        elif spec.canonical is not None:
            head.append(f'<link rel="canonical" href="{html.escape(spec.canonical)}">')
        head.append(f'<meta name="robots" content="{spec.robots}">')
        if spec.og:
            head += [
                f'<meta property="og:title" content="{html.escape(spec.title or "")}">',
                f'<meta property="og:description" content="{html.escape(spec.description or "")}">',
                f'<meta property="og:image" content="{BASE}/images/home.jpg">',
                f'<meta property="og:url" content="{url}">',
                f'<meta property="og:type" content="{"article" if spec.kind == "article" else "website"}">',
            ]
        if spec.kind == "article":
            head.append(f'<meta property="article:published_time" content="{spec.date}">')
            if spec.modified:
                head.append(f'<meta property="article:modified_time" content="{spec.modified}">')
        head.append('<link rel="stylesheet" href="/theme/site.css">')
        head.append('<link rel="icon" href="/favicon.ico">')
        head += [f'<script type="application/ld+json">{block}</script>' for block in spec.jsonld]
        head.append(spec.head_extra)
        nav = "".join(
            f'<li><a href="{p.path}">{html.escape(p.h1 or p.path)}</a></li>'
            for p in self.pages.values() if p.in_nav and p.path != "/"
        )
        lang = f' lang="{spec.lang}"' if spec.lang else ""
        h1 = f"<h1>{html.escape(spec.h1)}</h1>" if spec.h1 else ""
        return f"""<!doctype html>
<html{lang}>
<head>
<meta charset="utf-8">
{chr(10).join(h for h in head if h)}
</head>
<body>
<header><a href="/" class="brand"><img src="/images/logo.png" alt="Clean Bakery"></a>
<nav aria-label="Main"><ul><li><a href="/">Home</a></li>{nav}</ul></nav></header>
<main id="main">
<article>
{h1}
<div class="post-body">
{spec.body}
</div>
</article>
</main>
<footer>{NAP}</footer>
</body>
</html>
"""

    def write(self, root: Path) -> Path:
        """Write the site into ``root``/output; returns the output folder."""
        output = root / "output"
        output.mkdir(parents=True, exist_ok=True)
        for spec in self.pages.values():
            target = output / spec.path.lstrip("/")
            target = target / "index.html" if spec.path.endswith("/") else target
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.render(spec), encoding="utf-8")
        for path, text in self.extra_html.items():
            target = output / path.lstrip("/")
            target = target / "index.html" if path.endswith("/") else target
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        files = {"/theme/site.css": b"body{font-family:sans-serif}", "/favicon.ico": b"\0\0\1\0",
                 "/images/logo.png": b"png", "/images/home.jpg": b"jpg", "/images/starter.jpg": b"jpg",
                 "/images/rye.jpg": b"jpg", "/images/rolls.jpg": b"jpg", **self.files}
        for path, data in files.items():
            target = output / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if self.robots is not None:  # None: the site has no robots.txt
            (output / "robots.txt").write_text(self.robots, encoding="utf-8")
        if self.sitemap is not None:
            (output / "sitemap.xml").write_text(self.sitemap, encoding="utf-8")
        else:
            urls = [BASE + p.path for p in self.pages.values() if p.in_sitemap] + self.sitemap_extra
            entries = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
            (output / "sitemap.xml").write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n',
                encoding="utf-8",
            )
        return output

    def manifest(self) -> Manifest:
        entries = [
            ManifestEntry(url=p.path, kind=p.kind, source=f"content/{'posts' if p.kind == 'article' else 'pages'}/"
                          f"{p.path.strip('/').rsplit('/', 1)[-1] or 'home'}.md",
                          title=p.h1 or "", slug=p.path.strip("/").rsplit("/", 1)[-1], keyword=p.keyword,
                          date=p.date, modified=p.modified, pillar=p.pillar)
            for p in self.pages.values()
        ]
        return Manifest(generated_at=NOW, site={"name": "Clean Bakery", "url": BASE}, pages=entries,
                        held_back=list(self.held_back))

    def write_manifest(self, reports: Path) -> Path:
        path = reports / "manifest.json"
        write_manifest(self.manifest(), path)
        return path
