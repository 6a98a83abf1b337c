"""The demo site, built for real and read back with independent parsers."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import unquote, urljoin, urlsplit

import advertools as adv
import feedparser
import pytest
from conftest import ROOT

BASE = "https://www.hearthandhoney.example"


def indexable(page) -> bool:
    robots = page.meta("robots") or ""
    return "noindex" not in robots and page.canonical == BASE + page.url


def test_build_succeeds_without_warnings(demo_site):
    warnings = [line for line in demo_site.result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == []


def test_demo_has_the_pages_a_business_needs(demo_site):
    urls = {p.url for p in demo_site.pages}
    for url in ("/", "/about/", "/services/", "/contact/", "/blog/", "/offers/holiday-cakes/", "/404.html"):
        assert url in urls, f"{url} missing"


def test_at_least_twelve_substantial_posts(demo_site):
    posts = [p for p in demo_site.pages if re.fullmatch(r"/blog/[a-z0-9-]+/", p.url)]
    posts = [p for p in posts if p.meta("og:type") == "article"]
    assert len(posts) >= 12
    for post in posts:
        words = len(post.soup.find("main").get_text(" ").split())
        assert words >= 400, f"{post.url} has only {words} words"
        assert post.soup.find("main").find("h2"), f"{post.url} has no sections"
        assert post.soup.find("main").find(["ul", "ol"]), f"{post.url} has no list"
        assert post.soup.find("main").find("img"), f"{post.url} has no image"


@pytest.mark.parametrize("check", ["h1", "title", "description", "canonical", "og", "lang"])
def test_every_page_has_complete_on_page_seo(demo_site, check):
    problems = []
    for page in demo_site.pages:
        soup = page.soup
        if check == "h1" and len(soup.find_all("h1")) != 1:
            problems.append(f"{page.url}: {len(soup.find_all('h1'))} h1")
        if check == "title" and not (soup.title and soup.title.string and soup.title.string.strip()):
            problems.append(f"{page.url}: no title")
        if check == "description":
            description = page.meta("description") or ""
            if not 50 <= len(description) <= 160:
                problems.append(f"{page.url}: description of {len(description)} chars: {description!r}")
        if check == "canonical" and not (page.canonical or "").startswith(BASE + "/"):
            problems.append(f"{page.url}: canonical {page.canonical!r}")
        if check == "og":
            for prop in ("og:title", "og:description", "og:url", "og:type", "og:image", "twitter:card"):
                if not page.meta(prop):
                    problems.append(f"{page.url}: no {prop}")
            if not (page.meta("og:image") or "").startswith(BASE + "/"):
                problems.append(f"{page.url}: og:image not absolute")
        if check == "lang" and soup.html.get("lang") != "en":
            problems.append(f"{page.url}: lang={soup.html.get('lang')!r}")
    assert problems == []


def test_titles_follow_the_pattern_and_are_unique(demo_site):
    titles = [p.soup.title.string.strip() for p in demo_site.pages if indexable(p)]
    assert [t for t, n in Counter(titles).items() if n > 1] == []
    post = next(p for p in demo_site.pages if p.meta("og:type") == "article")
    assert post.soup.title.string.endswith(" · Hearth & Honey Bakery")
    assert post.soup.h1.get_text(strip=True) in post.soup.title.string


def test_descriptions_are_unique_on_indexable_pages(demo_site):
    descriptions = [p.meta("description") for p in demo_site.pages if indexable(p)]
    assert [d for d, n in Counter(descriptions).items() if n > 1] == []


def test_sitemap_lists_exactly_the_indexable_pages(demo_site):
    sitemap = adv.sitemap_to_df((demo_site.output / "sitemap.xml").as_uri())
    listed = set(sitemap["loc"])
    expected = {BASE + p.url for p in demo_site.pages if indexable(p)}
    assert listed == expected
    assert len(listed) == len(sitemap), "a URL is listed twice"
    assert BASE + "/404.html" not in listed
    posts = sitemap[sitemap["loc"].str.contains("/blog/") & ~sitemap["loc"].str.contains("/category/|/page/")]
    assert posts["lastmod"].notna().all(), "posts need lastmod"


def test_noindex_pages_are_not_in_the_sitemap(demo_site):
    sitemap = (demo_site.output / "sitemap.xml").read_text()
    noindex = [p for p in demo_site.pages if "noindex" in (p.meta("robots") or "")]
    assert noindex, "tag and author pages are noindex in the demo"
    for page in noindex:
        assert f"<loc>{BASE}{page.url}</loc>" not in sitemap


def test_robots_txt_points_to_the_sitemap(demo_site):
    robots = (demo_site.output / "robots.txt").read_text()
    assert f"Sitemap: {BASE}/sitemap.xml" in robots.splitlines()
    assert "User-agent: *" in robots


@pytest.mark.parametrize("name", ["all.atom.xml", "all.rss.xml"])
def test_feeds_parse_and_hold_every_published_post(demo_site, name):
    feed = feedparser.parse((demo_site.output / "feeds" / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    posts = {p.canonical for p in demo_site.pages if p.meta("og:type") == "article"}
    assert {e.link for e in feed.entries} == posts
    for entry in feed.entries:
        assert entry.link.startswith(BASE + "/blog/")
        content = entry.content[0].value if "content" in entry else entry.summary
        for href in re.findall(r'(?:href|src)="([^"]+)"', content):
            assert href.startswith(("https://", "http://", "mailto:", "tel:", "#")), f"relative link {href} in feed"
        assert any(link.get("rel") == "enclosure" for link in entry.links), "hero image enclosure"


def test_internal_links_and_images_resolve(demo_site):
    output = demo_site.output
    missing = []
    for page in demo_site.pages:
        for tag, attr in (("a", "href"), ("img", "src"), ("link", "href")):
            for element in page.soup.find_all(tag):
                target = element.get(attr)
                if not target:
                    continue
                absolute = urljoin(BASE + page.url, target)
                parts = urlsplit(absolute)
                if f"{parts.scheme}://{parts.netloc}" != BASE:
                    continue
                path = output / unquote(parts.path).lstrip("/")
                if path.is_dir():
                    path = path / "index.html"
                if not path.exists():
                    missing.append(f"{page.url}: <{tag} {attr}={target!r}>")
    assert missing == []


def test_images_have_alt_and_dimensions(demo_site):
    problems = []
    for page in demo_site.pages:
        for img in page.soup.find_all("img"):
            if img.get("alt") is None:
                problems.append(f"{page.url}: {img.get('src')} has no alt")
            if not (img.get("width") and img.get("height")):
                problems.append(f"{page.url}: {img.get('src')} has no width/height")
    assert problems == []


def test_404_page_is_real_and_not_indexed(demo_site):
    page = demo_site.page("/404.html")
    assert "noindex" in page.meta("robots")
    assert page.soup.find("a", href=re.compile(r"^/?$|/$"))


def test_tag_and_author_pages_are_noindex_follow(demo_site):
    tag_pages = [p for p in demo_site.pages if p.url.startswith("/blog/tag/")]
    assert tag_pages
    assert all(p.meta("robots") == "noindex, follow" for p in tag_pages)


def test_footer_shows_name_address_phone_and_hours_on_every_page(demo_site):
    for page in demo_site.pages:
        # the page footer (contentinfo), not an article's footer
        footers = [f for f in page.soup.find_all("footer") if not f.find_parent(["article", "main", "section"])]
        assert len(footers) == 1, page.url
        footer = footers[0]
        text = footer.get_text(" ")
        assert "Hearth & Honey Bakery" in text
        assert "42 Mill Street" in text and "Alder Falls" in text
        assert footer.find("a", href="tel:+18025550142"), page.url
        assert "(802) 555-0142" in text
        assert re.search(r"Closed", text) and re.search(r"7 am", text), page.url


def test_calendar_plans_the_next_quarter():
    text = "\n".join(p.read_text() for p in sorted((ROOT / "calendar").glob("*.md")))
    header = re.search(r"^\|\s*Date\s*\|\s*Title\s*\|\s*Slug\s*\|.*Status.*\|", text, re.M | re.I)
    assert header, "calendar needs a table with the documented columns"
    dates = re.findall(r"^\|\s*(\d{4}-\d{2}-\d{2})", text, re.M)
    assert any(d >= "2027-01-01" for d in dates) and any("2026-12" in d for d in dates)
