"""Drafts, hidden pages and future posts reach nothing in output/, until their date."""

from __future__ import annotations

import feedparser
from conftest import FIXTURES, run_build

MARKERS = {
    "draft": ("DRAFT-MARKER-TEXT", "secret-draft", "Secret Draft Recipe"),
    "hidden page": ("HIDDEN-MARKER-TEXT", "staff-only", "Hidden Staff Page"),
    "future post": ("FUTURE-MARKER-TEXT", "future-post", "Holiday Preview"),
}


def all_text(output) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in output.rglob("*") if p.is_file()
    )


def test_unpublished_content_appears_nowhere(fixture_site):
    output = fixture_site.output
    everything = all_text(output)
    paths = [p.relative_to(output).as_posix() for p in output.rglob("*")]
    for what, (marker, slug, title) in MARKERS.items():
        assert marker not in everything, f"{what}: its body was published"
        assert slug not in everything, f"{what}: its URL is linked or listed somewhere"
        assert title not in everything, f"{what}: its title is listed somewhere"
        assert not [p for p in paths if slug in p], f"{what}: a file was written for it"
    assert not (output / "drafts").exists()
    # Its tag and category exist only through unpublished posts.
    assert not (output / "blog" / "tag" / "secret").exists()
    assert not (output / "blog" / "category" / "cakes").exists()


def test_future_post_is_published_by_a_build_on_its_date(tmp_path):
    output = tmp_path / "output"
    result = run_build(FIXTURES / "site" / "siteconf.py", output, now="2030-12-01T08:00")
    assert result.returncode == 0, result.stderr
    page = output / "blog" / "future-post" / "index.html"
    assert page.exists()
    assert "FUTURE-MARKER-TEXT" in page.read_text()
    assert "future-post" in (output / "sitemap.xml").read_text()
    feed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert "Holiday Preview" in [e.title for e in feed.entries]
    # ...and a minute earlier it was not.
    earlier = tmp_path / "earlier"
    result = run_build(FIXTURES / "site" / "siteconf.py", earlier, now="2030-12-01T07:59")
    assert result.returncode == 0, result.stderr
    assert not (earlier / "blog" / "future-post").exists()


def test_clock_is_in_the_site_timezone(tmp_path):
    # 08:00 in New York is 13:00 UTC: a build at 12:59 UTC must still hold the post back.
    output = tmp_path / "output"
    result = run_build(FIXTURES / "site" / "siteconf.py", output, now="2030-12-01T12:59+00:00")
    assert result.returncode == 0, result.stderr
    assert not (output / "blog" / "future-post").exists()
    result = run_build(FIXTURES / "site" / "siteconf.py", output, now="2030-12-01T13:00+00:00")
    assert result.returncode == 0, result.stderr
    assert (output / "blog" / "future-post").exists()


def test_bad_clock_value_is_a_clear_error(tmp_path):
    result = run_build(FIXTURES / "site" / "siteconf.py", tmp_path / "out", now="next tuesday")
    assert result.returncode == 1
    assert "BUILD_NOW 'next tuesday' is not an ISO date" in result.stderr
