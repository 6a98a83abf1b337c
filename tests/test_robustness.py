"""Hostile and careless source files: a clear file:line error or safely escaped output.

Every case is built for real, in a copy of the fixture site whose output/ lies
deeper than the project (so a path that climbs out of output/ would land
somewhere this test can see). Whatever the file holds, the build never shows a
traceback, never writes a file outside output/ and reports/, and either fails
with the file and line named (leaving the previous output/ as it was) or
builds a site in which the hostile text is plain, escaped text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import DEMO_NOW, FIXTURES, run_build
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mainstreet import guards
from mainstreet.prerender import cache_folder
from planning.plan import Vocabulary, check_rows, parse_calendar_text

POST = "Title: {title}\nDate: 2026-03-20 08:00\nCategory: Bread\nSlug: {slug}\n{extra}\nBody text of the post.\n"


def post(title="A Careless Post", slug="careless", extra="") -> bytes:
    return POST.format(title=title, slug=slug, extra=extra).encode()


NESTED_LIST = "".join("    " * depth + "- item\n" for depth in range(300))

# name: (file under content/, its bytes, regex the error output must match)
FAILS = {
    "not UTF-8": ("posts/latin.md", "Title: Crème brûlée\nDate: 2026-03-20\n\nCafé.\n".encode("latin-1"),
                  r"content/posts/latin\.md:1: not valid UTF-8 \(byte 0xe8 at column 10\); save the file as UTF-8"),
    "not UTF-8 in the body": ("posts/latin.md", post(extra="\nCaf\xe9 au lait.\n").replace(b"\xc3\xa9", b"\xe9"),
                              r"content/posts/latin\.md:6: not valid UTF-8"),
    "binary file": ("posts/photo.md", bytes(range(256)) * 64, r"content/posts/photo\.md:\d+: not valid UTF-8"),
    "NUL byte": ("posts/nul.md", post(title="Nul\x00 here"), r"content/posts/nul\.md:1: control character U\+0000 at column 11"),
    "form feed from a PDF": ("posts/ff.md", post(extra="\nPage one\x0cpage two\n"),
                             r"content/posts/ff\.md:6: control character U\+000C"),
    "enormous file": ("posts/huge.md", post(extra="\n" + "Flour and water and salt. " * 60_000),
                      r"content/posts/huge\.md: 1\.6 MB is too big for a source file \(the limit is 1\.0 MB\)"),
    "inline image pasted as data": ("posts/pasted.md", post(extra="\n![x](data:image/png;base64," + "A" * 1_500_000 + ")\n"),
                                    r"content/posts/pasted\.md: 1\.5 MB is too big"),
    "empty file": ("posts/empty.md", b"", r"content/posts/empty\.md:1: missing required metadata 'Title'"),
    "header without colons": ("posts/nocolon.md", b"Title A Post\nDate 2026-03-20\n\nBody.\n",
                              r"content/posts/nocolon\.md:1: missing required metadata 'Title'"),
    "empty title": ("posts/blank.md", b"Title:\nDate: 2026-03-20 08:00\n\nBody.\n",
                    r"content/posts/blank\.md:1: the Title is empty"),
    "title given twice": ("posts/twice.md", b"Title: One\nTitle: Two\nDate: 2026-03-20 08:00\n\nBody.\n",
                          r"content/posts/twice\.md:2: 'Title' is given twice \(first on line 1\); keep one"),
    "unreadable modified date": ("posts/mod.md", post(extra="Modified: last tuesday"),
                                 r"content/posts/mod\.md:5: could not read this file .*YYYY-MM-DD"),
    "lists nested 300 deep": ("posts/deep.md", post(extra="\n" + NESTED_LIST),
                              r"content/posts/deep\.md: could not read this file \(RecursionError.*nested too deeply"),
    "slug climbing out": ("posts/climb.md", post(slug="../../etc"),
                          r"content/posts/climb\.md:4: Slug '\.\./\.\./etc' holds an empty, '\.' or '\.\.' path segment"),
    "absolute slug": ("posts/abs.md", post(slug="/etc/passwd"), r"content/posts/abs\.md:4: Slug '/etc/passwd' starts with '/'"),
    "slug with URL syntax": ("posts/q.md", post(slug="My Cakes?x=1#top"),
                             r"content/posts/q\.md:4: Slug 'My Cakes\?x=1#top' holds spaces or characters"),
    "slug that is a dot": ("posts/dot.md", post(slug="."), r"content/posts/dot\.md:4: Slug '\.'"),
    "page slug climbing out": ("pages/up.md", b"Title: Up\nSlug: ../../../escaped-page\n\nBody.\n",
                               r"content/pages/up\.md:2: .*outside output/"),
    "landing slug climbing out": ("landing/up.md", b"Title: Up\nSlug: ../../escaped-landing\n\nBody.\n",
                                  r"content/landing/up\.md:2: "),
    "save_as outside output": ("posts/save.md", post(extra="Save_as: ../../../escaped.html"),
                               r"content/posts/save\.md:\d+: this file would be written outside output/"),
    "save_as absolute": ("posts/save.md", post(extra="Save_as: /tmp/escaped.html"),
                         r"content/posts/save\.md:\d+: this file would be written outside output/"),
    "save_as a folder": ("posts/save.md", post(extra="Save_as: blog/"), r"content/posts/save\.md:5: Save_as 'blog/' names a folder"),
    "lang as a path": ("posts/lang.md", post(extra="Lang: ../../x"), r"content/posts/lang\.md:5: Lang '\.\./\.\./x' is not a language code"),
    "template as a path": ("pages/tpl.md", b"Title: Tpl\nTemplate: ../../../../etc/passwd\n\nBody.\n",
                           r"content/pages/tpl\.md:2: unknown template '\.\./\.\./\.\./\.\./etc/passwd'"),
    "image outside content": ("posts/img.md", post(extra="Image: ../../outside-secret.txt\nImage_alt: x"),
                              r"content/posts/img\.md:5: Image '\.\./\.\./outside-secret\.txt' is outside content/"),
    "static link outside content": ("posts/link.md", post(extra="\nSee [the file]({static}/../../outside-secret.txt).\n"),
                                    r"content/posts/link\.md:6: links to '\.\./\.\./outside-secret\.txt', which is outside content/"),
    "attach link outside content": ("posts/attach.md", post(extra="\nSee [it]({attach}../../../outside-secret.txt).\n"),
                                    r"content/posts/attach\.md:6: links to '\.\./\.\./outside-secret\.txt'"),
}  # fmt: skip

HOSTILE_TITLE = "<script>alert('title')</script> Bread & \"Butter\" {{ 7*7 }} {% raw %} </script><!--"
ESCAPED = {
    "HTML and script in every field": (
        "posts/xss.md",
        (
            f"Title: {HOSTILE_TITLE}\nDate: 2026-03-20 08:00\nCategory: <b>Cat</b>\n"
            "Tags: <img src=x onerror=alert(1)>, ok\nAuthors: <i onmouseover=alert(2)>Eve</i>\nSlug: xss\n"
            "Image: images/bread.jpg\nImage_alt: \"><script>alert('alt')</script>\n"
            "Keyword: </script><script>alert('kw')</script>\n"
            "Description: \"><script>alert('d')</script> a description long enough for the checks, and more text.\n"
            "Summary: <script>alert('summary')</script>\n\nBody.\n"
        ).encode(),
    ),
    "byte order mark": ("posts/bom.md", b"\xef\xbb\xbf" + post(title="Bom Post", slug="bom")),
    "Windows line endings": ("posts/crlf.md", post(title="Crlf Post", slug="crlf", extra="Description: Ends with CR LF.").replace(b"\n", b"\r\n")),
    "YAML-style front matter": ("posts/yaml.md", b"---\nTitle: Yaml Post\nDate: 2026-03-20\nSlug: yaml\n---\n\nBody.\n"),
    "odd file name": ("posts/Crème Brûlée & <b>!.md", post(title="Odd Name", slug="odd-name")),
    "empty tags and category": (
        "posts/empty-tags.md",
        post(title="Empty Tags", slug="empty-tags", extra="Tags: , ,,\nCategory:").replace(b"Category: Bread\n", b""),
    ),
    "category, tag and author climbing out": (
        "posts/climb-tax.md",
        post(title="Climbing Taxonomies", slug="climb-tax", extra="Tags: ../../../escaped-tag\nAuthors: ../../../escaped-author"),
    ),
    "year one": ("posts/old.md", post(title="Year One", slug="year-one").replace(b"2026-03-20 08:00", b"0001-01-01")),
}  # fmt: skip
# What each built case must show on its post page: (url, h1 text).
SHOWN = {
    "HTML and script in every field": ("/blog/xss/", HOSTILE_TITLE),
    "byte order mark": ("/blog/bom/", "Bom Post"),
    "Windows line endings": ("/blog/crlf/", "Crlf Post"),
    "YAML-style front matter": ("/blog/yaml/", "Yaml Post"),
    "odd file name": ("/blog/odd-name/", "Odd Name"),
    "empty tags and category": ("/blog/empty-tags/", "Empty Tags"),
    "category, tag and author climbing out": ("/blog/climb-tax/", "Climbing Taxonomies"),
    "year one": ("/blog/year-one/", "Year One"),
}


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory) -> Path:
    """One good build of the fixture site, copied in as each case's previous output/."""
    output = tmp_path_factory.mktemp("previous") / "output"
    result = run_build(FIXTURES / "site" / "siteconf.py", output, now=DEMO_NOW)
    assert result.returncode == 0, result.stderr
    return output


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def build_case(tmp_path: Path, previous: Path, relpath: str, data: bytes):
    """Copy the fixture site, add one file, build; returns (result, output, outside changes)."""
    project = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", project, ignore=shutil.ignore_patterns("output"))
    (tmp_path / "outside-secret.txt").write_text("not for the public")
    target = project / "content" / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    deep = tmp_path / "deep" / "er"
    output, reports = deep / "output", deep / "reports"
    shutil.copytree(previous, output)
    before = files_under(tmp_path)
    result = run_build(project / "siteconf.py", output, now=DEMO_NOW, reports=reports)
    # The replaced output/ is deleted by a detached process after the build exits.
    deadline = time.monotonic() + 60
    while list(deep.glob(".output-removing-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    after = files_under(tmp_path)
    # The build's own places: output/, the private reports and the Markdown cache beside output/.
    allowed = tuple(f"{folder.relative_to(tmp_path).as_posix()}/" for folder in (output, reports, cache_folder(output)))
    changed = {
        name for name in set(before) | set(after)
        if before.get(name) != after.get(name) and not name.startswith(allowed)
    }  # fmt: skip
    return result, output, changed


@pytest.mark.parametrize("case", sorted(FAILS))
def test_hostile_file_fails_with_location(tmp_path, previous_build, case):
    relpath, data, expected = FAILS[case]
    result, output, outside = build_case(tmp_path, previous_build, relpath, data)

    assert result.returncode == 1, result.stderr
    assert re.search(expected, result.stderr), result.stderr
    assert "Traceback" not in result.stderr and "the build stopped" not in result.stderr, result.stderr
    assert files_under(output) == files_under(previous_build), "a failed build changed output/"
    assert outside == set(), f"written outside output/: {outside}"


@pytest.mark.parametrize("case", sorted(ESCAPED))
def test_hostile_text_is_built_as_plain_text(tmp_path, previous_build, case):
    relpath, data = ESCAPED[case]
    result, output, outside = build_case(tmp_path, previous_build, relpath, data)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert outside == set(), f"written outside output/: {outside}"
    url, heading = SHOWN[case]
    page = BeautifulSoup((output / url.strip("/") / "index.html").read_text(encoding="utf-8"), "lxml")
    assert page.h1.get_text() == heading
    assert page.title.get_text().startswith(heading)
    for path in output.rglob("*.html"):
        assert_no_injected_markup(path)
    feed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert heading in [entry.title for entry in feed.entries]


def assert_no_injected_markup(path: Path) -> None:
    """No element, attribute or script came from metadata: it stayed text."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for tag in soup.find_all(True):
        handlers = [name for name in tag.attrs if name.lower().startswith("on")]
        assert not handlers, f"{path}: <{tag.name} {handlers}>"
        assert not (tag.name == "img" and tag.get("src") == "x"), f"{path}: injected <img>"
    assert not soup.find(["b", "i"], string=["Cat", "Eve"]), f"{path}: markup from metadata became elements"
    for script in soup.find_all("script"):
        text = script.string or ""
        if script.get("type") == "application/ld+json":
            json.loads(text)  # still one valid JSON document: nothing broke out of it
        else:
            assert "alert(" not in text, f"{path}: injected script {text[:80]!r}"


def test_property_titles_never_break_the_build(tmp_path_factory, previous_build):
    """Any title a person could type: the page shows it as written, or the build names the line."""

    @settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(title=TITLES, tags=st.lists(WORDISH, max_size=3), category=WORDISH)
    @example(title="<b>&amp; {{ x }} %s ' \" </h1>", tags=["<i>", "a/../b"], category="../..")
    def check(title, tags, category):
        tmp = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
        extra = f"Tags: {', '.join(tags)}\nCategory: {category}" if tags else f"Category: {category}"
        data = POST.format(title=title, slug="prop", extra=extra).replace("Category: Bread\n", "").encode()
        result, output, outside = build_case(tmp, previous_build, "posts/prop.md", data)
        assert "Traceback" not in result.stderr and "the build stopped" not in result.stderr, result.stderr
        assert outside == set()
        if result.returncode == 1:
            errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
            assert errors and all(re.match(r"error: content/posts/prop\.md:\d+: ", e) for e in errors), result.stderr
            return
        assert result.returncode == 0, result.stderr
        page = BeautifulSoup((output / "blog" / "prop" / "index.html").read_text(encoding="utf-8"), "lxml")
        assert " ".join(page.h1.get_text().split()) == " ".join(title.split())
        assert_no_injected_markup(output / "blog" / "prop" / "index.html")
        shutil.rmtree(tmp, ignore_errors=True)

    check()


# Text a person might type into a metadata line: any printable character but a line break.
TITLES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"), min_size=1, max_size=60
).filter(lambda s: s.strip())
WORDISH = st.text(st.sampled_from(list("abcXYZ019 -_./<>&'\"{}%#é")), min_size=1, max_size=12).filter(
    lambda s: s.strip() and "," not in s
)


# --- The guards on their own: fast properties over many inputs ---------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_source_check_never_crashes_and_locates_what_it_reports(data):
    with tempfile.NamedTemporaryFile(suffix=".md") as fh:
        fh.write(data)
        fh.flush()
        problems = guards.check_source_file(fh.name, "content/posts/x.md")
    lines = data.count(b"\n") + 1
    for problem in problems:
        assert problem.path == "content/posts/x.md"
        assert problem.line is None or 1 <= problem.line <= lines
    try:
        clean = not guards.FORBIDDEN.search(data.decode("utf-8"))
    except UnicodeDecodeError:
        clean = False
    if clean and b"\n" not in data and b"\r" not in data:
        assert problems == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_a_slug_the_guard_accepts_stays_inside_its_folder(slug):
    if guards.unsafe_slug_reason(slug) is None:
        joined = Path("/site/output/blog") / slug / "index.html"
        assert joined.resolve().is_relative_to("/site/output/blog/")
        assert not any(c in slug for c in "?#% \\\t\n\"'<>&")


@given(st.sampled_from(["a", "holiday-cakes", "2026/spring", "crème-brûlée", "v1.2", "a_b~c"]))
def test_ordinary_slugs_are_accepted(slug):
    assert guards.unsafe_slug_reason(slug) is None


@pytest.mark.parametrize("slug", ["0\n", "a b", "a?b", "a#b", "a%20b", "../a", "a//b", "/a", "a/./b", "a\\b", ""])
def test_unsafe_slugs_are_refused(slug):
    assert guards.unsafe_slug_reason(slug)


# --- The content calendar's parser: rows written by anyone come back exactly ---

VOCABULARY = Vocabulary(segments=("families", "offices", "weddings"))
CELL_TEXT = st.text(st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 ,.'!?&()-|")), min_size=1, max_size=30).map(
    lambda s: " ".join(s.split())
).filter(bool)
SLUGS = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "date": st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
            "time": st.none() | st.times().map(lambda t: t.replace(second=0, microsecond=0)),
            "title": CELL_TEXT,
            "slug": SLUGS,
            "keyword": CELL_TEXT,
            "segment": st.sampled_from(["families", "offices", "weddings", "all"]),
            "stage": st.sampled_from(["awareness", "consideration", "decision", "retention", "advocacy"]),
            "channels": st.lists(st.sampled_from(["blog", "newsletter", "facebook", "x", "linkedin"]), min_size=1, max_size=3, unique=True),
            "status": st.sampled_from(["idea", "planned", "draft", "review", "scheduled", "published"]),
            "owner": st.sampled_from(["Ana", "Tom", "Priya"]),
        }
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda row: row["slug"],
)


def cell(text: str) -> str:
    return text.replace("|", "\\|")


@settings(max_examples=200, deadline=None)
@given(rows=ROWS, prose=st.lists(CELL_TEXT.map(lambda s: s.replace("|", "/")), max_size=3))
def test_calendar_rows_come_back_exactly_with_their_lines(rows, prose):
    before = "# Plan\n\n" + "".join(p + "\n\n" for p in prose)
    header_line = before.count("\n") + 1
    lines = [
        "| Date | Title | Slug | Keyword | Segment | Stage | Channels | Status | Owner |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        when = row["date"].isoformat() + (f" {row['time']:%H:%M}" if row["time"] else "")
        lines.append(
            f"| {when} | {cell(row['title'])} | {row['slug']} | {cell(row['keyword'])} | {row['segment']} "
            f"| {row['stage']} | {', '.join(row['channels'])} | {row['status']} | {row['owner']} |"
        )
    tables, problems = parse_calendar_text(before + "\n".join(lines) + "\n", "calendar/2030.md")
    parsed = [r for table in tables for r in table.rows]
    problems += check_rows(parsed, VOCABULARY)

    assert [str(p) for p in problems] == []
    assert len(tables) == 1 and tables[0].line == header_line
    assert [r.line for r in parsed] == [header_line + 2 + i for i in range(len(rows))]
    for row, got in zip(rows, parsed, strict=True):
        assert got.title == row["title"] and got.keyword == row["keyword"]
        assert (got.slug, got.segment, got.stage, got.status) == (row["slug"], row["segment"], row["stage"], row["status"])
        assert got.channels == row["channels"]
        assert got.date.date() == row["date"] and got.timed == (row["time"] is not None)
        if row["time"]:
            assert (got.date.hour, got.date.minute) == (row["time"].hour, row["time"].minute)
