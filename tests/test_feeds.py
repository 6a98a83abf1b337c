"""Feeds: every file the feeds plugin writes, read back with feedparser and checked
against the rules of RFC 4287 (Atom), RSS 2.0 and JSON Feed 1.1."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from conftest import DEMO_NOW, FIXTURES, ROOT, run_build
from lxml import etree

A = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
BASE = "https://www.hearthandhoney.example"
SEGMENT_OF = {}  # filled from the demo's posts


def _rfc3339(value: str) -> dt.datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value), value
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _feed_files(output: Path, suffix: str) -> list[Path]:
    return sorted((output / "feeds").rglob(f"*{suffix}"))


def _post_segments(root: Path) -> dict[str, str]:
    """URL -> segment ('' for general) from the demo's Markdown sources."""
    result = {}
    for path in (root / "content" / "posts").glob("*.md"):
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
        meta = {k.strip().lower(): v.strip() for k, v in meta.items()}
        segment = meta.get("segment", "").lower()
        result[f"{BASE}/blog/{meta['slug']}/"] = "" if segment in ("", "all") else segment
    return result


def check_atom(data: bytes) -> list[str]:
    """Problems with an Atom document under RFC 4287's rules (empty when valid)."""
    problems = []
    root = etree.fromstring(data)
    if root.tag != f"{A}feed":
        return [f"root element is {root.tag}"]

    def one(parent, name, where):
        found = parent.findall(f"{A}{name}")
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{name} (expected exactly one)")
        return found[0] if found else None

    def links_ok(parent, where, need_alternate):
        alternates = {}
        for link in parent.findall(f"{A}link"):
            if not link.get("href"):
                problems.append(f"{where}: link without href")
            rel = link.get("rel", "alternate")
            if rel == "alternate":
                key = (link.get("type"), link.get("hreflang"))
                if key in alternates:
                    problems.append(f"{where}: two alternate links with type/hreflang {key}")
                alternates[key] = link
            if rel == "enclosure" and not link.get("length"):
                problems.append(f"{where}: enclosure without length")
        if need_alternate and not alternates:
            problems.append(f"{where}: no alternate link")

    for name in ("id", "title", "updated"):
        one(root, name, "feed")
    updated = root.find(f"{A}updated")
    if updated is not None:
        _rfc3339(updated.text)
    feed_has_author = root.find(f"{A}author") is not None
    links_ok(root, "feed", need_alternate=False)
    if len([link for link in root.findall(f"{A}link") if link.get("rel") == "self"]) != 1:
        problems.append("feed: expected one self link")
    ids = set()
    for index, entry in enumerate(root.findall(f"{A}entry")):
        where = f"entry {index}"
        for name in ("id", "title", "updated"):
            element = one(entry, name, where)
            if element is not None and name in ("updated",):
                _rfc3339(element.text)
        entry_id = entry.findtext(f"{A}id")
        if entry_id in ids:
            problems.append(f"{where}: duplicate id {entry_id}")
        ids.add(entry_id)
        if not urlsplit(entry_id or "").scheme:
            problems.append(f"{where}: id {entry_id!r} is not an absolute IRI")
        if not feed_has_author and entry.find(f"{A}author") is None:
            problems.append(f"{where}: no author and the feed has none")
        if entry.find(f"{A}author/{A}name") is None and entry.find(f"{A}author") is not None:
            problems.append(f"{where}: author without name")
        content = entry.find(f"{A}content")
        if content is None:
            links_ok(entry, where, need_alternate=True)
        else:
            links_ok(entry, where, need_alternate=False)
            kind = content.get("type", "text")
            if kind not in ("text", "html", "xhtml") and "/" not in kind:
                problems.append(f"{where}: content type {kind!r} is neither text, html, xhtml nor a MIME type")
            if content.get("src") is None and entry.find(f"{A}summary") is None and "/" in kind:
                problems.append(f"{where}: non-text content needs a summary")
        published = entry.find(f"{A}published")
        if published is not None:
            _rfc3339(published.text)
        for cat in entry.findall(f"{A}category"):
            if not cat.get("term"):
                problems.append(f"{where}: category without term")
    return problems


def check_rss(data: bytes) -> list[str]:
    """Problems with an RSS 2.0 document (empty when valid)."""
    problems = []
    root = etree.fromstring(data)
    if root.tag != "rss" or root.get("version") != "2.0":
        return ["not an <rss version='2.0'> document"]
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"channel: missing {name}")
    for name in ("pubDate", "lastBuildDate"):
        if channel.find(name) is not None:
            assert email.utils.parsedate_to_datetime(channel.findtext(name)), name
    guids = set()
    for index, item in enumerate(channel.findall("item")):
        where = f"item {index}"
        if item.find("title") is None and item.find("description") is None:
            problems.append(f"{where}: needs a title or a description")
        guid = item.findtext("guid")
        if not guid or guid in guids:
            problems.append(f"{where}: missing or duplicate guid {guid!r}")
        guids.add(guid)
        if item.find("guid").get("isPermaLink", "true") == "true" and not guid.startswith("http"):
            problems.append(f"{where}: permalink guid {guid!r} is not a URL")
        if item.find("pubDate") is not None:
            email.utils.parsedate_to_datetime(item.findtext("pubDate"))
        enclosures = item.findall("enclosure")
        if len(enclosures) > 1:
            problems.append(f"{where}: more than one enclosure")
        for enclosure in enclosures:
            if not (enclosure.get("url") and enclosure.get("length", "").isdigit() and enclosure.get("type")):
                problems.append(f"{where}: enclosure needs url, length and type")
    return problems


JSON_FEED_TOP = {
    "version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url", "icon",
    "favicon", "authors", "language", "expired", "hubs", "items",
}
JSON_FEED_ITEM = {
    "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
    "banner_image", "date_published", "date_modified", "authors", "tags", "language", "attachments",
}


def check_json_feed(feed: dict) -> list[str]:
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version is {feed.get('version')!r}")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("title is required")
    for key in feed:
        if key not in JSON_FEED_TOP and not key.startswith("_"):
            problems.append(f"unknown top-level key {key!r} (extensions start with _)")
    ids = set()
    for index, item in enumerate(feed.get("items", [])):
        where = f"item {index}"
        for key in item:
            if key not in JSON_FEED_ITEM and not key.startswith("_"):
                problems.append(f"{where}: unknown key {key!r}")
        if not isinstance(item.get("id"), str) or item["id"] in ids:
            problems.append(f"{where}: id must be a unique string")
        ids.add(item.get("id"))
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"{where}: needs content_html or content_text")
        for key in ("date_published", "date_modified"):
            if key in item:
                _rfc3339(item[key])
        for key in ("url", "image"):
            if key in item and not item[key].startswith("https://"):
                problems.append(f"{where}: {key} is not absolute")
        for attachment in item.get("attachments", []):
            if not (attachment.get("url") and attachment.get("mime_type")):
                problems.append(f"{where}: attachment needs url and mime_type")
        for author in item.get("authors", []):
            if not any(author.get(k) for k in ("name", "url", "avatar")):
                problems.append(f"{where}: empty author")
    return problems


def test_every_feed_parses_and_follows_its_format(demo_site):
    atom = _feed_files(demo_site.output, ".atom.xml")
    rss = _feed_files(demo_site.output, ".rss.xml")
    # all + 5 categories + 3 segments
    assert len(atom) == len(rss) == 9, [p.name for p in atom]
    for path in atom + rss:
        data = path.read_bytes()
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        problems = check_atom(data) if path.name.endswith(".atom.xml") else check_rss(data)
        assert problems == [], (path.name, problems)
    feed = json.loads((demo_site.output / "feeds" / "all.json").read_text(encoding="utf-8"))
    assert check_json_feed(feed) == []
    assert feed["feed_url"] == f"{BASE}/feeds/all.json"


def test_the_format_checkers_catch_what_they_check():
    """The validators above must be able to fail."""
    bad_atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>x:1</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>'
        b'<link rel="self" href="https://x/"/><entry><id>https://x/1</id><title>a</title>'
        b'<updated>2026-01-01T00:00:00Z</updated><content type="CDATA">x</content>'
        b'<link href="https://x/1"/><link href="https://x/i.jpg"/></entry></feed>'
    )
    problems = check_atom(bad_atom)
    assert any("content type 'CDATA'" in p for p in problems)
    assert any("two alternate links" in p for p in problems)
    assert any("no author" in p for p in problems)
    assert check_rss(b'<rss version="2.0"><channel><title>t</title><item><guid>a</guid></item></channel></rss>')
    assert check_json_feed({"version": "https://jsonfeed.org/version/1", "items": [{"id": 1, "foo": 2}]})


def test_entries_carry_content_summary_dates_author_terms_and_the_hero_image(demo_site):
    parsed = feedparser.parse((demo_site.output / "feeds" / "all.atom.xml").read_bytes())
    root = etree.fromstring((demo_site.output / "feeds" / "all.atom.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.link == f"{BASE}/blog/keep-sourdough-fresh/")
    assert entry.id == entry.link  # stable id: the public URL
    assert entry.summary.startswith("Learn how to keep sourdough fresh")
    assert entry.content[0].type == "text/html" and "<h2" in entry.content[0].value
    assert entry.author == "Ana Ribeiro"
    assert {t.term for t in entry.tags} >= {"Bread", "sourdough"}
    assert entry.published_parsed and entry.updated_parsed
    enclosure = next(link for link in entry.links if link.rel == "enclosure")
    assert enclosure.href == f"{BASE}/images/posts/keep-sourdough-fresh.jpg"
    assert enclosure.type == "image/jpeg" and int(enclosure.length) > 1000
    xml_entry = next(e for e in root.iter(f"{A}entry") if e.findtext(f"{A}id") == entry.id)
    media = xml_entry.find(f"{MEDIA}content")
    assert media.get("url") == enclosure.href and media.get("medium") == "image"
    assert int(media.get("width")) > 0 and int(media.get("height")) > 0
    # RSS: the same image as enclosure and media:content (what Mailchimp's *|RSSITEM:IMAGE|* reads).
    rss = etree.fromstring((demo_site.output / "feeds" / "all.rss.xml").read_bytes())
    item = next(i for i in rss.iter("item") if i.findtext("guid") == entry.id)
    assert item.find("enclosure").get("url") == enclosure.href
    assert item.find(f"{MEDIA}content").get("url") == enclosure.href
    assert item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded").startswith("<p>")


def test_segment_and_category_feeds_hold_the_right_posts(demo_site):
    segments = _post_segments(ROOT)
    published = {e.link for e in feedparser.parse((demo_site.output / "feeds" / "all.atom.xml").read_bytes()).entries}
    for key in ("families", "offices", "weddings"):
        parsed = feedparser.parse((demo_site.output / "feeds" / "segment" / f"{key}.atom.xml").read_bytes())
        links = {e.link for e in parsed.entries}
        expected = {url for url in published if segments[url] in ("", key)}
        assert links == expected, key
        assert any(segments[url] == key for url in links), f"{key} feed has none of its own posts"
    offices = feedparser.parse((demo_site.output / "feeds" / "segment" / "offices.rss.xml").read_bytes())
    assert {e.link for e in offices.entries} == {u for u in published if segments[u] in ("", "offices")}
    seen = set()
    for path in (demo_site.output / "feeds" / "category").glob("*.atom.xml"):
        entries = feedparser.parse(path.read_bytes()).entries
        categories = {e.tags[0].term for e in entries}
        assert len(categories) == 1, (path.name, categories)  # the first term is the category
        seen |= {e.link for e in entries}
    assert seen == published


def test_json_feed_items_match_the_atom_feed(demo_site):
    feed = json.loads((demo_site.output / "feeds" / "all.json").read_text(encoding="utf-8"))
    atom = feedparser.parse((demo_site.output / "feeds" / "all.atom.xml").read_bytes())
    assert [i["id"] for i in feed["items"]] == [e.id for e in atom.entries]
    dates = [_rfc3339(i["date_published"]) for i in feed["items"]]
    assert dates == sorted(dates, reverse=True)
    item = feed["items"][0]
    assert item["image"] == item["attachments"][0]["url"]
    assert item["_mainstreet"]["slug"] in item["url"]


def test_unpublished_posts_never_reach_any_feed(fixture_site):
    texts = [p.read_text(encoding="utf-8") for p in (fixture_site.output / "feeds").rglob("*") if p.is_file()]
    assert len(texts) >= 5
    for text in texts:
        assert "DRAFT-MARKER-TEXT" not in text and "secret-draft" not in text
        assert "FUTURE-MARKER-TEXT" not in text and "future-post" not in text
    # The future post's only category (Cakes) has no feed yet.
    assert not (fixture_site.output / "feeds" / "category" / "cakes.atom.xml").exists()


def test_rebuilding_keeps_every_id(fixture_site, tmp_path):

    again = tmp_path / "output"
    result = run_build(FIXTURES / "site" / "siteconf.py", again, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    first = feedparser.parse((fixture_site.output / "feeds" / "all.atom.xml").read_bytes())
    second = feedparser.parse((again / "feeds" / "all.atom.xml").read_bytes())
    assert [e.id for e in first.entries] == [e.id for e in second.entries]


def test_bad_feed_settings_fail_the_build_with_the_key_and_value(project, tmp_path):
    conf = project / "siteconf.py"
    conf.write_text(conf.read_text() + "\nFEEDS = dict(FEEDS, max_items=0, segment_rss='feeds/seg.xml')\n")
    result = run_build(conf, tmp_path / "out", now=DEMO_NOW)
    assert result.returncode == 1
    assert "FEEDS['max_items'] is 0" in result.stderr
    assert "FEEDS['segment_rss'] is 'feeds/seg.xml'; expected a path containing {segment}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("off", ["json", "segment_atom"])
def test_a_feed_set_to_none_is_not_written(project, tmp_path, off):
    conf = project / "siteconf.py"
    conf.write_text(conf.read_text() + f"\nFEEDS = dict(FEEDS, {off}=None)\n")
    result = run_build(conf, tmp_path / "out", now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    feeds = {p.relative_to(tmp_path / "out" / "feeds").as_posix() for p in (tmp_path / "out" / "feeds").rglob("*.*")}
    assert "all.atom.xml" in feeds
    if off == "json":
        assert "all.json" not in feeds
    else:
        assert not any(f.startswith("segment/") and f.endswith(".atom.xml") for f in feeds)
        assert any(f.startswith("segment/") and f.endswith(".rss.xml") for f in feeds)
