"""The content calendar drives real builds: joins, scheduling, expiry, validation, manifest and views."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import DEMO_NOW, ROOT, run_build
from icalendar import Calendar

from contract.manifest import read_manifest

HEADER = "| Date | Title | Slug | Keyword | Segment | Stage | Channels | Status | Owner |"
DELIMITER = "|---|---|---|---|---|---|---|---|---|"

# calendar/2026.md of the small fixture site: the header is line 3, rows start on line 5.
PLAN_ROWS = [
    # line 5: the post's own Keyword differs (warning); Segment/Stage/Channels come from here
    "| 2026-03-02 | Your First Sourdough Loaf | first-loaf | sourdough for beginners | families | awareness | blog, newsletter | published | Ana |",
    # line 6: Title and Date disagree with the post (warnings); Keyword etc. flow in
    "| 2026-03-10 | Keeping Bread Fresh at Home | keep-fresh | keep bread fresh | offices | retention | blog, facebook | published | Tom |",
    # line 7: a post with no Date of its own takes this one
    "| 2026-04-01 09:00 | April Rye | april-rye | rye bread | weddings | decision | blog, instagram | scheduled | Priya |",
    # line 8: no post for a scheduled row
    "| 2026-05-01 | Spring Rye Classes | spring-rye | rye classes | all | consideration | blog | scheduled | Tom |",
    # line 9: an idea, no date needed
    "| | Summer Berry Tarts | | berry tarts | families | awareness | blog | idea | Ana |",
]

APRIL_RYE = """Title: April Rye
Category: Bread
Tags: rye

APRIL-RYE-MARKER a rye loaf for spring, with caraway and a long cold proof in the fridge overnight.
"""


def write_calendar(project: Path, rows=PLAN_ROWS, name: str = "2026.md") -> Path:
    path = project / "calendar" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text("# Test plan\n\n" + "\n".join([HEADER, DELIMITER, *rows]) + "\n", encoding="utf-8")
    return path


def build(project: Path, now: str = "2026-06-01T12:00", out: str = "output", command="build"):
    output, reports = project / out, project / "reports"
    result = run_build(project / "siteconf.py", output, now=now, reports=reports, command=command)
    return result, output, reports


@pytest.fixture
def planned(project) -> Path:
    """The fixture site with a calendar and a post that has no Date of its own."""
    write_calendar(project)
    (project / "content" / "posts" / "april-rye.md").write_text(APRIL_RYE, encoding="utf-8")
    return project


def entry(manifest, slug):
    return next(e for e in manifest.pages + manifest.held_back if e.slug == slug and e.kind == "article")


def jsonld_keywords(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    for script in soup.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        for node in data.get("@graph", [data]):
            if "BlogPosting" in str(node.get("@type")):
                return node.get("keywords", [])
    return []


def feed_titles(path: Path) -> list[str]:
    return [e.title for e in feedparser.parse(path.read_bytes()).entries]


# --- joining ------------------------------------------------------------------------------


def test_plan_fields_flow_into_posts_and_the_posts_own_metadata_wins(planned):
    result, output, reports = build(planned)
    assert result.returncode == 0, result.stderr
    manifest = read_manifest(reports / "manifest.json")

    fresh = entry(manifest, "keep-fresh")
    assert (fresh.keyword, fresh.segment, fresh.stage, fresh.owner) == ("keep bread fresh", "offices", "retention", "Tom")
    assert fresh.channels == ["blog", "facebook"]
    assert fresh.calendar_row == "calendar/2026.md:6"
    assert fresh.title == "Keeping Bread Fresh"  # the post's own title wins
    assert fresh.date.startswith("2026-03-09T08:00")  # and its own date

    loaf = entry(manifest, "first-loaf")
    assert loaf.keyword == "first sourdough loaf"  # own metadata wins
    assert loaf.segment == "families"  # filled from the plan

    # Plan data reaches what templates and feeds make: the segment feed and the JSON-LD.
    assert "Keeping Bread Fresh" in feed_titles(output / "feeds" / "segment" / "offices.atom.xml")
    assert "Keeping Bread Fresh" not in feed_titles(output / "feeds" / "segment" / "weddings.atom.xml")
    assert "keep bread fresh" in jsonld_keywords(output / "blog" / "keep-fresh" / "index.html")

    # Each disagreement names both values and both places.
    stderr = result.stderr
    assert (
        "warning: content/posts/first-loaf.md:7: Keyword 'first sourdough loaf' differs from the calendar's "
        "'sourdough for beginners' (calendar/2026.md:5); the post's own value is used" in stderr
    )
    assert "content/posts/keep-fresh.md:1: Title 'Keeping Bread Fresh' differs from the calendar's 'Keeping Bread Fresh at Home' (calendar/2026.md:6)" in stderr
    assert "content/posts/keep-fresh.md:2: Date '2026-03-09 08:00' differs from the calendar's '2026-03-10' (calendar/2026.md:6)" in stderr
    assert "Segment" not in stderr  # no disagreement where the post is silent


def test_a_post_without_a_date_takes_its_rows_and_is_scheduled_by_it(planned):
    before, output, reports = build(planned, now="2026-04-01T08:59")
    assert before.returncode == 0, before.stderr
    assert not (output / "blog" / "april-rye").exists()
    assert "april-rye" not in (output / "sitemap.xml").read_text()
    assert "April Rye" not in feed_titles(output / "feeds" / "all.atom.xml")
    assert "APRIL-RYE-MARKER" not in "".join(p.read_text(errors="replace") for p in output.rglob("*.*ml"))
    manifest = read_manifest(reports / "manifest.json")
    assert entry(manifest, "april-rye").status == "scheduled"
    assert manifest.next_change == "2026-04-01T09:00:00-04:00"
    assert "Next scheduled change: 2026-04-01 09:00 EDT (april-rye publishes)" in before.stderr

    after, output, reports = build(planned, now="2026-04-01T09:00")
    assert after.returncode == 0, after.stderr
    assert "APRIL-RYE-MARKER" in (output / "blog" / "april-rye" / "index.html").read_text()
    assert "/blog/april-rye/" in (output / "sitemap.xml").read_text()
    assert "April Rye" in feed_titles(output / "feeds" / "all.atom.xml")
    published = entry(read_manifest(reports / "manifest.json"), "april-rye")
    assert published.status == "published"
    assert published.date == "2026-04-01T09:00:00-04:00"
    assert published.calendar_row == "calendar/2026.md:7"


def test_a_row_still_in_planning_keeps_its_post_a_draft(planned):
    calendar = write_calendar(planned, [r.replace("| scheduled | Priya |", "| review | Priya |") for r in PLAN_ROWS])
    result, output, reports = build(planned)
    assert result.returncode == 0, result.stderr
    assert not (output / "blog" / "april-rye").exists()
    assert (
        "warning: content/posts/april-rye.md:1: not published: its calendar row (calendar/2026.md:7) says 'review'; "
        "set the row's Status to scheduled or published to publish it" in result.stderr
    )
    # Editing that one line publishes it.
    calendar.write_text(calendar.read_text().replace("| review | Priya |", "| scheduled | Priya |"))
    result, output, reports = build(planned)
    assert result.returncode == 0, result.stderr
    assert (output / "blog" / "april-rye" / "index.html").exists()


def test_overdue_rows_and_unplanned_posts_are_warnings_in_the_log_the_manifest_and_the_report(planned):
    result, output, reports = build(planned, command="calendar")
    assert result.returncode == 0, result.stderr
    assert (
        "warning: calendar/2026.md:8: 'spring-rye' was due 2026-05-01 (scheduled) but has no post; write the post "
        "(invoke calendar --new-stubs starts a draft) or move the row's date" in result.stderr
    )
    # future-post and secret-draft exist but are not in the plan: a notice for the report, not the log.
    assert "this post is not in the calendar" not in result.stderr
    findings = {(f.rule, f.severity, f.file, f.line) for f in read_manifest(reports / "manifest.json").calendar}
    assert ("calendar.overdue", "warning", "calendar/2026.md", 8) in findings
    assert ("calendar.unplanned-post", "notice", "content/posts/secret-draft.md", None) in findings
    # The plan report on stdout.
    assert "Overdue: 1\n  calendar/2026.md:8  spring-rye was due 2026-05-01 Fri (scheduled), no post" in result.stdout
    assert "Posts not in the plan: 2" in result.stdout
    # The demo profile's holiday hours change the site before the post of 2030 publishes.
    assert "Next scheduled change: 2026-11-27 00:00 EST (Thanksgiving hours drop out)" in result.stdout


def test_keywords_planned_twice_are_a_cannibalization_warning(planned):
    rows = PLAN_ROWS + ["| 2026-07-01 | More Fresh Bread | more-fresh | Keep  Bread Fresh | families | awareness | blog | planned | Ana |"]
    write_calendar(planned, rows)
    result, _, _ = build(planned)
    assert result.returncode == 0, result.stderr
    assert "warning: calendar/2026.md:10: keyword 'Keep Bread Fresh' is also the focus of 'keep-fresh' (calendar/2026.md:6)" in result.stderr


# --- validation -------------------------------------------------------------------------


def test_every_calendar_mistake_fails_the_build_with_its_line(planned, tmp_path):
    good, _, reports = build(planned)
    assert good.returncode == 0, good.stderr
    manifest_before = (reports / "manifest.json").read_bytes()
    rows = [
        PLAN_ROWS[0].replace("| published |", "| publised |"),  # 5
        PLAN_ROWS[1].replace("| offices |", "| office |"),  # 6
        PLAN_ROWS[2].replace("| decision |", "| purchase |"),  # 7
        PLAN_ROWS[3].replace("| blog |", "| blog, myspace |"),  # 8
        "| 2026-02-30 | Leap Bread | leap-bread | leap | all | awareness | blog | planned | Ana |",  # 9
        "| 2026-06-01 | Leap Bread Again | leap-bread | leap again | all | awareness | blog | planned | Ana |",  # 10
        "| 2026-06-08 | Short Row | short-row | short | all | awareness | blog | planned |",  # 11
    ]
    write_calendar(planned, rows)
    result, output, reports = build(planned)
    assert result.returncode == 1
    expected = [
        "error: calendar/2026.md:5: unknown status 'publised'; expected one of: idea, planned, draft, review, scheduled, published (did you mean 'published'?)",
        "error: calendar/2026.md:6: unknown segment 'office'; expected one of: families, offices, weddings, all (did you mean 'offices'?)",
        "error: calendar/2026.md:7: unknown stage 'purchase'; expected one of: awareness, consideration, decision, retention, advocacy",
        "error: calendar/2026.md:8: unknown channel 'myspace'; expected one of: blog, newsletter, facebook, instagram, linkedin, x, google-business",
        "error: calendar/2026.md:9: unreadable date '2026-02-30'; write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM",
        "error: calendar/2026.md:10: duplicate slug 'leap-bread': calendar/2026.md:9 plans it already",
        "error: calendar/2026.md:11: this row has 8 cell(s), the header has 9",
    ]
    for line in expected:
        assert line in result.stderr, f"missing: {line}\n{result.stderr}"
    assert "output/ was left as it was" in result.stderr
    # The failed build wrote nothing: the previous site and manifest stand.
    assert (output / "blog" / "index.html").exists()
    assert (reports / "manifest.json").read_bytes() == manifest_before
    assert not [p for p in reports.iterdir() if p.name.startswith(".")]


def test_bad_editorial_settings_name_key_value_and_form(planned):
    settings = planned / "siteconf.py"
    settings.write_text(settings.read_text() + "\nEDITORIAL = {'cadence': 'twice a week'}\n")
    result, _, _ = build(planned)
    assert result.returncode == 1
    assert (
        "EDITORIAL['cadence'] = 'twice a week'; expected a positive number of posts a week, e.g. 2 or 0.5"
        in result.stderr
    )


# --- expiry --------------------------------------------------------------------------------


def test_expired_content_leaves_site_sitemap_and_feeds_and_can_redirect(project):
    landing = project / "content" / "landing" / "spring-sale.md"
    landing.write_text(landing.read_text().replace("Slug: spring-sale\n", "Slug: spring-sale\nExpires: 2026-05-01\n"))
    post = project / "content" / "posts" / "keep-fresh.md"
    post.write_text(
        post.read_text().replace("Slug: keep-fresh\n", "Slug: keep-fresh\nExpires: 2026-04-01 12:00\nSuccessor: /blog/first-loaf/\n")
    )
    result, output, reports = build(project, now="2026-03-20T12:00")
    assert result.returncode == 0, result.stderr
    assert (output / "offers" / "spring-sale" / "index.html").exists()
    assert "Keeping Bread Fresh" in feed_titles(output / "feeds" / "all.atom.xml")
    assert "Next scheduled change: 2026-04-01 12:00 EDT (keep-fresh expires)" in result.stderr

    result, output, reports = build(project, now="2026-05-01T00:00")
    assert result.returncode == 0, result.stderr
    assert not (output / "offers" / "spring-sale").exists()
    sitemap = (output / "sitemap.xml").read_text()
    assert "spring-sale" not in sitemap and "keep-fresh" not in sitemap
    assert "Keeping Bread Fresh" not in feed_titles(output / "feeds" / "all.atom.xml")
    # keep-fresh named a successor: its URL now redirects there and is not indexed.
    page = BeautifulSoup((output / "blog" / "keep-fresh" / "index.html").read_text(), "lxml")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/blog/first-loaf/"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("link", rel="canonical")["href"] == "https://test-bakery.example/blog/first-loaf/"
    assert "Bread keeps best" not in page.text
    manifest = read_manifest(reports / "manifest.json")
    redirect = next(e for e in manifest.pages if e.kind == "redirect")
    assert (redirect.url, redirect.redirect_to) == ("/blog/keep-fresh/", "/blog/first-loaf/")
    assert {(e.slug, e.status) for e in manifest.held_back} >= {("spring-sale", "expired"), ("keep-fresh", "expired")}


def test_optional_columns_expires_campaign_and_pillar_are_honoured(planned):
    extra = {
        "first-loaf": " | bread-basics | ",
        "keep-fresh": "2026-05-01 | spring-bread | first-loaf",
        "april-rye": " | spring-bread | first-loaf",
        "spring-rye": " | | no-such-page",
    }
    rows = [row + f" {extra.get(row.split('|')[3].strip(), ' | | ')} |" for row in PLAN_ROWS]
    path = planned / "calendar" / "2026.md"
    path.write_text("\n".join([HEADER + " Expires | Campaign | Pillar |", DELIMITER + "---|---|---|", *rows]) + "\n")
    result, output, reports = build(planned, now="2026-04-30T12:00")
    assert result.returncode == 0, result.stderr
    assert (output / "blog" / "keep-fresh").exists()
    manifest = read_manifest(reports / "manifest.json")
    fresh = entry(manifest, "keep-fresh")
    assert (fresh.expires, fresh.campaign, fresh.pillar) == ("2026-05-01T00:00:00-04:00", "spring-bread", "first-loaf")
    assert entry(manifest, "first-loaf").campaign == "bread-basics"
    assert "warning: calendar/2026.md:6: pillar 'no-such-page' is not the slug of any page or post" in result.stderr
    assert "Next scheduled change: 2026-05-01 00:00 EDT (keep-fresh expires)" in result.stderr

    result, output, _ = build(planned, now="2026-05-01T00:00")
    assert result.returncode == 0, result.stderr
    assert not (output / "blog" / "keep-fresh").exists()
    assert (output / "blog" / "first-loaf").exists()


# --- the manifest and the views ----------------------------------------------------------------


def test_manifest_lists_every_published_url_once_with_its_source(fixture_site):
    manifest = read_manifest(fixture_site.reports / "manifest.json")
    urls = [e.url for e in manifest.pages]
    assert len(urls) == len(set(urls))
    written = {
        "/" + p.relative_to(fixture_site.output).as_posix().removesuffix("index.html")
        for p in fixture_site.output.rglob("index.html")
    }
    for entry_ in manifest.pages:
        assert entry_.url in written, entry_.url
        assert (ROOT / "tests" / "fixtures" / "site" / entry_.source).is_file()
    assert {"/blog/first-loaf/", "/about/", "/offers/spring-sale/"} <= set(urls)
    loaf = next(e for e in manifest.pages if e.url == "/blog/first-loaf/")
    assert loaf.word_count > 20 and loaf.keyword == "first sourdough loaf" and loaf.date.startswith("2026-03-02T08:00")
    assert next(e for e in manifest.pages if e.url == "/offers/spring-sale/").kind == "landing"
    assert {(e.slug, e.status) for e in manifest.held_back} == {
        ("future-post", "scheduled"),
        ("secret-draft", "draft"),
        ("staff-only", "hidden"),
    }
    assert manifest.generated_at == "2026-11-24T12:00:00-05:00"
    assert manifest.calendar == []  # no calendar/ folder: no plan advice either
    # Reports are private: nothing of them in the site.
    assert not list(fixture_site.output.rglob("calendar.*")) and not list(fixture_site.output.rglob("manifest.json"))


def test_ics_has_one_event_per_dated_row_with_a_stable_uid(planned):
    result, _, reports = build(planned)
    assert result.returncode == 0, result.stderr
    events = {str(e["UID"]): e for e in Calendar.from_ical((reports / "calendar.ics").read_bytes()).walk("VEVENT")}
    assert set(events) == {f"{s}@test-bakery.example" for s in ("first-loaf", "keep-fresh", "april-rye", "spring-rye")}
    loaf = events["first-loaf@test-bakery.example"]
    assert str(loaf["SUMMARY"]) == "Your First Sourdough Loaf"
    assert str(loaf["URL"]) == "https://test-bakery.example/blog/first-loaf/"
    assert loaf.decoded("DTSTART").isoformat() == "2026-03-02T13:00:00+00:00"  # the post's 08:00 in New York
    description = str(loaf["DESCRIPTION"])
    assert "Keyword: first sourdough loaf" in description and "Channels: blog, newsletter" in description
    spring = events["spring-rye@test-bakery.example"]
    assert spring.decoded("DTSTART").isoformat() == "2026-05-01"  # a whole day: the row has no time
    assert "URL" not in spring and "State: overdue" in str(spring["DESCRIPTION"])

    # Editing the row changes the event, not its identity.
    path = planned / "calendar" / "2026.md"
    path.write_text(path.read_text().replace("Spring Rye Classes | spring-rye", "Rye Classes This Spring | spring-rye"))
    result, _, reports = build(planned)
    events = {str(e["UID"]): e for e in Calendar.from_ical((reports / "calendar.ics").read_bytes()).walk("VEVENT")}
    assert str(events["spring-rye@test-bakery.example"]["SUMMARY"]) == "Rye Classes This Spring"
    assert len(events) == 4


def test_ics_lines_are_folded_and_escaped(project):
    long_title = "A very long title, with commas; semicolons and a backslash \\\\ that needs more than seventy-five octets — ünïcödé"
    rows = [PLAN_ROWS[0].replace("Your First Sourdough Loaf", long_title)]
    write_calendar(project, rows)
    result, _, reports = build(project)
    assert result.returncode == 0, result.stderr
    raw = (reports / "calendar.ics").read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    event = next(iter(Calendar.from_ical(raw).walk("VEVENT")))
    assert str(event["SUMMARY"]) == long_title.replace("\\\\", "\\")


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_merges_the_plan_with_what_is_published(planned):
    result, _, reports = build(planned)
    assert result.returncode == 0, result.stderr
    rows = {r["Slug"]: r for r in read_csv(reports / "calendar.csv")}
    assert rows["first-loaf"]["State"] == "published"
    assert rows["first-loaf"]["Published URL"] == "https://test-bakery.example/blog/first-loaf/"
    assert rows["first-loaf"]["Keyword"] == "sourdough for beginners"  # the plan as written
    assert rows["spring-rye"]["State"] == "overdue" and rows["spring-rye"]["Post file"] == ""
    assert (rows["april-rye"]["Calendar file"], rows["april-rye"]["Calendar line"]) == ("calendar/2026.md", "7")
    assert rows["future-post"]["State"] == "unplanned" and rows["future-post"]["Status"] == ""


def import_csv(project: Path, csv_path: Path, *extra: str, now="2026-06-01T12:00"):
    return run_build(
        project / "siteconf.py",
        project / "output",
        now=now,
        reports=project / "reports",
        command=["calendar", "--import", str(csv_path), *extra],
    )


def test_csv_export_then_import_changes_nothing(planned):
    (planned / "calendar" / "2026.md").write_text(
        "# Test plan\n\nProse stays.\n\n"
        + "\n".join([HEADER.replace(" Owner |", " Owner | Notes |"), DELIMITER + "---|"])
        + "\n"
        + "\n".join(r + " call Ana, \\| twice |" for r in PLAN_ROWS[:2])
        + "\n\n## Later\n\n"
        + "\n".join([HEADER, DELIMITER, *PLAN_ROWS[2:]])
        + "\n"
    )
    write_calendar(planned, ["| 2027-01-06 | New Year Loaves | new-year-loaves | new year bread | all | awareness | blog | planned | Ana |"], "2027.md")
    before = {p.name: p.read_bytes() for p in (planned / "calendar").iterdir()}
    result, _, reports = build(planned)
    assert result.returncode == 0, result.stderr
    exported = (reports / "calendar.csv").read_bytes()
    result = import_csv(planned, reports / "calendar.csv")
    assert result.returncode == 0, result.stderr
    assert "calendar/2026.md is unchanged" in result.stdout.replace(str(planned) + "/", "")
    assert {p.name: p.read_bytes() for p in (planned / "calendar").iterdir()} == before
    assert (reports / "calendar.csv").read_bytes() == exported


def test_csv_import_then_export_round_trips(project):
    sheet = project / "plan.csv"
    original = [
        ["Date", "Title", "Slug", "Keyword", "Segment", "Stage", "Channels", "Status", "Owner", "Budget"],
        ["2026-03-02", "Your First Sourdough Loaf", "first-loaf", "first sourdough loaf", "families", "awareness", "blog, newsletter", "published", "Ana", "$0"],
        ["2026-07-01 10:30", "Rye | Caraway, a [guide](https://example.com)", "rye-caraway", "rye caraway", "all", "decision", "blog", "planned", "Tom", "line one\nline two"],
        ["", "Summer tarts", "", "", "", "", "", "idea", "", ""],
    ]
    with open(sheet, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(original)
    result = import_csv(project, sheet)
    assert result.returncode == 0, result.stderr
    table = (project / "calendar" / "2026.md").read_text()
    assert "| Rye \\| Caraway, a [guide](https://example.com) |" in table and "line one<br>line two" in table
    assert (project / "calendar" / "plan.md").exists()  # the undated idea
    exported = read_csv(project / "reports" / "calendar.csv")
    columns = original[0]
    back = [[r[c] for c in columns] for r in exported if r["State"] != "unplanned"]
    assert sorted(back) == sorted(original[1:])


def test_csv_import_checks_every_row_and_writes_nothing_on_error(planned):
    before = (planned / "calendar" / "2026.md").read_bytes()
    sheet = planned / "bad.csv"
    sheet.write_text(
        "Date,Title,Slug,Keyword,Segment,Stage,Channels,Status,Owner\n"
        "2026-08-01,Fine,fine-post,kw,all,awareness,blog,planned,Ana\n"
        "2026-08-08,Bad,bad-post,kw,all,awareness,blog,plannd,Ana\n",
        encoding="utf-8",
    )
    result = import_csv(planned, sheet)
    assert result.returncode == 1
    assert "Import failed: 1 problem(s); nothing was written." in result.stderr
    assert "error: bad.csv:3: unknown status 'plannd'" in result.stderr
    assert (planned / "calendar" / "2026.md").read_bytes() == before
    assert not (planned / "output").exists()


# --- stubs ------------------------------------------------------------------------------------


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_new_stubs_write_drafts_for_planned_rows_and_never_touch_a_file(planned):
    posts = planned / "content" / "posts"
    rows = PLAN_ROWS + ["| 2026-08-01 | Berry Season | berry-season | berry season | families | awareness | blog, instagram | planned | Ana |"]
    write_calendar(planned, rows)
    before = _hashes(posts)
    result = run_build(
        planned / "siteconf.py", planned / "output", now="2026-06-01T12:00", reports=planned / "reports",
        command=["calendar", "--new-stubs"],
    )
    assert result.returncode == 0, result.stderr
    assert "Created content/posts/spring-rye.md" in result.stdout.replace(str(planned) + "/", "")
    assert "Created content/posts/berry-season.md" in result.stdout.replace(str(planned) + "/", "")
    after = _hashes(posts)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"spring-rye.md", "berry-season.md"}  # not the idea
    stub = (posts / "berry-season.md").read_text()
    assert stub.startswith("Title: Berry Season\nSlug: berry-season\nKeyword: berry season\nSegment: families\n")
    assert "Status: draft\n" in stub and "Date:" not in stub
    # Stubs are drafts: nothing published, the plan now knows their posts.
    assert not (planned / "output" / "blog" / "berry-season").exists()
    manifest = read_manifest(planned / "reports" / "manifest.json")
    assert entry(manifest, "berry-season").status == "draft"
    assert entry(manifest, "berry-season").date.startswith("2026-08-01")

    # A second run has nothing to do and changes nothing.
    stubbed = _hashes(posts)
    result = run_build(
        planned / "siteconf.py", planned / "output", now="2026-06-01T12:00", reports=planned / "reports",
        command=["calendar", "--new-stubs"],
    )
    assert result.returncode == 0, result.stderr
    assert "No stubs to write" in result.stdout
    assert _hashes(posts) == stubbed


def test_stubs_leave_an_existing_file_byte_for_byte(planned):
    from contract.manifest import Manifest
    from planning.plan import Vocabulary, read_plan
    from planning.tools import new_stubs

    posts = planned / "content" / "posts"
    existing = posts / "spring-rye.md"
    existing.write_bytes(b"Not a post yet \xff\xfe notes")
    plan = read_plan(planned / "calendar", planned, Vocabulary(("families", "offices", "weddings")))
    result = new_stubs(plan.rows, Manifest(generated_at="2026-06-01T12:00:00-04:00", site={}), posts)
    assert existing.read_bytes() == b"Not a post yet \xff\xfe notes"
    assert [p.name for p, _ in result.existing] == ["first-loaf.md", "keep-fresh.md", "april-rye.md", "spring-rye.md"]
    assert result.created == []


# --- the demo ------------------------------------------------------------------------------


def test_demo_plan_builds_cleanly_and_drives_the_demo(demo_site):
    assert "error" not in demo_site.result.stderr.lower()
    assert "calendar/" not in demo_site.result.stderr  # no plan warnings either
    manifest = read_manifest(demo_site.reports / "manifest.json")
    planned_posts = [e for e in manifest.pages if e.kind == "article"]
    assert planned_posts and all(e.calendar_row and e.calendar_row.startswith("calendar/2026.md:") for e in planned_posts)
    assert [(e.slug, e.status) for e in manifest.held_back] == [
        ("holiday-cake-guide", "scheduled"),
        ("office-holiday-party-catering", "scheduled"),
    ]
    # Thanksgiving (2026-11-26) leaves the opening hours the day after: the first change after 11-24.
    assert manifest.next_change == "2026-11-27T00:00:00-05:00"
    assert "Next scheduled change: 2026-11-27 00:00 EST (Thanksgiving hours drop out)" in demo_site.result.stderr
    assert {"at": "2026-12-03T08:00:00-05:00", "slug": "holiday-cake-guide", "change": "publishes",
            "source": "content/posts/holiday-cake-guide.md"} in manifest.upcoming
    events = list(Calendar.from_ical((demo_site.reports / "calendar.ics").read_bytes()).walk("VEVENT"))
    assert len(events) == 25
    html = (demo_site.reports / "calendar.html").read_text()
    soup = BeautifulSoup(html, "lxml")
    # Self-contained: no external script, style or font.
    assert not soup.find_all("script", src=True) and not soup.find_all("link", rel="stylesheet")
    assert "@import" not in html and "url(" not in html
    assert len(soup.select("tr.item")) == 25
    for slug in ("holiday-cake-guide", "winter-wedding-cakes", "our-year-in-bread-2026"):
        assert soup.select_one(f"tr#item-{slug}")


def test_editing_one_line_of_the_demo_plan_changes_site_report_and_ics(tmp_path):
    """Done means: one line of calendar/2026.md changes what is published, the report and the ICS."""
    import shutil

    project = tmp_path / "demo"
    for name in ("content", "calendar"):
        shutil.copytree(ROOT / name, project / name)
    settings = project / "democonf.py"  # not pelicanconf.py: Pelican loads a settings file under its own name
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *  # noqa\n"
        f"PATH = {str(project / 'content')!r}\n"
    )
    calendar = project / "calendar" / "2026.md"
    line = next(n for n, text in enumerate(calendar.read_text().splitlines(), 1) if "| reheating-bread-and-pastries |" in text)
    calendar.write_text(calendar.read_text().replace("| families | retention | blog, newsletter, facebook, google-business | published | Ana |", "| families | retention | blog, newsletter, facebook, google-business | review | Ana |"))

    result = run_build(settings, project / "output", now=DEMO_NOW, reports=project / "reports", command="calendar")
    assert result.returncode == 0, result.stderr
    assert not (project / "output" / "blog" / "reheating-bread-and-pastries").exists()
    assert f"content/posts/reheating-bread-and-pastries.md:1: not published: its calendar row (calendar/2026.md:{line}) says 'review'" in result.stderr
    assert "Behind schedule: 1" in result.stdout and "reheating-bread-and-pastries still review" in result.stdout
    event = next(e for e in Calendar.from_ical((project / "reports" / "calendar.ics").read_bytes()).walk("VEVENT")
                 if str(e["UID"]).startswith("reheating-bread-and-pastries@"))
    assert "URL" not in event and "State: review" in str(event["DESCRIPTION"])


@pytest.mark.slow
def test_calendar_html_filters_in_a_browser_without_a_server(demo_site):
    from playwright.sync_api import sync_playwright
    from quality import CHROME_FLAGS, require_chromium

    chromium = require_chromium()
    page_url = (demo_site.reports / "calendar.html").as_uri()
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROME_FLAGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(page_url)
            visible = "() => [...document.querySelectorAll('tr.item')].filter(r => !r.hidden).map(r => r.id)"
            assert len(page.evaluate(visible)) == 25
            page.select_option("select[data-filter=segment]", "weddings")
            wedding_rows = page.evaluate(visible)
            segments = page.evaluate("() => [...document.querySelectorAll('tr.item')].filter(r => !r.hidden).map(r => r.dataset.segment)")
            assert set(segments) == {"weddings", "all"} and "item-winter-wedding-cakes" in wedding_rows
            assert "item-holiday-cake-guide" not in wedding_rows
            page.select_option("select[data-filter=segment]", "")
            page.select_option("select[data-filter=state]", "scheduled")
            assert sorted(page.evaluate(visible)) == ["item-holiday-cake-guide", "item-office-holiday-party-catering"]
            chips = page.evaluate("() => [...document.querySelectorAll('a.chip')].filter(c => !c.hidden).length")
            assert chips == 2  # the month grid filters too
            page.select_option("select[data-filter=state]", "")
            page.fill("input[data-filter=text]", "valentine")
            assert sorted(page.evaluate(visible)) == ["item-office-valentine-treats", "item-valentines-cakes"]
            assert page.inner_text("#shown") == "2 of 25 shown"
        finally:
            browser.close()
    assert errors == []
    assert requests == [page_url]  # self-contained: nothing else is fetched


def test_bad_expires_and_successor_fail_the_build_with_their_lines(project):
    post = project / "content" / "posts" / "keep-fresh.md"
    post.write_text(post.read_text().replace("Slug: keep-fresh\n", "Slug: keep-fresh\nExpires: soon-ish\n"))
    landing = project / "content" / "landing" / "spring-sale.md"
    landing.write_text(landing.read_text().replace("Slug: spring-sale\n", "Slug: spring-sale\nExpires: 2026-01-01\nSuccessor: summer-sale\n"))
    result, _, _ = build(project)
    assert result.returncode == 1
    assert "error: content/posts/keep-fresh.md:6: unreadable Expires 'soon-ish'; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM" in result.stderr
    assert "error: content/landing/spring-sale.md:4: Successor 'summer-sale' is not a site path or URL; write it as /offers/new-offer/ or https://..." in result.stderr


def test_next_scheduled_change_counts_events_that_end_and_holiday_hours(tmp_path):
    """On 2026-12-04 the sourdough workshop page leaves the site next (12-05 19:30), not a post on 12-10."""
    result = run_build(ROOT / "pelicanconf.py", tmp_path / "output", now="2026-12-04T12:00")
    assert result.returncode == 0, result.stderr
    assert "Next scheduled change: 2026-12-05 19:30 EST (sourdough-workshop-december ends)" in result.stderr
    upcoming = read_manifest(tmp_path / "reports" / "manifest.json").upcoming
    changes = [(item["at"], item["slug"], item["change"]) for item in upcoming]
    assert changes[:2] == [
        ("2026-12-05T19:30:00-05:00", "sourdough-workshop-december", "ends"),
        ("2026-12-10T08:00:00-05:00", "office-holiday-party-catering", "publishes"),
    ]
    assert ("2026-12-27T00:00:00-05:00", "Christmas hours", "drop out") in changes  # closed 12-25 through 12-26
    assert [at for at, _, _ in changes] == sorted(at for at, _, _ in changes)
