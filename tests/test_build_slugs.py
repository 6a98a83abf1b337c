"""Tag, category and author names with no letters (an emoji) still get a usable, stable URL."""

from __future__ import annotations

import re

from conftest import DEMO_NOW, read_pages, run_build

POST = """Title: Birthday Cakes
Date: 2026-03-05 08:00
Category: {category}
Tags: {tags}
Authors: {author}
Slug: birthday-cakes
Description: How we bake birthday cakes to order, from the sponge to the candles, in our shop.

Birthday cakes are baked to order.
"""


def build_with(project, category="Bread", tags="🎂", author="Ana Ribeiro"):
    (project / "content" / "posts" / "birthday.md").write_text(
        POST.format(category=category, tags=tags, author=author), encoding="utf-8")
    output = project / "output"
    result = run_build(project / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    return output


def links(output):
    found = set()
    for page in read_pages(output):
        for tag in page.soup.find_all(["a", "link"], href=True):
            found.add(tag["href"])
    return found


def test_an_emoji_tag_gets_a_readable_stable_slug(project):
    output = build_with(project, tags="🎂, 🎉, sourdough")
    hrefs = links(output)
    assert not [h for h in hrefs if re.search(r"/(tag|category|author)//", h)]
    # 🎂 is U+1F382, 🎉 U+1F389: two tags, two pages, never merged into one.
    for slug in ("tag-1f382", "tag-1f389"):
        page = output / "blog" / "tag" / slug / "index.html"
        assert page.is_file(), sorted(p.name for p in (output / "blog" / "tag").iterdir())
        assert "Birthday Cakes" in page.read_text(encoding="utf-8")
        assert any(h.rstrip("/").endswith(f"/blog/tag/{slug}") for h in hrefs)
    assert (output / "blog" / "tag" / "sourdough" / "index.html").is_file()
    post = (output / "blog" / "birthday-cakes" / "index.html").read_text(encoding="utf-8")
    assert "🎂" in post  # the name is still shown as written


def test_an_emoji_category_and_author_get_slugs_too(project):
    output = build_with(project, category="🍰", author="🧁")
    hrefs = links(output)
    assert not [h for h in hrefs if re.search(r"/(tag|category|author)//", h)]
    assert (output / "blog" / "category" / "category-1f370" / "index.html").is_file()
    assert any("/blog/author/author-1f9c1" in h for h in hrefs)
