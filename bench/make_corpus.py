"""A deterministic corpus of small-business blog posts, written three ways.

``make_corpus(folder, posts=2000, seed=7)`` writes:

- ``folder/mainstreet/``: a Mainstreet project (content/, calendar/, settings
  ``site.py`` that imports the repository's pelicanconf.py, so every plugin
  enabled there runs);
- ``folder/pelican/pelicanconf.py``: plain Pelican 4.12 settings over the same
  content/ (no plugins, Pelican's default theme, the same URLs, feeds on);
- ``folder/hugo/``: the same posts and pages with YAML front matter and
  minimal layouts that render the same pages, lists and feeds.

Every post has 600-1,500 words, headings, lists, a table, 3-8 internal links,
1-3 external links, one or two images, a category, tags, a focus keyword and
secondary keywords, a segment, a stage and channels, and a calendar row. The
same seed gives byte-identical files.

Command line: ``python -m bench.make_corpus DIR [--posts N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every post is dated before this moment; builds run with --now set to it.
NOW = "2026-11-24T12:00"
_NOW = dt.datetime(2026, 11, 24, 12, 0)

CATEGORIES = ["Bread", "Cakes", "Pastry", "Catering", "Classes", "Community", "Seasonal", "Behind the Counter"]
TAGS = (
    "sourdough rye baguette focaccia brioche croissant laminated-dough cinnamon-buns scones muffins "
    "birthday-cakes wedding-cakes cupcakes frosting buttercream ganache fruit-tarts pies galettes "
    "holiday gluten-reduced allergens vegan whole-grain vermont-flour local-farms coffee breakfast "
    "office-catering meeting-trays events classes kids-baking storage freezing reheating starters "
    "fermentation ovens team recipes gift-cards"
).split()
SEGMENTS = ["families", "offices", "weddings", "all"]
STAGES = ["awareness", "consideration", "decision", "retention", "advocacy"]
CHANNEL_SETS = [
    "blog, newsletter, facebook",
    "blog, instagram, facebook",
    "blog, linkedin, newsletter",
    "blog, newsletter, instagram, facebook",
    "blog, x, facebook",
    "blog, google-business, newsletter",
]
OWNERS = ["Ana", "Tom", "Priya"]
AUTHORS = ["Ana Ribeiro", "Tom Haskell", "Priya Nair"]
SUBJECTS = (
    "sourdough loaves|rye bread|morning buns|croissants|birthday cakes|wedding cakes|office breakfast boxes|"
    "meeting trays|fruit galettes|pumpkin bread|apple pies|cinnamon rolls|baguettes|focaccia|brioche|"
    "holiday cookies|scones|cupcakes|layer cakes|whole-grain bread|gluten-reduced bakes|baking classes|"
    "bread starters|laminated pastry|seasonal tarts|coffee pairings|cake tastings|catering menus"
).split("|")
ANGLES = [
    ("How to Choose {s}", "choose {s}"),
    ("A Beginner's Guide to {s}", "guide to {s}"),
    ("Why Our {s} Take Time", "why {s} take time"),
    ("Ordering {s} for a Crowd", "ordering {s}"),
    ("Storing {s} So They Stay Fresh", "storing {s}"),
    ("What Goes Into Our {s}", "making {s}"),
    ("{s} for Every Season", "seasonal {s}"),
    ("Five Mistakes to Avoid With {s}", "mistakes with {s}"),
    ("Planning {s} for an Office Party", "office party {s}"),
    ("The Story Behind Our {s}", "story of {s}"),
]
EXTERNAL = [
    "https://www.kingarthurbaking.com/learn/guides/sourdough",
    "https://en.wikipedia.org/wiki/Sourdough",
    "https://www.seriouseats.com/bread-science",
    "https://www.vermontflour.example/mill",
    "https://www.foodsafety.gov/food-safety-charts",
    "https://www.fda.gov/food/food-labeling-nutrition/food-allergies",
    "https://en.wikipedia.org/wiki/Viennoiserie",
    "https://www.usda.gov/topics/food-and-nutrition",
]
WORDS = (
    "flour water salt starter dough crumb crust oven morning loaf butter sugar eggs cream layers "
    "fermentation proof shape bake cool slice customer order counter team neighbor weekend season "
    "recipe flavor texture aroma grain mill farm local fresh warm crisp tender golden simple careful "
    "patient overnight early bright honest gentle rich light soft steady quick slow small whole every "
    "family office wedding party guest table plate box tray week day hour minute delivery pickup"
).split()
VERBS = "bake mix fold shape proof chill slice serve order plan taste keep freeze warm share choose".split()
IMAGES = 12  # distinct generated images, reused across posts


@dataclass
class Post:
    slug: str
    title: str
    date: dt.datetime
    category: str
    tags: list[str]
    keyword: str
    keywords: list[str]
    segment: str
    stage: str
    channels: str
    owner: str
    author: str
    image: str
    description: str
    body: str = ""
    faq: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Corpus:
    folder: Path
    posts: list[Post]

    @property
    def mainstreet_settings(self) -> Path:
        return self.folder / "mainstreet" / "site.py"

    @property
    def pelican_settings(self) -> Path:
        return self.folder / "pelican" / "pelicanconf.py"

    @property
    def hugo_site(self) -> Path:
        return self.folder / "hugo"

    @property
    def content(self) -> Path:
        return self.folder / "mainstreet" / "content"

    def post_path(self, post: Post) -> Path:
        return self.content / "posts" / f"{post.slug}.md"


def make_corpus(folder: str | Path, posts: int = 2000, seed: int = 7) -> Corpus:
    """Write the corpus into ``folder`` (emptied first) and describe it."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    rng = random.Random(seed)
    plan = _plan_posts(rng, posts)
    for post in plan:
        post.body, post.faq = _write_body(rng, post, plan)
    corpus = Corpus(folder, plan)
    _write_mainstreet(corpus, rng)
    _write_pelican(corpus)
    _write_hugo(corpus)
    return corpus


# --- the posts ----------------------------------------------------------------


def _plan_posts(rng: random.Random, count: int) -> list[Post]:
    posts = []
    seen: set[str] = set()
    # One post every ~1.3 days, the newest a day before NOW.
    for index in range(count):
        subject = rng.choice(SUBJECTS)
        pattern, key_pattern = rng.choice(ANGLES)
        title = pattern.format(s=subject.title())
        base = _slugify(title)
        slug, n = base, 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        days = 1 + (count - index) * 1.3
        date = (_NOW - dt.timedelta(days=days)).replace(hour=8, minute=0, second=0, microsecond=0)
        keyword = key_pattern.format(s=subject) + ("" if n == 2 else f" part {n - 1}")
        posts.append(
            Post(
                slug=slug,
                title=f"{title}" if n == 2 else f"{title} (Part {n - 1})",
                date=date,
                category=rng.choice(CATEGORIES),
                tags=sorted(rng.sample(TAGS, rng.randint(2, 5))),
                keyword=keyword,
                keywords=sorted({rng.choice(SUBJECTS), rng.choice(TAGS).replace("-", " ")}),
                segment=rng.choice(SEGMENTS),
                stage=rng.choice(STAGES),
                channels=rng.choice(CHANNEL_SETS),
                owner=rng.choice(OWNERS),
                author=rng.choice(AUTHORS),
                image=f"images/bench/photo-{rng.randrange(IMAGES):02d}.jpg",
                description=_description(rng, keyword),
            )
        )
    return posts


def _description(rng: random.Random, keyword: str) -> str:
    text = f"Everything our bakers know about {keyword}: " + " ".join(_sentence(rng, 8).rstrip(".").split()[:10])
    return (text[:150].rsplit(" ", 1)[0] + ".") if len(text) > 150 else text + "."


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    chosen.insert(rng.randrange(1, words), rng.choice(VERBS))
    return " ".join(chosen).capitalize() + "."


def _paragraph(rng: random.Random, words: int) -> str:
    out, total = [], 0
    while total < words:
        n = rng.randint(8, 18)
        out.append(_sentence(rng, n))
        total += n + 1
    return " ".join(out)


def _write_body(rng: random.Random, post: Post, plan: list[Post]) -> tuple[str, list[tuple[str, str]]]:
    target = rng.randint(600, 1500)
    others = [p for p in plan if p.slug != post.slug]
    internal = rng.sample(others, min(len(others), rng.randint(3, 8)))
    external = rng.sample(EXTERNAL, rng.randint(1, 3))
    images = [f"images/bench/photo-{rng.randrange(IMAGES):02d}.jpg" for _ in range(rng.randint(1, 2))]
    blocks = [f"{_paragraph(rng, 60)} This guide is about {post.keyword}."]
    words = 70
    section = 0
    while words < target:
        section += 1
        blocks.append(f"## {rng.choice(VERBS).capitalize()} {rng.choice(WORDS)} {rng.choice(WORDS)} {section}")
        n = rng.randint(60, 140)
        blocks.append(_paragraph(rng, n))
        words += n + 4
        kind = section % 4
        if kind == 1:
            items = [f"- **{rng.choice(WORDS).capitalize()}**: {_sentence(rng, 7)}" for _ in range(rng.randint(3, 5))]
            blocks.append("\n".join(items))
            words += 9 * len(items)
        elif kind == 2:
            items = [f"{i}. {_sentence(rng, 9)}" for i in range(1, rng.randint(4, 6))]
            blocks.append("\n".join(items))
            words += 10 * len(items)
        elif kind == 3 and section < 8:
            rows = ["| Item | Lead time | Serves |", "|------|-----------|--------|"]
            for _ in range(rng.randint(3, 5)):
                rows.append(f"| {rng.choice(SUBJECTS)} | {rng.randint(1, 10)} days | {rng.randint(2, 40)} |")
            blocks.append("\n".join(rows))
            words += 5 * len(rows)
        if section % 3 == 0:
            blocks.append(f"### {rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)}")
            blocks.append(_paragraph(rng, 40))
            words += 44
    # Links and images go into the paragraphs, spread through the post.
    paragraphs = [i for i, b in enumerate(blocks) if b[:1].isalpha()]
    for other in internal:
        i = rng.choice(paragraphs)
        blocks[i] += f" Read [{other.title.lower()}]({{filename}}/posts/{other.slug}.md) for more."
    for url in external:
        i = rng.choice(paragraphs)
        blocks[i] += f" See [this reference]({url}) too."
    for image in images:
        i = rng.choice(paragraphs)
        blocks.insert(i + 1, f"![A photo from the bakery: {rng.choice(SUBJECTS)}]({{static}}/{image})")
    faq = []
    if rng.random() < 0.25:
        faq = [(f"How long do {rng.choice(SUBJECTS)} keep?", _sentence(rng, 14)) for _ in range(rng.randint(2, 3))]
    return "\n\n".join(blocks), faq


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- Mainstreet / Pelican -----------------------------------------------------

PAGES = {
    "home": ("Hearth & Honey Bakery", "Naturally leavened bread, custom cakes, office catering and weekend baking classes in Alder Falls."),
    "about": ("About Us", "The people, ovens and flour behind our neighborhood bakery, and how we bake every day."),
    "services": ("Services", "Daily bread, custom cakes, office catering and weekend baking classes, with lead times."),
    "contact": ("Contact", "How to reach the bakery: phone, email, opening hours and where to find our counters."),
}


def _pelican_markdown(post: Post) -> str:
    head = [
        f"Title: {post.title}",
        f"Date: {post.date:%Y-%m-%d %H:%M}",
        f"Category: {post.category}",
        f"Tags: {', '.join(post.tags)}",
        f"Slug: {post.slug}",
        f"Authors: {post.author}",
        f"Keyword: {post.keyword}",
        f"Keywords: {', '.join(post.keywords)}",
        f"Segment: {post.segment}",
        f"Stage: {post.stage}",
        f"Channels: {post.channels}",
        f"Image: {post.image}",
        f"Image_alt: A photo for {post.title.lower()}",
        f"Description: {post.description}",
    ]
    body = post.body
    if post.faq:
        body += "\n\n## FAQ\n\n" + "\n\n".join(f"### {q}\n\n{a}" for q, a in post.faq)
    return "\n".join(head) + "\n\n" + body + "\n"


def _write_mainstreet(corpus: Corpus, rng: random.Random) -> None:
    site = corpus.folder / "mainstreet"
    content = corpus.content
    (content / "posts").mkdir(parents=True)
    for post in corpus.posts:
        corpus.post_path(post).write_text(_pelican_markdown(post), encoding="utf-8")
    (content / "pages").mkdir()
    for slug, (title, description) in PAGES.items():
        body = f"{_paragraph(rng, 120)}\n\n## What we do\n\n{_paragraph(rng, 120)}"
        head = f"Title: {title}\nSlug: {slug}\nDescription: {description}\n"
        if slug == "home":  # the site's front page, as in the demo
            head += "Save_as: index.html\nURL:\nTemplate: home\n"
        text = f"{head}\n{body}\n"
        (content / "pages" / f"{slug}.md").write_text(text, encoding="utf-8")
    # The demo's site-wide images (the settings' business profile names them)
    # and favicons, plus the generated post photos.
    shutil.copytree(ROOT / "content" / "extra", content / "extra")
    (content / "images").mkdir()
    for image in sorted((ROOT / "content" / "images").glob("*.jpg")):
        shutil.copy2(image, content / "images" / image.name)
    _write_photos(content / "images" / "bench")
    _write_calendar(corpus, site / "calendar")
    (site / "site.py").write_text(_MAINSTREET_SETTINGS.format(root=str(ROOT)), encoding="utf-8")


def _write_photos(folder: Path) -> None:
    from PIL import Image

    folder.mkdir(parents=True)
    for i in range(IMAGES):
        shade = (180 + 5 * i, 130 + 3 * i, 80 + 7 * i)
        Image.new("RGB", (1200, 800), shade).save(folder / f"photo-{i:02d}.jpg", quality=70)


def _write_calendar(corpus: Corpus, folder: Path) -> None:
    folder.mkdir()
    header = "| Date | Title | Slug | Keyword | Segment | Stage | Channels | Status | Owner |"
    by_year: dict[int, list[Post]] = {}
    for post in corpus.posts:
        by_year.setdefault(post.date.year, []).append(post)
    for year, posts in sorted(by_year.items()):
        rows = [f"# Editorial calendar {year}", "", header, "|---|---|---|---|---|---|---|---|---|"]
        for p in posts:
            rows.append(
                f"| {p.date:%Y-%m-%d} | {p.title} | {p.slug} | {p.keyword} | {p.segment} | {p.stage} "
                f"| {p.channels} | published | {p.owner} |"
            )
        (folder / f"{year}.md").write_text("\n".join(rows) + "\n", encoding="utf-8")


_MAINSTREET_SETTINGS = '''# Bench corpus: the repository's settings (every plugin it enables) over generated content.
import os
import sys
from pathlib import Path

_ROOT = Path(os.environ.get("MAINSTREET_ROOT") or {root!r})
sys.path.insert(0, str(_ROOT))
from pelicanconf import *  # noqa: E402,F403

PATH = "content"
OUTPUT_PATH = "output"
# The newsletter bench measures sending, not the polite default pause between messages.
if "NEWSLETTER" in globals():
    NEWSLETTER = dict(NEWSLETTER, rate_per_minute=0)  # noqa: F405
'''

_PELICAN_SETTINGS = '''# Bench corpus: plain Pelican 4.12 over the same content, no plugins, default theme.
PATH = {content!r}
OUTPUT_PATH = "output"
SITENAME = "Hearth & Honey Bakery"
SITEURL = ""
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
# The front page uses Mainstreet's home template; plain Pelican's front page is the blog index.
IGNORE_FILES = ["home.md"]
PLUGINS = []
ARTICLE_URL = "blog/{{slug}}/"
ARTICLE_SAVE_AS = "blog/{{slug}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
CATEGORY_URL = "blog/category/{{slug}}/"
CATEGORY_SAVE_AS = "blog/category/{{slug}}/index.html"
TAG_URL = "blog/tag/{{slug}}/"
TAG_SAVE_AS = "blog/tag/{{slug}}/index.html"
AUTHOR_URL = "blog/author/{{slug}}/"
AUTHOR_SAVE_AS = "blog/author/{{slug}}/index.html"
DEFAULT_PAGINATION = 6
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
FEED_DOMAIN = "https://www.hearthandhoney.example"
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/category/{{slug}}.atom.xml"
CATEGORY_FEED_RSS = "feeds/category/{{slug}}.rss.xml"
FEED_MAX_ITEMS = 50
RSS_FEED_SUMMARY_ONLY = False
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.extra": {{}},
        "markdown.extensions.toc": {{"permalink": False}},
        "markdown.extensions.sane_lists": {{}},
        "markdown.extensions.smarty": {{}},
    }},
    "output_format": "html5",
}}
CACHE_CONTENT = {cache!r}
LOAD_CONTENT_CACHE = {cache!r}
CACHE_PATH = "cache"
'''


def _write_pelican(corpus: Corpus) -> None:
    folder = corpus.folder / "pelican"
    folder.mkdir()
    content = str(corpus.content)
    corpus.pelican_settings.write_text(_PELICAN_SETTINGS.format(content=content, cache=False), encoding="utf-8")
    # Pelican's own content cache, for the rebuild-after-one-edit pair.
    (folder / "cachedconf.py").write_text(_PELICAN_SETTINGS.format(content=content, cache=True), encoding="utf-8")


# --- Hugo ---------------------------------------------------------------------

_HUGO_CONFIG = """baseURL = "https://www.hearthandhoney.example/"
title = "Hearth & Honey Bakery"
languageCode = "en"
paginate = 6
disableKinds = ["404"]
enableRobotsTXT = true

[permalinks]
  posts = "/blog/:slug/"
  categories = "/blog/category/:slug/"
  tags = "/blog/tag/:slug/"

[taxonomies]
  category = "categories"
  tag = "tags"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]

[services.rss]
  limit = 50

[markup.goldmark.renderer]
  unsafe = true
"""

_HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 150 }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head><body>
<header><a href="/">{{ .Site.Title }}</a> <nav><a href="/blog/">Blog</a> <a href="/about/">About</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>&copy; {{ .Site.Title }}</footer>
</body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
{{ with .Params.categories }}in {{ range . }}<a href="{{ "categories/" | relLangURL }}{{ . | urlize }}/">{{ . }}</a>{{ end }}{{ end }}</p>
{{ with .Params.image }}<img src="/{{ . }}" alt="{{ $.Params.image_alt }}">{{ end }}
{{ .Content }}
<p>Tags: {{ range .Params.tags }}<a href="/blog/tag/{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $paginator := .Paginate (where .Pages "Type" "posts") }}
{{ range $paginator.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Summary }}</p></article>{{ end }}
{{ if $paginator.HasPrev }}<a href="{{ $paginator.Prev.URL }}">Newer</a>{{ end }}
{{ if $paginator.HasNext }}<a href="{{ $paginator.Next.URL }}">Older</a>{{ end }}
{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul>{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ .Site.Title }}</h1>
{{ range first 6 (where .Site.RegularPages "Type" "posts") }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Summary }}</p></article>{{ end }}{{ end }}
""",
}


def _hugo_markdown(post: Post) -> str:
    front = [
        "---",
        f"title: {_yaml(post.title)}",
        f"date: {post.date:%Y-%m-%dT%H:%M:%S}-05:00",
        f"slug: {post.slug}",
        f"categories: [{_yaml(post.category)}]",
        f"tags: [{', '.join(_yaml(t) for t in post.tags)}]",
        f"authors: [{_yaml(post.author)}]",
        f"keyword: {_yaml(post.keyword)}",
        f"description: {_yaml(post.description)}",
        f"image: {post.image}",
        f"image_alt: {_yaml('A photo for ' + post.title.lower())}",
        "---",
    ]
    body = _pelican_markdown(post).split("\n\n", 1)[1]
    body = re.sub(r"\{filename\}/posts/([a-z0-9-]+)\.md", r"/blog/\1/", body)
    body = body.replace("{static}/", "/")
    return "\n".join(front) + "\n\n" + body


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_hugo(corpus: Corpus) -> None:
    site = corpus.hugo_site
    (site / "content" / "posts").mkdir(parents=True)
    (site / "config.toml").write_text(_HUGO_CONFIG, encoding="utf-8")
    (site / "content" / "posts" / "_index.md").write_text(
        '---\ntitle: "Blog"\nurl: "/blog/"\n---\n', encoding="utf-8"
    )
    for post in corpus.posts:
        (site / "content" / "posts" / f"{post.slug}.md").write_text(_hugo_markdown(post), encoding="utf-8")
    for page in (corpus.content / "pages").glob("*.md"):
        if page.stem == "home":
            continue  # Hugo's front page is layouts/index.html
        head, body = page.read_text(encoding="utf-8").split("\n\n", 1)
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        front = f"---\ntitle: {_yaml(meta['Title'])}\nurl: /{meta['Slug']}/\ndescription: {_yaml(meta['Description'])}\n---\n"
        (site / "content" / f"{page.stem}.md").write_text(front + "\n" + body, encoding="utf-8")
    for name, text in _HUGO_LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(corpus.content / "images", site / "static" / "images")
    for icon in (corpus.content / "extra").iterdir():
        shutil.copy2(icon, site / "static" / icon.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.make_corpus", description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    corpus = make_corpus(args.folder, args.posts, args.seed)
    print(f"Wrote {len(corpus.posts)} posts to {corpus.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
